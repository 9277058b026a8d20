"""Money: whole minor units of one currency, parsed and shown with the currency's own decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from meetings.db import MinorUnits
from meetings.errors import DomainError
from meetings.extensions import db
from meetings.money import Money, format_amount, format_money, minor_unit, parse_amount


def test_money_is_whole_minor_units_never_a_float() -> None:
    assert Money(150, "USD").decimal() == Decimal("1.50")
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(Decimal("1.5"), "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(1, "usd")


def test_money_of_two_currencies_does_not_mix() -> None:
    assert Money(100, "USD") + Money(50, "USD") == Money(150, "USD")
    assert Money(100, "USD") - Money(150, "USD") == Money(-50, "USD")
    with pytest.raises(ValueError, match="cannot combine"):
        Money(100, "USD") + Money(100, "EUR")
    with pytest.raises(ValueError, match="cannot combine"):
        _ = Money(100, "USD") < Money(100, "EUR")


def test_minor_units_come_from_the_currency_table() -> None:
    assert (minor_unit("USD"), minor_unit("JPY"), minor_unit("KWD")) == (2, 0, 3)
    with pytest.raises(DomainError, match="not a currency"):
        minor_unit("XYZ")


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("1,234.50", "USD", Money(123450, "USD")),
        ("1234.5", "USD", Money(123450, "USD")),
        ("1234", "USD", Money(123400, "USD")),
        ("1500", "JPY", Money(1500, "JPY")),
        ("12.345", "KWD", Money(12345, "KWD")),
        (" 10.10 ", "eur", Money(1010, "EUR")),
        ("1.500", "USD", Money(150, "USD")),
    ],
)
def test_typed_amounts_are_parsed_with_the_currencys_decimals(
    app: Flask, text: str, currency: str, expected: Money
) -> None:
    with app.test_request_context():
        assert parse_amount(text, currency) == expected


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("1.505", "USD", "at most 2 decimals"),
        ("10.5", "JPY", "have no decimals"),
        ("1.2345", "KWD", "at most 3 decimals"),
        ("ten", "USD", "like 1,500.00"),
        ("", "USD", "Enter an amount"),
        ("1e9", "USD", "like 1,500.00"),
        ("NaN", "USD", "like 1,500.00"),
        ("1" * 41, "USD", "like 1,500.00"),
    ],
)
def test_amounts_with_too_many_decimals_or_no_number_are_refused(
    app: Flask, text: str, currency: str, message: str
) -> None:
    with app.test_request_context(), pytest.raises(DomainError, match=message) as caught:
        parse_amount(text, currency)
    assert caught.value.field == "amount"


def test_an_unknown_currency_is_refused_beside_the_currency_field(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(DomainError) as caught:
        parse_amount("10", "ABC")
    assert caught.value.field == "currency"


def test_french_readers_type_and_read_french_numbers(app: Flask) -> None:
    with app.test_request_context(), force_locale("fr"):
        assert parse_amount("1 234,50", "EUR") == Money(123450, "EUR")
        shown = format_money(Money(123450, "EUR"))
        assert shown.replace("\u202f", " ").replace("\xa0", " ") == "1 234,50 €"


@pytest.mark.parametrize(
    ("money", "shown"),
    [
        (Money(123450, "USD"), "$1,234.50"),
        (Money(1500, "JPY"), "¥1,500"),
        (Money(12345, "KWD"), "KWD12.345"),
        (Money(-5, "USD"), "-$0.05"),
    ],
)
def test_money_is_shown_with_exactly_the_currencys_decimals(
    app: Flask, money: Money, shown: str
) -> None:
    with app.test_request_context():
        assert format_money(money, "en") == shown


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["USD", "JPY", "KWD"]))
def test_what_is_shown_in_a_form_is_read_back_unchanged(app: Flask, amount: int, code: str) -> None:
    with app.test_request_context():
        money = Money(amount, code)
        assert parse_amount(format_amount(money), code) == money


def test_the_money_column_is_64_bit_and_refuses_floats(connection: sa.Connection) -> None:
    column = MinorUnits()
    assert isinstance(column.impl, sa.BigInteger)
    with pytest.raises(TypeError):
        column.process_bind_param(1.5, connection.dialect)  # type: ignore[arg-type]
    big = 9_000_000_000_000_000_000
    assert (
        db.session.scalar(sa.select(sa.cast(sa.literal(big, MinorUnits()), sa.BigInteger))) == big
    )
