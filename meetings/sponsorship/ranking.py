"""Deciding fairly: a ranking of the eligible applications of a call, each place with its reasons
in words, and an allocation suggestion that fits the money available now. Administrators decide;
neither acts by itself.

The ranking puts least developed countries first, then States the fund has not sponsored before in
the same process, then capital-based nominees; among equals, the regional group and then the
gender least represented so far, then the earlier submission.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext


@dataclass(frozen=True)
class Candidate:
    application_id: int
    state: str
    least_developed: bool
    sponsored_before: bool
    capital_based: bool
    region: str
    gender: str
    submitted_at: datetime
    cost_minor: int  # the award asked for, with its support cost, in US cents
    # The parts of the fund its award may draw on, in order (earmarks); empty: any money.
    draws_on: tuple[Hashable, ...] = ()


@dataclass(frozen=True)
class Place:
    rank: int
    candidate: Candidate
    reasons: list[str]


def _key(candidate: Candidate) -> tuple[bool, bool, bool]:
    return (not candidate.least_developed, candidate.sponsored_before, not candidate.capital_based)


def rank(
    candidates: Iterable[Candidate],
    *,
    regions_sponsored: Counter[str] | None = None,
    genders_sponsored: Counter[str] | None = None,
) -> list[Place]:
    """The candidates in order, each with why it stands there. ``regions_sponsored`` and
    ``genders_sponsored`` count the nominees the call already sponsors (for balance)."""
    regions: Counter[str] = Counter(regions_sponsored or {})
    genders: Counter[str] = Counter(genders_sponsored or {})
    groups: dict[tuple[bool, bool, bool], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(_key(candidate), []).append(candidate)
    places: list[Place] = []
    for key in sorted(groups):
        waiting = list(groups[key])
        while waiting:
            chosen = min(
                waiting,
                key=lambda c: (
                    regions[c.region],
                    genders[c.gender],
                    c.submitted_at,
                    c.application_id,
                ),
            )
            tied = [c for c in waiting if c is not chosen]
            reasons = _reasons(chosen, regions, genders, tied)
            waiting.remove(chosen)
            regions[chosen.region] += 1
            genders[chosen.gender] += 1
            places.append(Place(len(places) + 1, chosen, reasons))
    return places


def _reasons(
    chosen: Candidate, regions: Counter[str], genders: Counter[str], tied: list[Candidate]
) -> list[str]:
    reasons = [
        _("Least developed country.")
        if chosen.least_developed
        else _("Not a least developed country.")
    ]
    reasons.append(
        _("Sponsored before in this process.")
        if chosen.sponsored_before
        else _("Not sponsored before in this process.")
    )
    reasons.append(
        _("Capital-based nominee.") if chosen.capital_based else _("Mission-based nominee.")
    )
    if tied:
        if any(regions[c.region] > regions[chosen.region] for c in tied):
            reasons.append(
                ngettext(
                    "Regional balance: %(region)s has %(num)d nominee placed before.",
                    "Regional balance: %(region)s has %(num)d nominees placed before.",
                    regions[chosen.region],
                    region=chosen.region,
                )
            )
        elif any(
            regions[c.region] == regions[chosen.region]
            and genders[c.gender] > genders[chosen.gender]
            for c in tied
        ):
            reasons.append(_("Gender balance among the nominees placed before."))
        else:
            reasons.append(_("Submitted earlier than the applications it ties with."))
    return reasons


@dataclass
class Suggestion:
    """What the money available now could fund, in rank order, and what a further amount
    would add."""

    available_minor: int
    funded: list[Place] = field(default_factory=list)
    left_minor: int = 0
    skipped: list[Place] = field(default_factory=list)
    next_if_more: list[Place] = field(default_factory=list)
    extra_minor: int = 0


def _fill(
    places: list[Place], money: int, parts: dict[Hashable, int] | None
) -> tuple[list[Place], list[Place], int]:
    """Fund each place in turn whose cost fits what is left: of the whole fund (``money``)
    and, with ``parts``, of the parts its award may draw on (used in its order)."""
    left = dict(parts) if parts is not None else None
    funded, skipped = [], []
    for place in places:
        cost = place.candidate.cost_minor
        usable = place.candidate.draws_on
        capacity = money
        if left is not None and usable:
            capacity = min(money, sum(max(left.get(e, 0), 0) for e in usable))
        if cost > capacity:
            skipped.append(place)
            continue
        funded.append(place)
        money -= cost
        if left is not None and usable:
            owed = cost
            for earmark in usable:
                take = min(owed, max(left.get(earmark, 0), 0))
                left[earmark] = left.get(earmark, 0) - take
                owed -= take
    return funded, skipped, money


def suggest(
    places: list[Place],
    available_minor: int,
    extra_minor: int = 0,
    *,
    parts: dict[Hashable, int] | None = None,
    general: Hashable | None = None,
) -> Suggestion:
    """Take the ranking in order and fund each application whose award fits what is left: it
    never spends more than is available — nor money earmarked for other meetings (``parts``:
    the available money of each part of the fund) — and never passes over a higher-ranked
    application that would have fitted. ``extra_minor`` is further unearmarked money
    (``general``'s part)."""
    available = max(available_minor, 0)
    funded, skipped, left = _fill(places, available, parts)
    suggestion = Suggestion(available, funded, left, skipped, extra_minor=max(extra_minor, 0))
    if extra_minor > 0:
        more_parts = dict(parts) if parts is not None else None
        if more_parts is not None:
            more_parts[general] = more_parts.get(general, 0) + extra_minor
        more, _skipped, _left = _fill(places, available + extra_minor, more_parts)
        already = {p.candidate.application_id for p in funded}
        suggestion.next_if_more = [p for p in more if p.candidate.application_id not in already]
    return suggestion
