"""The audit log, for those who may read it: each reader sees the records they manage."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.audit import subjects
from meetings.audit.forms import AuditFilterForm
from meetings.audit.services import AuditFilter, list_entries, present
from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.pagination import requested_page

bp = Blueprint("audit_manage", __name__, url_prefix="/admin/audit")
guard(bp, Permission.VIEW_AUDIT_LOG)


@bp.get("")
def log() -> ResponseReturnValue:
    user = current_account()
    form = AuditFilterForm(request.args)
    readable = subjects.readable_by(user)
    form.kind.choices = [("", _("All"))] + [(s.table, str(s.label)) for s in readable]
    filters = AuditFilter()
    if form.validate():
        kinds = {s.table for s in readable}
        filters = AuditFilter(
            who=(form.who.data or "").strip(),
            kind=form.kind.data if form.kind.data in kinds else "",
            since=form.since.data,
            until=form.until.data,
        )
    page = list_entries(user, filters, page=requested_page())
    return render_template(
        "audit/manage/log.html", page=page, entries=present(page.items), form=form
    )
