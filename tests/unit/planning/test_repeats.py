"""Repeat rules (services/planning/repeats.py): a table of series and the dates they
fall on, worked out by hand on a calendar; then the helpers around them, occurrence
ids, and daylight-saving changes (which never move a date).

Weekdays used below: 2026-11-30 Mon, 2026-12-05 Sat, 2026-12-06 Sun, 2026-12-18 Fri,
2026-12-28 Mon, 2027-01-01 Fri; DST: Europe/Berlin 2026-03-29 and 2026-10-25, America/
New_York 2026-03-08 and 2026-11-01 (all Sundays).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from spendsense.services.planning.repeats import (
    Repeat,
    occurrence_id,
    parse_occurrence_id,
    unix_day,
)

D = date


def days(*texts):
    return [date.fromisoformat(text) for text in texts]


# (id, Repeat, window first, window last, expected dates)
CASES = [
    # Month ends: the 29th, 30th and 31st land on the last day of a shorter month.
    ("monthly-31st", Repeat(D(2026, 1, 31), "monthly"), D(2026, 1, 1), D(2026, 6, 30),
     days("2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30")),
    ("monthly-31st-leap-year", Repeat(D(2024, 1, 31), "monthly"), D(2024, 1, 1), D(2024, 3, 31),
     days("2024-01-31", "2024-02-29", "2024-03-31")),
    ("monthly-30th", Repeat(D(2026, 1, 30), "monthly"), D(2026, 1, 1), D(2026, 4, 30),
     days("2026-01-30", "2026-02-28", "2026-03-30", "2026-04-30")),
    ("monthly-29th-common-year", Repeat(D(2026, 1, 29), "monthly"), D(2026, 1, 1), D(2026, 3, 31),
     days("2026-01-29", "2026-02-28", "2026-03-29")),
    ("monthly-29th-leap-year", Repeat(D(2024, 1, 29), "monthly"), D(2024, 1, 1), D(2024, 3, 31),
     days("2024-01-29", "2024-02-29", "2024-03-29")),
    ("monthly-28th-is-plain", Repeat(D(2026, 1, 28), "monthly"), D(2026, 1, 1), D(2026, 3, 31),
     days("2026-01-28", "2026-02-28", "2026-03-28")),
    ("monthly-31st-every-2", Repeat(D(2026, 3, 31), "monthly", 2), D(2026, 1, 1), D(2027, 1, 31),
     days("2026-03-31", "2026-05-31", "2026-07-31", "2026-09-30", "2026-11-30", "2027-01-31")),
    ("monthly-every-3", Repeat(D(2026, 1, 15), "monthly", 3), D(2026, 1, 1), D(2026, 12, 31),
     days("2026-01-15", "2026-04-15", "2026-07-15", "2026-10-15")),
    ("monthly-30th-every-3-over-february", Repeat(D(2025, 11, 30), "monthly", 3), D(2025, 11, 1), D(2026, 8, 31),
     days("2025-11-30", "2026-02-28", "2026-05-30", "2026-08-30")),
    # Leap years: 29 February yearly is the 28th in other years.
    ("yearly-29-february", Repeat(D(2024, 2, 29), "yearly"), D(2024, 1, 1), D(2028, 12, 31),
     days("2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29")),
    ("yearly-29-february-every-2", Repeat(D(2024, 2, 29), "yearly", 2), D(2024, 1, 1), D(2028, 12, 31),
     days("2024-02-29", "2026-02-28", "2028-02-29")),
    ("yearly-every-3", Repeat(D(2020, 6, 15), "yearly", 3), D(2020, 1, 1), D(2027, 12, 31),
     days("2020-06-15", "2023-06-15", "2026-06-15")),
    ("yearly-31-december", Repeat(D(2025, 12, 31), "yearly"), D(2025, 1, 1), D(2027, 12, 31),
     days("2025-12-31", "2026-12-31", "2027-12-31")),
    ("yearly-30-april-every-2", Repeat(D(2026, 4, 30), "yearly", 2), D(2026, 1, 1), D(2030, 12, 31),
     days("2026-04-30", "2028-04-30", "2030-04-30")),
    # Fortnightly (and weekly) across a year end.
    ("fortnightly-over-new-year", Repeat(D(2026, 12, 18), "fortnightly"), D(2026, 12, 1), D(2027, 1, 31),
     days("2026-12-18", "2027-01-01", "2027-01-15", "2027-01-29")),
    ("fortnightly-every-2-is-four-weeks", Repeat(D(2026, 12, 4), "fortnightly", 2), D(2026, 12, 1),
     D(2027, 2, 28), days("2026-12-04", "2027-01-01", "2027-01-29", "2027-02-26")),
    ("fortnightly-every-3-is-six-weeks", Repeat(D(2026, 11, 20), "fortnightly", 3), D(2026, 11, 1),
     D(2027, 2, 28), days("2026-11-20", "2027-01-01", "2027-02-12")),
    ("weekly-over-new-year", Repeat(D(2026, 12, 28), "weekly"), D(2026, 12, 1), D(2027, 1, 11),
     days("2026-12-28", "2027-01-04", "2027-01-11")),
    ("weekly-every-2", Repeat(D(2026, 12, 1), "weekly", 2), D(2026, 12, 1), D(2027, 1, 12),
     days("2026-12-01", "2026-12-15", "2026-12-29", "2027-01-12")),
    ("weekly-every-3", Repeat(D(2026, 12, 1), "weekly", 3), D(2026, 12, 1), D(2027, 1, 12),
     days("2026-12-01", "2026-12-22", "2027-01-12")),
    # Daily, over a leap day.
    ("daily-over-leap-day", Repeat(D(2024, 2, 27), "daily"), D(2024, 2, 1), D(2024, 3, 2),
     days("2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02")),
    ("daily-every-2", Repeat(D(2026, 12, 30), "daily", 2), D(2026, 12, 1), D(2027, 1, 5),
     days("2026-12-30", "2027-01-01", "2027-01-03", "2027-01-05")),
    ("daily-every-3-over-february", Repeat(D(2026, 2, 25), "daily", 3), D(2026, 2, 1), D(2026, 3, 8),
     days("2026-02-25", "2026-02-28", "2026-03-03", "2026-03-06")),
    # Each weekday: Monday to Friday.
    ("each-weekday-from-monday", Repeat(D(2026, 11, 30), "each weekday"), D(2026, 11, 1), D(2026, 12, 8),
     days("2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08")),
    ("each-weekday-from-saturday", Repeat(D(2026, 12, 5), "each weekday"), D(2026, 12, 1), D(2026, 12, 8),
     days("2026-12-07", "2026-12-08")),
    ("each-weekday-from-sunday", Repeat(D(2026, 12, 6), "each weekday"), D(2026, 12, 1), D(2026, 12, 8),
     days("2026-12-07", "2026-12-08")),
    ("each-weekday-over-new-year", Repeat(D(2026, 12, 31), "each weekday"), D(2026, 12, 1), D(2027, 1, 5),
     days("2026-12-31", "2027-01-01", "2027-01-04", "2027-01-05")),
    ("each-weekday-every-2-weeks", Repeat(D(2026, 11, 30), "each weekday", 2), D(2026, 11, 1), D(2026, 12, 18),
     days("2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04",
          "2026-12-14", "2026-12-15", "2026-12-16", "2026-12-17", "2026-12-18")),
    ("each-weekday-every-2-weeks-from-wednesday", Repeat(D(2026, 12, 2), "each weekday", 2), D(2026, 11, 1),
     D(2026, 12, 16), days("2026-12-02", "2026-12-03", "2026-12-04", "2026-12-14", "2026-12-15", "2026-12-16")),
    ("each-weekday-every-3-weeks", Repeat(D(2026, 12, 3), "each weekday", 3), D(2026, 12, 1), D(2026, 12, 22),
     days("2026-12-03", "2026-12-04", "2026-12-21", "2026-12-22")),
    # End dates are inclusive; counts.
    ("end-date-on-an-occurrence", Repeat(D(2026, 1, 1), "weekly", end=D(2026, 1, 15)), D(2026, 1, 1),
     D(2026, 12, 31), days("2026-01-01", "2026-01-08", "2026-01-15")),
    ("end-date-between-occurrences", Repeat(D(2026, 1, 1), "weekly", end=D(2026, 1, 14)), D(2026, 1, 1),
     D(2026, 12, 31), days("2026-01-01", "2026-01-08")),
    ("end-date-on-the-start", Repeat(D(2026, 1, 31), "monthly", end=D(2026, 1, 31)), D(2026, 1, 1),
     D(2026, 12, 31), days("2026-01-31")),
    ("count-3-from-31st", Repeat(D(2026, 1, 31), "monthly", count=3), D(2026, 1, 1), D(2026, 12, 31),
     days("2026-01-31", "2026-02-28", "2026-03-31")),
    ("count-5-each-weekday-from-thursday", Repeat(D(2026, 12, 3), "each weekday", count=5), D(2026, 12, 1),
     D(2026, 12, 31), days("2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08", "2026-12-09")),
    ("count-in-a-later-window", Repeat(D(2026, 1, 1), "daily", count=10), D(2026, 1, 9), D(2026, 12, 31),
     days("2026-01-09", "2026-01-10")),
    # Once.
    ("once", Repeat(D(2026, 5, 5)), D(2026, 1, 1), D(2026, 12, 31), days("2026-05-05")),
    ("once-window-is-the-day", Repeat(D(2026, 5, 5)), D(2026, 5, 5), D(2026, 5, 5), days("2026-05-05")),
    ("once-outside-the-window", Repeat(D(2026, 5, 5)), D(2026, 5, 6), D(2026, 12, 31), []),
    ("once-ignores-an-interval", Repeat(D(2026, 5, 5), "once", 3), D(2026, 1, 1), D(2027, 12, 31),
     days("2026-05-05")),
    # Windows.
    ("window-before-the-start", Repeat(D(2026, 5, 5), "daily"), D(2026, 1, 1), D(2026, 5, 4), []),
    ("window-after-the-end", Repeat(D(2026, 1, 1), "daily", end=D(2026, 1, 31)), D(2026, 2, 1), D(2026, 2, 28),
     []),
    ("window-backwards", Repeat(D(2026, 1, 1), "daily"), D(2026, 1, 10), D(2026, 1, 5), []),
    ("window-in-the-middle", Repeat(D(2026, 1, 31), "monthly"), D(2026, 4, 1), D(2026, 5, 30),
     days("2026-04-30")),
    # Daylight-saving changes: a date is a date, whatever the clocks do that night.
    ("dst-berlin-spring-daily", Repeat(D(2026, 3, 28), "daily"), D(2026, 3, 28), D(2026, 3, 30),
     days("2026-03-28", "2026-03-29", "2026-03-30")),
    ("dst-berlin-autumn-weekly", Repeat(D(2026, 10, 18), "weekly"), D(2026, 10, 1), D(2026, 11, 1),
     days("2026-10-18", "2026-10-25", "2026-11-01")),
    ("dst-new-york-spring-weekly", Repeat(D(2026, 3, 1), "weekly"), D(2026, 3, 1), D(2026, 3, 15),
     days("2026-03-01", "2026-03-08", "2026-03-15")),
    ("dst-new-york-autumn-each-weekday", Repeat(D(2026, 10, 30), "each weekday"), D(2026, 10, 30),
     D(2026, 11, 3), days("2026-10-30", "2026-11-02", "2026-11-03")),
]


@pytest.mark.parametrize(("repeat", "first", "last", "expected"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_between(repeat, first, last, expected):
    assert repeat.between(first, last) == expected


def test_the_table_has_at_least_30_cases():
    assert len(CASES) >= 30


def test_each_weekday_every_2_weeks_from_a_saturday_begins_the_monday_after():
    # Saturday 2026-12-05: "a series starting on a weekend begins on the Monday after",
    # 7 December; every other week after that: 21 December.
    repeat = Repeat(D(2026, 12, 5), "each weekday", 2)
    assert repeat.between(D(2026, 12, 1), D(2026, 12, 21)) == days(
        "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11", "2026-12-21")


@pytest.mark.parametrize("repeat_type", ["daily", "weekly", "fortnightly", "monthly", "yearly", "each weekday"])
def test_every_repeat_type_is_infinite_without_an_end_or_a_count(repeat_type):
    assert Repeat(D(2026, 1, 1), repeat_type).infinite
    assert not Repeat(D(2026, 1, 1), repeat_type, end=D(2026, 6, 1)).infinite
    assert not Repeat(D(2026, 1, 1), repeat_type, count=2).infinite
    assert not Repeat(D(2026, 1, 1)).infinite


@pytest.mark.parametrize(("fields", "message"), [
    ({"repeat_type": "hourly"}, "unknown repeat type"),
    ({"repeat_type": "monthly", "interval": 0}, "interval must be at least 1"),
])
def test_a_bad_rule_is_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        Repeat(D(2026, 1, 1), **fields)


def test_after_before_first_last():
    repeat = Repeat(D(2026, 1, 31), "monthly", count=4)  # 31 Jan, 28 Feb, 31 Mar, 30 Apr
    assert repeat.first() == D(2026, 1, 31)
    assert repeat.last() == D(2026, 4, 30)
    assert repeat.after(D(2026, 2, 28)) == D(2026, 3, 31)
    assert repeat.after(D(2026, 2, 28), inclusive=True) == D(2026, 2, 28)
    assert repeat.after(D(2026, 4, 30)) is None
    assert repeat.before(D(2026, 3, 31)) == D(2026, 2, 28)
    assert repeat.before(D(2026, 3, 31), inclusive=True) == D(2026, 3, 31)
    assert repeat.before(D(2026, 1, 31)) is None
    assert Repeat(D(2026, 1, 31), "monthly").last() is None
    assert Repeat(D(2026, 1, 1), "weekly", end=D(2026, 1, 14)).last() == D(2026, 1, 8)
    assert Repeat(D(2026, 12, 5), "each weekday").first() == D(2026, 12, 7)
    assert Repeat(D(2026, 5, 5)).first() == Repeat(D(2026, 5, 5)).last() == D(2026, 5, 5)


def test_occurs_on():
    repeat = Repeat(D(2024, 2, 29), "yearly")
    assert repeat.occurs_on(D(2025, 2, 28)) and repeat.occurs_on(D(2028, 2, 29))
    assert not repeat.occurs_on(D(2025, 3, 1)) and not repeat.occurs_on(D(2024, 2, 28))
    assert not Repeat(D(2026, 12, 5), "each weekday").occurs_on(D(2026, 12, 5))


def test_ending_before_keeps_what_came_first_and_drops_the_count():
    repeat = Repeat(D(2026, 1, 31), "monthly", count=6)
    cut = repeat.ending_before(D(2026, 3, 31))
    assert cut == Repeat(D(2026, 1, 31), "monthly", 1, D(2026, 2, 28), None)
    assert cut.between(D(2026, 1, 1), D(2026, 12, 31)) == days("2026-01-31", "2026-02-28")
    assert repeat.ending_before(D(2026, 1, 31)) is None


def test_starting_on_keeps_the_rest_of_the_count():
    repeat = Repeat(D(2026, 1, 31), "monthly", count=6)  # Jan..Jun: 3 of them before April
    rest = repeat.starting_on(D(2026, 4, 30))
    assert rest == Repeat(D(2026, 4, 30), "monthly", 1, None, 3)
    assert rest.between(D(2026, 1, 1), D(2026, 12, 31)) == days("2026-04-30", "2026-05-30", "2026-06-30")


def test_a_month_end_series_cut_and_restarted_on_the_30th_moves_to_the_30th():
    # Documented consequence: the rest of "the 31st" that starts on 30 April is "the 30th"
    # (as in the test above: 30 May, not 31 May). The split keeps the dates up to the cut.
    rest = Repeat(D(2026, 1, 31), "monthly").starting_on(D(2026, 4, 30))
    assert rest.after(D(2026, 4, 30)) == D(2026, 5, 30)


@pytest.mark.parametrize(("series", "day", "text"), [
    (42, D(2020, 10, 6), "42-1601942400"),  # the spec's example
    (42, D(2020, 7, 6), "42-1593993600"),  # the spec's series_start_id
    (1, D(1970, 1, 1), "1-0"),
    (7, D(2024, 2, 29), "7-1709164800"),
    (999_999_999_999_999_999, D(2999, 12, 31), "999999999999999999-32503593600"),  # 18 digits: the longest read
])
def test_occurrence_id_and_back(series, day, text):
    assert occurrence_id(series, day) == text
    assert parse_occurrence_id(text) == (series, day)


@pytest.mark.parametrize("text", [
    "", "42", "42-", "-1601942400", "42-1601942401", "42-1601942400-1", "abc-1601942400", "42-abc",
    " 42-1601942400", "42-1601942400 ", "42-+1601942400", "+42-1601942400", "4.2-1601942400", "42-16019424e2",
    "٤٢-1601942400", "42-١٦٠١٩٤٢٤٠٠", "42-9999999999999", "1234567890123456789-1601942400",
    "42-999999993600",  # a whole day, but in the year 33658
    "42--86400", "42_1601942400", None, 42, ("42", "1601942400"), b"42-1601942400",
])
def test_malformed_occurrence_ids_parse_to_none(text):
    assert parse_occurrence_id(text) is None


@pytest.mark.parametrize(("zone", "first"), [("Europe/Berlin", D(2026, 3, 22)), ("Europe/Berlin", D(2026, 10, 18)),
                                             ("America/New_York", D(2026, 3, 1)),
                                             ("America/New_York", D(2026, 10, 25))])
def test_daylight_saving_moves_no_date_and_no_id(zone, first):
    """Across the change (the week after ``first``) weekly occurrences are 7 days and
    7 * 86,400 seconds apart in their ids, and each one's local midnight is on its date."""
    repeat = Repeat(first, "weekly")
    found = repeat.between(first, first + timedelta(days=14))
    assert found == [first, first + timedelta(days=7), first + timedelta(days=14)]
    stamps = [unix_day(day) for day in found]
    assert [b - a for a, b in zip(stamps, stamps[1:], strict=False)] == [7 * 86_400, 7 * 86_400]
    local = ZoneInfo(zone)
    for day in found:
        midnight = datetime.combine(day, time.min, tzinfo=local)
        assert midnight.astimezone(UTC).astimezone(local).date() == day
        assert parse_occurrence_id(occurrence_id(5, day)) == (5, day)
    # The offsets really differ before and after (so the case is a DST change).
    assert (datetime.combine(found[0], time(12), tzinfo=local).utcoffset()
            != datetime.combine(found[2], time(12), tzinfo=local).utcoffset())


