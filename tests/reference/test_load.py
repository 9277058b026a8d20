from __future__ import annotations

import sqlalchemy as sa

from meetings.extensions import db
from meetings.reference.models import Currency, RegionalGroup, State, UNStatus
from meetings.reference.services import load_reference_data, state_by_code


def _count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_the_193_member_states_and_2_observer_states_are_loaded() -> None:
    members = db.session.scalar(
        sa.select(sa.func.count()).select_from(State).where(State.un_status == UNStatus.MEMBER)
    )
    observers = {
        s.name
        for s in db.session.scalars(sa.select(State).where(State.un_status == UNStatus.OBSERVER))
    }
    assert members == 193
    assert observers == {"Holy See", "State of Palestine"}
    assert _count(RegionalGroup) == 5


def test_states_carry_codes_groups_and_ldc_flags() -> None:
    sierra_leone = state_by_code("SL")
    assert sierra_leone is not None
    assert (sierra_leone.alpha3, sierra_leone.is_least_developed) == ("SLE", True)
    assert sierra_leone.regional_group is not None
    assert sierra_leone.regional_group.code == "AFRICA"
    bhutan = state_by_code("BTN")
    assert bhutan is not None
    assert bhutan.is_least_developed is False
    ldcs = db.session.scalar(
        sa.select(sa.func.count()).select_from(State).where(State.is_least_developed)
    )
    assert ldcs == 44


def test_currencies_carry_their_minor_unit_exponent() -> None:
    exponents = {c.code: c.minor_unit for c in db.session.scalars(sa.select(Currency))}
    assert exponents["USD"] == 2
    assert exponents["JPY"] == 0
    assert exponents["KWD"] == 3
    assert exponents["CLF"] == 4
    assert "XAU" not in exponents


def test_loading_twice_changes_nothing() -> None:
    reports = load_reference_data()
    assert {name: (r.created, r.updated) for name, r in reports.items()} == {
        "regional groups": (0, 0),
        "states": (0, 0),
        "currencies": (0, 0),
    }


def test_loading_repairs_a_changed_row() -> None:
    ghana = state_by_code("GH")
    assert ghana is not None
    ghana.name = "Gold Coast"
    db.session.flush()
    reports = load_reference_data()
    assert reports["states"].updated == 1
    assert ghana.name == "Ghana"
