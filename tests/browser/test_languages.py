"""The application in Arabic (right to left) and in English, as each role reaches it by its links:
no page wider than its window, at a desktop's width and a phone's; no axe-core violation;
markup the Nu HTML Checker accepts. And a registration made in French from start to end."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from meetings.auth.models import Role
from meetings.auth.services import user_by_email
from meetings.extensions import db
from meetings.reference.services import state_by_code
from meetings.registration.models import Registration
from tests.browser.checkers import axe_violations, nu_errors, require_tools
from tests.browser.conftest import LiveServer, browser_meeting, logged_in
from tests.factories.auth import make_user
from tests.factories.registration import PDF, for_state, letter, person

MEETING = "LANG-OPEN"
ROLES = ("anonymous", "delegate", "focal point", "secretariat", "fund administrator", "admin")
# Links a crawl must not follow: they act (log out), or are not pages (feeds, files).
NOT_PAGES = re.compile(r"(/logout|\.ics|\.pdf|\.csv|/photo|/document|/letter|/static/|/export)")
PAGES_PER_ROLE = 45


def _account(email: str, language: str, **kwargs: Any) -> None:
    user = user_by_email(email) or make_user(email=email, **kwargs)
    user.locale = language
    db.session.commit()


@pytest.fixture
def people(in_app) -> dict[str, dict[str, str | None]]:
    """For each language, one account per role, in that language; one submitted registration."""
    from meetings.registration import services
    from meetings.schedule.services import meeting_with_code

    browser_meeting(MEETING, "Languages meeting")
    db.session.commit()
    meeting = meeting_with_code(MEETING)
    assert meeting is not None
    meeting.titles = {"ar": "اجتماع اللغات", "fr": "Réunion des langues"}
    db.session.commit()
    found: dict[str, dict[str, str | None]] = {}
    for language in ("ar", "en"):
        emails: dict[str, str | None] = {"anonymous": None}
        roles = {
            "delegate": {},
            "focal point": {"roles": [Role.FOCAL_POINT], "state": state_by_code("GH")},
            "secretariat": {"roles": [Role.SECRETARIAT]},
            "fund administrator": {"roles": [Role.FUND_ADMINISTRATOR]},
            "admin": {"roles": [Role.ADMIN]},
        }
        for role, kwargs in roles.items():
            email = f"lang-{language}-{role.replace(' ', '-')}@example.org"
            if language == "en" and role == "focal point":
                kwargs = {**kwargs, "state": state_by_code("KE")}
            _account(email, language, **kwargs)
            emails[role] = email
        delegate = user_by_email(str(emails["delegate"]))
        assert delegate is not None
        registered = db.session.scalar(
            sa.select(Registration.id).where(
                Registration.user_id == delegate.id, Registration.meeting_id == meeting.id
            )
        )
        if registered is None:
            services.register(
                delegate,
                meeting,
                for_state("GH" if language == "ar" else "KE"),
                person(email=delegate.email, given_names="Layla", family_name="Haddad"),
                letter=letter(),
                submit=True,
            )
        db.session.commit()
        found[language] = emails
    return found


def _visitor(browser: Any, live_server: LiveServer, email: str | None, language: str) -> Any:
    # axe-core is added to the page as a script, which the site's policy rightly refuses.
    if email is not None:
        return logged_in(browser, live_server, email, bypass_csp=True)
    context = browser.new_context(
        base_url=live_server.url,
        locale=language,
        viewport={"width": 1280, "height": 800},
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


# The outermost elements that stick out of the window (their parent does not): what to fix.
OVERFLOWING = """() => {
  const out = e => {
    const r = e.getBoundingClientRect(); return r.right > innerWidth + 1 || r.left < -1; };
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className
      ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const scrolled = e => { for (let a = e.parentElement; a; a = a.parentElement)
    if (getComputedStyle(a).overflowX !== 'visible') return true; return false; };
  return [...document.body.querySelectorAll('*')]
    .filter(e => out(e) && e.parentElement && !out(e.parentElement) && !scrolled(e))
    .slice(0, 3).map(name);
}"""


def _shape(path: str) -> str:
    """Pages that differ only by an id are one page to check."""
    return re.sub(r"/\d+", "/N", path)


def _links(page: Any, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or parts.query or NOT_PAGES.search(href):
            continue
        paths.append(parts.path)
    return paths


def _crawl(page: Any, live_server: LiveServer, start: str) -> Iterator[tuple[str, str]]:
    """The pages reachable by links from ``start``, one of each shape, breadth first, with
    their source; the page stands at each one when it is yielded."""
    seen: set[str] = set()
    queue = deque([start])
    visited = 0
    while queue and visited < PAGES_PER_ROLE:
        path = queue.popleft()
        if _shape(path) in seen:
            continue
        seen.add(_shape(path))
        # Asked first without the page, so that a download (a letter, a bank advice) is not opened.
        answer = page.context.request.get(path)
        html = answer.headers.get("content-type", "").startswith("text/html")
        if not answer.ok or not html or urlsplit(answer.url).path != path:
            continue
        page.goto(path)
        visited += 1
        queue.extend(p for p in _links(page, live_server.url) if _shape(p) not in seen)
        yield path, answer.text()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_page_fits_its_window_and_passes_axe_and_the_nu_checker(
    browser, live_server, people, language: str, tmp_path: Path
) -> None:
    require_tools()
    problems: list[str] = []
    pages = 0
    for role in ROLES:
        email = people[language][role]
        page = _visitor(browser, live_server, email, language)
        start = "/dashboard" if email else "/"
        for path, source in _crawl(page, live_server, start):
            pages += 1
            where = f"{role} {path}"
            direction = page.evaluate("document.documentElement.dir")
            if direction != ("rtl" if language == "ar" else "ltr"):
                problems.append(f"{where}: dir={direction}")
            for width, height in ((1280, 800), (390, 844)):
                page.set_viewport_size({"width": width, "height": height})
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    culprits = ", ".join(page.evaluate(OVERFLOWING))
                    problems.append(f"{where}: {wide} px wide in a {width} px window ({culprits})")
            page.set_viewport_size({"width": 1280, "height": 800})
            problems += [f"{where}: axe {v}" for v in axe_violations(page)]
            name = re.sub(r"\W+", "_", f"{role}{path}") + ".html"
            (tmp_path / name).write_text(source, encoding="utf-8")
        page.context.close()
    problems += [f"Nu: {error}" for error in nu_errors(tmp_path)]
    assert pages > 40, pages
    assert not problems, "\n".join(problems)


def test_a_registration_in_french_from_start_to_end(
    browser, live_server, in_app, tmp_path: Path
) -> None:
    email = "lang-fr-delegate@example.org"
    _account(email, "fr")
    browser_meeting(MEETING, "Languages meeting")
    db.session.commit()
    page = logged_in(browser, live_server, email)
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto(f"/meetings/{MEETING}/register")
    assert page.get_by_role("heading", name=re.compile("Réunion des langues|Languages meeting"))
    # Sent empty: the messages are French, beside their fields.
    page.get_by_role("button", name="Soumettre l'inscription").click()
    assert page.get_by_role("heading", name="Un problème est survenu").is_visible()
    assert page.get_by_text("Ce champ est obligatoire.").first.is_visible()
    page.get_by_label("État Membre", exact=True).check()
    page.get_by_label("Quel État Membre").select_option(label="Ghana")
    page.get_by_label("Titre", exact=True).select_option("Ms.")
    page.get_by_label("Prénoms (comme dans le passeport)").fill("Aïcha")
    page.get_by_label("Nom de famille (comme dans le passeport)").fill("Diallo")
    page.get_by_label("Titre fonctionnel").fill("Première secrétaire")
    page.get_by_label("Genre").select_option("female")
    upload = tmp_path / "lettre.pdf"
    upload.write_bytes(PDF)
    page.get_by_label("Lettre de désignation").set_input_files(str(upload))
    page.get_by_role("button", name="Soumettre l'inscription").click()
    page.wait_for_url(re.compile(r"/registrations/\d+$"))
    assert page.get_by_text("Votre inscription a été soumise").first.is_visible()
    assert page.get_by_role("heading", name="La suite").is_visible()
    assert page.get_by_text("soumise", exact=True).first.is_visible()
