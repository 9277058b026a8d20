"""The reporting template is data: one JSON file per version under ``data/``, loaded like the
reference data (``flask reference load`` loads it too) and never changed once loaded — a change
is a new file with the next version number.

A template has sections (each for the Programme of Action, the Tracing Instrument or both) of
questions of these kinds: ``yes_no``, ``choice`` (with ``options``), ``number`` (``min``,
``max``), ``text``, ``table`` (``columns`` of the kinds above), ``contact`` (a point of contact
for a ``role``) and ``assistance`` (needs and offers, by area). Every text is given in the six
official languages.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from meetings.extensions import db
from meetings.reporting.models import ContactRole, Instruments, ReportTemplate

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")
KINDS = {"yes_no", "choice", "number", "text", "table", "contact", "assistance"}
COLUMN_KINDS = {"yes_no", "choice", "number", "text"}


class TemplateError(Exception):
    """A template file is not usable, or would change a version already loaded."""


def _texts(where: str, value: Any) -> None:
    if not isinstance(value, dict) or set(value) != set(LANGUAGES):
        raise TemplateError(f"{where}: a text in each of {', '.join(LANGUAGES)}")
    if not all(isinstance(text, str) and text.strip() for text in value.values()):
        raise TemplateError(f"{where}: an empty text")


def check(definition: dict[str, Any]) -> None:
    """Raise TemplateError unless ``definition`` is a well-formed template."""
    if not isinstance(definition.get("code"), str) or not isinstance(
        definition.get("version"), int
    ):
        raise TemplateError("a template has a code and a whole version number")
    _texts("title", definition.get("title"))
    areas = definition.get("assistance_areas", [])
    for area in areas:
        _texts(f"area {area.get('id')}", area.get("text"))
    seen: set[str] = set()
    for section in definition.get("sections", []):
        _texts(f"section {section.get('id')}", section.get("title"))
        if section.get("instrument") not in ("poa", "iti", "both"):
            raise TemplateError(f"section {section.get('id')}: instrument poa, iti or both")
        for question in section.get("questions", []):
            name = question.get("id")
            if not isinstance(name, str) or name in seen:
                raise TemplateError(f"question {name!r}: missing or repeated id")
            seen.add(name)
            _texts(f"question {name}", question.get("text"))
            kind = question.get("kind")
            if kind not in KINDS:
                raise TemplateError(f"question {name}: unknown kind {kind!r}")
            for option in question.get("options", []):
                _texts(f"question {name} option {option.get('id')}", option.get("text"))
            if kind == "choice" and not question.get("options"):
                raise TemplateError(f"question {name}: a choice needs options")
            if kind == "table":
                columns = question.get("columns") or []
                if not columns or any(c.get("kind") not in COLUMN_KINDS for c in columns):
                    raise TemplateError(f"question {name}: a table needs columns of plain kinds")
                for column in columns:
                    _texts(f"question {name} column {column.get('id')}", column.get("text"))
            if kind == "contact" and question.get("role") not in {r.value for r in ContactRole}:
                raise TemplateError(f"question {name}: a contact names its role")
            if kind == "assistance" and not areas:
                raise TemplateError(f"question {name}: assistance needs the template's areas")


def files() -> list[Path]:
    return sorted(DATA.glob("template-*.json"))


def load_templates() -> list[ReportTemplate]:
    """Load every template file not loaded yet; refuse one that would change a loaded version."""
    loaded = []
    for path in files():
        raw = path.read_bytes()
        definition = json.loads(raw)
        check(definition)
        digest = hashlib.sha256(raw).hexdigest()
        existing = db.session.scalar(
            sa.select(ReportTemplate).where(
                ReportTemplate.code == definition["code"],
                ReportTemplate.version == definition["version"],
            )
        )
        if existing is not None:
            if existing.sha256 != digest:
                raise TemplateError(
                    f"{path.name} differs from version {existing.version} as loaded: a loaded "
                    "version never changes; add a file with the next version number"
                )
            loaded.append(existing)
            continue
        template = ReportTemplate(
            code=definition["code"],
            version=definition["version"],
            definition=definition,
            sha256=digest,
        )
        db.session.add(template)
        db.session.flush()
        loaded.append(template)
    return loaded


def latest(code: str = "poa-iti") -> ReportTemplate | None:
    return db.session.scalar(
        sa.select(ReportTemplate)
        .where(ReportTemplate.code == code)
        .order_by(ReportTemplate.version.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    section: str
    spec: dict[str, Any]

    @property
    def required(self) -> bool:
        return bool(self.spec.get("required"))


class Form:
    """A template as a cycle asks it: the sections of its instruments, in order."""

    def __init__(self, template: ReportTemplate, instruments: Instruments) -> None:
        self.template = template
        self.definition = template.definition
        self.sections = [
            section
            for section in self.definition["sections"]
            if instruments.covers(section["instrument"])
        ]
        self.questions = {
            question["id"]: Question(question["id"], question["kind"], section["id"], question)
            for section in self.sections
            for question in section["questions"]
            if instruments.covers(question.get("instrument", section["instrument"]))
        }

    def section(self, section_id: str) -> dict[str, Any] | None:
        return next((s for s in self.sections if s["id"] == section_id), None)

    def questions_of(self, section_id: str) -> Iterator[Question]:
        return (q for q in self.questions.values() if q.section == section_id)

    def areas(self) -> dict[str, dict[str, str]]:
        return {area["id"]: area["text"] for area in self.definition.get("assistance_areas", [])}


def text(texts: dict[str, str], language: str) -> str:
    """The text in ``language``, English when the template lacks it."""
    return texts.get(language) or texts["en"]
