"""What each kind of audited record is, who may read its entries, and where it lives.

A feature's ``init_app`` declares its audited tables with ``add_subjects``. The audit log shows a
reader only the entries of the kinds of record their permissions manage: the secretariat sees the
schedule and registrations, fund administrators the fund and sponsorship, administrators all of
it. A table nobody declared is shown to administrators alone (``Permission.MANAGE_USERS``), so a
new kind of record is private until someone decides otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, current_app, url_for

from meetings.auth.permissions import Permission, permissions_of
from meetings.extensions import db
from meetings.security import as_id

if TYPE_CHECKING:
    from meetings.auth.models import User

# Given the target ids of one kind on one page, the address of each (one query for the page).
Resolver = Callable[[Sequence[str]], Mapping[str, str]]

ADMIN_ONLY = Permission.MANAGE_USERS


@dataclass(frozen=True)
class Subject:
    table: str
    label: Any  # a lazy string
    permission: Permission
    endpoint: str | None = None  # a page that takes the record's id ...
    argument: str = ""  # ... as this URL argument
    resolve: Resolver | None = None  # or a function that finds the addresses itself

    def links(self, target_ids: Sequence[str]) -> Mapping[str, str]:
        if self.resolve is not None:
            return self.resolve(target_ids)
        if self.endpoint is None:
            return {}
        found = {}
        for target_id in target_ids:
            if (record_id := as_id(target_id)) is not None:
                arguments: dict[str, Any] = {self.argument: record_id}
                found[target_id] = url_for(self.endpoint, **arguments)
        return found


def through(query: Callable[[], sa.Select[Any]], key: Any, endpoint: str) -> Resolver:
    """A resolver for records whose page is addressed by something other than their own id:
    ``query`` selects a column labelled ``id`` (the audited record's) and one column per URL
    argument of ``endpoint``, labelled with the argument's name; ``key`` is the id column."""

    def resolve(target_ids: Sequence[str]) -> Mapping[str, str]:
        ids = [found for t in target_ids if (found := as_id(t)) is not None]
        if not ids:
            return {}
        rows = db.session.execute(query().where(key.in_(ids))).mappings()
        return {
            str(row["id"]): url_for(endpoint, **{k: v for k, v in row.items() if k != "id"})
            for row in rows
        }

    return resolve


def add_subjects(app: Flask, *subjects: Subject) -> None:
    registry: dict[str, Subject] = app.extensions.setdefault("meetings_audit_subjects", {})
    for subject in subjects:
        registry[subject.table] = subject


def all_subjects(app: Flask | None = None) -> Mapping[str, Subject]:
    return dict((app or current_app).extensions.get("meetings_audit_subjects", {}))


def readable_by(user: User) -> list[Subject]:
    """The kinds of record whose entries ``user`` may read, in the order of their labels."""
    granted = permissions_of(user)
    return sorted(
        (subject for subject in all_subjects().values() if subject.permission in granted),
        key=lambda subject: str(subject.label),
    )


def sees_undeclared(user: User) -> bool:
    return ADMIN_ONLY in permissions_of(user)


def subject_of(table: str) -> Subject | None:
    return all_subjects().get(table)


def links_for(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Addresses for the (target type, target id) pairs on one page of the log."""
    grouped: dict[str, list[str]] = {}
    for table, target_id in pairs:
        grouped.setdefault(table, []).append(target_id)
    found: dict[tuple[str, str], str] = {}
    for table, target_ids in grouped.items():
        subject = subject_of(table)
        if subject is None:
            continue
        for target_id, address in subject.links(sorted(set(target_ids))).items():
            found[(table, target_id)] = address
    return found
