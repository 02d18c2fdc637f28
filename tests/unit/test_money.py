import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spendsense import money
from spendsense.money import MAX_MINOR, MoneyError


@pytest.mark.parametrize("currency, places", [
    ("JPY", 0), ("EUR", 2), ("USD", 2), ("BHD", 3), ("KWD", 3), ("CLF", 4),
    # ISO 4217 and CLDR disagree here; storage follows ISO.
    ("IQD", 3), ("RSD", 2), ("LBP", 2),
])
def test_exponent_follows_iso_4217(currency, places):
    assert money.exponent(currency) == places


def test_currency_codes_are_sorted_iso_codes_with_a_minor_unit():
    codes = money.currency_codes()
    assert codes == sorted(codes)
    assert {"EUR", "JPY", "BHD", "USD", "GBP"} <= set(codes)
    assert "XXX" not in codes  # "no currency" has no minor unit
    assert all(len(code) == 3 and code.isupper() for code in codes)


@pytest.mark.parametrize("value, expected", [("eur", "EUR"), (" Jpy ", "JPY"), ("BHD", "BHD")])
def test_normalise_currency(value, expected):
    assert money.normalise_currency(value) == expected


@pytest.mark.parametrize("value", ["", "EURO", "XXX", "ZZZ", "E", None, 978, b"EUR"])
def test_normalise_currency_rejects(value):
    with pytest.raises(MoneyError):
        money.normalise_currency(value)


@pytest.mark.parametrize("value, currency, expected", [
    ("1234", "JPY", "1234"),
    ("-7", "JPY", "-7"),
    ("12.34", "EUR", "12.34"),
    ("12.3", "EUR", "12.30"),
    ("12", "EUR", "12.00"),
    (" 12.00 ", "EUR", "12.00"),
    ("+3", "EUR", "3.00"),
    (".5", "EUR", "0.50"),
    ("5.", "EUR", "5.00"),
    ("-0.01", "EUR", "-0.01"),
    ("12.340", "EUR", "12.34"),  # a trailing zero is not a decimal the currency lacks
    ("1.234", "BHD", "1.234"),
    ("0.001", "BHD", "0.001"),
    ("1.5", "BHD", "1.500"),
    ("0.0001", "CLF", "0.0001"),
    (7, "EUR", "7.00"),
    (-7, "JPY", "-7"),
    (Decimal("1.10"), "EUR", "1.10"),
    (Decimal("99.99"), "eur", "99.99"),
    ("10000000000000.00", "EUR", "10000000000000.00"),  # exactly MAX_MINOR cents
    ("1000000000000000", "JPY", "1000000000000000"),
])
def test_parse_amount(value, currency, expected):
    result = money.parse_amount(value, currency)
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize("value, currency", [
    ("12.5", "JPY"),
    ("12.345", "EUR"),
    ("0.001", "EUR"),
    ("1.2345", "BHD"),
    ("0.00001", "CLF"),
    (Decimal("0.005"), "EUR"),
])
def test_parse_amount_refuses_more_decimals_than_the_currency_has(value, currency):
    with pytest.raises(MoneyError, match="more decimals"):
        money.parse_amount(value, currency)


@pytest.mark.parametrize("value", [
    "NaN", "nan", "sNaN", "Infinity", "inf", "-Infinity", "-inf",
    "1e3", "1E3", "1e-2", "1.5E+2",
    "1,000", "1,000.00", "1 000", "1_000", "1'000", "1.000,00",
    "", "   ", "-", "+", ".", "12.3.4", "--1", "+-1", "0x10", "abc", "12abc", "€12", "12 EUR",
    "١٢٣", "１２３",  # digits of other scripts: a user's amount is ASCII
    True, False, None, [], {}, b"12",
    float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
    Decimal("1E+3"),
])
def test_parse_amount_rejects_what_is_not_a_plain_number(value):
    with pytest.raises(MoneyError):
        money.parse_amount(value, "EUR")
    assert money.is_number(value) is False


@pytest.mark.parametrize("value", ["10000000000000.01", "-10000000000000.01", "1" + "0" * 17, 10**16,
                                   "99999999999999999999999999999999"])
def test_parse_amount_refuses_too_large(value):
    with pytest.raises(MoneyError, match="too large"):
        money.parse_amount(value, "EUR")


@pytest.mark.parametrize("value, message", [
    ("1" * 5000, "too large"),
    ("9" * 5000 + ".5", "too large"),
    ("0." + "0" * 4998 + "1", "more decimals"),
    ("1." + "1" * 5000, "more decimals"),
    ("-" + "7" * 5000, "too large"),
])
def test_huge_strings_are_refused_quickly(value, message):
    started = time.perf_counter()
    with pytest.raises(MoneyError, match=message):
        money.parse_amount(value, "EUR")
    assert time.perf_counter() - started < 0.5


def test_parse_amount_negative_only_when_allowed():
    assert money.parse_amount("-5", "EUR") == Decimal("-5")
    with pytest.raises(MoneyError, match="negative"):
        money.parse_amount("-5", "EUR", allow_negative=False)
    assert money.parse_amount("0", "EUR", allow_negative=False) == 0


def test_parse_amount_unknown_currency():
    with pytest.raises(MoneyError, match="currency"):
        money.parse_amount("1", "ABC")


@pytest.mark.parametrize("value", ["12", "-0.5", ".5", "1" * 40, "0." + "0" * 30, 3, Decimal("1.5")])
def test_is_number(value):
    assert money.is_number(value) is True


