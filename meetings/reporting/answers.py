"""Reading and checking a report's answers, question by question: what the form sent becomes the
value kept in the report (strings, whole numbers, rows), or a message beside the field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from meetings.errors import DomainError
from meetings.money import parse_amount
from meetings.reporting.models import AssistanceKind
from meetings.reporting.template_files import Form, Question

MAX_TEXT = 5000
MAX_ROWS = 100
CONTACT_FIELDS = ("name", "function", "organisation", "address", "phone", "email", "languages")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
DIGITS = re.compile(r"[0-9]{1,12}")


class AnswerErrors(DomainError):
    """Several fields refused at once: ``problems`` maps each field to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        first = next(iter(problems))
        super().__init__(_("Some answers need correcting."), field=first)
        self.problems = problems


def _number(raw: str, spec: Mapping[str, Any], field: str, problems: dict[str, str]) -> int | None:
    value = raw.strip().replace(",", "").replace(" ", "")
    if not value:
        return None
    if not DIGITS.fullmatch(value):
        problems[field] = _("Enter a whole number, in digits.")
        return None
    number = int(value)
    low, high = spec.get("min"), spec.get("max")
    if (low is not None and number < low) or (high is not None and number > high):
        problems[field] = _("Enter a number from %(low)s to %(high)s.", low=low, high=high)
        return None
    return number


def _plain(
    kind: str, raw: str, spec: Mapping[str, Any], field: str, problems: dict[str, str]
) -> Any:
    raw = (raw or "").strip()
    if not raw:
        return None
    if kind == "yes_no":
        if raw not in ("yes", "no"):
            problems[field] = _("Choose yes or no.")
            return None
        return raw
    if kind == "choice":
        if raw not in {option["id"] for option in spec.get("options", [])}:
            problems[field] = _("Choose one of the answers offered.")
            return None
        return raw
    if kind == "number":
        return _number(raw, spec, field, problems)
    if len(raw) > MAX_TEXT:
        problems[field] = _("Keep this to %(n)d characters.", n=MAX_TEXT)
        return None
    return raw


def _rows(form: Mapping[str, str], prefix: str) -> list[int]:
    """The row numbers the form sent for ``prefix`` (fields ``prefix.<row>.<column>``)."""
    found = set()
    for key in form:
        if key.startswith(prefix + "."):
            row = key[len(prefix) + 1 :].split(".", 1)[0]
            if row.isdigit():
                found.add(int(row))
    return sorted(found)[:MAX_ROWS]


def read(
    question: Question, form: Mapping[str, str], problems: dict[str, str], areas: set[str]
) -> Any:
    """The answer to ``question`` in the submitted ``form``; problems are added by field name."""
    name, spec = question.id, question.spec
    if question.kind in ("yes_no", "choice", "number", "text"):
        return _plain(question.kind, form.get(name, ""), spec, name, problems)
    if question.kind == "table":
        rows = []
        for row in _rows(form, name):
            values = {
                column["id"]: _plain(
                    column["kind"],
                    form.get(f"{name}.{row}.{column['id']}", ""),
                    column,
                    f"{name}.{row}.{column['id']}",
                    problems,
                )
                for column in spec["columns"]
            }
            if any(value is not None for value in values.values()):
                rows.append(values)
        return rows or None
    if question.kind == "contact":
        contact = {
            field: (form.get(f"{name}.{field}", "") or "").strip()[:300] for field in CONTACT_FIELDS
        }
        if not any(contact.values()):
            return None
        if not contact["name"]:
            problems[f"{name}.name"] = _("Enter the name of the point of contact.")
        if contact["email"] and not EMAIL.fullmatch(contact["email"]):
            problems[f"{name}.email"] = _("Enter an e-mail address like name@example.org.")
        return contact
    # assistance: rows of kind, area, description and an estimated cost in US dollars
    items = []
    for row in _rows(form, name):
        field = f"{name}.{row}"
        kind = (form.get(f"{field}.kind", "") or "").strip()
        area = (form.get(f"{field}.area", "") or "").strip()
        description = (form.get(f"{field}.description", "") or "").strip()
        cost_text = (form.get(f"{field}.cost", "") or "").strip()
        if not (area or description or cost_text):
            continue
        if kind not in {k.value for k in AssistanceKind}:
            problems[f"{field}.kind"] = _("Say whether this is a need or an offer.")
        if area not in areas:
            problems[f"{field}.area"] = _("Choose the area of assistance.")
        if not description:
            problems[f"{field}.description"] = _("Describe what is needed or offered.")
        cost = None
        if cost_text:
            try:
                cost = parse_amount(cost_text, "USD").amount
            except DomainError as error:
                problems[f"{field}.cost"] = error.message
        items.append(
            {"kind": kind, "area": area, "description": description[:MAX_TEXT], "cost": cost}
        )
    return items or None


def read_section(form_definition: Form, section_id: str, form: Mapping[str, str]) -> dict[str, Any]:
    """Every answer of one section from the submitted form; AnswerErrors when any is refused
    (nothing of the section is kept then)."""
    problems: dict[str, str] = {}
    areas = set(form_definition.areas())
    answers = {
        question.id: read(question, form, problems, areas)
        for question in form_definition.questions_of(section_id)
    }
    if problems:
        raise AnswerErrors(problems)
    return answers


def missing(form_definition: Form, answers: Mapping[str, Any]) -> list[str]:
    """The questions a report cannot be submitted without: those marked required, and the
    points of contact of the instruments the cycle covers."""
    return [
        question.id
        for question in form_definition.questions.values()
        if (question.required or question.kind == "contact")
        and answers.get(question.id) in (None, [], "")
    ]
