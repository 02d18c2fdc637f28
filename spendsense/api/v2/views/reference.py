"""/currencies and /time_zones: ISO 4217 currencies with a minor unit (money.py's
table, named by Babel) and the IANA time zones the server knows (tzdata)."""

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.numbers import (
    get_currency_name,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

from spendsense import money
from spendsense.api.v2.routes import operation
from spendsense.api.v2.schemas.reference import Currency, CurrencySeparators, TimeZone
from spendsense.services.errors import NotFound

LOCALE = "en"
STRING_ID = {"type": "string", "minLength": 1, "maxLength": 10}


@cache
def _currencies():
    return {code.lower(): Currency(
        id=code.lower(), name=get_currency_name(code, locale=LOCALE), minor_unit=money.exponent(code),
        separators=CurrencySeparators(major=get_group_symbol(LOCALE), minor=get_decimal_symbol(LOCALE)),
        symbol=get_currency_symbol(code, locale=LOCALE),
    ) for code in money.currency_codes()}


@operation("GET", "/currencies", summary="List currencies", tag="Currencies", response=list[Currency],
           errors=(401,))
def list_currencies():
    return list(_currencies().values())


@operation("GET", "/currencies/<string:id>", summary="Get a currency", tag="Currencies", response=Currency,
           errors=(401, 404), path_params={"id": STRING_ID})
def get_currency(id):
    currency = _currencies().get(id.strip().lower())
    if currency is None:
        raise NotFound("Currency not found.")
    return currency


def _offset_text(seconds):
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _time_zones(now):
    zones = []
    for name in sorted(available_timezones()):
        if name.startswith(("Etc/", "SystemV/")) or name in ("localtime", "Factory"):
            continue
        local = now.astimezone(ZoneInfo(name))
        offset = int(local.utcoffset().total_seconds())
        formatted = _offset_text(offset)
        zones.append(TimeZone(name=name, utc_offset=offset, formatted_name=f"(GMT{formatted}) {name}",
                              formatted_offset=formatted, abbreviation=local.tzname() or name,
                              identifier=name))
    return zones


@operation("GET", "/time_zones", summary="List time zones", tag="Time Zones", response=list[TimeZone],
           errors=(401,))
def list_time_zones():
    # Offsets change with daylight saving time, so the list is made for now, each time.
    return _time_zones(datetime.now(UTC))