def test_a_window_far_from_the_start_gives_what_the_whole_walk_gives():
    # Fixed-step series start their walk near the window (Repeat._near); compare with
    # rrule walking from the real start, over 300 seeded random series and windows.
    import random
    from datetime import datetime, time, timedelta

    chance = random.Random(10)
    for _ in range(300):
        kind = chance.choice(["daily", "weekly", "fortnightly", "each weekday"])
        start = D(2000, 1, 1) + timedelta(days=chance.randint(0, 3000))
        end = chance.choice([None, start + timedelta(days=chance.randint(0, 9000))])
        repeat = Repeat(start, kind, chance.randint(1, 4), end)
        first = start + timedelta(days=chance.randint(-50, 9000))
        last = first + timedelta(days=chance.randint(0, 60))
        walk = repeat._rule()  # from the series' own start
        at = datetime.combine(first, time.min)
        assert repeat.between(first, last) == [m.date() for m in walk.between(
            at, datetime.combine(last, time.min), inc=True)], (repeat, first, last)
        for inclusive in (False, True):
            after, before = walk.after(at, inc=inclusive), walk.before(at, inc=inclusive)
            assert repeat.after(first, inclusive=inclusive) == (after.date() if after else None)
            assert repeat.before(first, inclusive=inclusive) == (before.date() if before else None)


def test_a_daily_series_from_1900_answers_for_2999_at_once():
    assert Repeat(D(1900, 1, 1), "daily").occurs_on(D(2999, 1, 1))
    assert not Repeat(D(1900, 1, 1), "weekly").occurs_on(D(2999, 1, 2))
