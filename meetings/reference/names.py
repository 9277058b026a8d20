"""Names of States, regional groups and currencies in the reader's language.

English keeps the United Nations' own names from the reference data. Other languages take the
names CLDR publishes (through Babel), except where the United Nations names a State otherwise
in that language (the observer States, below)."""

from __future__ import annotations

from collections.abc import Callable

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# Where CLDR's name is not the United Nations' (the observer States).
UN_NAMES: dict[str, dict[str, str]] = {
    "VA": {
        "fr": "Saint-Siège",
        "es": "Santa Sede",
        "ru": "Святейший Престол",
        "zh": "教廷",
        "ar": "الكرسي الرسولي",
    },
    "PS": {
        "fr": "État de Palestine",
        "es": "Estado de Palestina",
        "ru": "Государство Палестина",
        "zh": "巴勒斯坦国",
        "ar": "دولة فلسطين",
    },
}

# The five regional groups, by their codes in the reference data.
REGIONAL_GROUPS = {
    "AFRICA": _l("African States"),
    "ASIA_PACIFIC": _l("Asia-Pacific States"),
    "EASTERN_EUROPE": _l("Eastern European States"),
    "GRULAC": _l("Latin American and Caribbean States"),
    "WEOG": _l("Western European and other States"),
}


def _language() -> Locale | None:
    """The reader's locale when it is not English (in a request, or under force_locale)."""
    locale = get_locale()
    return locale if locale is not None and locale.language != "en" else None


def state_name(alpha2: str, english: str) -> str:
    return state_namer()(alpha2, english)


def state_namer() -> Callable[[str, str], str]:
    """``state_name`` with the reader's language looked up once, for lists of States."""
    locale = _language()
    if locale is None:
        return lambda _alpha2, english: english
    language, territories = locale.language, locale.territories

    def name(alpha2: str, english: str) -> str:
        code = alpha2.upper()
        special = UN_NAMES.get(code, {}).get(language)
        return special or str(territories.get(code, english))

    return name


def group_name(code: str, english: str) -> str:
    label = REGIONAL_GROUPS.get(code)
    return str(label) if label is not None else english


def currency_name(code: str, english: str) -> str:
    locale = _language()
    if locale is None:
        return english
    return str(locale.currencies.get(code, english))
