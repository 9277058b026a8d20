"""What each role gets from each route, for an object that is someone else's (see world.py).

Each row lists the outcome for, in order: anonymous, delegate, focal point A (whose State's
objects these are), focal point B, secretariat, fund administrator, donor, administrator.

    ok     the request got past authorization (a page, a redirect, or a rule's refusal)
    login  sent to the login page
    403    refused: the role may not do this
    404    refused without saying the object exists
    400    refused for what the request lacks (an invalid token, a missing signature)

A route that has no row here fails the test: every new route must say who may use it.
"""

from __future__ import annotations


def _row(text: str) -> tuple[str, ...]:
    row = tuple(text.split())
    assert len(row) == 8, text
    return row


PUBLIC = _row("ok    ok  ok  ok  ok  ok  ok  ok")
LOGGED_IN = _row("login ok  ok  ok  ok  ok  ok  ok")
INVALID_TOKEN = _row("400 400 400 400 400 400 400 400")
UNKNOWN_TOKEN = _row("404 404 404 404 404 404 404 404")
SECRETARIAT = _row("login 403 403 403 ok  403 403 ok")
FUND = _row("login 403 403 403 403 ok  403 ok")
ADMINISTRATOR = _row("login 403 403 403 403 403 403 ok")
AUDIT = _row("login 403 403 403 ok  ok  403 ok")
FOCAL_POINT = _row("login 403 ok  ok  403 403 403 ok")
# State A's delegation and its members: its focal point, the secretariat, administrators.
DELEGATION_A = _row("login 404 ok  404 ok  404 404 ok")
# State A's sponsorship application, on the focal points' pages.
APPLICATION_A = _row("login 403 ok  404 403 403 403 ok")
# A donor's receipts and statements: the donor's own accounts (not among the roles), the fund.
DONOR_PAPERS = _row("login 404 404 404 404 ok  404 ok")
# A State's own reporting pages: its focal point (an administrator acts for no State).
STATE_FOCAL_POINT = _row("login 403 ok ok 403 403 403 403")
# State A's report, on the focal points' pages.
REPORT_A = _row("login 403 ok 404 403 403 403 403")
# The nominee's own page of an award: the nominee (not among the roles) and nobody else.
NOMINEE = _row("login 404 404 404 404 404 404 404")
REPORTS = _row("login 403 403 403 403 ok  ok  ok")
# The JSON API with a session cookie and no token: 401 for everyone.
TOKEN_ONLY = _row("login login login login login login login login")

