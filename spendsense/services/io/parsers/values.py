"""Reading the pieces every format shares: text encodings, amounts and dates."""

import codecs
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from spendsense.services.io.parsers.statement import (
    DAY_FIRST,
    MONTH_FIRST,
    YEAR_FIRST,
    AmbiguousDateOrder,
    ParseError,
)

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def utf16_without_bom(data):
    """"utf-16-le"/"utf-16-be" when every other byte of the start is NUL (ASCII text
    in UTF-16 without a byte-order mark), else None."""
    head = data[:2000]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def sniff_encoding(data):
    """The encoding a byte-order mark or the NUL pattern of UTF-16 shows, or None."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return utf16_without_bom(data)


def decode(data, encoding=None, fallbacks=("cp1252",)):
    """(text, encoding): the given encoding, else a BOM's, else UTF-8, else the first
    fallback that decodes. Windows code pages are what banks write when not UTF-8;
    bytes CP1252 leaves undefined fall back to Latin-1, which decodes anything."""
    candidates = [encoding] if encoding else [sniff_encoding(data) or "utf-8", *fallbacks, "latin-1"]
    for name in candidates:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError) as error:
            if encoding:
                raise ParseError(f"The file is not valid {encoding} text ({error}).") from None
            continue
        return text.removeprefix("\ufeff"), name
    raise ParseError("The file's text encoding cannot be read.")


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_CURRENCY = re.compile(r"^(?:[A-Z]{3}|[€$£¥₴₽])\s*|\s*(?:[A-Z]{3}|[€$£¥₴₽]|грн\.?)$")
_PLAIN = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def parse_decimal(text, decimal=".", *, what="amount", line=None, element=None):
    """An exact Decimal from a bank's spelling of a number: "-1.234,56" (decimal=","),
    "1,234.56", "1 234,56", "(12.50)", "12.50-", "+5", "€12.50". None for an empty cell;
    ParseError naming the line or element for anything else."""
    if text is None:
        return None
    raw = text.strip()
    if not raw:
        return None
    value = _CURRENCY.sub("", raw).strip()
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    if value.endswith("-"):
        negative, value = True, value[:-1]
    if value[:1] in "+-\u2212":
        negative, value = value[0] != "+", value[1:]
    value = _SPACES.sub("", value)
    thousands = "," if decimal == "." else "."
    if thousands in value:
        groups = value.split(decimal)[0].split(thousands)
        if any(len(group) != 3 for group in groups[1:]) or not groups[0]:
            raise ParseError(f"{what} {raw!r} is not a number.", line=line, element=element)
        value = value.replace(thousands, "")
    value = value.replace(decimal, ".")
    if not _PLAIN.match(value):
        raise ParseError(f"{what} {raw!r} is not a number.", line=line, element=element)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ParseError(f"{what} {raw!r} is not a number.", line=line, element=element) from None
    if number.adjusted() >= 15:
        raise ParseError(f"{what} {raw!r} is too large.", line=line, element=element)
    return -number if negative else number


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,4})\s*[./\-' ]\s*(\d{1,2})\s*[./\-' ]\s*(\d{1,4})\s*$")


def numeric_parts(text):
    """(first, second, third) numbers of a date like 14.02.2020, 2/14'20 or 2020-02-14."""
    match = _NUMERIC_DATE.match(text.replace("'", "/"))
    return tuple(int(part) for part in match.groups()) if match else None


def full_year(year):
    """QIF's and CSV's two-digit years: 00-69 are 20xx, 70-99 are 19xx (as Quicken)."""
    if year >= 100:
        return year
    return 2000 + year if year < 70 else 1900 + year


def order_of(parts_list):
    """The order a file's numeric dates are in: YEAR_FIRST when they start with a
    4-digit year; else DAY_FIRST or MONTH_FIRST when a day past 12 shows it; None when
    every date reads both ways. ParseError when dates disagree."""
    if parts_list and all(first > 31 or len(str(first)) == 4 for first, _s, _t in parts_list):
        return YEAR_FIRST
    day_first = any(first > 12 for first, _s, _t in parts_list)
    month_first = any(second > 12 for _f, second, _t in parts_list)
    if day_first and month_first:
        raise ParseError("The dates mix day-first and month-first order.")
    if day_first:
        return DAY_FIRST
    if month_first:
        return MONTH_FIRST
    if all(first == second for first, second, _t in parts_list):
        return DAY_FIRST  # 01/01, 02/02...: both orders give the same dates
    return None


def decide_order(parts_list, forced, *, dotted=False):
    """The order to read dates in: ``forced`` when the caller gives one, else the file's
    (day-first for dates written with dots: 05.01.2024 is never month-first);
    AmbiguousDateOrder when the file cannot tell."""
    if forced:
        return forced
    order = order_of(parts_list) or (DAY_FIRST if dotted else None)
    if order is None:
        raise AmbiguousDateOrder("Every date reads both day-first and month-first "
                                 "(e.g. 03/04 is 3 April or March 4); say which order the file uses.")
    return order


def make_date(parts, order, *, line=None, element=None, text=None):
    first, second, third = parts
    if order == YEAR_FIRST:
        year, month, day = first, second, third
    elif order == DAY_FIRST:
        day, month, year = first, second, third
    else:
        month, day, year = first, second, third
    try:
        return date(full_year(year), month, day)
    except ValueError:
        raise ParseError(f"{text!r} is not a valid date.", line=line, element=element) from None
