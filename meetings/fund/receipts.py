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
from meetings.fund.models import RECEIVED_STATUSES, Contribution, Donor, LedgerEntry, LedgerKind
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


@dataclass(frozen=True)
class StatementLine:
    """A contribution's money in the year: received (gross), refunded or taken by disputes
    (less what came back), and what stays given."""

    contribution: Contribution
    received: Money
    returned: Money

    @property
    def given(self) -> Money:
        return self.received - self.returned


@dataclass
class Statement:
    donor: Donor
    year: int
    lines: list[StatementLine]

    @property
    def received(self) -> Money:
        return sum((line.received for line in self.lines), Money.zero("USD"))

    @property
    def returned(self) -> Money:
        return sum((line.returned for line in self.lines), Money.zero("USD"))

    @property
    def total(self) -> Money:
        """What the donor gave in the year, net of refunds and lost disputes: the same figure
        as the fund's other pages give for the same donor and year."""
        return self.received - self.returned


def statement(actor: User, donor_id: int, year: int) -> Statement:
    """A donor's statement of a year: every movement of its money booked on a day of that
    year (a refund in January of a gift of December is in January's year)."""
    from meetings.fund.queries import GIVEN_SIGNS

    donor = donor_by_id(actor, donor_id)
    if not 1900 <= year <= 9999:
        raise NotFound(_("There is no statement for this year."))
    # The sums by contribution and kind first, then their contributions: a contribution's eager
    # joins (donor, state, group) cannot sit in a GROUP BY on PostgreSQL.
    rows = db.session.execute(
        sa.select(
            LedgerEntry.contribution_id, LedgerEntry.kind, sa.func.sum(LedgerEntry.usd_amount_minor)
        )
        .join(Contribution, LedgerEntry.contribution_id == Contribution.id)
        .where(
            Contribution.donor_id == donor.id,
            LedgerEntry.kind.in_(list(GIVEN_SIGNS)),
            LedgerEntry.occurred_on >= date(year, 1, 1),
            LedgerEntry.occurred_on <= date(year, 12, 31),
        )
        .group_by(LedgerEntry.contribution_id, LedgerEntry.kind)
    ).all()
    sums: dict[int, dict[LedgerKind, int]] = {}
    for contribution_id, kind, total in rows:
        sums.setdefault(int(contribution_id), {})[LedgerKind(kind)] = int(total or 0)
    found = {
        contribution.id: contribution
        for contribution in db.session.scalars(
            sa.select(Contribution).where(Contribution.id.in_(list(sums)))
        )
    }
    lines = []
    for contribution_id, by_kind in sums.items():
        received = by_kind.get(LedgerKind.CONTRIBUTION_RECEIVED, 0)
        net = sum(GIVEN_SIGNS[kind] * value for kind, value in by_kind.items())
        lines.append(
            StatementLine(
                found[contribution_id], Money(received, "USD"), Money(received - net, "USD")
            )
        )
    lines.sort(
        key=lambda line: (
            line.contribution.value_date or date.min,
            line.contribution.receipt_number or 0,
        )
    )
    return Statement(donor=donor, year=year, lines=lines)


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
