"""How many States reported: per cycle, by regional group, for the least developed countries,
and against the previous cycles; each State's standing, for the secretariat's table and CSV.
A fixed number of queries whatever the number of States or cycles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pygal
import sqlalchemy as sa
from flask_babel import gettext as _

from meetings.extensions import db
from meetings.fund.charts import STYLE, without_script
from meetings.reference.models import RegionalGroup, State, UNStatus
from meetings.reporting.models import NationalReport, ReportingCycle, ReportStatus
from meetings.schedule.models import Meeting


@dataclass(frozen=True)
class Rate:
    label: str
    states: int
    submitted: int

    @property
    def share(self) -> float:
        return self.submitted / self.states if self.states else 0.0


@dataclass(frozen=True)
class Standing:
    state: State
    status: str  # "submitted", "draft" or "not_started"
    version: int | None
    submitted_at: datetime | None
    public: bool
    report_id: int | None = None


@dataclass
class CycleStatistics:
    cycle: ReportingCycle
    overall: Rate
    drafted: int
    by_region: list[Rate] = field(default_factory=list)
    least_developed: Rate | None = None
    previous: list[tuple[ReportingCycle, Rate]] = field(default_factory=list)
    standings: list[Standing] = field(default_factory=list)


def _members() -> list[State]:
    return list(
        db.session.scalars(
            sa.select(State).where(State.un_status == UNStatus.MEMBER).order_by(State.name)
        )
    )


def _latest_by_state(cycle_ids: list[int]) -> dict[tuple[int, int], NationalReport]:
    """The standing report (else the draft) of each State in each cycle, in one query."""
    found: dict[tuple[int, int], NationalReport] = {}
    rows = db.session.scalars(
        sa.select(NationalReport)
        .where(
            NationalReport.cycle_id.in_(cycle_ids),
            NationalReport.status.in_([ReportStatus.SUBMITTED, ReportStatus.DRAFT]),
        )
        .order_by(NationalReport.version)
    )
    for report in rows:
        key = (report.cycle_id, report.state_id)
        kept = found.get(key)
        if kept is None or kept.status is not ReportStatus.SUBMITTED:
            found[key] = report
    return found


def of_cycle(cycle: ReportingCycle) -> CycleStatistics:
    members = _members()
    earlier = list(
        db.session.scalars(
            sa.select(ReportingCycle)
            .join(Meeting, Meeting.id == ReportingCycle.meeting_id)
            .where(Meeting.start_date < cycle.meeting.start_date)
            .order_by(Meeting.start_date.desc())
        ).unique()
    )
    reports = _latest_by_state([cycle.id, *(c.id for c in earlier)])
    groups = {g.id: g for g in db.session.scalars(sa.select(RegionalGroup))}

    def submitted(cycle_id: int, states: list[State]) -> int:
        return sum(
            1
            for s in states
            if (r := reports.get((cycle_id, s.id))) is not None
            and r.status is ReportStatus.SUBMITTED
        )

    standings = []
    for state in members:
        report = reports.get((cycle.id, state.id))
        standings.append(
            Standing(
                state=state,
                status=report.status.value if report is not None else "not_started",
                version=report.version if report is not None else None,
                submitted_at=report.submitted_at if report is not None else None,
                public=bool(report is not None and report.public),
                report_id=report.id if report is not None and report.submitted_at else None,
            )
        )
    by_region = []
    for group_id, group in sorted(groups.items(), key=lambda item: item[1].name):
        states = [s for s in members if s.regional_group_id == group_id]
        by_region.append(Rate(group.display_name, len(states), submitted(cycle.id, states)))
    ldc = [s for s in members if s.is_least_developed]
    return CycleStatistics(
        cycle=cycle,
        overall=Rate(_("All Member States"), len(members), submitted(cycle.id, members)),
        drafted=sum(1 for s in standings if s.status == "draft"),
        by_region=by_region,
        least_developed=Rate(_("Least developed countries"), len(ldc), submitted(cycle.id, ldc)),
        previous=[
            (c, Rate(c.meeting.title, len(members), submitted(c.id, members))) for c in earlier
        ],
        standings=standings,
    )


def submitted_count(cycle_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(NationalReport)
            .where(
                NationalReport.cycle_id == cycle_id,
                NationalReport.status == ReportStatus.SUBMITTED,
            )
        )
        or 0
    )


def public_list(cycle: ReportingCycle) -> list[State]:
    """The States that submitted a report for ``cycle`` (the public page names them, whether or
    not the report itself is published)."""
    return list(
        db.session.scalars(
            sa.select(State)
            .join(NationalReport, NationalReport.state_id == State.id)
            .where(
                NationalReport.cycle_id == cycle.id,
                NationalReport.status == ReportStatus.SUBMITTED,
            )
            .order_by(State.name)
        )
    )


def chart(statistics: CycleStatistics) -> bytes:
    """The submission rate by regional group and for the least developed countries, as SVG."""
    rates = [*statistics.by_region]
    if statistics.least_developed is not None:
        rates.append(statistics.least_developed)
    rates.append(statistics.overall)
    drawn = pygal.HorizontalBar(
        style=STYLE,
        width=760,
        height=max(220, 60 + 40 * len(rates)),
        js=[],
        show_legend=False,
        range=(0, 100),
        title=_("States that reported, per cent"),
        value_formatter=lambda value: f"{value:.0f} %",
    )
    drawn.x_labels = [rate.label for rate in rates]
    drawn.add(_("Reported"), [round(rate.share * 100, 1) for rate in rates])
    return without_script(drawn)


@dataclass
class CycleOverview:
    cycle: ReportingCycle
    rate: Rate
    # Each State that reported, with its report when the State published it.
    reported: list[tuple[State, int | None]] = field(default_factory=list)


def overview() -> list[CycleOverview]:
    """Every cycle, the latest first, with who reported: three queries however many cycles."""
    from meetings.reporting.cycles import cycles

    found = cycles()
    members = int(
        db.session.scalar(
            sa.select(sa.func.count()).select_from(State).where(State.un_status == UNStatus.MEMBER)
        )
        or 0
    )
    by_cycle: dict[int, CycleOverview] = {
        c.id: CycleOverview(c, Rate(c.meeting.title, members, 0)) for c in found
    }
    rows = db.session.execute(
        sa.select(NationalReport.cycle_id, NationalReport.id, NationalReport.public, State)
        .join(State, State.id == NationalReport.state_id)
        .where(NationalReport.status == ReportStatus.SUBMITTED)
        .order_by(State.name)
    ).all()
    counts: dict[int, int] = {}
    for cycle_id, report_id, public, state in rows:
        entry = by_cycle.get(cycle_id)
        if entry is None:
            continue
        entry.reported.append((state, report_id if public else None))
        counts[cycle_id] = counts.get(cycle_id, 0) + 1
    for cycle_id, entry in by_cycle.items():
        entry.rate = Rate(entry.rate.label, members, counts.get(cycle_id, 0))
    return list(by_cycle.values())
