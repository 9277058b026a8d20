"""Every page, for every role, is well-formed where the Nu checker looked: ids are unique,
every label points at a field that exists, every field has a label."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.security import harness, world

UNLABELLED_OK = {"hidden", "submit", "button", "image", "reset"}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []
        self.fields: list[dict[str, str | None]] = []
        self._open_labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[str(attributes["id"])] += 1
        if tag == "label":
            self._open_labels += 1
            if attributes.get("for"):
                self.label_targets.append(str(attributes["for"]))
        if tag in ("input", "select", "textarea"):
            kind = attributes.get("type") or tag
            if kind not in UNLABELLED_OK:
                self.fields.append({**attributes, "_wrapped": "1" if self._open_labels else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._open_labels:
            self._open_labels -= 1


@pytest.mark.parametrize("who", world.ROLES)
def test_every_page_has_unique_ids_and_labelled_fields(
    app: Flask, connection: sa.Connection, built: world.World, who: str
) -> None:
    visitor = harness.Visitor(app, built.accounts[who])
    problems = []
    pages = 0
    for cell, response, html in harness.html_pages(app, connection, built, visitor):
        pages += 1
        page = Page()
        page.feed(html)
        where = f"{cell.path} ({response.status_code})"
        repeated = sorted(name for name, count in page.ids.items() if count > 1)
        if repeated:
            problems.append(f"{where}: repeated ids {repeated}")
        dangling = sorted(set(page.label_targets) - set(page.ids))
        if dangling:
            problems.append(f"{where}: labels for no field {dangling}")
        for field in page.fields:
            labelled = (
                field.get("id") in page.label_targets
                or field.get("aria-label")
                or field.get("aria-labelledby")
                or field.get("_wrapped")
            )
            if not labelled:
                problems.append(f"{where}: unlabelled field {field.get('name')}")
    assert pages > 30
    assert not problems, "\n".join(problems)
