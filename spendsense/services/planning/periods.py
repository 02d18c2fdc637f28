"""Budget periods: the calendar's (weeks, months, years, times an interval) and the
events' own (from one occurrence of a series to the day before the next).

Calendar periods start on the user's week start day, on the 1st of a month or on 1
January; a range asked for is widened outwards to whole periods, as PocketSmith does
("bumped out to make full periods"). An event period follows a series: a monthly
budget on the 20th runs from the 20th to the 19th of the next month.

Every period is an inclusive ``(start, end)`` pair of dates.
"""

import threading
from bisect import bisect_right
from collections import OrderedDict
from datetime import date, timedelta
from functools import lru_cache

from spendsense.services.errors import Invalid
from spendsense.services.planning.repeats import STEP_DAYS, Repeat

CALENDAR = ("weeks", "months", "years")
# More periods than this in one analysis is a mistake (or an attack), not a budget.
MAX_PERIODS = 1000
TOO_MANY = f"That spans more than {MAX_PERIODS} periods: narrow the dates or lengthen the period."
ONE_DAY = timedelta(days=1)


def _months_since_year_one(day):
    return day.year * 12 + day.month - 1


def _month_number(number):
    """The first day of the month with this running number (see _months_since_year_one)."""
    year, month = divmod(number, 12)
    return date(year, month + 1, 1)


def unit_start(period, day, week_start=0):
    """The first day of the week, month or year holding ``day``."""
    if period == "weeks":
        return day - timedelta(days=(day.weekday() - week_start) % 7)
    if period == "months":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def step(period, start, count):
    """``start`` moved ``count`` (maybe negative) weeks, months or years; ``start`` is the
    first day of its unit. None when that leaves the calendar (before year 1, after 9999)."""
    try:
        if period == "weeks":
            return start + timedelta(weeks=count)
        if period == "months":
            return _month_number(_months_since_year_one(start) + count)
        return start.replace(year=start.year + count)
    except (OverflowError, ValueError):
        return None


def _check(period, interval):
    if period not in CALENDAR:
        raise Invalid.field("period", "Choose weeks, months or years.")
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise Invalid.field("interval", "The interval must be a whole number from 1.")


def calendar(period, interval, first, last, *, week_start=0):
    """The whole periods of ``interval`` weeks, months or years covering ``first`` to
    ``last``: the first starts on the unit holding ``first``, the last ends where its
    ``interval`` units do (at or after ``last``)."""
    _check(period, interval)
    if last < first:
        raise Invalid.field("end_date", "The end date must not be before the start date.")
    spans = []
    start = unit_start(period, first, week_start)
    while start <= last:
        if len(spans) == MAX_PERIODS:
            raise Invalid.field("end_date", TOO_MANY)
        following = step(period, start, interval)
        spans.append((start, following - ONE_DAY if following else date.max))
        if following is None:
            break
        start = following
    return spans


