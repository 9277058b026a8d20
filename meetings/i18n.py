"""Language choice: the account's language first, then a visitor's choice in the session, then the
browser's Accept-Language."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace

import flask_babel
from flask import current_app, g, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import get_locale
from flask_login import current_user

# The endonym of each official language, as shown in the language picker.
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ru": "Русский",
    "zh": "中文",
    "ar": "العربية",
}
RIGHT_TO_LEFT = frozenset({"ar"})
# The official languages a title is entered in besides the English it is first written in.
OTHER_LANGUAGES = ("fr", "es", "ru", "zh", "ar")


def language_name(code: str, reader: str) -> str:
    """The name of the language ``code`` in the language ``reader`` (CLDR's: "anglais")."""
    from babel import Locale

    return Locale.parse(code).get_language_name(reader) or LANGUAGE_NAMES.get(code, code)


def feed_language() -> str:
    """A calendar feed has one language per address, so that its bytes (and ETag) are stable:
    the default, or ``?lang=`` — never the reader's cookies or Accept-Language."""
    chosen = request.args.get("lang", "")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def select_locale() -> str | None:
    """The reader's language. (A calendar feed is written in its address's language, under
    ``force_locale(feed_language())``; an error page at a feed's address is read by a person.)"""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if request.path.startswith("/api/"):
        # The JSON API reads no cookies: the token owner's language, else Accept-Language.
        token = g.get("api_token")
        owner_locale = token.user.locale if token is not None else None
        if owner_locale in languages:
            return str(owner_locale)
        return str(
            request.accept_languages.best_match(languages)
            or current_app.config["BABEL_DEFAULT_LOCALE"]
        )
    # This browser's choice (the header's language switch) first; then the account's language
    # (what its e-mails are written in, set on the account page); then the browser's own.
    chosen = session.get("language")
    if chosen in languages:
        return str(chosen)
    locale = getattr(current_user, "locale", None)
    if locale in languages:
        return str(locale)
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def text_direction() -> str:
    locale = get_locale()
    return "rtl" if locale is not None and locale.language in RIGHT_TO_LEFT else "ltr"


def in_reader_language(source: str, translations: Mapping[str, str]) -> str:
    """``source`` (English) in the language of the page, mail or feed being written, where the
    secretariat has entered it; otherwise the English."""
    locale = get_locale()
    if locale is None:
        return source
    return translations.get(locale.language) or source


def clean_translations(values: Mapping[str, str]) -> dict[str, str]:
    """The non-empty titles of the other official languages, stripped."""
    return {
        lang: values[lang].strip()
        for lang in OTHER_LANGUAGES
        if lang in values and values[lang].strip()
    }


# --- Flask-Babel's per-call lookup, made cheap ---------------------------------------------------
#
# Flask-Babel finds the request's locale and translations again on every gettext (and every
# |label, every lazy string): three lookups through Flask's ``g`` proxy and a hasattr each time,
# 700 times for a list page of 50 rows (about a tenth of its time, measured with cProfile). The
# same namespace on the same ``g`` is found here with one context-variable read. Flask-Babel
# keeps its state there (``g._flask_babel``), so force_locale and refresh() work unchanged.


def _babel_context() -> SimpleNamespace | None:
    context = _cv_app.get(None)
    if context is None:
        return None
    found = context.g.__dict__.get("_flask_babel")
    if found is None:
        found = context.g._flask_babel = SimpleNamespace()
    return found


def speed_up_flask_babel() -> None:
    """Replace Flask-Babel's context lookup with ``_babel_context`` (same result, same place).
    tests/i18n/test_babel_context.py fails if a new Flask-Babel stops calling it."""
    flask_babel._get_current_context = _babel_context
