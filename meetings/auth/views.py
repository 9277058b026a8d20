"""Register, log in, log out, reset a forgotten password, and the user's own account page."""

from __future__ import annotations

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
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from meetings.auth import services
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
from meetings.errors import DomainError
from meetings.extensions import db, limiter
from meetings.forms import attach_error, safe_next

bp = Blueprint("auth", __name__)

View = Response | str | tuple[str, int]


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _account_key() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


def _start_session(user: User) -> None:
    # A fresh session at login: nothing from before (a planted session id, old flags) survives.
    session.clear()
    login_user(user)


@bp.route("/register", methods=["GET", "POST"])
def register() -> View:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data or "",
                password=form.password.data or "",
                full_name=form.full_name.data or "",
                locale=request.cookies.get("language"),
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            _start_session(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.full_name), "success")
            return redirect(url_for("home.dashboard"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=_account_key, methods=["POST"])
def login() -> View:
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.dashboard"))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data or "", form.password.data or "")
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            _start_session(user)
            return redirect(safe_next(form.next.data) or url_for("home.dashboard"))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout() -> Response:
    services.end_all_sessions(current_account())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password() -> View:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data or "")
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str) -> View:
    try:
        services.user_for_reset_token(token)
    except services.InvalidResetToken as error:
        return render_template("auth/reset_invalid.html", reason=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data or "")
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            _start_session(user)
            flash(
                _("Your password has been changed. Other sessions have been logged out."), "success"
            )
            return redirect(url_for("home.dashboard"))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> View:
    user = current_account()
    profile = ProfileForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        profile.locale.data = user.locale or ""
    if profile.validate_on_submit():
        try:
            services.update_profile(
                user, full_name=profile.full_name.data or "", locale=profile.locale.data or None
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(profile, error)
        else:
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(profile=profile, password=ChangePasswordForm(formdata=None))


@bp.post("/account/password")
@login_required
def change_password() -> View:
    user = current_account()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                user,
                current_password=form.current_password.data or "",
                new_password=form.new_password.data or "",
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            _start_session(user)
            flash(
                _("Your password has been changed. Other sessions have been logged out."), "success"
            )
            return redirect(url_for("auth.account"))
    return _account_page(profile=ProfileForm(obj=user, formdata=None), password=form)


def _account_page(*, profile: ProfileForm, password: ChangePasswordForm) -> tuple[str, int]:
    status = 422 if profile.errors or password.errors else 200
    return render_template("auth/account.html", profile=profile, password=password), status
