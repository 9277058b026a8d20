"""Flask-Babel's context lookup is replaced by a cheaper one (meetings.i18n): the same namespace
on the same ``g``, so the locale, forced locales and refreshes behave as before."""

from __future__ import annotations

import threading

import flask_babel
from flask import g
from flask_babel import force_locale, get_locale, gettext, refresh

from meetings.i18n import _babel_context


def test_flask_babel_uses_the_cheaper_lookup_and_still_finds_its_state(app) -> None:
    assert flask_babel._get_current_context is _babel_context
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert str(get_locale()) == "fr"
        assert g._flask_babel is _babel_context()
        assert gettext("Log in") != "Log in"
        with force_locale("es"):
            assert str(get_locale()) == "es"
        assert str(get_locale()) == "fr"
        g._flask_babel.babel_locale = None
        refresh()
        assert str(get_locale()) == "fr"


def test_outside_an_application_there_is_no_locale() -> None:
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.extend((_babel_context(), get_locale())))
    worker.start()  # a new thread starts with no application context
    worker.join()
    assert seen == [None, None]
