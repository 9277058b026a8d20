"""Work with a token, through the same services as the pages: a focal point lists, registers
and approves its delegation; the secretariat reads every registration and the check-ins; a donor
reads its contributions and receipts (the PDF too); fund administrators read applications and
the ledger. A token's scopes narrow what its owner may do; the rules refuse as on the pages."""

from __future__ import annotations

import sqlalchemy as sa

from meetings.api.models import Scope
from meetings.audit.models import AuditEntry
from meetings.auth.models import Role
from meetings.extensions import db
from meetings.fund import donors
from meetings.reference.services import state_by_code
from meetings.registration.models import Registration, RegistrationStatus
from tests.api.conftest import bearer, token_for
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer, make_donor
from tests.factories.registration import DURING_REGISTRATION, for_state, make_open_meeting, register

NEW = {
    "given_names": "Aminata",
    "family_name": "Kamara",
    "gender": "female",
    "email": "a.kamara@example.org",
    "functional_title": "Counsellor",
}


def _focal(code: str = "SL"):
    return make_user(roles=[Role.FOCAL_POINT], state=state_by_code(code))


def test_a_focal_point_registers_lists_and_approves_its_delegation(api, monkeypatch) -> None:
    from meetings import clock

    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)
    meeting = make_open_meeting()
    focal = _focal()
    secret = token_for(focal, [Scope.REGISTRATIONS])
    url = f"/api/v1/meetings/{meeting.code}/registrations"
    made = api.post(url, json=NEW, headers=bearer(secret))
    assert made.status_code == 201, made.json
    assert made.json["status"] == "approved"
    assert made.json["delegation"] == "Sierra Leone"
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "registration.added_by_focal_point")
    )
    assert entry is not None
    assert entry.actor_id == focal.id
    again = api.post(url, json=NEW, headers=bearer(secret))
    assert again.status_code == 422  # the same rule as the page: one registration per address
    assert again.headers["Content-Type"] == "application/problem+json"
    wrong = api.post(
        url, json={**NEW, "gender": "unknown", "email": "b@example.org"}, headers=bearer(secret)
    )
    assert wrong.status_code == 422
    assert wrong.json["errors"][0]["field"] == "gender"
    # A delegate registers on its own; the focal point approves through the API.
    waiting = register(make_user(), meeting, for_state("SL"))
    db.session.commit()
    listed = api.get(url, headers=bearer(secret)).json["items"]
    assert {item["email"] for item in listed} >= {NEW["email"], waiting.email}
    approved = api.post(f"/api/v1/registrations/{waiting.id}/approve", headers=bearer(secret))
    assert approved.status_code == 200
    assert db.session.get(Registration, waiting.id).status is RegistrationStatus.APPROVED
    # Another State's focal point cannot see it.
    other = token_for(_focal("KE"), [Scope.REGISTRATIONS])
    assert api.post(
        f"/api/v1/registrations/{waiting.id}/approve", headers=bearer(other)
    ).status_code in (403, 404)


def test_a_read_token_cannot_write(api, monkeypatch) -> None:
    from meetings import clock

    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)
    meeting = make_open_meeting()
    secret = token_for(_focal(), [Scope.READ])
    url = f"/api/v1/meetings/{meeting.code}/registrations"
    assert api.get(url, headers=bearer(secret)).status_code == 200
    refused = api.post(url, json=NEW, headers=bearer(secret))
    assert refused.status_code == 403
    assert "registrations" in refused.json["detail"]
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_the_secretariat_reads_registrations_and_check_ins_page_by_page(api, monkeypatch) -> None:
    from meetings import clock

    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)
    meeting = make_open_meeting()
    for _ in range(3):
        register(make_user(), meeting, for_state("GH"))
    db.session.commit()
    secret = token_for(make_user(roles=[Role.SECRETARIAT]), [Scope.READ])
    url = f"/api/v1/meetings/{meeting.code}/registrations"
    first = api.get(url, query_string={"limit": "2"}, headers=bearer(secret)).json
    second = api.get(
        url, query_string={"limit": "2", "cursor": first["next_cursor"]}, headers=bearer(secret)
    ).json
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
    assert (
        api.get(f"/api/v1/meetings/{meeting.code}/check-ins", headers=bearer(secret)).status_code
        == 200
    )
    # A focal point's token does not reach the check-ins.
    focal = token_for(_focal("GH"), [Scope.READ])
    assert (
        api.get(f"/api/v1/meetings/{meeting.code}/check-ins", headers=bearer(focal)).status_code
        == 403
    )


def test_a_donor_reads_its_contributions_and_receipts(api) -> None:
    donor = make_donor(name="Kingdom of Norway")
    given = bank_transfer(donor)
    someone_else = bank_transfer(make_donor())
    fund = make_user(roles=[Role.FUND_ADMINISTRATOR])
    account = make_user()
    donors.link_account(fund, donor, account.email)
    db.session.commit()
    secret = token_for(account, [Scope.FUND])
    listed = api.get("/api/v1/me/contributions", headers=bearer(secret)).json["items"]
    assert [item["id"] for item in listed] == [given.id]
    receipt = api.get(f"/api/v1/me/contributions/{given.id}/receipt", headers=bearer(secret))
    assert receipt.status_code == 200
    assert receipt.json["receipt_number"].startswith("SF-")
    pdf = api.get(f"/api/v1/me/contributions/{given.id}/receipt.pdf", headers=bearer(secret))
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    assert (
        api.get(
            f"/api/v1/me/contributions/{someone_else.id}/receipt", headers=bearer(secret)
        ).status_code
        == 404
    )
    no_fund = token_for(account, [Scope.READ])
    assert api.get("/api/v1/me/contributions", headers=bearer(no_fund)).status_code == 403


def test_fund_administrators_read_applications_and_the_ledger(api) -> None:
    bank_transfer(make_donor())
    bank_transfer(make_donor())
    db.session.commit()
    secret = token_for(make_user(roles=[Role.FUND_ADMINISTRATOR]), [Scope.FUND])
    first = api.get("/api/v1/fund/ledger", query_string={"limit": "1"}, headers=bearer(secret)).json
    assert len(first["items"]) == 1
    rest = api.get(
        "/api/v1/fund/ledger", query_string={"cursor": first["next_cursor"]}, headers=bearer(secret)
    ).json
    assert rest["items"][0]["sequence"] > first["items"][0]["sequence"]
    assert api.get("/api/v1/fund/applications", headers=bearer(secret)).status_code == 200
    donor_token = token_for(make_user(), [Scope.FUND])
    assert api.get("/api/v1/fund/ledger", headers=bearer(donor_token)).status_code == 403
