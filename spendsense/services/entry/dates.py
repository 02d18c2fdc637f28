"""Date phrases of the quick-entry language (services/entry/parser.py).

    today, yesterday, tomorrow             relative to the owner's "today"
    mon ... sunday                         the last such day (today counts), at the end of
                                           the line or after "on": "sun cream 12" has no date
    last fri                               the one before today, even on a Friday
    2024-06-01, 01.06.2024                 ISO, or day-first with dots and a four-digit year
    3 days ago, a week ago, 2 months ago
    on 1 jun, on jun 1st, 1 jun 2024       a month name needs "on" or a year: "coffee 3 may"
                                           is three, not the third of May

Each function takes the line's tokens (objects with ``text`` and ``used``), marks the
ones it reads as used and raises Invalid for a date that does not exist.
"""

import re
from datetime import date, datetime, time, timedelta

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta

from spendsense.services import validation
from spendsense.services.errors import Invalid

MAX_DAYS_AGO = 3660
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DOTTED_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ORDINAL_RE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$", re.IGNORECASE)
_YEAR_RE = re.compile(r"^\d{4}$")

WEEKDAYS = {"mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
            "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5,
            "saturday": 5, "sun": 6, "sunday": 6}
MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}
UNITS = {"day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months",
         "months": "months"}

def take_date(tokens, today):
    """Find at most one date phrase, mark its tokens used and return the day (or None)."""
    found = []
    index = 0
    while index < len(tokens):
        match = _date_at(tokens, index, today)
        if match is None:
            index += 1
            continue
        length, day = match
        found.append(day)
        for token in tokens[index:index + length]:
            token.used = True
        index += length
    if len(found) > 1:
        raise Invalid.field("date", "Give one date only.")
    if not found:
        return None
    day = found[0]
    if not validation.MIN_DATE <= day <= validation.MAX_DATE:
        raise Invalid.field("date", "The date is out of range.")
    return day


def _word(tokens, index):
    if 0 <= index < len(tokens) and not tokens[index].used:
        return tokens[index].text.casefold().rstrip(".,;:!?")
    return None


def _date_at(tokens, index, today):
    """(number of tokens, day) of a date phrase starting at ``index``, or None."""
    word = _word(tokens, index)
    if word is None:
        return None
    if word in RELATIVE_DAYS:
        return 1, today + timedelta(days=RELATIVE_DAYS[word])
    if _ISO_DATE_RE.match(word):
        return 1, _calendar(lambda: date.fromisoformat(word))
    dotted = _DOTTED_DATE_RE.match(word)
    if dotted:
        day, month, year = (int(part) for part in dotted.groups())
        return 1, _calendar(lambda: date(year, month, day))
    ago = _ago(tokens, index, today)
    if ago is not None:
        return ago
    if word in ("on", "last"):
        following = _word(tokens, index + 1)
        if following in WEEKDAYS:
            return 2, _weekday(today, WEEKDAYS[following], strictly_before=word == "last")
        if word == "on":
            month_day = _month_day(tokens, index + 1, today, need_year=False)
            if month_day is not None:
                return 1 + month_day[0], month_day[1]
        return None
    # A bare weekday only ends the line: "sun cream 12" is not a Sunday.
    if word in WEEKDAYS and index == _last_free(tokens):
        return 1, _weekday(today, WEEKDAYS[word], strictly_before=False)
    return _month_day(tokens, index, today, need_year=True)


def _last_free(tokens):
    free = [index for index, token in enumerate(tokens) if not token.used]
    return free[-1] if free else -1


def _ago(tokens, index, today):
    count, unit, last = _word(tokens, index), _word(tokens, index + 1), _word(tokens, index + 2)
    if last != "ago" or unit not in UNITS:
        return None
    if count in ("a", "an", "one"):
        number = 1
    elif count is not None and count.isascii() and count.isdigit() and len(count) <= 4:
        number = int(count)
    else:
        return None
    step = relativedelta(**{UNITS[unit]: number})
    if today - (today - step) > timedelta(days=MAX_DAYS_AGO):
        raise Invalid.field("date", "That date is too far back; give it as 2024-06-01.")
    return 3, today - step


def _month_day(tokens, index, today, *, need_year):
    """"1 jun", "jun 1st", with a year ("1 jun 2024") unless ``need_year`` is False."""
    first, second = _word(tokens, index), _word(tokens, index + 1)
    if first is None or second is None:
        return None
    if first in MONTHS and _ORDINAL_RE.match(second):
        month, day_text = first, _ORDINAL_RE.match(second).group(1)
    elif second in MONTHS and _ORDINAL_RE.match(first):
        month, day_text = second, _ORDINAL_RE.match(first).group(1)
    else:
        return None
    year_word = _word(tokens, index + 2)
    year = year_word if year_word and _YEAR_RE.match(year_word) else None
    if year is None and need_year:
        return None
    default = datetime.combine(today.replace(day=1), time())
    try:
        parsed = dateparser.parse(f"{day_text} {month} {year or today.year}", default=default,
                                  dayfirst=True).date()
    except (ValueError, OverflowError) as exc:
        raise Invalid.field("date", f"There is no {day_text} {month}.") from exc
    if year is None and parsed > today:  # "on 30 dec" typed in January: last December
        parsed = _calendar(lambda: parsed - relativedelta(years=1))
    return (3 if year else 2), parsed


def _calendar(build):
    try:
        return build()
    except (ValueError, OverflowError) as exc:
        raise Invalid.field("date", "There is no such date.") from exc


def _weekday(today, weekday, *, strictly_before):
    back = (today.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return today - timedelta(days=back)
