"""The audit log, for those who may read it."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from meetings.audit.services import list_entries
from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission

bp = Blueprint("audit_manage", __name__, url_prefix="/admin/audit")
guard(bp, Permission.VIEW_AUDIT_LOG)


@bp.get("")
def log() -> ResponseReturnValue:
    page = list_entries(current_account(), page=request.args.get("page", 1, type=int) or 1)
    return render_template("audit/manage/log.html", page=page)
