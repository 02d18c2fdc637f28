"""Currencies and time zones, the lists every user sees."""

from spendsense.api.v2.fields import Out


class CurrencySeparators(Out):
    major: str
    minor: str


class Currency(Out):
    id: str
    name: str
    minor_unit: int
    separators: CurrencySeparators
    symbol: str


class TimeZone(Out):
    name: str
    utc_offset: int
    formatted_name: str
    formatted_offset: str
    abbreviation: str
    identifier: str
