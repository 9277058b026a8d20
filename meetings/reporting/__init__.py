"""National reports on the Programme of Action and the International Tracing Instrument,
synchronised with the meetings: reporting cycles, each State's report and its versions, the
submission rate, reminders, the national points of contact, and the register of assistance
needs and offers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from meetings.reference.services import add_reference_loader
    from meetings.reporting import labels, models  # noqa: F401
    from meetings.reporting.audit import add_audit_subjects
    from meetings.reporting.cli import cli
    from meetings.reporting.template_files import load_templates

    app.cli.add_command(cli)
    add_reference_loader(app, "report templates", load_templates)
    add_audit_subjects(app)
