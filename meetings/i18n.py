"""Language choice: the user's profile first, then the browser's Accept-Language."""

from __future__ import annotations

from flask import current_app, has_request_context, request
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


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    locale = getattr(current_user, "locale", None)
    if locale in languages:
        return str(locale)
    chosen = request.cookies.get("language")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def text_direction() -> str:
    locale = get_locale()
    return "rtl" if locale is not None and locale.language in RIGHT_TO_LEFT else "ltr"
