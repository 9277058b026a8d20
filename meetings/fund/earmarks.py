"""Earmarks: the parts of the fund a donor's money may be spent on.

Money received against a pledge earmarked for a meeting or a process belongs to that earmark, and
so does everything that follows from it (its refunds, disputes, the provider's fees). It is
committed only to awards of that meeting (or of a meeting of that process). Money without an
earmark is the fund's own and may be committed to anything.

An award of a meeting draws first on money earmarked for the meeting, then on money earmarked for
its process, then on the fund's own: restricted money is used for its purpose before unrestricted
money, and unrestricted money stays free for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from meetings.extensions import db
from meetings.fund.models import Contribution, Pledge
from meetings.schedule.models import Meeting


@dataclass(frozen=True, order=True)
class Earmark:
    """A part of the fund: a meeting's, a process's, or (both None) the fund's own."""

    meeting_id: int | None = None
    process_id: int | None = None

    def __post_init__(self) -> None:
        if self.meeting_id is not None and self.process_id is not None:
            raise ValueError("an earmark names a meeting or a process, not both")

    @property
    def is_general(self) -> bool:
        return self.meeting_id is None and self.process_id is None


GENERAL = Earmark()


def of_pledge(pledge: Pledge | None) -> Earmark:
    if pledge is None:
        return GENERAL
    return Earmark(pledge.earmark_meeting_id, pledge.earmark_process_id)


def of_contribution(contribution: Contribution) -> Earmark:
    """The earmark of the pledge ``contribution`` pays, if any."""
    if contribution.pledge_id is None:
        return GENERAL
    return of_pledge(db.session.get(Pledge, contribution.pledge_id))


def for_meeting(meeting: Meeting | None) -> tuple[Earmark, ...]:
    """The parts of the fund an award of ``meeting`` may draw on, in the order it draws on them
    (the fund's own money only, when there is no meeting)."""
    if meeting is None:
        return (GENERAL,)
    return (Earmark(meeting_id=meeting.id), Earmark(process_id=meeting.process_id), GENERAL)


# When money set aside from several parts is spent, restricted money goes first; when it is
# released, unrestricted money comes back first.
def spending_order(parts: list[Earmark]) -> list[Earmark]:
    return sorted(parts, key=lambda e: (e.meeting_id is None, e.process_id is None, e))


def release_order(parts: list[Earmark]) -> list[Earmark]:
    return list(reversed(spending_order(parts)))
