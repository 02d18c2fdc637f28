"""When a budget event's series falls: its repeat rule as python-dateutil ``rrule``.

A series starts on a date and repeats once, daily, weekly, fortnightly, monthly,
yearly or on each weekday, every ``interval`` of those, until an end date (inclusive)
or for a number of occurrences, or for ever. Only dates matter: an occurrence is a
calendar day in the owner's time zone, so a daylight-saving change never moves one.

- Monthly from the 29th, 30th or 31st lands on the last day of a shorter month (the
  31st of January, then the 28th or 29th of February, the 31st of March); yearly from
  the 29th of February lands on the 28th in other years. ``bymonthday=(day, -1)`` with
  ``bysetpos=1`` says exactly that: the first of "that day" and "the last day".
- Each weekday is Monday to Friday; its interval counts weeks ("every 2 weeks,
  weekdays only"). A series starting on a weekend begins on the Monday after.
- Fortnightly is weekly with twice the interval.

An occurrence's id is ``<series id>-<unix time of the date at 00:00 UTC>``, as in
PocketSmith (``42-1601942400`` is series 42 on 2020-10-06).
"""

import calendar
import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil import rrule as rr

from spendsense.models.planning import REPEAT_TYPES

_FREQUENCIES = {"daily": rr.DAILY, "weekly": rr.WEEKLY, "fortnightly": rr.WEEKLY, "monthly": rr.MONTHLY,
                "yearly": rr.YEARLY, "each weekday": rr.WEEKLY}
WEEKDAYS = (rr.MO, rr.TU, rr.WE, rr.TH, rr.FR)
# Roughly how many days one step of each repeat type moves (for "how far apart").
STEP_DAYS = {"daily": 1, "weekly": 7, "fortnightly": 14, "monthly": 30, "yearly": 365, "each weekday": 1}
# Days one step of a fixed-length repeat type moves (each weekday: one week of them).
_FIXED_STEP = {"daily": 1, "weekly": 7, "fortnightly": 14, "each weekday": 7}


@dataclass(frozen=True)
class Repeat:
    """A series' rule. ``count`` and ``end`` are optional limits; events give one or
    neither (dateutil deprecates both at once)."""

    start: date
    repeat_type: str = "once"
    interval: int = 1
    end: date | None = None
    count: int | None = None

    def __post_init__(self):
        if self.repeat_type not in REPEAT_TYPES:
            raise ValueError(f"unknown repeat type {self.repeat_type!r}")
        if self.interval < 1:
            raise ValueError("interval must be at least 1")

    @classmethod
    def of(cls, event):
        """The Repeat of a BudgetEvent row."""
        return cls(event.start_date, event.repeat_type, event.repeat_interval or 1, event.end_date,
                   event.occurrences)

    @property
    def infinite(self):
        return self.repeat_type != "once" and self.end is None and self.count is None

    def _anchor(self):
        first = self.start
        if self.repeat_type == "each weekday" and first.weekday() >= 5:
            # From the Monday after: rrule would count an interval's weeks from the weekend's own.
            first += timedelta(days=7 - first.weekday())
        return first

    def _near(self, day):
        """A start equivalent to this one for dates from ``day`` on, at least one step
        before it. rrule walks every occurrence from its start, so a daily series from
        1990 asked about 2030 would take 14,000 steps; series of a fixed step (days,
        weeks, weekdays) without a count can start a whole number of steps later."""
        anchor = self._anchor()
        if self.end is not None:  # before() a day after the end looks for the last one
            day = min(day, self.end)
        step = _FIXED_STEP.get(self.repeat_type)
        if step is None or self.count is not None or day <= anchor:
            return anchor
        step *= self.interval
        if self.repeat_type == "each weekday":  # whole weeks from the Monday of its first week
            anchor -= timedelta(days=anchor.weekday())
        steps = (day - anchor).days // step - 1
        return anchor + timedelta(days=steps * step) if steps >= 1 else self._anchor()

    def _rule(self, near=None):
        start = datetime.combine(self._anchor() if near is None else self._near(near), time.min)
        until = datetime.combine(self.end, time.min) if self.end else None
        if self.repeat_type == "once":
            return rr.rrule(rr.DAILY, dtstart=start, count=1, until=until)
        options = {"dtstart": start, "interval": self.interval, "until": until, "count": self.count}
        if self.repeat_type == "fortnightly":
            options["interval"] = 2 * self.interval
        elif self.repeat_type == "each weekday":
            options["byweekday"] = WEEKDAYS
        elif self.repeat_type in ("monthly", "yearly") and self.start.day > 28:
            options.update(bymonthday=(self.start.day, -1), bysetpos=1)
            if self.repeat_type == "yearly":
                options["bymonth"] = self.start.month
        return rr.rrule(_FREQUENCIES[self.repeat_type], **options)

    def between(self, first, last):
        """The occurrences from ``first`` to ``last``, both included, in order."""
        if last < first or (self.end is not None and first > self.end) or last < self.start:
            return []
        found = self._rule(first).between(datetime.combine(first, time.min), datetime.combine(last, time.min),
                                          inc=True)
        return [moment.date() for moment in found]

    def after(self, day, *, inclusive=False):
        """The first occurrence after ``day`` (or on it, when ``inclusive``); None if none."""
        found = self._rule(day).after(datetime.combine(day, time.min), inc=inclusive)
        return found.date() if found else None

    def before(self, day, *, inclusive=False):
        """The last occurrence before ``day`` (or on it, when ``inclusive``); None if none."""
        found = self._rule(day).before(datetime.combine(day, time.min), inc=inclusive)
        return found.date() if found else None

    def take(self, count):
        """The first ``count`` occurrences (fewer when the series has fewer)."""
        return [moment.date() for moment in itertools.islice(self._rule(), count)]

    def first(self):
        return self.after(self.start, inclusive=True)

    def last(self):
        """The final occurrence of a finite series (None for an infinite one)."""
        if self.infinite:
            return None
        if self.count is not None or self.end is None:  # a count, or once
            found = list(self._rule())
            return found[-1].date() if found else None
        return self.before(self.end, inclusive=True)

    def occurs_on(self, day):
        return self.after(day, inclusive=True) == day

    def ending_before(self, day):
        """This rule cut so that its last occurrence is before ``day`` (None: nothing is left)."""
        previous = self.before(day)
        if previous is None:
            return None
        # A count no longer limits it once it ends on a date: the cut keeps what came first.
        return Repeat(self.start, self.repeat_type, self.interval, previous, None)

    def starting_on(self, day):
        """The part of this rule from ``day`` (an occurrence) onwards, as a rule of its own."""
        count = None
        if self.count is not None:
            count = self.count - len(self.between(self.start, day - timedelta(days=1)))
        return Repeat(day, self.repeat_type, self.interval, self.end, count)


def unix_day(day):
    return calendar.timegm(day.timetuple())


def occurrence_id(series_id, day):
    return f"{series_id}-{unix_day(day)}"


def parse_occurrence_id(text):
    """(series id, date) of an occurrence id, or None when it is not one."""
    if not isinstance(text, str):
        return None
    series, dash, stamp = text.rpartition("-")
    if not dash or not series.isascii() or not series.isdigit() or not stamp.isascii() or not stamp.isdigit():
        return None
    if len(series) > 18 or len(stamp) > 12:
        return None
    seconds = int(stamp)
    if seconds % 86_400:
        return None
    try:
        day = datetime.fromtimestamp(seconds, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None
    return int(series), day