EXPECTED: dict[tuple[str, str], tuple[str, ...]] = {
    # pages anyone may see or use
    ("home.index", "GET"): PUBLIC,
    ("home.healthz", "GET"): PUBLIC,
    ("home.readyz", "GET"): PUBLIC,
    ("home.metrics", "GET"): PUBLIC,  # by address (MEETINGS_METRICS_ALLOW), not by role
    # National reports. The report of the world is State A's draft: nobody else's to read.
    # The conference floor: lists of speakers.
    ("floor.lists", "GET"): PUBLIC,
    ("floor.speakers_page", "GET"): PUBLIC,
    ("floor.speakers_json", "GET"): PUBLIC,
    ("floor.speakers_print", "GET"): PUBLIC,
    ("floor.inscribe", "POST"): _row("login 403 ok ok 403 403 403 403"),
    ("floor_manage.lists", "GET"): SECRETARIAT,
    ("floor_manage.lists", "POST"): SECRETARIAT,
    ("floor_manage.manage", "GET"): SECRETARIAT,
    ("floor_manage.close", "POST"): SECRETARIAT,
    ("floor_manage.inscribe_other", "POST"): SECRETARIAT,
    ("floor_manage.move", "POST"): SECRETARIAT,
    ("floor_manage.mark", "POST"): SECRETARIAT,
    ("floor_manage.time_limit", "POST"): SECRETARIAT,
    ("floor_manage.propose_swap", "POST"): SECRETARIAT,
    ("floor_manage.withdraw_swap", "POST"): SECRETARIAT,
    # State A's inscription (B proposed to exchange places with A: both answer it).
    ("floor_focal.name_speaker", "POST"): _row("login 403 ok 403 403 403 403 403"),
    ("floor_focal.withdraw", "POST"): _row("login 403 ok 403 403 403 403 403"),
    # (an administrator passes the focal points' guard and proposes as the secretariat does)
    ("floor_focal.propose_swap", "POST"): _row("login 403 ok 403 403 403 403 ok"),
    ("floor_focal.answer_swap", "POST"): _row("login 403 ok ok 403 403 403 403"),
    # Statements: State A's, embargoed until delivered (no one else learns it exists).
    ("floor.meeting_statements", "GET"): PUBLIC,
    ("floor.sitting_statements", "GET"): PUBLIC,
    ("floor.statement_file", "GET"): _row("404 404 ok 404 ok 404 404 ok"),
    ("floor.statement_old_file", "GET"): _row("login 404 ok 404 ok 404 404 ok"),
    ("floor.my_statements", "GET"): _row("login 403 ok ok 403 403 403 403"),
    ("floor.my_statements", "POST"): _row("login 403 ok ok 403 403 403 403"),
    ("floor.replace_statement", "POST"): _row("login 403 ok 403 403 403 403 403"),
    ("floor.deliver_statement", "POST"): _row("login 403 ok 403 ok 403 403 ok"),
    ("floor.withdraw_statement", "POST"): _row("login 403 ok 403 403 403 403 403"),
    ("floor.statement_uploaders", "POST"): _row("login 403 ok ok 403 403 403 403"),
    ("floor_manage.statements_list", "GET"): SECRETARIAT,
    # Side events: State A's request (an administrator has no delegation to request for).
    ("floor_focal.side_events_page", "GET"): _row("login 403 ok ok 403 403 403 ok"),
    ("floor_focal.side_events_page", "POST"): _row("login 403 ok ok 403 403 403 403"),
    ("floor_focal.answer_side_event", "POST"): _row("login 403 ok 403 403 403 403 403"),
    ("floor_manage.side_events_review", "GET"): SECRETARIAT,
    ("floor_manage.side_events_review", "POST"): SECRETARIAT,
    ("floor_manage.decide_side_event", "POST"): SECRETARIAT,
    # The JSON API reads no cookie: with a session and no token, every operation that needs a
    # token answers 401 (read here as "login"); what anyone may read is read. The token
    # matrix (tests/api/test_token_matrix.py) holds what each token holder gets.
    ("api.openapi", "GET"): PUBLIC,
    ("api.reference", "GET"): PUBLIC,
    ("api.meetings", "GET"): PUBLIC,
    ("api.meeting", "GET"): PUBLIC,
    ("api.sittings", "GET"): PUBLIC,
    ("api.rooms", "GET"): PUBLIC,
    ("api.participants", "GET"): PUBLIC,
    ("api.speakers_lists", "GET"): PUBLIC,
    ("api.speakers_list", "GET"): PUBLIC,
    ("api.statements", "GET"): PUBLIC,
    ("api.reports", "GET"): PUBLIC,
    ("api.report_rates", "GET"): PUBLIC,
    ("api.fund", "GET"): PUBLIC,
    ("api.me", "GET"): TOKEN_ONLY,
    ("api.registrations", "GET"): TOKEN_ONLY,
    ("api.register", "POST"): TOKEN_ONLY,
    ("api.approve", "POST"): TOKEN_ONLY,
    ("api.check_ins", "GET"): TOKEN_ONLY,
    ("api.contributions", "GET"): TOKEN_ONLY,
    ("api.receipt", "GET"): TOKEN_ONLY,
    ("api.receipt_pdf", "GET"): TOKEN_ONLY,
    ("api.applications", "GET"): TOKEN_ONLY,
    ("api.ledger", "GET"): TOKEN_ONLY,
    ("api.my_reports", "GET"): TOKEN_ONLY,
    ("api.tokens_page", "GET"): LOGGED_IN,
    ("api.tokens_page", "POST"): LOGGED_IN,
    # focal point A's token: nobody else learns it exists
    ("api.revoke_token", "POST"): _row("login 404 ok 404 404 404 404 404"),
    ("reporting.index", "GET"): PUBLIC,
    ("reporting.report", "GET"): _row("404 404 ok 404 404 404 404 404"),
    ("reporting.report_pdf", "GET"): _row("404 404 ok 404 404 404 404 404"),
    ("reporting.directory", "GET"): PUBLIC,
    ("reporting.register", "GET"): _row("login 403 403 403 ok ok ok ok"),
    ("reporting.interest", "POST"): _row("login 403 403 403 403 ok ok ok"),
    ("reporting_focal.index", "GET"): STATE_FOCAL_POINT,
    ("reporting_focal.start", "POST"): STATE_FOCAL_POINT,
    ("reporting_focal.report", "GET"): REPORT_A,
    ("reporting_focal.section", "GET"): REPORT_A,
    ("reporting_focal.section", "POST"): REPORT_A,
    ("reporting_focal.choices", "POST"): REPORT_A,
    ("reporting_focal.attach", "POST"): REPORT_A,
    ("reporting_focal.detach", "POST"): REPORT_A,
    ("reporting.document", "GET"): _row("404 404 ok 404 404 404 404 404"),
    ("reporting_focal.submit", "POST"): REPORT_A,
    ("reporting_focal.contacts_page", "GET"): STATE_FOCAL_POINT,
    ("reporting_focal.save_contact", "POST"): STATE_FOCAL_POINT,
    ("reporting_focal.confirm_contacts", "POST"): STATE_FOCAL_POINT,
    ("reporting_manage.index", "GET"): SECRETARIAT,
    ("reporting_manage.index", "POST"): SECRETARIAT,
    ("reporting_manage.cycle", "GET"): SECRETARIAT,
    ("reporting_manage.cycle", "POST"): SECRETARIAT,
    ("reporting_manage.chart", "GET"): SECRETARIAT,
    ("reporting_manage.states_csv", "GET"): SECRETARIAT,
    ("reporting_manage.directory", "GET"): SECRETARIAT,
    ("reporting_manage.directory_csv", "GET"): SECRETARIAT,
    ("home.set_language", "POST"): PUBLIC,
    ("static", "GET"): PUBLIC,
    ("auth.login", "GET"): PUBLIC,
    ("auth.login", "POST"): PUBLIC,
    ("auth.register", "GET"): PUBLIC,
    ("auth.register", "POST"): PUBLIC,
    ("auth.forgot_password", "GET"): PUBLIC,
    ("auth.forgot_password", "POST"): PUBLIC,
    ("schedule.meetings", "GET"): PUBLIC,
    ("schedule.meeting", "GET"): PUBLIC,
    ("schedule.sitting", "GET"): PUBLIC,
    ("calendar.meeting_feed", "GET"): PUBLIC,
    ("calendar.meeting_kind_feed", "GET"): PUBLIC,
    ("calendar.sitting_feed", "GET"): PUBLIC,
    ("registration.participants", "GET"): PUBLIC,
    ("fund.public", "GET"): PUBLIC,
    ("fund.contribute", "GET"): PUBLIC,
    ("fund.contribute", "POST"): PUBLIC,
    ("fund.announce_pledge", "POST"): PUBLIC,
    # a secret in the address is the permission: an unknown one opens nothing
    ("auth.reset_password", "GET"): INVALID_TOKEN,
    ("auth.reset_password", "POST"): INVALID_TOKEN,
    ("auth.verify_email", "GET"): INVALID_TOKEN,
    ("calendar.personal_feed", "GET"): UNKNOWN_TOKEN,
    ("fund.thanks", "GET"): UNKNOWN_TOKEN,
    ("fund.cancelled", "GET"): UNKNOWN_TOKEN,
    ("fund.guest_receipt", "GET"): UNKNOWN_TOKEN,
    ("fund.guest_receipt_pdf", "GET"): UNKNOWN_TOKEN,
    ("registration.accept_invitation", "GET"): _row("login 400 400 400 400 400 400 400"),
    ("registration.accept_invitation", "POST"): _row("login 400 400 400 400 400 400 400"),
    # Stripe signs its calls: the one POST without a CSRF token, refused without a signature
    ("fund.stripe_webhook", "POST"): INVALID_TOKEN,
    # anyone logged in, about themselves
    ("home.dashboard", "GET"): LOGGED_IN,
    ("auth.account", "GET"): LOGGED_IN,
    ("auth.account", "POST"): LOGGED_IN,
    ("auth.change_password", "POST"): LOGGED_IN,
    ("auth.logout", "POST"): LOGGED_IN,
    ("auth.resend_verification", "POST"): LOGGED_IN,
    ("calendar.regenerate_token", "POST"): LOGGED_IN,
    ("schedule.star", "POST"): LOGGED_IN,
    ("registration.register", "GET"): LOGGED_IN,
    ("registration.register", "POST"): LOGGED_IN,
    ("fund.mine", "GET"): LOGGED_IN,
    # a registration of State A's delegation (a participant's own, who is not among the roles)
    ("registration.detail", "GET"): DELEGATION_A,
    ("registration.letter", "GET"): DELEGATION_A,
    ("registration.badge", "GET"): DELEGATION_A,
    ("registration.photo", "GET"): DELEGATION_A,
    ("registration.replace_photo", "POST"): DELEGATION_A,
    ("registration.change_status", "POST"): DELEGATION_A,
    # only the participant changes their draft: those who may read it are refused (403)
    ("registration.edit", "GET"): _row("login 404 403 404 403 404 404 403"),
    ("registration.edit", "POST"): _row("login 404 403 404 403 404 404 403"),
    # focal points: their delegations
    ("registration_focal.index", "GET"): FOCAL_POINT,
    ("registration_focal.open_delegation", "POST"): _row("login 403 ok ok 403 403 403 403"),
    ("registration_focal.detail", "GET"): DELEGATION_A,
    ("registration_focal.nomination", "POST"): DELEGATION_A,
    ("registration_focal.nomination_document", "GET"): DELEGATION_A,
    ("registration_focal.add_member", "POST"): DELEGATION_A,
    ("registration_focal.invite", "POST"): DELEGATION_A,
    ("registration_focal.head", "POST"): DELEGATION_A,
    # credentials are accepted by the secretariat, not by the State that presents them
    ("registration_focal.credentials", "POST"): _row("login 404 403 404 ok 404 404 ok"),
    # focal points: sponsorship
    ("sponsorship_focal.index", "GET"): FOCAL_POINT,
    ("sponsorship_focal.apply", "GET"): FOCAL_POINT,
    ("sponsorship_focal.apply", "POST"): FOCAL_POINT,
    ("sponsorship_focal.application", "GET"): APPLICATION_A,
    ("sponsorship.award", "GET"): NOMINEE,
    ("sponsorship_focal.document", "GET"): APPLICATION_A,
    ("sponsorship_focal.change_status", "POST"): APPLICATION_A,
    # only the State's focal point changes its application; an administrator may read it
    ("sponsorship_focal.edit", "GET"): _row("login 403 ok 404 403 403 403 403"),
    ("sponsorship_focal.edit", "POST"): _row("login 403 ok 404 403 403 403 403"),
    # the secretariat
    ("schedule_manage.meetings", "GET"): SECRETARIAT,
    ("schedule_manage.meeting", "GET"): SECRETARIAT,
    ("schedule_manage.new_meeting", "GET"): SECRETARIAT,
    ("schedule_manage.new_meeting", "POST"): SECRETARIAT,
    ("schedule_manage.edit_meeting", "GET"): SECRETARIAT,
    ("schedule_manage.edit_meeting", "POST"): SECRETARIAT,
    ("schedule_manage.change_state", "POST"): SECRETARIAT,
    ("schedule_manage.publication", "POST"): SECRETARIAT,
    ("schedule_manage.import_sittings", "GET"): SECRETARIAT,
    ("schedule_manage.import_sittings", "POST"): SECRETARIAT,
    ("schedule_manage.import_review", "GET"): SECRETARIAT,
    ("schedule_manage.import_apply", "POST"): SECRETARIAT,
    ("schedule_manage.new_sitting", "GET"): SECRETARIAT,
    ("schedule_manage.new_sitting", "POST"): SECRETARIAT,
    ("schedule_manage.edit_sitting", "GET"): SECRETARIAT,
    ("schedule_manage.edit_sitting", "POST"): SECRETARIAT,
    ("schedule_manage.sitting_status", "POST"): SECRETARIAT,
    ("schedule_manage.rooms", "GET"): SECRETARIAT,
    ("schedule_manage.rooms", "POST"): SECRETARIAT,
    ("schedule_manage.edit_room", "GET"): SECRETARIAT,
    ("schedule_manage.edit_room", "POST"): SECRETARIAT,
    ("registration_manage.registrations", "GET"): SECRETARIAT,
    ("registration_manage.bulk_accredit", "POST"): SECRETARIAT,
    ("registration_manage.print_passes", "POST"): SECRETARIAT,
    ("registration_manage.check_in", "GET"): SECRETARIAT,
    ("registration_manage.check_in", "POST"): SECRETARIAT,
    ("registration_manage.check_in_person", "POST"): SECRETARIAT,
    ("registration_manage.check_in_count", "GET"): SECRETARIAT,
    ("registration_manage.export", "GET"): SECRETARIAT,
    ("registration_manage.register_late", "GET"): SECRETARIAT,
    ("registration_manage.register_late", "POST"): SECRETARIAT,
    ("registration_manage.set_cap", "POST"): SECRETARIAT,
    ("registration_manage.statistics", "GET"): SECRETARIAT,
    # fund administrators
    ("fund_manage.index", "GET"): FUND,
    ("fund_manage.chart", "GET"): FUND,
    ("fund_manage.contribution_list", "GET"): FUND,
    ("fund_manage.contribution", "GET"): FUND,
    ("fund_manage.advice", "GET"): FUND,
    ("fund_manage.refund", "POST"): FUND,
    ("fund_manage.withdraw_refund", "POST"): FUND,
    ("fund_manage.send_refund", "POST"): FUND,
    ("fund_manage.donor_list", "GET"): FUND,
    ("fund_manage.donor_list", "POST"): FUND,
    ("fund_manage.donor", "GET"): FUND,
    ("fund_manage.link_account", "POST"): FUND,
    ("fund_manage.record_pledge", "POST"): FUND,
    ("fund_manage.record_transfer", "POST"): FUND,
    ("fund_manage.pledge_list", "GET"): FUND,
    ("fund_manage.cancel_pledge", "POST"): FUND,
    ("fund_manage.confirm_announcement", "POST"): FUND,
    ("fund_manage.decline_announcement", "POST"): FUND,
    ("fund_manage.events", "GET"): FUND,
    ("fund_manage.ledger_entries", "GET"): FUND,
    ("fund_manage.rate_list", "GET"): FUND,
    ("fund_manage.rate_list", "POST"): FUND,
    ("fund_manage.import_rates", "POST"): FUND,
    ("fund.receipt", "GET"): DONOR_PAPERS,
    ("fund.receipt_pdf", "GET"): DONOR_PAPERS,
    ("fund.statement", "GET"): DONOR_PAPERS,
    ("fund.statement_pdf", "GET"): DONOR_PAPERS,
    ("sponsorship_manage.index", "GET"): FUND,
    ("sponsorship_manage.call", "GET"): FUND,
    ("sponsorship_manage.new_call", "GET"): FUND,
    ("sponsorship_manage.new_call", "POST"): FUND,
    ("sponsorship_manage.edit_call", "GET"): FUND,
    ("sponsorship_manage.edit_call", "POST"): FUND,
    ("sponsorship_manage.ranking", "GET"): FUND,
    ("sponsorship_manage.report", "GET"): FUND,
    ("sponsorship_manage.report_chart", "GET"): FUND,
    ("sponsorship_manage.export", "GET"): FUND,
    ("sponsorship_manage.dsa_rates", "GET"): FUND,
    ("sponsorship_manage.dsa_rates", "POST"): FUND,
    ("sponsorship_manage.expire", "POST"): FUND,
    ("sponsorship_manage.application", "GET"): FUND,
    ("sponsorship_manage.document", "GET"): FUND,
    ("sponsorship_manage.change_status", "POST"): FUND,
    ("sponsorship_manage.review", "POST"): FUND,
    ("sponsorship_manage.offer", "POST"): FUND,
    ("sponsorship_manage.approve_offer", "POST"): FUND,
    ("sponsorship_manage.approve_top_up", "POST"): FUND,
    ("sponsorship_manage.travel", "POST"): FUND,
    ("sponsorship_manage.pay_dsa", "POST"): FUND,
    ("sponsorship_manage.top_up", "POST"): FUND,
    ("sponsorship_manage.no_show", "POST"): FUND,
    ("sponsorship_manage.settle", "POST"): FUND,
    # reports on the use of the fund: its administrators and its donors
    ("sponsorship.index", "GET"): REPORTS,
    ("sponsorship.call_report", "GET"): REPORTS,
    ("sponsorship.call_chart", "GET"): REPORTS,
    ("sponsorship.meeting_report", "GET"): REPORTS,
    ("sponsorship.meeting_chart", "GET"): REPORTS,
    # administrators
    ("auth_manage.index", "GET"): ADMINISTRATOR,
    ("auth_manage.detail", "GET"): ADMINISTRATOR,
    ("auth_manage.grant_role", "POST"): ADMINISTRATOR,
    ("auth_manage.revoke_role", "POST"): ADMINISTRATOR,
    ("auth_manage.set_active", "POST"): ADMINISTRATOR,
    ("outbox_manage.messages", "GET"): ADMINISTRATOR,
    ("outbox_manage.send_again", "POST"): ADMINISTRATOR,
    ("audit_manage.log", "GET"): AUDIT,
}