@pytest.mark.parametrize("amount, currency, minor", [
    (Decimal("12.34"), "EUR", 1234),
    (Decimal("-0.01"), "EUR", -1),
    (Decimal("12"), "EUR", 1200),
    (Decimal("1234"), "JPY", 1234),
    (Decimal("1.234"), "BHD", 1234),
    (Decimal("-0.001"), "BHD", -1),
    (Decimal("1.2345"), "CLF", 12345),
    (Decimal("0"), "EUR", 0),
    ("5.5", "EUR", 550),
    (7, "JPY", 7),
])
def test_to_minor(amount, currency, minor):
    result = money.to_minor(amount, currency)
    assert result == minor
    assert type(result) is int


@pytest.mark.parametrize("amount, currency", [
    (Decimal("0.001"), "EUR"), (Decimal("0.5"), "JPY"), (Decimal("1.0001"), "BHD"),
    (Decimal("NaN"), "EUR"), (Decimal("Infinity"), "EUR"), (Decimal("-Infinity"), "JPY"),
    (Decimal("1E+30"), "EUR"),
    # 28 significant digits would round this to a whole number of cents.
    (Decimal("12345678901234567.890000000000000001"), "EUR"),
])
def test_to_minor_refuses_what_does_not_fit(amount, currency):
    with pytest.raises(MoneyError):
        money.to_minor(amount, currency)


@pytest.mark.parametrize("minor, currency, text", [
    (1234, "EUR", "12.34"), (5, "EUR", "0.05"), (-1, "EUR", "-0.01"), (0, "EUR", "0.00"),
    (7, "JPY", "7"), (-1, "BHD", "-0.001"), (1000, "BHD", "1.000"), (1, "CLF", "0.0001"),
    (2**63 - 1, "EUR", "92233720368547758.07"),
])
def test_from_minor_has_exactly_the_currency_decimals(minor, currency, text):
    assert str(money.from_minor(minor, currency)) == text


@pytest.mark.parametrize("currency", money.currency_codes())
def test_round_trip_for_every_currency(currency):
    places = money.exponent(currency)
    for minor in (0, 1, -1, 123456789, -987654321, MAX_MINOR, -MAX_MINOR):
        amount = money.from_minor(minor, currency)
        assert amount.as_tuple().exponent == -places
        assert money.to_minor(amount, currency) == minor
        assert money.parse_amount(str(amount), currency) == amount
        assert money.from_minor(money.to_minor(amount, currency), currency) == amount


@pytest.mark.parametrize("amount, currency, expected", [
    ("0.125", "EUR", "0.12"),
    ("0.135", "EUR", "0.14"),
    ("-0.125", "EUR", "-0.12"),
    ("0.126", "EUR", "0.13"),
    ("0.5", "JPY", "0"),
    ("1.5", "JPY", "2"),
    ("2.5", "JPY", "2"),
    ("1.0005", "BHD", "1.000"),
    ("1.0015", "BHD", "1.002"),
    ("7", "EUR", "7.00"),
])
def test_quantize_rounds_half_to_even(amount, currency, expected):
    assert str(money.quantize(Decimal(amount), currency)) == expected


@pytest.mark.parametrize("amount, currency, locale, expected", [
    ("1234.5", "EUR", "en_GB", "€1,234.50"),
    ("-5", "EUR", "en_GB", "-€5.00"),
    ("1234", "JPY", "en_GB", "JP¥1,234"),
    ("1234", "JPY", "ja_JP", "￥1,234"),
    ("1.234", "BHD", "en_GB", "BHD1.234"),
    ("1234.5", "EUR", "de_DE", "1.234,50\xa0€"),
    ("1234.5", "USD", "en_US", "$1,234.50"),
    # CLDR shows no decimals for these; the stored ISO decimals are shown all the same.
    ("1234.5", "AFN", "en_GB", "AFN1,234.50"),
    ("123.45", "IQD", "en_GB", "IQD123.450"),
    ("0.001", "IQD", "en_GB", "IQD0.001"),
])
def test_format_money(amount, currency, locale, expected):
    assert money.format_money(Decimal(amount), currency, locale) == expected


def test_format_money_keeps_digits_beyond_the_minor_unit():
    # An FX result before rounding must not be displayed rounded.
    assert money.format_money(Decimal("1.005"), "EUR") == "€1.005"


def test_format_money_of_every_currency_shows_the_iso_decimals():
    for currency in money.currency_codes():
        amount = money.from_minor(123456, currency)
        text = money.format_money(amount, currency)
        number = "".join(ch for ch in text if ch.isdigit() or ch == ".").strip(".")
        assert number == str(amount), (currency, text)


@st.composite
def amounts(draw):
    currency = draw(st.sampled_from(money.currency_codes()))
    places = money.exponent(currency)
    limit = Decimal(MAX_MINOR).scaleb(-places)
    amount = draw(st.decimals(min_value=-limit, max_value=limit, places=places,
                              allow_nan=False, allow_infinity=False))
    return currency, amount


@settings(max_examples=300, database=None, deadline=None)
@given(amounts())
def test_property_minor_units_round_trip_exactly(pair):
    currency, amount = pair
    minor = money.to_minor(amount, currency)
    assert isinstance(minor, int)
    assert abs(minor) <= MAX_MINOR
    back = money.from_minor(minor, currency)
    assert back == amount
    assert money.parse_amount(str(amount), currency) == amount
    assert money.parse_amount(str(back), currency) == back
    assert money.quantize(amount, currency) == amount


@settings(max_examples=200, database=None, deadline=None)
@given(st.text(max_size=30))
def test_property_parse_amount_never_fails_other_than_money_error(text):
    try:
        result = money.parse_amount(text, "EUR")
    except MoneyError:
        return
    assert result.is_finite()
    assert abs(money.to_minor(result, "EUR")) <= MAX_MINOR
