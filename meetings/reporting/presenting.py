"""Reports as pages show them: each section's questions in the reader's language with the
answers as entered, how much of each section is answered, and the form's fields filled back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale

from meetings.money import Money
from meetings.reporting.answers import CONTACT_FIELDS
from meetings.reporting.template_files import Form, Question, text


def language() -> str:
    return str(get_locale() or "en")


@dataclass(frozen=True)
class SectionSummary:
    id: str
    title: str
    questions: int
    answered: int
    missing: int


def _given(value: Any) -> bool:
    return value not in (None, "", [], {})


def answered_in(form: Form, section_id: str, answers: Mapping[str, Any]) -> int:
    return sum(1 for q in form.questions_of(section_id) if _given(answers.get(q.id)))


def section_summaries(
    form: Form, answers: Mapping[str, Any], missing: set[str]
) -> list[SectionSummary]:
    found = []
    for section in form.sections:
        questions = list(form.questions_of(section["id"]))
        found.append(
            SectionSummary(
                id=section["id"],
                title=text(section["title"], language()),
                questions=len(questions),
                answered=sum(1 for q in questions if _given(answers.get(q.id))),
                missing=sum(1 for q in questions if q.id in missing),
            )
        )
    return found


def field_values(form: Form, section_id: str, answers: Mapping[str, Any]) -> dict[str, str]:
    """The section's answers as the form's fields (``question``, ``question.row.column``)."""
    values: dict[str, str] = {}
    for question in form.questions_of(section_id):
        value = answers.get(question.id)
        if value is None:
            continue
        if question.kind == "table":
            for row, entry in enumerate(value):
                for column, cell in entry.items():
                    values[f"{question.id}.{row}.{column}"] = "" if cell is None else str(cell)
        elif question.kind == "contact":
            for field in CONTACT_FIELDS:
                values[f"{question.id}.{field}"] = str(value.get(field, ""))
        elif question.kind == "assistance":
            for row, entry in enumerate(value):
                for key in ("kind", "area", "description"):
                    values[f"{question.id}.{row}.{key}"] = str(entry.get(key) or "")
                cost = entry.get("cost")
                values[f"{question.id}.{row}.cost"] = (
                    f"{Money(int(cost), 'USD').decimal():f}" if cost is not None else ""
                )
        else:
            values[question.id] = str(value)
    return values


def rows_for(question: Question, values: Mapping[str, str], extra: int = 2) -> list[int]:
    """The row numbers a table or list shows: those filled, then ``extra`` empty ones."""
    filled = {
        int(key.split(".")[len(question.id.split("."))])
        for key in values
        if key.startswith(question.id + ".") and key[len(question.id) + 1 :].split(".")[0].isdigit()
    }
    count = (max(filled) + 1) if filled else 0
    return list(range(count + extra))


@dataclass(frozen=True)
class ShownAnswer:
    question: str
    kind: str
    value: Any


def shown(form: Form, answers: Mapping[str, Any]) -> list[tuple[str, list[ShownAnswer]]]:
    """Every section's questions and answers, in the reader's language, for reading."""
    lang = language()
    areas = form.areas()
    found = []
    for section in form.sections:
        items = []
        for question in form.questions_of(section["id"]):
            value = answers.get(question.id)
            if question.kind == "choice" and value is not None:
                options = {o["id"]: o["text"] for o in question.spec.get("options", [])}
                value = text(options[value], lang) if value in options else value
            if question.kind == "table" and value:
                columns = question.spec["columns"]
                value = {
                    "header": [text(c["text"], lang) for c in columns],
                    "rows": [[row.get(c["id"]) for c in columns] for row in value],
                }
            if question.kind == "assistance" and value:
                value = [
                    dict(
                        entry,
                        area=text(areas.get(entry["area"], {"en": entry["area"]}), lang),
                        cost=Money(int(entry["cost"]), "USD")
                        if entry.get("cost") is not None
                        else None,
                    )
                    for entry in value
                ]
            items.append(ShownAnswer(text(question.spec["text"], lang), question.kind, value))
        found.append((text(section["title"], lang), items))
    return found
