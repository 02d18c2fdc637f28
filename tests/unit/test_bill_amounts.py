"""Arithmetic in bill amounts: exact Decimal results, never eval, and refusals."""

from decimal import Decimal

import pytest

from spendsense.services.bills import amounts as bill_amounts


@pytest.mark.parametrize(("text", "value"), [
    ("12.5+3*2", "18.5"),
    ("1,5", "1.5"),
    ("0.1+0.2", "0.3"),
    ("(30-4,5)/3", "8.5"),
    ("-(2+3)", "-5"),
    ("+4", "4"),
    ("--4", "4"),
    ("2*-3", "-6"),
    (".5", "0.5"),
    ("5.", "5"),
    ("  1 +  2 ", "3"),
    ("007", "7"),
    ("10/4", "2.5"),
    ("1-2-3", "-4"),
    ("2*3+4*5", "26"),
])
def test_evaluate(text, value):
    assert bill_amounts.evaluate(text) == Decimal(value)


@pytest.mark.parametrize("text", [
    "", "   ", "2**3", "1+", "*2", "(1", "1)", "abc", "1e3", "0x10", "1_000", "1.2.3", "1,000.50",
    "__import__('os').system('true')", "2^3", "1//2", "1%2", "[1]", "1/0", "1/(2-2)", "1" * 201,
    "(" * 60 + "1" + ")" * 60, "∞", "١٢",
])
def test_evaluate_refuses(text):
    with pytest.raises(bill_amounts.Unparseable):
        bill_amounts.evaluate(text)


@pytest.mark.parametrize("value", [None, True, False])
def test_evaluate_refuses_non_text(value):
    with pytest.raises(bill_amounts.Unparseable):
        bill_amounts.evaluate(value)


def test_two_hundred_characters_are_fine():
    text = "+".join(["1"] * 100)
    assert len(text) == 199
    assert bill_amounts.evaluate(text) == 100


@pytest.mark.parametrize(("text", "places", "value"), [
    ("10/3", 2, "3.33"),
    ("20/3", 2, "6.67"),
    ("0.125*1", 2, "0.12"),  # half to even
    ("0.135*1", 2, "0.14"),
    ("10/3", 0, "3"),
    ("1/8", 3, "0.125"),
    ("100/3*3", 2, "100.00"),
    ("12.50", 2, "12.50"),
    (Decimal("2.5"), 2, "2.50"),
    (7, 0, "7"),
])
def test_parse_rounds_calculations_half_even(text, places, value):
    result = bill_amounts.parse(text, places)
    assert result == Decimal(value)
    assert result.as_tuple().exponent == -places


@pytest.mark.parametrize(("text", "places"), [("1.234", 2), ("1.5", 0), (Decimal("0.001"), 2)])
def test_parse_keeps_plain_numbers_exact(text, places):
    with pytest.raises(bill_amounts.AmountError, match="more decimals"):
        bill_amounts.parse(text, places)


@pytest.mark.parametrize("text", ["1" + "0" * 18, "99999999999999*99999999", "-1" + "0" * 17])
def test_parse_refuses_huge_amounts(text):
    with pytest.raises(bill_amounts.AmountError, match="too large"):
        bill_amounts.parse(text, 2)
