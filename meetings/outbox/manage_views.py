"""Administrators: the outgoing mail, and sending a failed message again."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from meetings.auth.current import current_account
from meetings.auth.guards import guard
from meetings.auth.permissions import Permission
from meetings.forms import ConfirmForm, act
from meetings.mail import MAX_ATTEMPTS, OutboxStatus
from meetings.outbox import services
from meetings.pagination import requested_page

bp = Blueprint("outbox_manage", __name__, url_prefix="/admin/mail")
guard(bp, Permission.MANAGE_USERS)


def _status() -> OutboxStatus:
    try:
        return OutboxStatus(request.args.get("status", OutboxStatus.FAILED.value))
    except ValueError:
        return OutboxStatus.FAILED


@bp.get("")
def messages() -> ResponseReturnValue:
    user = current_account()
    status = _status()
    return render_template(
        "outbox/manage/messages.html",
        status=status,
        counts=services.counts(user),
        page=services.messages(user, status, page=requested_page()),
        confirm=ConfirmForm(),
        max_attempts=MAX_ATTEMPTS,
    )


@bp.post("/<int:message_id>/send-again")
def send_again(message_id: int) -> ResponseReturnValue:
    return act(
        lambda: services.send_again(current_account(), message_id),
        success=_("The message will be sent again within a minute."),
        back=url_for(".messages", status=request.args.get("status", "failed")),
    )
