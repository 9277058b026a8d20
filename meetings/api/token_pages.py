"""A person's API tokens, on the account pages (routes on the API's blueprint, as pages): create one
(shown once), list them with their last use, revoke."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from meetings.api import tokens
from meetings.api.models import Scope
from meetings.api.views import bp
from meetings.auth.current import current_account
from meetings.forms import ConfirmForm, act, perform


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens_page() -> ResponseReturnValue:
    actor = current_account()
    form = ConfirmForm()
    error = None
    shown = None
    typed = request.form
    if request.method == "POST" and form.validate_on_submit():
        lifetime = request.form.get("lifetime", "")
        outcome = perform(
            lambda: tokens.create(
                actor,
                request.form.get("name", ""),
                request.form.getlist("scopes"),
                int(lifetime) if lifetime.isdigit() else None,
            )
        )
        if outcome:
            assert outcome.value is not None
            shown = outcome.value[1]
            typed = type(request.form)()
        else:
            error = outcome.error
    return render_template(
        "api/tokens.html",
        rows=tokens.tokens_of(actor),
        scopes=list(Scope),
        lifetimes=tokens.LIFETIMES,
        shown=shown,
        confirm=form,
        error=error,
        typed=typed,
    ), (422 if error else 200)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    actor = current_account()
    return act(
        lambda: tokens.revoke(actor, token_id),
        success=_("The token is revoked: it no longer works."),
        back=url_for("api.tokens_page"),
    )
