"""Loading and reading reference data. ``load_reference_data`` is idempotent."""

from __future__ import annotations

import csv
import functools
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import sqlalchemy as sa

from meetings.extensions import db
from meetings.reference.models import (
    Currency,
    Organisation,
    OrganisationKind,
    RegionalGroup,
    State,
    UNStatus,
)
from meetings.reference.names import state_namer

if TYPE_CHECKING:
    from flask import Flask


def read_data_file(name: str) -> Iterator[dict[str, str]]:
    """Rows of a versioned data file under reference/data/, skipping its '#' header lines."""
    text = resources.files("meetings.reference").joinpath("data", name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    yield from csv.DictReader(lines)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated"


def _apply(instance: object, values: dict[str, object]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(instance, key) != value:
            setattr(instance, key, value)
            changed = True
    return changed


def load_reference_data() -> dict[str, LoadReport]:
    """Insert or update regional groups, States, LDC flags and currencies from the data files."""
    reports = {"regional groups": LoadReport(), "states": LoadReport(), "currencies": LoadReport()}

    groups = {g.code: g for g in db.session.scalars(sa.select(RegionalGroup))}
    for row in read_data_file("regional_groups.csv"):
        group = groups.get(row["code"])
        if group is None:
            group = groups[row["code"]] = RegionalGroup(code=row["code"], name=row["name"])
            db.session.add(group)
            reports["regional groups"].created += 1
        elif _apply(group, {"name": row["name"]}):
            reports["regional groups"].updated += 1
    db.session.flush()

    ldc = {row["alpha3"] for row in read_data_file("least_developed_countries.csv")}
    states = {s.alpha3: s for s in db.session.scalars(sa.select(State))}
    for row in read_data_file("states.csv"):
        group_code = row["regional_group"]
        values: dict[str, object] = {
            "alpha2": row["alpha2"],
            "name": row["name"],
            "un_status": UNStatus(row["un_status"]),
            "regional_group_id": groups[group_code].id if group_code else None,
            "is_least_developed": row["alpha3"] in ldc,
        }
        state = states.get(row["alpha3"])
        if state is None:
            db.session.add(State(alpha3=row["alpha3"], **values))
            reports["states"].created += 1
        elif _apply(state, values):
            reports["states"].updated += 1

    currencies = {c.code: c for c in db.session.scalars(sa.select(Currency))}
    for row in read_data_file("currencies.csv"):
        values = {
            "numeric_code": row["numeric"],
            "name": row["name"],
            "minor_unit": int(row["minor_unit"]),
        }
        currency = currencies.get(row["code"])
        if currency is None:
            db.session.add(Currency(code=row["code"], **values))
            reports["currencies"].created += 1
        elif _apply(currency, values):
            reports["currencies"].updated += 1
    db.session.flush()
    return reports


def states() -> list[State]:
    return list(db.session.scalars(sa.select(State).order_by(State.name)))


@dataclass(frozen=True)
class StateOption:
    """A State as a list or a form offers it: its name in the reader's language."""

    id: int
    name: str
    un_status: UNStatus


def states_by_name() -> list[StateOption]:
    """The States in the order of their names in the reader's language: plain rows, the
    reader's language looked up once (a page offering 195 States read them as entities, each
    asking for the locale twice: 6 ms a page)."""
    namer = state_namer()
    rows = db.session.execute(sa.select(State.id, State.alpha2, State.name, State.un_status))
    found = [StateOption(id, namer(alpha2, name), status) for id, alpha2, name, status in rows]
    return sorted(found, key=lambda state: sort_key(state.name))


@functools.lru_cache(maxsize=4096)
def sort_key(text: str) -> str:
    """Alphabetical order that ignores accents and case ("Équateur" between "Égypte" and "Érythrée",
    "Côte d'Ivoire" among the C's)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def state_by_code(code: str) -> State | None:
    code = code.strip().upper()
    column = State.alpha2 if len(code) == 2 else State.alpha3
    return db.session.scalar(sa.select(State).where(column == code))


def organisations() -> list[Organisation]:
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))


def get_or_create_organisation(
    name: str, acronym: str | None, kind: OrganisationKind
) -> Organisation:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, acronym=acronym, kind=kind)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def currency(code: str) -> Currency | None:
    return db.session.get(Currency, code.upper())


def state_by_id(state_id: int) -> State | None:
    return db.session.get(State, state_id)


def organisation_by_id(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def state_by_name(name: str) -> State | None:
    return db.session.scalar(sa.select(State).where(State.name == name))


def regional_groups() -> list[RegionalGroup]:
    return list(db.session.scalars(sa.select(RegionalGroup).order_by(RegionalGroup.name)))


def currencies() -> list[Currency]:
    return list(db.session.scalars(sa.select(Currency).order_by(Currency.code)))


def add_reference_loader(app: Flask, name: str, loader: Callable[[], object]) -> None:
    """Another feature's versioned data, loaded by ``flask reference load`` after these."""
    app.extensions.setdefault("meetings_reference_loaders", []).append((name, loader))


def run_reference_loaders() -> dict[str, str]:
    """Every feature's own loader; what each loaded."""
    from flask import current_app

    found: dict[str, str] = {}
    for name, loader in current_app.extensions.get("meetings_reference_loaders", []):
        result = loader()
        found[name] = f"{len(result)} loaded" if isinstance(result, list) else str(result)
    return found