def holding(period, interval, anchor, day, *, week_start=0):
    """The first day of the period holding ``day`` in the grid of ``interval`` units that
    has a period starting on ``anchor`` (a unit's first day), before or after it."""
    _check(period, interval)
    unit = unit_start(period, day, week_start)
    if period == "weeks":
        units = (unit - anchor).days // 7
    elif period == "months":
        units = _months_since_year_one(unit) - _months_since_year_one(anchor)
    else:
        units = unit.year - anchor.year
    return step(period, anchor, (units // interval) * interval) or unit


# The most days between two occurrences of one step of each repeat type.
_GAP_DAYS = {"once": 0, "daily": 1, "weekly": 7, "fortnightly": 14, "monthly": 31, "yearly": 366,
             "each weekday": 7}


def gap(repeat):
    """At least as many days as lie between two occurrences of the series."""
    return _GAP_DAYS[repeat.repeat_type] * repeat.interval


def later(day, days):
    """``day`` plus ``days``, or the last date there is."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


class _Kept:
    """The occurrence lists worked out lately, up to ``budget`` dates in all (the least
    recently used go first); a list longer than a tenth of that is not kept."""

    def __init__(self, budget):
        self.budget, self.held, self.lists, self.lock = budget, 0, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.lists.get(key)
            if found is not None:
                self.lists.move_to_end(key)
            return found

    def put(self, key, found):
        if len(found) > self.budget // 10:
            return
        with self.lock:
            if key not in self.lists:
                self.lists[key] = found
                self.held += len(found)
            while self.held > self.budget:
                _key, dropped = self.lists.popitem(last=False)
                self.held -= len(dropped)


_KEPT = _Kept(200_000)  # about 10 MB of dates per process


def dates(repeat, until):
    """Every occurrence of ``repeat`` up to ``until``, in order. A rule is a pure value
    and dateutil walks a series from its start on every question, so each (rule, end)
    is worked out once (and kept a while) and then asked with bisections."""
    key = (repeat, until)
    found = _KEPT.get(key)
    if found is None:
        found = tuple(repeat.between(repeat.start, until))
        _KEPT.put(key, found)
    return found


def natural(repeat):
    """The rule without its end or count: where the next occurrence would have fallen,
    which is where the last event period of a finished series ends."""
    return Repeat(repeat.start, repeat.repeat_type, repeat.interval)


@lru_cache(maxsize=2048)
def _following(repeat, day):
    """The occurrence the series' rule, without end, has after ``day`` (an occurrence)."""
    return natural(repeat).after(day)


class EventPeriods:
    """The event periods of one series, from its occurrences up to ``until`` (which must
    reach past every day asked about by the series' ``gap``, or to where it ends)."""

    def __init__(self, repeat, until):
        self.repeat = repeat
        self.dates = () if repeat.repeat_type == "once" else dates(repeat, until)

    def _period(self, index):
        start = self.dates[index]
        if index + 1 < len(self.dates):
            return start, self.dates[index + 1] - ONE_DAY
        following = _following(self.repeat, start)
        return start, following - ONE_DAY if following else date.max

    def holding(self, day):
        """The (start, end) of the period holding ``day``, or None (before the first
        occurrence, after the period of the last one, or for a once series)."""
        index = bisect_right(self.dates, day) - 1
        if index < 0:
            return None
        period = self._period(index)
        return period if day <= period[1] else None

    def grid(self, first, last, interval=1):
        """The periods covering ``first`` to ``last`` (widened to whole ones, and on until
        their number is a multiple of ``interval`` while the series lasts; from the first
        occurrence when ``first`` is before it)."""
        index = max(bisect_right(self.dates, first) - 1, 0)
        if self.dates and self.dates[index] < first and self.holding(first) is None:
            index += 1  # ``first`` falls after the last period: nothing covers it
        spans = []
        while index < len(self.dates) and (self.dates[index] <= last or len(spans) % interval):
            if len(spans) == MAX_PERIODS:
                raise Invalid.field("end_date", TOO_MANY)
            spans.append(self._period(index))
            index += 1
        return spans


def of_series(repeat, day):
    """The (start, end) of the event period of ``repeat`` holding ``day``: from the
    occurrence on or before it to the day before the next. None before the first
    occurrence, after the period of the last one, and for a series that happens once."""
    return EventPeriods(repeat, later(day, gap(repeat))).holding(day)


def series_grid(repeat, first, last, *, interval=1):
    """The event periods of ``repeat`` covering ``first`` to ``last`` (widened to whole
    periods, and on until their number is a multiple of ``interval`` while the series
    lasts; starting at the first occurrence when ``first`` is before it). Empty when the
    series has no period in the range."""
    return EventPeriods(repeat, later(last, gap(repeat) * (interval + 1))).grid(first, last, interval)


def joined(spans, interval):
    """Consecutive spans taken ``interval`` at a time as one (the last group may be shorter)."""
    if interval == 1:
        return list(spans)
    return [(group[0][0], group[-1][1]) for group in
            (spans[index:index + interval] for index in range(0, len(spans), interval))]


def step_days(repeat):
    """About how many days one step of the series is (to compare cadences)."""
    if repeat.repeat_type == "once":
        return 0
    return STEP_DAYS[repeat.repeat_type] * repeat.interval
