"""What goes over the wire to Stripe: form-encoded bodies in Stripe's bracket notation, Stripe's
errors, its integer amounts and currency rules, and ``expand``."""

from __future__ import annotations

import json
import re
import secrets
import urllib.parse
from typing import Any

ZERO_DECIMAL = {
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "vnd", "vuv", "xaf",
    "xof", "xpf",
}  # fmt: skip
THREE_DECIMAL = {"bhd", "jod", "kwd", "omr", "tnd"}
WHOLE_UNITS = {"isk", "ugx", "huf", "twd"}
# Stripe's minimum charge amounts, in its own minor units (about fifty US cents).
MINIMUM = {
    "usd": 50, "eur": 50, "gbp": 30, "chf": 50, "jpy": 50, "aud": 50, "cad": 50, "nok": 300,
    "sek": 300, "dkk": 250, "kwd": 200, "isk": 10_000,
}  # fmt: skip


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
        self.status, self.kind, self.message = status, kind, message
        self.param, self.code = param, code

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.kind, "message": self.message}
        if self.param:
            error["param"] = self.param
        if self.code:
            error["code"] = self.code
        return {"error": error}


def invalid(message: str, param: str | None = None, code: str | None = None) -> StripeError:
    return StripeError(400, "invalid_request_error", message, param, code)


def missing(kind: str, object_id: str) -> StripeError:
    return StripeError(404, "invalid_request_error", f"No such {kind}: '{object_id}'", "id")


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


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def integer(value: Any, param: str) -> int:
    if not isinstance(value, str) or not re.fullmatch(r"\d+", value):
        raise invalid(f"Invalid integer: {value}", param)
    return int(value)


def currency(value: Any, param: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{3}", value):
        raise invalid(
            f"Invalid currency: {value}. Stripe currencies are three lower-case letters.", param
        )
    return value


def check_amount(amount: int, code: str, param: str) -> None:
    if amount < MINIMUM.get(code, 50):
        raise invalid("Amount must convert to at least 50 cents.", param, "amount_too_small")
    if code in WHOLE_UNITS and amount % 100:
        raise invalid(
            f"Invalid amount. Currency {code.upper()} has become effectively zero-decimal and "
            "charged amounts must be evenly divisible by 100.",
            param,
            "invalid_charge_amount_no_decimal_compatible",
        )
    if code in THREE_DECIMAL and amount % 10:
        raise invalid("Amounts in three-decimal currencies must end in 0.", param)


def expansions(params: dict[str, Any], allowed: set[str]) -> set[str]:
    """The ``expand`` paths of a request; Stripe refuses a path that cannot be expanded."""
    asked = params.get("expand") or []
    paths = set(asked if isinstance(asked, list) else [asked])
    for path in paths:
        if path not in allowed:
            raise invalid(f"This property cannot be expanded ({path}).", "expand")
    return paths


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of a stored object as Stripe shows it (without the server's own ``_`` keys)."""
    return {k: v for k, v in json.loads(json.dumps(obj)).items() if not k.startswith("_")}
