"""Receipts: one per contribution received, and a statement per donor per year, as printable
HTML and as PDF (WeasyPrint, which reads only this application's own stylesheet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from meetings.auth.models import User
from meetings.errors import NotFound
from meetings.extensions import db
from meetings.fund.contributions import contribution_by_token, get_contribution
from meetings.fund.donors import donor_by_id
from meetings.fund.models import RECEIVED_STATUSES, Contribution, Donor
from meetings.money import Money

if TYPE_CHECKING:
    from weasyprint.document import Document


def _received(contribution: Contribution) -> Contribution:
    if contribution.status not in RECEIVED_STATUSES or contribution.receipt_number is None:
        raise NotFound(_("There is no receipt: the money has not been received yet."))
    return contribution


def receipt_for(actor: User, contribution_id: int) -> Contribution:
    """A receipt the actor may see: their donor's own, or any for a fund administrator."""
    return _received(get_contribution(actor, contribution_id))


def receipt_by_token(token: str) -> Contribution:
    """The receipt of a guest's contribution, by the secret of the donor's thank-you link."""
    return _received(contribution_by_token(token))


@dataclass
class Statement:
    donor: Donor
    year: int
    contributions: list[Contribution]

    @property
    def total(self) -> Money:
        return Money(sum(c.usd_amount_minor or 0 for c in self.contributions), "USD")


def statement(actor: User, donor_id: int, year: int) -> Statement:
    donor = donor_by_id(actor, donor_id)
    if not 1900 <= year <= 9999:
        raise NotFound(_("There is no statement for this year."))
    rows = list(
        db.session.scalars(
            sa.select(Contribution)
            .where(
                Contribution.donor_id == donor.id,
                Contribution.status.in_(RECEIVED_STATUSES),
                Contribution.value_date >= date(year, 1, 1),
                Contribution.value_date <= date(year, 12, 31),
            )
            .order_by(Contribution.value_date, Contribution.receipt_number)
        )
    )
    return Statement(donor=donor, year=year, contributions=rows)


def _mime(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}.get(
        path.suffix, "application/octet-stream"
    )


def pdf(html: str) -> bytes:
    """``html`` (a page that links static/ files by relative path) as a PDF document."""
    return bytes(laid_out(html).write_pdf())


def laid_out(html: str) -> Document:
    """``html`` laid out in pages. WeasyPrint may read files of static/ and nothing else: no
    network, no other file."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static = Path(current_app.static_folder or "").resolve()

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file://"):
                path = Path(url[len("file://") :].split("?")[0]).resolve()
                if static in path.parents and path.is_file():
                    return URLFetcherResponse(
                        url, body=path.read_bytes(), headers={"Content-Type": _mime(path)}
                    )
            raise ValueError(f"refused to fetch {url}")

    document = HTML(
        string=html,
        base_url=static.as_uri() + "/",
        url_fetcher=StaticOnly(allowed_protocols=("file",)),
    )
    return document.render()
