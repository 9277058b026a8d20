"""meetings: logistics of United Nations review conferences and their sponsorship fund."""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "config"
ENVIRONMENTS = ("development", "testing", "production")

# The features, in the order they plug themselves in: each package's ``init_app(app)`` imports
# its models and registers its blueprints, command-line group, navigation and demo data. A
# feature may rely on those listed before it.
FEATURES = (
    "reference",
    "auth",
    "audit",
    "outbox",
    "documents",
    "schedule",
    "calendar",
    "registration",
    "fund",
    "sponsorship",
    "reporting",
    "floor",
    "api",
    "home",
)


def _database_url(app: Flask) -> str:
    url = app.config.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(app.instance_path) / 'meetings.sqlite3'}"
    url = str(url)
    # Accept the plain forms hosting platforms hand out, and use psycopg 3 for them.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    environment = (overrides or {}).get("ENV_NAME") or os.environ.get("MEETINGS_ENV", "development")
    if environment not in ENVIRONMENTS:
        raise RuntimeError(f"MEETINGS_ENV must be one of {', '.join(ENVIRONMENTS)}")
    app.config.from_pyfile(str(CONFIG_DIR / "default.py"))
    if environment != "development":
        app.config.from_pyfile(str(CONFIG_DIR / f"{environment}.py"))
    app.config.from_prefixed_env("MEETINGS")
    app.config.update(overrides or {})
    app.config["ENV_NAME"] = environment

    missing = [name for name in app.config.get("REQUIRED_SETTINGS", ()) if not app.config.get(name)]
    if missing:
        raise RuntimeError(
            "refusing to start in production without "
            + ", ".join(f"MEETINGS_{name}" for name in missing)
        )
    if environment == "production":
        check_production(app)

    url = _database_url(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    engine_options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.startswith("sqlite"):
        engine_options.setdefault("connect_args", {"timeout": 15})
    else:
        # A connection the server dropped is replaced before use; a server that does not answer
        # is given up on after a few seconds (a 503 page) rather than holding the worker.
        engine_options.setdefault("pool_pre_ping", True)
        engine_options.setdefault("connect_args", {"connect_timeout": 5})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    app.config.setdefault("RATELIMIT_KEY_PREFIX", f"{app.config['REDIS_PREFIX']}:limits")
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")


# Secret keys that must never sign a production session.
KNOWN_KEYS = frozenset(
    {"development-only-secret-key-do-not-use-in-production", "testing-secret-key", "changeme"}
)


def check_production(app: Flask) -> None:
    """Production refuses to start half-safe: a short or published secret key, debug mode, or
    no public address (from which e-mailed links are built and served hosts are checked)."""
    key = str(app.config.get("SECRET_KEY") or "")
    if len(key) < 32 or key in KNOWN_KEYS:
        raise RuntimeError("MEETINGS_SECRET_KEY must be a random secret of at least 32 characters")
    if app.config.get("DEBUG") or os.environ.get("FLASK_DEBUG") in ("1", "true"):
        raise RuntimeError("debug mode cannot be on in production")
    public = urlsplit(str(app.config.get("PUBLIC_URL") or ""))
    if public.scheme not in ("http", "https") or not public.hostname:
        raise RuntimeError(
            "MEETINGS_PUBLIC_URL must be the site's address, e.g. https://meetings.example.org"
        )
    if not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [public.hostname]


def browser_identifier() -> str:
    """What binds a session to the browser that opened it (Flask-Login's "strong" protection)."""
    import hashlib

    from flask import request

    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(agent.encode("utf-8", errors="replace")).hexdigest()


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    instance_path = (overrides or {}).get("INSTANCE_PATH") or os.environ.get(
        "MEETINGS_INSTANCE_PATH", str(ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.debug and not app.testing:
        from meetings.observability import configure_logging

        configure_logging(app)
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_prefix=count
        )

    _init_extensions(app)
    _register_request_hooks(app)
    from meetings import jobs, metrics, observability

    observability.init_app(app)
    observability.init_sentry(app)
    metrics.init_app(app)
    jobs.init_app(app)

    from meetings.backup import init_app as init_backup
    from meetings.demo import init_app as init_demo
    from meetings.errors import register_error_handlers
    from meetings.templating import register_templating

    register_error_handlers(app)
    register_templating(app)
    init_demo(app)
    init_backup(app)
    for name in FEATURES:
        import_module(f"meetings.{name}").init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from meetings import cache
    from meetings.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from meetings.i18n import select_locale, speed_up_flask_babel

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    _limit_checks_only_where_limited(app)
    babel.init_app(app, locale_selector=select_locale)
    speed_up_flask_babel()
    mail.init_app(app)
    cache.init_app(app)

    from meetings.auth.services import load_session_user

    login_manager.init_app(app)
    login_manager.session_protection = app.config["SESSION_PROTECTION"]
    # A session is bound to the browser (its User-Agent), not to the network path: a delegate
    # whose address changes (the venue's Wi-Fi, a phone moving to mobile data, a proxy pool)
    # stays logged in; a session cookie carried to another browser is still refused.
    login_manager._session_identifier_generator = browser_identifier
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_session_user)

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to see this page.")


def _limit_checks_only_where_limited(app: Flask) -> None:
    """Flask-Limiter checks application-wide and default limits before every request; this site
    has neither (its limits are on the routes that need them: login, sign-up, password reset,
    the fund's forms, checked by their decorators). Without them the check finds nothing to
    count, yet it was a third of a health check's time: it is left out."""
    from meetings.extensions import limiter

    if app.config.get("RATELIMIT_APPLICATION") or app.config.get("RATELIMIT_DEFAULT"):
        return
    if app.config.get("RATELIMIT_META"):
        return
    checks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [
        check for check in checks if check != limiter._check_request_limit
    ]
    # Its headers and its per-request bookkeeping matter only where a route has limits.
    from flask_limiter.util import get_qualified_name

    decorated = getattr(limiter.limit_manager, "_decorated_limits", None)
    if decorated is None:  # another Flask-Limiter: leave its hooks as they are
        return
    limited: dict[str | None, bool] = {}

    def has_limits(endpoint: str | None) -> bool:
        if endpoint not in limited:
            view = app.view_functions.get(endpoint or "")
            limited[endpoint] = view is None or get_qualified_name(view) in decorated
        return limited[endpoint]

    def only_where_limited(hook: Any) -> Any:
        def run(value: Any) -> Any:
            return hook(value) if has_limits(request.endpoint) else value

        return run

    for hooks in (app.after_request_funcs, app.teardown_request_funcs):
        found = hooks.get(None, [])
        hooks[None] = [
            only_where_limited(hook) if _is_limiter_hook(hook, limiter) else hook for hook in found
        ]


def _is_limiter_hook(hook: Any, limiter: Any) -> bool:
    bound = getattr(hook, "__self__", None) or (getattr(hook, "args", None) or (None,))[0]
    return bound is limiter


def _register_request_hooks(app: Flask) -> None:
    from meetings.db import mark_read_only, reset_read_only

    @app.before_request
    def sqlite_transactions_for_safe_methods() -> None:
        # GET and HEAD never write: their SQLite transactions need not queue for the write lock.
        request.environ["meetings.read_only_token"] = mark_read_only(
            request.method in ("GET", "HEAD", "OPTIONS")
        )

    @app.teardown_request
    def reset_transaction_mode(_error: BaseException | None) -> None:
        token = request.environ.pop("meetings.read_only_token", None)
        if token is not None:
            reset_read_only(token)

    from meetings.security import init_app as init_security

    init_security(app)
