"""Every page, for every role, in French and in Arabic: nothing of the English source text is left
on it (the people's, rooms' and sittings' names the world was made with are data, not text)."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask

from meetings.extensions import db
from tests.security import harness, world

TRANSLATIONS = Path(__file__).resolve().parents[2] / "meetings" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")
# Literal values (column names a file must have, recorded values in the audit log) are code.
LITERAL = ("script", "style", "code", "kbd", "samp")
# Read by people or by assistive technology, though not as text.
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
# The words every language writes the same (a brand, a code) or which are data here.
SAME_IN_EVERY_LANGUAGE = {"Stripe", "PDF", "CSV", "ICS", "IBAN", "SWIFT/BIC", "UTC", "OK"}


class Text(HTMLParser):
    """The text of a page a reader meets: its text nodes and the attributes read aloud."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in LITERAL:
            self._skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.nodes.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in LITERAL and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


@cache
def english(language: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The source texts that ``language`` translates differently: short ones (one or two words,
    found when they are a whole text node) and the literal stretches of long ones (three words
    or more, found anywhere in the text)."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue: Catalog = read_po(f, locale=language)
    short: set[str] = set()
    long: set[str] = set()
    # A word both languages write alike, or one translation's words ("Agenda" is French for
    # "Calendar"), says nothing.
    written = {
        text
        for message in catalogue
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
    }
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for source in ids:
            if source in written or source in SAME_IN_EVERY_LANGUAGE:
                continue
            strings = message.string
            own = " ".join(strings if isinstance(strings, tuple) else (strings,))
            for stretch in PLACEHOLDER.split(source):
                stretch = " ".join(stretch.split()).strip(" .,:;—–()")
                words = stretch.split()
                if stretch in own:  # "1 USD =" is written so in French too
                    continue
                if len(words) >= 3:
                    long.add(stretch)
                elif stretch == " ".join(source.split()).strip(" .,:;") and words:
                    short.add(stretch)
    return frozenset(short), tuple(sorted(long, key=len, reverse=True))


def untranslated(body: str, language: str, data: frozenset[str]) -> list[str]:
    page = Text()
    page.feed(body)
    nodes = [node for node in page.nodes if node not in data]
    short, long = english(language)
    text = "\n".join(nodes)
    found = sorted({node for node in nodes if node.strip(" .,:;") in short})
    found += [stretch for stretch in long if stretch in text]
    return found


def world_data(made: world.World) -> frozenset[str]:
    """Names the world's objects carry (people, rooms, sittings): data in any language."""
    names: set[str] = set()
    for account in made.accounts.values():
        if account is not None:
            names.update({account.full_name, account.email})
    return frozenset(names)


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("who", world.ROLES)
def test_no_english_source_text_is_left_on_any_page(
    app: Flask,
    connection: sa.Connection,
    built: world.World,
    who: str,
    language: str,
) -> None:
    account = built.accounts[who]
    if account is not None:
        account.locale = language
        db.session.commit()
    visitor = harness.Visitor(app, account)
    visitor.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    data = world_data(built)
    problems = []
    pages = 0
    for cell, response, html in harness.html_pages(app, connection, built, visitor):
        if 300 <= response.status_code < 400:
            continue  # a redirect's body is Werkzeug's, and no browser shows it
        pages += 1
        assert f'<html lang="{language}"' in html, cell.path
        left = untranslated(html, language, data)
        if left:
            problems.append(f"{cell.path} ({response.status_code}): {left[:6]}")
    assert pages > (10 if account is None else 30)
    assert not problems, "\n".join(problems)


def test_an_english_sentence_left_on_a_page_is_found() -> None:
    body = (
        "<html><body><h1>Inscription</h1><p>Pending</p>"
        "<p>Votre inscription a été soumise. The two passwords are not the same.</p>"
        '<button aria-label="Cancel">x</button></body></html>'
    )
    found = untranslated(body, "fr", frozenset())
    assert "The two passwords are not the same" in found
    assert "Cancel" in found
    assert not untranslated("<p>Votre inscription a été soumise.</p>", "fr", frozenset())
