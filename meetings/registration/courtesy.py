"""Courtesy titles: stored as entered in English (the value of the form's choice, the same in
every export and import), shown in the reader's language ("M." in French, "السيد" in Arabic)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

COURTESY_TITLE_LABELS = {
    "Mr.": _l("Mr."),
    "Ms.": _l("Ms."),
    "Mx.": _l("Mx."),
    "Dr.": _l("Dr."),
    "H.E. Mr.": _l("H.E. Mr."),
    "H.E. Ms.": _l("H.E. Ms."),
    "Prof.": _l("Prof."),
}
COURTESY_TITLES = tuple(COURTESY_TITLE_LABELS)


def courtesy(title: str) -> str:
    """``title`` in the reader's language; a title not in the list as it was entered."""
    known = COURTESY_TITLE_LABELS.get(title)
    return str(known) if known is not None else title
