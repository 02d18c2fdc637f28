"""Named periods (this week, month to date, last 30 days, ...) as date ranges.

A week starts on the user's chosen day. Ranges are inclusive calendar dates; ``bounds``
turns them into the datetimes queries compare ``occurred_at`` with.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from spendsense.services import validation
from spendsense.services.errors import Invalid

LABELS = {
    "week": "This week", "month": "This month", "30days": "Last 30 days", "year": "This year",
    "all": "All time", "custom": "Custom range",
}


@dataclass(frozen=True)
class Period:
    key: str
    start: date | None  # None = from the beginning
    end: date | None  # None = up to now

    @property
    def label(self):
        if self.key == "custom":
            return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"
        return LABELS[self.key]

    def bounds(self):
        start = datetime.combine(self.start, time.min) if self.start else None
        end = datetime.combine(self.end, time.max) if self.end else None
        return start, end


def week_start(day, first_weekday):
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)


def resolve(key, today, first_weekday=0, *, start=None, end=None):
    """The Period for a key; ``custom`` needs ``start`` and ``end`` (dates or ISO strings)."""
    if key not in LABELS:
        raise Invalid.field("period", "Choose a period: " + ", ".join(LABELS) + ".")
    if key == "week":
        return Period(key, week_start(today, first_weekday), today)
    if key == "month":
        return Period(key, today.replace(day=1), today)
    if key == "30days":
        return Period(key, today - timedelta(days=29), today)
    if key == "year":
        return Period(key, today.replace(month=1, day=1), today)
    if key == "all":
        return Period(key, None, None)
    if start in (None, "") or end in (None, ""):
        raise Invalid.field("start", "Give both the first and the last day of the range.")
    first = validation.parse_date(start, "start")
    last = validation.parse_date(end, "end")
    if last < first:
        raise Invalid.field("end", "The last day must not be before the first.")
    return Period("custom", first, last)
