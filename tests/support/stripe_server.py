"""A small Stripe-compatible API for the tests, served on 127.0.0.1.

No Stripe server can be reached from here, and the available fakes fall short, so the tests run
this one. It implements exactly what the application uses, as strictly as Stripe documents it:
form-encoded bodies with Stripe's bracket notation, a bearer secret key, integer amounts in
Stripe's minor units above the minimum charge, lower-case currencies, ``Idempotency-Key``
replay (same key and parameters → the stored answer; other parameters → 400
``idempotency_error``), Stripe-shaped objects and errors, events listed by ``/v1/events`` and
sent to the application signed exactly as Stripe signs them (``stripe.WebhookSignature``).

Its hosted checkout page (the session's ``url``) has Pay and Cancel buttons. Events are queued
and sent by :meth:`StripeServer.deliver` — or, with ``auto_deliver``, from a thread of their
own a moment later, as Stripe would (browser tests).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import stripe

SECRET_KEY = "sk_test_meetings_local_0123456789"
WEBHOOK_SECRET = "whsec_meetings_local_0123456789"

ZERO_DECIMAL = {
    "bif",
    "clp",
    "djf",
    "gnf",
    "jpy",
    "kmf",
    "krw",
    "mga",
    "pyg",
    "rwf",
    "vnd",
    "vuv",
    "xaf",
    "xof",
    "xpf",
}
THREE_DECIMAL = {"bhd", "jod", "kwd", "omr", "tnd"}
WHOLE_UNITS = {"isk", "ugx", "huf", "twd"}
# Stripe's minimum charge amounts, in its own minor units (about fifty US cents).
MINIMUM = {
    "usd": 50,
    "eur": 50,
    "gbp": 30,
    "chf": 50,
    "jpy": 50,
    "aud": 50,
    "cad": 50,
    "nok": 300,
    "sek": 300,
    "dkk": 250,
    "kwd": 200,
    "isk": 10_000,
}

Deliver = Callable[[bytes, dict[str, str]], int]


class StripeError(Exception):
    def __init__(
        self,
        status: int,
        kind: str,
        message: str,
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.param, self.code = (
            status,
            kind,
            message,
            param,
            code,
        )

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.kind, "message": self.message}
        if self.param:
            error["param"] = self.param
        if self.code:
            error["code"] = self.code
        return {"error": error}


def parse_form(body: str) -> dict[str, Any]:
    """Stripe's bracket notation (``a[b][0][c]=x``) into nested dicts and lists."""
    result: dict[str, Any] = {}
    for key, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        target: Any = result
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            following = None if last else parts[index + 1]
            if isinstance(target, list):
                position = int(part)
                while len(target) <= position:
                    target.append(None)
                if last:
                    target[position] = value
                else:
                    if target[position] is None:
                        target[position] = [] if following.isdigit() else {}  # type: ignore[union-attr]
                    target = target[position]
            else:
                if last:
                    target[part] = value
                else:
                    if part not in target:
                        target[part] = [] if following.isdigit() else {}  # type: ignore[union-attr]
                    target = target[part]
    return result


def _id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def _integer(value: Any, param: str) -> int:
    if not isinstance(value, str) or not re.fullmatch(r"\d+", value):
        raise StripeError(400, "invalid_request_error", f"Invalid integer: {value}", param)
    return int(value)


