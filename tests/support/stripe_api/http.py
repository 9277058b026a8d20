"""The tests' Stripe on a loopback port: Stripe's HTTP API (a bearer secret key, form-encoded
bodies, the pinned ``Stripe-Version``, ``Idempotency-Key`` replay) and its hosted checkout page
with Pay and Cancel buttons."""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.stripe_api.server import Recorded, StripeServer
from tests.support.stripe_api.wire import (
    THREE_DECIMAL,
    ZERO_DECIMAL,
    StripeError,
    invalid,
    new_id,
    parse_form,
)


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
            self.send_header("Request-Id", new_id("req"))
            self.send_header("Stripe-Version", state.api_version)
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
                version = self.headers.get("Stripe-Version")
                if version is not None and version != state.api_version:
                    raise invalid(
                        f"This test server speaks API version {state.api_version}, not {version}."
                    )
                if method == "POST" and not (self.headers.get("Content-Type") or "").startswith(
                    "application/x-www-form-urlencoded"
                ):
                    raise invalid("Requests must be form-encoded.")
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
            code = session["currency"]
            shown = (
                amount
                if code in ZERO_DECIMAL
                else amount / (1000 if code in THREE_DECIMAL else 100)
            )
            page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Pay — test Stripe</title></head><body><main>
<h1>Test Stripe checkout</h1>
<p>Pay <strong id="amount">{html.escape(f"{shown} {code.upper()}")}</strong></p>
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
