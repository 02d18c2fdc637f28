"""Exact money: Decimal in Python, integer minor units in the database.

The exponent of a currency (how many digits its minor unit has) comes from the
ISO 4217 table shipped by the ``iso4217`` package, not from CLDR: the two disagree
for a handful of currencies (IQD, LBP, RSD, ...) and storage must follow ISO.
Rounding happens only at the edges (FX conversion), with ROUND_HALF_EVEN.
"""

import copy
import re
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache, lru_cache

from babel import Locale
from iso4217 import Currency

# Largest magnitude accepted for one amount, in minor units. A BIGINT column holds
# 9.2e18, so this leaves room for the sum of thousands of maximal rows in a balance.
MAX_MINOR = 10**15

# ISO 4217's "no transaction involving a currency": shared-bill projects without a
# currency use it. ISO gives it no minor unit; its amounts keep two decimals (``places``).
NO_CURRENCY = "XXX"

# ASCII digits only: Decimal() would also read Arabic-Indic or full-width digits.
_DECIMAL_RE = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


class MoneyError(ValueError):
    """An amount or currency a user gave cannot be used; the message says why."""


@cache
def _currency_table():
    return {c.code: c.exponent for c in Currency if c.exponent is not None}


def currency_codes():
    """ISO 4217 codes that have a minor unit, sorted."""
    return sorted(_currency_table())


def normalise_currency(code):
    """Return the upper-case ISO code, or raise MoneyError."""
    if not isinstance(code, str):
        raise MoneyError("Currency must be a three-letter ISO 4217 code.")
    value = code.strip().upper()
    if value not in _currency_table():
        raise MoneyError("Unknown currency code. Use a three-letter ISO 4217 code like EUR.")
    return value


def exponent(currency):
    """Digits of the minor unit: JPY 0, EUR 2, BHD 3."""
    return _currency_table()[normalise_currency(currency)]


@lru_cache(maxsize=512)
def places(currency):
    """Decimals an amount in ``currency`` is stored with: the exponent, and two for
    "no currency" (XXX), as ihatemoney keeps a project without a currency. Cached: a
    batch of 100,000 rows asks it for every amount (an unknown code raises, uncached)."""
    return 2 if currency == NO_CURRENCY else exponent(currency)


def _as_decimal(value):
    """The Decimal a user's input spells, or MoneyError when it is not a plain number."""
    if isinstance(value, bool) or value is None:
        raise MoneyError("Amount must be a number.")
    if isinstance(value, int):
        return Decimal(value)
    text = (value if isinstance(value, str) else str(value)).strip()
    if not _DECIMAL_RE.match(text):
        raise MoneyError("Amount must be a number.")
    number = Decimal(text)
    if not number.is_finite():
        raise MoneyError("Amount must be a number.")
    return number


def parse_number(value):
    """A front door's amount as an exact Decimal, whatever currency it will be in:
    MoneyError when it is not a plain number or is too large to be an amount. Whether
    its decimals fit the account's currency is checked later, by ``to_minor``."""
    number = _as_decimal(value)
    if number.adjusted() >= 18:
        raise MoneyError("Amount is too large.")
    return number


def is_number(value):
    """True when the input is a plain decimal number (whatever its size or decimals)."""
    try:
        _as_decimal(value)
    except MoneyError:
        return False
    return True


def parse_amount(value, currency, *, allow_negative=True):
    """Parse user input into an exact Decimal with at most the currency's decimals.

    Accepts str, int and Decimal (JSON bodies are decoded with Decimal for floats).
    Rejects NaN, infinity, exponent notation, separators and more decimals than the
    currency has, instead of rounding silently: a user's amount is kept as typed.
    """
    places = exponent(currency)
    number = _as_decimal(value)
    # Check the size before any arithmetic: a 10,000-digit string must not reach quantize.
    if number.adjusted() >= 18 or abs(number.scaleb(places)) > MAX_MINOR:
        raise MoneyError("Amount is too large.")
    unit = Decimal(1).scaleb(-places)
    if number != number.quantize(unit, rounding=ROUND_HALF_EVEN):
        raise MoneyError(f"Amount has more decimals than {normalise_currency(currency)} allows ({places}).")
    number = number.quantize(unit)
    if not allow_negative and number < 0:
        raise MoneyError("Amount must not be negative.")
    return number


def to_minor(amount, currency):
    """Decimal -> integer minor units. The amount must already fit the currency."""
    digits = places(currency)
    number = Decimal(amount)
    if not number.is_finite():
        raise MoneyError("Amount must be a number.")
    # Bound the size first: Decimal arithmetic rounds past 28 digits, which would
    # silently turn 0.000...01 of a cent on a huge amount into a whole number.
    if number.adjusted() >= 18:
        raise MoneyError("Amount is too large.")
    fitted = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    if fitted != number:
        raise MoneyError(f"Amount has more decimals than {currency.strip().upper()} allows ({digits}).")
    return int(fitted.scaleb(digits))


def from_minor(minor, currency):
    """Integer minor units -> Decimal with exactly the currency's decimals."""
    digits = places(currency)
    return Decimal(int(minor)).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def quantize(amount, currency):
    """Round to the currency's minor unit, half to even (used at FX edges only)."""
    places = exponent(currency)
    return Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def format_money(amount, currency, locale="en_GB"):
    """Human display with Babel, keeping every stored digit.

    Babel pads to CLDR's digits, which differ from ISO's for a few currencies (AFN,
    IQD, RSD, ...); the pattern is given ISO's so a stored 1234.50 AFN shows its cents.
    """
    code = normalise_currency(currency)
    parsed, pattern = _display_pattern(locale, _currency_table()[code])
    return pattern.apply(Decimal(amount), parsed, currency=code, currency_digits=False,
                         decimal_quantization=False)


@lru_cache(maxsize=256)
def _display_pattern(locale, places):
    """(Locale, currency pattern with ISO digits): parsed once, as pages format many amounts."""
    parsed = Locale.parse(locale)
    pattern = copy.copy(parsed.currency_formats["standard"])
    pattern.frac_prec = (places, places)
    return parsed, pattern
