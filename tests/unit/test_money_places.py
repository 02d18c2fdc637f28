"""The one pair of converters between minor units and Decimal, also for shared bills'
"no currency" (XXX), which ISO 4217 gives no minor unit and ihatemoney keeps with two."""

from decimal import Decimal

import pytest

from spendsense import money
from spendsense.money import MoneyError


@pytest.mark.parametrize("currency, digits", [("EUR", 2), ("JPY", 0), ("BHD", 3), ("XXX", 2)])
def test_places(currency, digits):
    assert money.places(currency) == digits


@pytest.mark.parametrize("minor, currency, amount", [
    (1250, "XXX", "12.50"), (-5, "XXX", "-0.05"), (1250, "EUR", "12.50"), (1250, "JPY", "1250"),
    (1250, "BHD", "1.250"),
])
def test_round_trip(minor, currency, amount):
    assert str(money.from_minor(minor, currency)) == amount
    assert money.to_minor(Decimal(amount), currency) == minor


def test_too_many_decimals_for_no_currency():
    with pytest.raises(MoneyError, match=r"more decimals than XXX allows \(2\)"):
        money.to_minor(Decimal("1.234"), "XXX")


def test_no_currency_is_still_no_account_currency():
    for function in (money.normalise_currency, money.exponent):
        with pytest.raises(MoneyError):
            function("XXX")
    with pytest.raises(MoneyError):
        money.places("ZZZ")
