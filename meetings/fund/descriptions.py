"""What a ledger entry concerns, in the reader's language. An entry's stored description is the
record, written once in the language of whoever made it; the page names the donor (a government
by its State's name in the reader's language) or, for an award, the State and the meeting, as the
reader reads them. A feature that commits money for its own purposes (sponsorship) says how its
purposes are named (``add_purpose_namer``); the fund knows nothing of what an award is."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import joinedload

from meetings.extensions import db
from meetings.fund.models import Commitment, Contribution, LedgerEntry

# The ids after "<prefix>:" in commitments' purposes → what each is, in the reader's language.
PurposeNamer = Callable[[list[int]], dict[int, str]]


def add_purpose_namer(app: Flask, prefix: str, namer: PurposeNamer) -> None:
    app.extensions.setdefault("meetings_purpose_namers", {})[prefix] = namer


def concerns(entries: Iterable[LedgerEntry]) -> dict[int, str]:
    """Entry id → what it concerns, for the entries whose donor or purpose is known (three
    queries at most, whatever the number of entries)."""
    entries = list(entries)
    found: dict[int, str] = {}
    contribution_ids = {e.contribution_id for e in entries if e.contribution_id}
    if contribution_ids:
        donors = {
            c.id: c.donor.display_name
            for c in db.session.scalars(
                sa.select(Contribution)
                .options(joinedload(Contribution.donor))
                .where(Contribution.id.in_(contribution_ids))
            )
        }
        found.update(
            {e.id: donors[e.contribution_id] for e in entries if e.contribution_id in donors}
        )
    commitment_ids = {e.commitment_id for e in entries if e.commitment_id and e.id not in found}
    if not commitment_ids:
        return found
    purposes = dict(
        db.session.execute(
            sa.select(Commitment.id, Commitment.purpose).where(Commitment.id.in_(commitment_ids))
        )
        .tuples()
        .all()
    )
    by_prefix: dict[str, dict[int, int]] = {}  # prefix → commitment id → the purpose's own id
    for commitment_id, purpose in purposes.items():
        prefix, _sep, number = purpose.rpartition(":")
        if number.isdecimal():
            by_prefix.setdefault(prefix, {})[commitment_id] = int(number)
    namers: dict[str, PurposeNamer] = current_app.extensions.get("meetings_purpose_namers", {})
    named: dict[int, str] = {}
    for prefix, ids in by_prefix.items():
        if prefix in namers:
            names = namers[prefix](sorted(set(ids.values())))
            named.update({c: names[i] for c, i in ids.items() if i in names})
    found.update({e.id: named[e.commitment_id] for e in entries if e.commitment_id in named})
    return found
