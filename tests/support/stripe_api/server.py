"""The state of the tests' Stripe: its API (what the application calls) and what happens at Stripe
(a donor pays, a refund settles, a card holder disputes), each emitting the events Stripe emits.

It answers as the pinned API version (``API_VERSION``, the application's) does: a charge carries
no ``refunds`` (not expanded since 2022-11-15) and names its balance transaction by id unless
asked to expand it; a payment intent names its ``latest_charge``; refunds emit ``refund.*``
events; a dispute lists its balance transactions (funds withdrawn and reinstated, with the dispute
fee) and emits ``charge.dispute.funds_withdrawn`` / ``funds_reinstated``; a request written for
another version is refused. The account settles in US dollars, converting other currencies at
``usd_per`` and keeping Stripe's standard fee.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import stripe

from tests.support.stripe_api.wire import (
    THREE_DECIMAL,
    ZERO_DECIMAL,
    check_amount,
    currency,
    expansions,
    integer,
    invalid,
    missing,
    new_id,
    public,
)

SECRET_KEY = "sk_test_meetings_local_0123456789"
WEBHOOK_SECRET = "whsec_meetings_local_0123456789"
API_VERSION = "2026-10-28.endive"

Deliver = Callable[[bytes, dict[str, str]], int]


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]


def _decimals(code: str) -> int:
    return 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2


# US dollars bought by one unit of each currency, as the tests' Stripe converts by default.
STANDARD_USD_PER = {
    "eur": Decimal("1.2320"),
    "chf": Decimal("1.0580"),
    "jpy": Decimal("0.0094"),
    "kwd": Decimal("3.3100"),
    "nok": Decimal("0.1290"),
}


@dataclass
class StripeServer:
    """The server's state; a test reads ``requests`` and calls the helpers below."""

    secret_key: str = SECRET_KEY
    webhook_secret: str = WEBHOOK_SECRET
    api_version: str = API_VERSION
    deliver_to: Deliver | None = None
    auto_deliver: bool = False
    # Stripe's pricing and conversion as the tests set them: 2.9 % + 30 cents, 1 % more when it
    # converts, a dispute fee of 15 dollars; US dollars bought by one unit of each currency.
    fee_percent: Decimal = Decimal("2.9")
    fee_fixed: int = 30
    conversion_percent: Decimal = Decimal("1")
    dispute_fee: int = 1500
    dispute_fee_returned: bool = False
    usd_per: dict[str, Decimal] = field(default_factory=lambda: dict(STANDARD_USD_PER))
    # What a new refund's status is at first: cards usually "succeeded" at once.
    refund_status: str = "succeeded"
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    disputes: dict[str, dict[str, Any]] = field(default_factory=dict)
    transactions: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    queued: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    idempotency: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    delivered: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    base_url: str = ""

    # --- the API -------------------------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        import re

        routes: list[tuple[str, str, Callable[..., dict[str, Any]]]] = [
            ("POST", r"/v1/checkout/sessions", self._create_session),
            ("GET", r"/v1/checkout/sessions/(?P<id>\w+)", self._get_session),
            ("GET", r"/v1/payment_intents/(?P<id>\w+)", self._get_intent),
            ("GET", r"/v1/charges/(?P<id>\w+)", self._get_charge),
            ("POST", r"/v1/refunds", self._create_refund),
            ("GET", r"/v1/refunds", self._list_refunds),
            ("GET", r"/v1/refunds/(?P<id>\w+)", self._get_refund),
            ("GET", r"/v1/balance_transactions", self._list_transactions),
            ("GET", r"/v1/events", self._list_events),
        ]
        for verb, pattern, function in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return 200, function(params, **match.groupdict())
        raise missing("route", f"{method} {path}")

    def _create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("mode") != "payment":
            raise invalid("mode must be payment", "mode")
        for name in ("success_url", "cancel_url"):
            if not str(params.get(name, "")).startswith(("http://", "https://")):
                raise invalid(f"Invalid URL: {name}", name)
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise invalid("line_items is required", "line_items")
        total, code = 0, None
        for index, item in enumerate(items):
            price = item.get("price_data") or {}
            item_code = currency(
                price.get("currency"), f"line_items[{index}][price_data][currency]"
            )
            amount = integer(
                price.get("unit_amount"), f"line_items[{index}][price_data][unit_amount]"
            )
            quantity = integer(item.get("quantity"), f"line_items[{index}][quantity]")
            if code not in (None, item_code):
                raise invalid("All line items need one currency.")
            code = item_code
            total += amount * quantity
        assert code is not None
        check_amount(total, code, "line_items[0][price_data][unit_amount]")
        session_id = new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "payment",
            "amount_subtotal": total,
            "amount_total": total,
            "currency": code,
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
        return public(session)

    def _get_session(self, _params: dict[str, Any], id: str) -> dict[str, Any]:
        if id not in self.sessions:
            raise missing("checkout.session", id)
        return public(self.sessions[id])

    def _transaction(self, transaction_id: Any) -> Any:
        return public(self.transactions[transaction_id]) if transaction_id else None

    def render_charge(
        self, charge: dict[str, Any], paths: set[str] | frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        shown = public(charge)
        if "balance_transaction" in paths:
            shown["balance_transaction"] = self._transaction(charge["balance_transaction"])
        return shown

    def _get_intent(self, params: dict[str, Any], id: str) -> dict[str, Any]:
        paths = expansions(params, {"latest_charge", "latest_charge.balance_transaction"})
        if id not in self.intents:
            raise missing("payment_intent", id)
        intent = public(self.intents[id])
        if paths and intent.get("latest_charge"):
            charge = self.charges[intent["latest_charge"]]
            inner = (
                {"balance_transaction"} if "latest_charge.balance_transaction" in paths else set()
            )
            intent["latest_charge"] = self.render_charge(charge, inner)
        return intent

    def _get_charge(self, params: dict[str, Any], id: str) -> dict[str, Any]:
        paths = expansions(params, {"balance_transaction"})
        if id not in self.charges:
            raise missing("charge", id)
        return self.render_charge(self.charges[id], paths)

    def _render_refund(self, refund: dict[str, Any], paths: set[str]) -> dict[str, Any]:
        shown = public(refund)
        for name in ("balance_transaction", "failure_balance_transaction"):
            if name in paths:
                shown[name] = self._transaction(refund.get(name))
        return shown

    def _create_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        charge = self._charge_of(params.get("charge"), params.get("payment_intent"))
        left = charge["amount"] - charge["amount_refunded"]
        amount = integer(params["amount"], "amount") if "amount" in params else left
        if amount <= 0 or amount > left:
            raise invalid(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                "amount",
                "amount_too_large",
            )
        return public(self.make_refund(charge, amount, params.get("metadata") or {}))

    def _list_refunds(self, params: dict[str, Any]) -> dict[str, Any]:
        paths = {
            p.removeprefix("data.")
            for p in expansions(
                params, {"data.balance_transaction", "data.failure_balance_transaction"}
            )
        }
        found = [r for r in self.refunds.values() if r["charge"] == params.get("charge")]
        found.sort(key=lambda r: r["_seq"], reverse=True)
        return self._page("/v1/refunds", found, params, lambda r: self._render_refund(r, paths))

    def _get_refund(self, params: dict[str, Any], id: str) -> dict[str, Any]:
        paths = expansions(params, {"balance_transaction", "failure_balance_transaction"})
        if id not in self.refunds:
            raise missing("refund", id)
        return self._render_refund(self.refunds[id], paths)

    def _list_transactions(self, params: dict[str, Any]) -> dict[str, Any]:
        created = params.get("created") or {}
        found = sorted(self.transactions.values(), key=lambda t: t["_seq"], reverse=True)
        if isinstance(created, dict):
            if "gte" in created:
                found = [t for t in found if t["created"] >= int(created["gte"])]
            if "lt" in created:
                found = [t for t in found if t["created"] < int(created["lt"])]
        return self._page("/v1/balance_transactions", found, params, public)

    def _list_events(self, params: dict[str, Any]) -> dict[str, Any]:
        newest_first = sorted(self.events, key=lambda e: (e["created"], e["_seq"]), reverse=True)
        created = params.get("created") or {}
        if isinstance(created, dict) and "gt" in created:
            newest_first = [e for e in newest_first if e["created"] > int(created["gt"])]
        return self._page("/v1/events", newest_first, params, public)

    @staticmethod
    def _page(
        url: str,
        items: list[dict[str, Any]],
        params: dict[str, Any],
        render: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> dict[str, Any]:
        after = params.get("starting_after")
        if after:
            ids = [item["id"] for item in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        limit = int(params.get("limit") or 10)
        return {
            "object": "list",
            "url": url,
            "has_more": len(items) > limit,
            "data": [render(item) for item in items[:limit]],
        }

    def _charge_of(self, charge_id: str | None, intent_id: str | None) -> dict[str, Any]:
        for charge in self.charges.values():
            if charge["id"] == charge_id or (intent_id and charge["payment_intent"] == intent_id):
                return charge
        raise missing("payment_intent", str(intent_id or charge_id))

    # --- money at Stripe -----------------------------------------------------------------------

    def to_usd(self, amount: int, code: str) -> tuple[int, Decimal | None]:
        """``amount`` (Stripe's minor units of ``code``) in US cents, and the rate used."""
        if code == "usd":
            return amount, None
        rate = self.usd_per[code]
        major = Decimal(amount).scaleb(-_decimals(code))
        cents = (major * rate * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(cents), rate

    def _fee(self, cents: int, converted: bool) -> int:
        percent = self.fee_percent + (self.conversion_percent if converted else 0)
        return int((Decimal(cents) * percent / 100).quantize(Decimal(1), ROUND_HALF_UP)) + (
            self.fee_fixed
        )

    def _book(
        self, kind: str, category: str, gross: int, fee: int, source: str, rate: Decimal | None
    ) -> dict[str, Any]:
        transaction = {
            "id": new_id("txn"),
            "object": "balance_transaction",
            "amount": gross,
            "currency": "usd",
            "exchange_rate": float(rate) if rate is not None else None,
            "fee": fee,
            "fee_details": [{"amount": fee, "currency": "usd", "type": "stripe_fee"}]
            if fee
            else [],
            "net": gross - fee,
            "reporting_category": category,
            "source": source,
            "status": "pending",
            "type": kind,
            "created": int(time.time()),
            "available_on": int(time.time()) + 2 * 86400,
            "_seq": len(self.transactions),
        }
        self.transactions[transaction["id"]] = transaction
        return transaction

    # --- what happens at Stripe (the hosted page and the test helpers) -------------------------

    def emit(
        self, kind: str, obj: dict[str, Any], *, livemode: bool = False, created: int | None = None
    ) -> dict[str, Any]:
        with self.lock:
            event = {
                "id": new_id("evt"),
                "object": "event",
                "api_version": self.api_version,
                "type": kind,
                "created": created or int(time.time()),
                "livemode": livemode,
                "pending_webhooks": 1,
                "data": {"object": public(obj)},
                "_seq": len(self.events),
            }
            self.events.append(event)
            self.queued.append(event)
        if self.auto_deliver:
            threading.Timer(0.2, self.deliver).start()
        return public(event)

    def pay(
        self,
        session_id: str,
        *,
        async_payment: bool = False,
        amount: int | None = None,
        currency: str | None = None,
    ) -> dict[str, Any]:
        """The donor pays: a payment intent, a charge, and checkout.session.completed.
        ``amount``/``currency`` make Stripe report other figures than asked (a mismatch)."""
        with self.lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                return session
            if amount is not None:
                session["amount_total"] = amount
            if currency is not None:
                session["currency"] = currency
            intent = {
                "id": new_id("pi"),
                "object": "payment_intent",
                "amount": session["amount_total"],
                "currency": session["currency"],
                "status": "processing" if async_payment else "succeeded",
                "latest_charge": None,
                "last_payment_error": None,
                "metadata": session["_intent_metadata"],
                "livemode": False,
            }
            self.intents[intent["id"]] = intent
            session["payment_intent"] = intent["id"]
            session["status"] = "complete"
            session["payment_status"] = "unpaid" if async_payment else "paid"
            if not async_payment:
                self._charge(session)
        self.emit("checkout.session.completed", session)
        return session

    def settle_async(self, session_id: str, *, succeeded: bool = True) -> None:
        with self.lock:
            session = self.sessions[session_id]
            intent = self.intents[session["payment_intent"]]
            if succeeded:
                session["payment_status"] = "paid"
                intent["status"] = "succeeded"
                self._charge(session)
            else:
                intent["status"] = "requires_payment_method"
                intent["last_payment_error"] = {"code": "payment_method_failed"}
        self.emit(
            "checkout.session.async_payment_succeeded"
            if succeeded
            else "checkout.session.async_payment_failed",
            session,
        )

    def expire(self, session_id: str) -> None:
        with self.lock:
            self.sessions[session_id]["status"] = "expired"
        self.emit("checkout.session.expired", self.sessions[session_id])

    def forget_idempotency_keys(self) -> None:
        """A day has passed: Stripe keeps idempotency keys for 24 hours."""
        with self.lock:
            self.idempotency.clear()

    def _charge(self, session: dict[str, Any]) -> dict[str, Any]:
        cents, rate = self.to_usd(session["amount_total"], session["currency"])
        charge = {
            "id": new_id("ch"),
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
            "balance_transaction": None,
            "livemode": False,
            "created": int(time.time()),
        }
        transaction = self._book(
            "charge", "charge", cents, self._fee(cents, rate is not None), charge["id"], rate
        )
        charge["balance_transaction"] = transaction["id"]
        self.charges[charge["id"]] = charge
        self.intents[session["payment_intent"]]["latest_charge"] = charge["id"]
        return charge

    def charge_for(self, session_id: str) -> dict[str, Any]:
        return self._charge_of(None, self.sessions[session_id]["payment_intent"])

    def make_refund(
        self, charge: dict[str, Any], amount: int, metadata: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A refund of ``charge`` (the API's or the dashboard's): refund.created and
        charge.refunded; it stays pending while ``refund_status`` says so."""
        with self.lock:
            cents, rate = self.to_usd(amount, charge["currency"])
            refund = {
                "id": new_id("re"),
                "object": "refund",
                "amount": amount,
                "currency": charge["currency"],
                "charge": charge["id"],
                "payment_intent": charge["payment_intent"],
                "metadata": metadata or {},
                "status": self.refund_status,
                "balance_transaction": None,
                "failure_balance_transaction": None,
                "failure_reason": None,
                "created": int(time.time()),
                "_seq": len(self.refunds),
            }
            transaction = self._book("refund", "refund", -cents, 0, refund["id"], rate)
            refund["balance_transaction"] = transaction["id"]
            self.refunds[refund["id"]] = refund
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        self.emit("refund.created", refund)
        self.emit("charge.refunded", charge)
        return refund

    def refund(self, session_id: str, amount: int | None = None) -> dict[str, Any]:
        """A refund made at Stripe (its dashboard) of the session's payment."""
        charge = self.charge_for(session_id)
        return self.make_refund(charge, amount or charge["amount"] - charge["amount_refunded"])

    def settle_refund(self, refund_id: str, *, succeeded: bool = True) -> dict[str, Any]:
        """A refund's outcome: refund.updated when it succeeds; refund.failed (with the money
        back on the balance) when it fails — also after it had succeeded."""
        with self.lock:
            refund = self.refunds[refund_id]
            charge = self.charges[refund["charge"]]
            if succeeded:
                refund["status"] = "succeeded"
            else:
                refund["status"] = "failed"
                refund["failure_reason"] = "expired_or_canceled_card"
                cents = -self.transactions[refund["balance_transaction"]]["amount"]
                back = self._book("refund_failure", "refund_failure", cents, 0, refund_id, None)
                refund["failure_balance_transaction"] = back["id"]
                charge["amount_refunded"] -= refund["amount"]
                charge["refunded"] = False
        self.emit("refund.updated" if succeeded else "refund.failed", refund)
        if succeeded:
            self.emit("charge.refund.updated", refund)
        return refund

    def dispute(
        self, session_id: str, amount: int | None = None, *, inquiry: bool = False
    ) -> dict[str, Any]:
        """A card holder disputes the payment: an inquiry takes nothing; a chargeback takes the
        money and the dispute fee at once (charge.dispute.funds_withdrawn)."""
        charge = self.charge_for(session_id)
        with self.lock:
            dispute = {
                "id": new_id("dp"),
                "object": "dispute",
                "amount": amount or charge["amount"],
                "currency": charge["currency"],
                "charge": charge["id"],
                "payment_intent": charge["payment_intent"],
                "status": "warning_needs_response" if inquiry else "needs_response",
                "reason": "fraudulent",
                "balance_transactions": [],
                "is_charge_refundable": False,
                "livemode": False,
                "created": int(time.time()),
            }
            self.disputes[dispute["id"]] = dispute
            charge["disputed"] = True
        self.emit("charge.dispute.created", dispute)
        if not inquiry:
            self._withdraw(dispute)
        return dispute

    def _withdraw(self, dispute: dict[str, Any]) -> None:
        with self.lock:
            cents, rate = self.to_usd(dispute["amount"], dispute["currency"])
            transaction = self._book(
                "adjustment", "dispute", -cents, self.dispute_fee, dispute["id"], rate
            )
            dispute["balance_transactions"].append(public(transaction))
        self.emit("charge.dispute.funds_withdrawn", dispute)

    def escalate(self, dispute_id: str) -> None:
        """An inquiry becomes a chargeback."""
        dispute = self.disputes[dispute_id]
        dispute["status"] = "needs_response"
        self.emit("charge.dispute.updated", dispute)
        self._withdraw(dispute)

    def close_dispute(self, dispute_id: str, *, won: bool) -> None:
        """The dispute ends. A chargeback won gives the money back (funds_reinstated); one lost
        on a payment refunded in part gives back what was refunded already, so that no more
        than the payment is ever taken back (Stripe's rule for disputes on partially refunded
        payments); an inquiry closes as warning_closed whichever way (nothing was taken)."""
        with self.lock:
            dispute = self.disputes[dispute_id]
            charge = self.charges[dispute["charge"]]
            inquiry = dispute["status"].startswith("warning_")
            dispute["status"] = "warning_closed" if inquiry else "won" if won else "lost"
            back = 0
            if not inquiry:
                overlap = dispute["amount"] + charge["amount_refunded"] - charge["amount"]
                back = dispute["amount"] if won else max(0, min(overlap, dispute["amount"]))
            if back:
                withdrawn = dispute["balance_transactions"][0]
                cents = -withdrawn["amount"] * back // dispute["amount"]
                fee = -self.dispute_fee if (won and self.dispute_fee_returned) else 0
                rate = withdrawn["exchange_rate"]
                transaction = self._book(
                    "adjustment",
                    "dispute_reversal",
                    cents,
                    fee,
                    dispute_id,
                    Decimal(str(rate)) if rate else None,
                )
                dispute["balance_transactions"].append(public(transaction))
        if back:
            self.emit("charge.dispute.funds_reinstated", dispute)
        self.emit("charge.dispute.closed", dispute)

    # --- sending events ------------------------------------------------------------------------

    def signed(
        self, event: dict[str, Any], *, secret: str | None = None, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of a webhook request, signed exactly as Stripe signs them."""
        import json

        payload = json.dumps(public(event), separators=(",", ":"))
        return self.sign(payload.encode(), secret=secret, timestamp=timestamp)

    def sign(
        self, payload: bytes, *, secret: str | None = None, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        header = stripe.WebhookSignature.generate_signature_header(
            payload.decode(), secret or self.webhook_secret, timestamp=timestamp
        )
        return payload, {"Stripe-Signature": header, "Content-Type": "application/json"}

    def take(self, *types: str) -> list[dict[str, Any]]:
        """Take the queued events (of ``types``) out of the queue, undelivered."""
        with self.lock:
            taken = [e for e in self.queued if not types or e["type"] in types]
            self.queued = [e for e in self.queued if e not in taken]
        return taken

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
                self.intents,
                self.charges,
                self.refunds,
                self.disputes,
                self.transactions,
                self.idempotency,
            ):
                store.clear()
            self.events.clear()
            self.queued.clear()
            self.requests.clear()
            self.delivered.clear()
            self.auto_deliver = False
            self.refund_status = "succeeded"
            self.api_version = API_VERSION
            self.dispute_fee_returned = False
            # Pricing and conversion back to Stripe's standard, whatever the last test set.
            self.fee_percent, self.fee_fixed = Decimal("2.9"), 30
            self.conversion_percent, self.dispute_fee = Decimal("1"), 1500
            self.usd_per = dict(STANDARD_USD_PER)
