"""Register, log in, log out, reset a forgotten password, and the user's own account page."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from meetings.auth import services, verification
from meetings.auth.current import current_account
from meetings.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from meetings.auth.models import User
from meetings.extensions import limiter
from meetings.forms import act, perform, run, safe_next, status_for, submit_form

bp = Blueprint("auth", __name__)


def _limit(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def _account_key() -> str:
    """The account an attempt is about, normalised (case variants count as one)."""
    return "account:" + services.normalise_email(request.form.get("email", ""))[:254]


def _failed(response: Response) -> bool:
    """Only failed attempts count: at a venue hundreds of delegates log in from one address."""
    return response.status_code != 302


def _start_session(user: User) -> None:
    # A fresh session at login: nothing from before (a planted session id, old flags) survives,
    # except the language the visitor chose.
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    login_user(user)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_limit("SIGNUP_RATE_LIMIT"), methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = RegisterForm(next=request.args.get("next", ""))
    if form.validate_on_submit() and perform(
        lambda: verification.sign_up(
            email=form.email.data or "",
            password=form.password.data or "",
            full_name=form.full_name.data or "",
            locale=session.get("language") or str(get_locale() or ""),
            next_url=safe_next(form.next.data),
        ),
        form=form,
    ):
        # The same answer whether the address was new or had an account already.
        return render_template("auth/verify_sent.html", email=form.email.data)
    return render_template("auth/register.html", form=form), status_for(form)


@bp.get("/verify/<token>")
def verify_email(token: str) -> ResponseReturnValue:
    try:
        user = run(lambda: verification.verify(token))
    except verification.InvalidVerificationLink as error:  # a bad link gets its own page
        return render_template("auth/verify_invalid.html", reason=error.message), 400
    _start_session(user)
    flash(_("Your e-mail address is confirmed. Welcome, %(name)s.", name=user.full_name), "success")
    return redirect(safe_next(request.args.get("next")) or url_for("home.dashboard"))


@bp.post("/verify/resend")
@login_required
@limiter.limit(_limit("SIGNUP_RATE_LIMIT"))
def resend_verification() -> ResponseReturnValue:
    return act(
        lambda: verification.resend(current_account()),
        success=_("We sent a new link to your address."),
        back=url_for("home.dashboard"),
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_ADDRESS_RATE_LIMIT"), methods=["POST"], deduct_when=_failed)
@limiter.limit(
    _limit("LOGIN_RATE_LIMIT"), key_func=_account_key, methods=["POST"], deduct_when=_failed
)
def login() -> ResponseReturnValue:
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.dashboard"))
    if form.validate_on_submit():
        outcome = perform(
            lambda: services.authenticate(form.email.data or "", form.password.data or ""),
            form=form,
        )
        if outcome.value is not None:
            _start_session(outcome.value)
            return redirect(safe_next(form.next.data) or url_for("home.dashboard"))
    return render_template("auth/login.html", form=form), status_for(form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    perform(lambda: services.end_all_sessions(current_account()))
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_RATE_LIMIT"), methods=["POST"])
@limiter.limit(_limit("RESET_RATE_LIMIT"), key_func=_account_key, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit() and perform(
        lambda: services.request_password_reset(form.email.data or ""), form=form
    ):
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form), status_for(form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_RATE_LIMIT"), methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    try:
        services.user_for_reset_token(token)
    except services.InvalidResetToken as error:  # a bad link gets its own page, not a form error
        return render_template("auth/reset_invalid.html", reason=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        outcome = perform(
            lambda: services.reset_password(token, form.password.data or ""), form=form
        )
        if outcome.value is not None:
            _start_session(outcome.value)
            flash(
                _("Your password has been changed. Other sessions have been logged out."), "success"
            )
            return redirect(url_for("home.dashboard"))
    return render_template("auth/reset_password.html", form=form), status_for(form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    user = current_account()
    profile = ProfileForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        profile.locale.data = user.locale or ""
    done = submit_form(
        profile,
        lambda: services.update_profile(
            user, full_name=profile.full_name.data or "", locale=profile.locale.data or None
        ),
        success=_("Your profile has been saved."),
        then=url_for("auth.account"),
    )
    return done or _account_page(profile=profile, password=ChangePasswordForm(formdata=None))


@bp.post("/account/password")
@login_required
def change_password() -> ResponseReturnValue:
    user = current_account()
    form = ChangePasswordForm()
    if form.validate_on_submit() and perform(
        lambda: services.change_password(
            user,
            current_password=form.current_password.data or "",
            new_password=form.new_password.data or "",
        ),
        form=form,
    ):
        _start_session(user)
        flash(_("Your password has been changed. Other sessions have been logged out."), "success")
        return redirect(url_for("auth.account"))
    return _account_page(profile=ProfileForm(obj=user, formdata=None), password=form)


def _account_page(*, profile: ProfileForm, password: ChangePasswordForm) -> ResponseReturnValue:
    return render_template("auth/account.html", profile=profile, password=password), status_for(
        profile, password
    )
