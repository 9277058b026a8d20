"""What every displayed enum value is called on screen: one table per enum, one function, one
template filter (``{{ registration.status|label }}``).

A feature declares its labels once, in its own ``labels.py``::

    STATUS_LABELS = labels(RegistrationStatus, {RegistrationStatus.DRAFT: _l("draft"), ...})

Every member must have a label (checked when the table is declared), so that no raw code
("un_entity", "submitted") ever reaches a page, an e-mail or an export. An enum may have a second
table of another ``kind``, e.g. the words on the buttons that move a workflow to each state
(``{{ target|label("action") }}``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

E = TypeVar("E", bound=Enum)

_TABLES: dict[tuple[type[Enum], str], Mapping[Any, Any]] = {}


def labels(
    enum_class: type[E], table: Mapping[E, Any], *, kind: str = "name", complete: bool = True
) -> Mapping[E, Any]:
    """Declare the labels of ``enum_class`` (lazy strings); returns ``table`` for local use.
    ``complete`` (the default) requires a label for every member."""
    missing = [member for member in enum_class if member not in table]
    if complete and missing:
        raise ValueError(f"{enum_class.__name__}: no label for {', '.join(map(str, missing))}")
    _TABLES[(enum_class, kind)] = table
    return table


def label(value: Enum | None, kind: str = "name") -> str:
    """The translated label of ``value``; '' for None. An enum without a table is a bug."""
    if value is None:
        return ""
    table = _TABLES.get((type(value), kind))
    if table is None or value not in table:
        raise LookupError(f"no {kind} label declared for {type(value).__name__}.{value.name}")
    return str(table[value])


def labeller(kind: str = "name") -> Callable[[Enum | None], str]:
    """:func:`label`, remembering each member's text: for a loop over many rows in one language
    (an export of 100,000 registrations asks for five labels a row)."""
    known: dict[Enum, str] = {}

    def word(value: Enum | None) -> str:
        if value is None:
            return ""
        text = known.get(value)
        if text is None:
            text = known[value] = label(value, kind)
        return text

    return word


def members(enum_name: str) -> list[tuple[Enum, str]]:
    """(member, label) pairs of the enum class named ``enum_name``, in declared order: the
    options of a filter in a template
    (``{% for status, text in members("RegistrationStatus") %}``)."""
    for (enum_class, kind), table in _TABLES.items():
        if enum_class.__name__ == enum_name and kind == "name":
            return [(member, str(text)) for member, text in table.items()]
    raise LookupError(f"no labels declared for {enum_name}")


def declared() -> tuple[type[Enum], ...]:
    return tuple(dict.fromkeys(enum_class for enum_class, _kind in _TABLES))
