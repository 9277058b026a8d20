"""The public programme page kept for anonymous visitors: one query when kept, rebuilt on the next
request after any change (on every worker and host), and never shown to someone who may not see
it nor carrying what only a logged-in reader may see."""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Iterator

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.auth.models import Role
from meetings.cache import MemoryCache, RedisCache
from meetings.extensions import db
from meetings.schedule.models import Sitting
from meetings.schedule.services import set_published
from meetings.schedule.sittings import sitting_data, update_sitting
from tests.factories.schedule import make_meeting, make_sitting

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def programme():
    meeting = make_meeting(code="KEPT")
    sitting = make_sitting(meeting, title="Opening of the Conference")
    db.session.commit()
    return meeting, sitting


def _retitle(sitting: Sitting, title: str) -> None:
    sitting = db.session.scalars(
        sa.select(Sitting).options(joinedload(Sitting.meeting)).where(Sitting.id == sitting.id)
    ).one()
    update_sitting(None, sitting, dataclasses.replace(sitting_data(sitting), title=title))
    db.session.commit()


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_a_kept_page_costs_no_query_and_is_the_same_page(client, programme, queries) -> None:
    first = client.get("/meetings/KEPT").get_data(as_text=True)
    with queries() as counted:
        again = client.get("/meetings/KEPT").get_data(as_text=True)
    assert counted.count == 0
    assert _main(again) == _main(first)  # (the header's form token is the visitor's own)
    assert "Opening of the Conference" in again


def test_a_change_is_seen_on_the_next_request(client, programme) -> None:
    _meeting, sitting = programme
    client.get("/meetings/KEPT")
    _retitle(sitting, "Election of the President")
    html = client.get("/meetings/KEPT").get_data(as_text=True)
    assert "Election of the President" in html
    assert "Opening of the Conference" not in html


def test_an_unpublished_meeting_is_not_served_from_the_cache(client, programme) -> None:
    meeting, _sitting = programme
    assert client.get("/meetings/KEPT").status_code == 200
    set_published(None, meeting, False)
    db.session.commit()
    assert client.get("/meetings/KEPT").status_code == 404


def test_filters_and_languages_are_kept_apart(client, programme) -> None:
    english = client.get("/meetings/KEPT").get_data(as_text=True)
    french = client.get("/meetings/KEPT", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Add the programme to your calendar" in english
    assert "Add the programme to your calendar" not in french
    assert "No sitting matches these filters." in client.get(
        "/meetings/KEPT?kind=side_event"
    ).get_data(as_text=True)


def test_logged_in_readers_get_their_own_page_and_never_leave_it_behind(
    client, programme, login
) -> None:
    login(Role.SECRETARIAT)
    mine = client.get("/meetings/KEPT").get_data(as_text=True)
    assert "Manage this meeting" in mine
    assert "Add to my calendar" in mine
    client.submit("/logout")
    anonymous = client.get("/meetings/KEPT").get_data(as_text=True)
    assert "Manage this meeting" not in anonymous
    assert "Add to my calendar" not in anonymous


@pytest.fixture
def two_hosts(app) -> Iterator[tuple[RedisCache, RedisCache]]:
    """Two application instances' caches sharing one Redis, as two hosts would."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"test-{secrets.token_hex(4)}"  # the suite's own keys: nothing else is touched
    hosts = (RedisCache(REDIS_URL, prefix), RedisCache(REDIS_URL, prefix))
    yield hosts
    hosts[0].clear()
    app.extensions["meetings_cache"] = MemoryCache()


def test_with_redis_every_host_sees_the_change(app, client, programme, two_hosts) -> None:
    first, second = two_hosts
    _meeting, sitting = programme
    app.extensions["meetings_cache"] = first
    assert "Opening of the Conference" in client.get("/meetings/KEPT").get_data(as_text=True)
    assert list(first.client.scan_iter(f"{first.prefix}:programme:*"))
    _retitle(sitting, "Election of the President")
    app.extensions["meetings_cache"] = second
    html = client.get("/meetings/KEPT").get_data(as_text=True)
    assert "Election of the President" in html


def _language_form(html: str) -> tuple[str, str]:
    form = html[html.index('class="inline language-picker"') :]
    token = re.search(r'name="csrf_token" value="([^"]*)"', form)
    back = re.search(r'name="next" value="([^"]*)"', form)
    assert token is not None
    assert back is not None
    return token.group(1), back.group(1)


def test_each_visitor_of_a_kept_page_gets_their_own_form_token_and_way_back(app, programme) -> None:
    first, second = app.test_client(), app.test_client()
    first.get("/meetings/KEPT")  # the page is kept now
    html = second.get("/meetings/KEPT?kind=plenary&x=%3Cb%3E").get_data(as_text=True)
    token, back = _language_form(html)
    assert "\x00" not in html
    assert back == "/meetings/KEPT?kind=plenary&amp;x=%3Cb%3E"
    assert token != _language_form(first.get("/meetings/KEPT").get_data(as_text=True))[0]
    answer = second.post(
        "/language", data={"language": "fr", "next": "/meetings/KEPT", "csrf_token": token}
    )
    assert answer.status_code == 302  # the token is valid for this visitor's session
    assert "Ajouter le programme" in second.get("/meetings/KEPT").get_data(as_text=True)


def test_a_visitor_with_a_message_waiting_sees_it(client, programme) -> None:
    client.get("/meetings/KEPT")  # kept
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Your language is saved.")]
    assert "Your language is saved." in client.get("/meetings/KEPT").get_data(as_text=True)
    assert "Your language is saved." not in client.get("/meetings/KEPT").get_data(as_text=True)