def _currency(value: Any, param: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{3}", value):
        raise StripeError(
            400,
            "invalid_request_error",
            f"Invalid currency: {value}. Stripe currencies are three lower-case letters.",
            param,
        )
    return value


def _check_amount(amount: int, currency: str, param: str) -> None:
    if amount < MINIMUM.get(currency, 50):
        raise StripeError(
            400,
            "invalid_request_error",
            "Amount must convert to at least 50 cents.",
            param,
            "amount_too_small",
        )
    if currency in WHOLE_UNITS and amount % 100:
        raise StripeError(
            400,
            "invalid_request_error",
            f"Invalid amount. Currency {currency.upper()} has become effectively "
            "zero-decimal and charged amounts must be evenly divisible by 100.",
            param,
            "invalid_charge_amount_no_decimal_compatible",
        )
    if currency in THREE_DECIMAL and amount % 10:
        raise StripeError(
            400,
            "invalid_request_error",
            "Amounts in three-decimal currencies must end in 0.",
            param,
        )


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class StripeServer:
    """The server's state; a test reads ``requests`` and calls the helpers below."""

    secret_key: str = SECRET_KEY
    webhook_secret: str = WEBHOOK_SECRET
    deliver_to: Deliver | None = None
    auto_deliver: bool = False
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    disputes: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    queued: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    idempotency: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    delivered: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    base_url: str = ""

    # --- the API -------------------------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        routes: list[tuple[str, str, Callable[..., dict[str, Any]]]] = [
            ("POST", r"/v1/checkout/sessions", self._create_session),
            ("GET", r"/v1/checkout/sessions/(?P<id>[\w]+)", self._get_session),
            ("GET", r"/v1/charges/(?P<id>[\w]+)", self._get_charge),
            ("POST", r"/v1/refunds", self._create_refund),
            ("GET", r"/v1/events", self._list_events),
        ]
        for verb, pattern, function in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return 200, function(params, **match.groupdict())
        raise StripeError(
            404, "invalid_request_error", f"Unrecognized request URL ({method}: {path})."
        )

    def _create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("mode") != "payment":
            raise StripeError(400, "invalid_request_error", "mode must be payment", "mode")
        for name in ("success_url", "cancel_url"):
            if not str(params.get(name, "")).startswith(("http://", "https://")):
                raise StripeError(400, "invalid_request_error", f"Invalid URL: {name}", name)
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise StripeError(400, "invalid_request_error", "line_items is required", "line_items")
        total, currency = 0, None
        for index, item in enumerate(items):
            price = item.get("price_data") or {}
            item_currency = _currency(
                price.get("currency"), f"line_items[{index}][price_data][currency]"
            )
            amount = _integer(
                price.get("unit_amount"), f"line_items[{index}][price_data][unit_amount]"
            )
            quantity = _integer(item.get("quantity"), f"line_items[{index}][quantity]")
            if currency not in (None, item_currency):
                raise StripeError(400, "invalid_request_error", "All line items need one currency.")
            currency = item_currency
            total += amount * quantity
        assert currency is not None
        _check_amount(total, currency, "line_items[0][price_data][unit_amount]")
        session_id = _id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "payment",
            "amount_subtotal": total,
            "amount_total": total,
            "currency": currency,
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata") or {},
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "cancel_url": params["cancel_url"],
            "url": f"{self.base_url}/checkout/{session_id}",
            "livemode": False,
            "created": int(time.time()),
            "expires_at": int(time.time()) + 86400,
            "_intent_metadata": (params.get("payment_intent_data") or {}).get("metadata") or {},
        }
        self.sessions[session_id] = session
        return self._public(session)

    def _get_session(self, _params: dict[str, Any], id: str) -> dict[str, Any]:
        if id not in self.sessions:
            raise StripeError(
                404, "invalid_request_error", f"No such checkout.session: '{id}'", "id"
            )
        return self._public(self.sessions[id])

    def _get_charge(self, _params: dict[str, Any], id: str) -> dict[str, Any]:
        if id not in self.charges:
            raise StripeError(404, "invalid_request_error", f"No such charge: '{id}'", "id")
        return json.loads(json.dumps(self.charges[id]))

    def _create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        charge = self._charge_of(params.get("charge"), params.get("payment_intent"))
        left = charge["amount"] - charge["amount_refunded"]
        amount = _integer(params["amount"], "amount") if "amount" in params else left
        if amount <= 0 or amount > left:
            raise StripeError(
                400,
                "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                "amount",
                "amount_too_large",
            )
        return self._public(self.make_refund(charge, amount, params.get("metadata") or {}))

    def _list_events(self, params: dict[str, Any]) -> dict[str, Any]:
        newest_first = sorted(self.events, key=lambda e: (e["created"], e["_seq"]), reverse=True)
        created = params.get("created") or {}
        if isinstance(created, dict) and "gt" in created:
            newest_first = [e for e in newest_first if e["created"] > int(created["gt"])]
        after = params.get("starting_after")
        if after:
            ids = [e["id"] for e in newest_first]
            newest_first = newest_first[ids.index(after) + 1 :] if after in ids else []
        limit = int(params.get("limit") or 10)
        page = newest_first[:limit]
        return {
            "object": "list",
            "url": "/v1/events",
            "has_more": len(newest_first) > limit,
            "data": [self._public(e) for e in page],
        }

    @staticmethod
    def _public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in json.loads(json.dumps(obj)).items() if not k.startswith("_")}

    def _charge_of(self, charge_id: str | None, intent_id: str | None) -> dict[str, Any]:
        for charge in self.charges.values():
            if charge["id"] == charge_id or (intent_id and charge["payment_intent"] == intent_id):
                return charge
        raise StripeError(
            404, "invalid_request_error", "No such charge or payment intent.", "payment_intent"
        )

    # --- what happens at Stripe (the hosted page and the test helpers) -------------------------

    def emit(
        self, kind: str, obj: dict[str, Any], *, livemode: bool = False, created: int | None = None
    ) -> dict[str, Any]:
        with self.lock:
            event = {
                "id": _id("evt"),
                "object": "event",
                "api_version": "2024-06-20",
                "type": kind,
                "created": created or int(time.time()),
                "livemode": livemode,
                "pending_webhooks": 1,
                "data": {"object": self._public(obj)},
                "_seq": len(self.events),
            }
            self.events.append(event)
            self.queued.append(event)
        if self.auto_deliver:
            threading.Timer(0.2, self.deliver).start()
        return self._public(event)

    def pay(
        self,
        session_id: str,
        *,
        async_payment: bool = False,
        amount: int | None = None,
        currency: str | None = None,
    ) -> dict[str, Any]:
        """The donor pays: a payment intent and a charge, and checkout.session.completed.
        ``amount``/``currency`` make Stripe report other figures than asked (a mismatch)."""
        with self.lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                return session
            intent = _id("pi")
            session["payment_intent"] = intent
            session["status"] = "complete"
            if amount is not None:
                session["amount_total"] = amount
            if currency is not None:
                session["currency"] = currency
            session["payment_status"] = "unpaid" if async_payment else "paid"
            if not async_payment:
                self._charge(session)
        self.emit("checkout.session.completed", session)
        return session

    def settle_async(self, session_id: str, *, succeeded: bool = True) -> None:
        with self.lock:
            session = self.sessions[session_id]
            session["payment_status"] = "paid" if succeeded else "unpaid"
            if succeeded:
                self._charge(session)
        self.emit(
            "checkout.session.async_payment_succeeded"
            if succeeded
            else "checkout.session.async_payment_failed",
            session,
        )

    def expire(self, session_id: str) -> None:
        with self.lock:
            session = self.sessions[session_id]
            session["status"] = "expired"
        self.emit("checkout.session.expired", session)

    def _charge(self, session: dict[str, Any]) -> dict[str, Any]:
        charge = {
            "id": _id("ch"),
            "object": "charge",
            "amount": session["amount_total"],
            "amount_refunded": 0,
            "currency": session["currency"],
            "payment_intent": session["payment_intent"],
            "metadata": session["_intent_metadata"],
            "paid": True,
            "refunded": False,
            "status": "succeeded",
            "disputed": False,
            "refunds": {"object": "list", "data": [], "has_more": False},
            "livemode": False,
            "created": int(time.time()),
        }
        self.charges[charge["id"]] = charge
        return charge

    def charge_for(self, session_id: str) -> dict[str, Any]:
        intent = self.sessions[session_id]["payment_intent"]
        return self._charge_of(None, intent)

    def make_refund(
        self, charge: dict[str, Any], amount: int, metadata: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        with self.lock:
            refund = {
                "id": _id("re"),
                "object": "refund",
                "amount": amount,
                "currency": charge["currency"],
                "charge": charge["id"],
                "payment_intent": charge["payment_intent"],
                "metadata": metadata or {},
                "status": "succeeded",
                "created": int(time.time()),
            }
            self.refunds[refund["id"]] = refund
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
            charge["refunds"]["data"].insert(0, refund)
        self.emit("charge.refunded", charge)
        return refund

    def refund(self, session_id: str, amount: int | None = None) -> dict[str, Any]:
        """A refund made at Stripe (its dashboard) of the session's payment."""
        charge = self.charge_for(session_id)
        return self.make_refund(charge, amount or charge["amount"] - charge["amount_refunded"])

    def dispute(self, session_id: str, amount: int | None = None) -> dict[str, Any]:
        charge = self.charge_for(session_id)
        with self.lock:
            dispute = {
                "id": _id("dp"),
                "object": "dispute",
                "amount": amount or charge["amount"],
                "currency": charge["currency"],
                "charge": charge["id"],
                "payment_intent": charge["payment_intent"],
                "status": "needs_response",
                "reason": "fraudulent",
                "livemode": False,
                "created": int(time.time()),
            }
            self.disputes[dispute["id"]] = dispute
            charge["disputed"] = True
        self.emit("charge.dispute.created", dispute)
        return dispute

    def close_dispute(self, dispute_id: str, *, won: bool) -> None:
        with self.lock:
            dispute = self.disputes[dispute_id]
            dispute["status"] = "won" if won else "lost"
        self.emit("charge.dispute.closed", dispute)

    # --- sending events ------------------------------------------------------------------------

    def signed(
        self, event: dict[str, Any], *, secret: str | None = None, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of a webhook request, signed exactly as Stripe signs them."""
        payload = json.dumps(self._public(event), separators=(",", ":"))
        header = stripe.WebhookSignature.generate_signature_header(
            payload, secret or self.webhook_secret, timestamp=timestamp
        )
        return payload.encode(), {"Stripe-Signature": header, "Content-Type": "application/json"}

    def deliver(self) -> list[int]:
        """Send every queued event to the application, in order; the statuses it answered."""
        with self.lock:
            queued, self.queued = self.queued, []
        statuses = []
        for event in queued:
            assert self.deliver_to is not None, "no application to deliver to"
            payload, headers = self.signed(event)
            status = self.deliver_to(payload, headers)
            self.delivered.append((event["id"], status))
            statuses.append(status)
        return statuses

    def reset(self) -> None:
        with self.lock:
            for store in (
                self.sessions,
                self.charges,
                self.refunds,
                self.disputes,
                self.idempotency,
            ):
                store.clear()
            self.events.clear()
            self.queued.clear()
            self.requests.clear()
            self.delivered.clear()
            self.auto_deliver = False


def _handler(state: StripeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: Any) -> None:  # quiet
            return

        def _send(
            self, status: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None
        ) -> None:
            data = (json.dumps(body) if isinstance(body, dict) else body).encode()
            self.send_response(status)
            content = "application/json" if isinstance(body, dict) else "text/html; charset=utf-8"
            self.send_header("Content-Type", content)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", _id("req"))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _redirect(self, location: str) -> None:
            self.send_response(303)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _body(self) -> str:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode() if length else ""

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def _dispatch(self, method: str) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path.startswith("/checkout/"):
                self._hosted(method, url.path)
                return
            body = self._body() if method == "POST" else url.query
            try:
                if self.headers.get("Authorization") != f"Bearer {state.secret_key}":
                    raise StripeError(401, "invalid_request_error", "Invalid API Key provided.")
                if method == "POST" and not (self.headers.get("Content-Type") or "").startswith(
                    "application/x-www-form-urlencoded"
                ):
                    raise StripeError(
                        400, "invalid_request_error", "Requests must be form-encoded."
                    )
                params = parse_form(body)
                with state.lock:
                    state.requests.append(Recorded(method, url.path, params, dict(self.headers)))
                    key = self.headers.get("Idempotency-Key") if method == "POST" else None
                    digest = hashlib.sha256(f"{url.path}?{body}".encode()).hexdigest()
                    if key and key in state.idempotency:
                        stored_digest, status, answer = state.idempotency[key]
                        if stored_digest != digest:
                            raise StripeError(
                                400,
                                "idempotency_error",
                                "Keys for idempotent requests can only be used with the same "
                                "parameters they were first used with.",
                            )
                        self._send(status, answer, {"Idempotent-Replayed": "true"})
                        return
                    status, answer = state.handle(method, url.path, params)
                    if key:
                        state.idempotency[key] = (digest, status, answer)
                self._send(status, answer)
            except StripeError as error:
                self._send(error.status, error.body())

        def _hosted(self, method: str, path: str) -> None:
            match = re.fullmatch(r"/checkout/(\w+)(/pay|/cancel)?", path)
            session = state.sessions.get(match.group(1)) if match else None
            if session is None:
                self._send(404, "<h1>No such checkout session</h1>")
                return
            action = match.group(2) if match else None
            if method == "POST" and action == "/pay":
                self._body()
                state.pay(session["id"])
                self._redirect(
                    session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
                )
                return
            if method == "POST" and action == "/cancel":
                self._body()
                self._redirect(session["cancel_url"])
                return
            amount = session["amount_total"]
            currency = session["currency"]
            shown = (
                amount
                if currency in ZERO_DECIMAL
                else amount / (1000 if currency in THREE_DECIMAL else 100)
            )
            page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Pay — test Stripe</title></head><body><main>
<h1>Test Stripe checkout</h1>
<p>Pay <strong id="amount">{html.escape(f"{shown} {currency.upper()}")}</strong></p>
<form method="post" action="/checkout/{session["id"]}/pay"><button type="submit">Pay</button></form>
<form method="post" action="/checkout/{session["id"]}/cancel">
<button type="submit">Cancel</button></form>
</main></body></html>"""
            self._send(200, page)

    return Handler


class RunningStripe:
    """The server on a free loopback port, in a thread of its own."""

    def __init__(self) -> None:
        self.state = StripeServer()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.state.base_url = self.url
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
