"""Budget periods: calendar ones widened to whole periods, event ones following a series,
and how a span is cut into whole months and loose days for the totals."""

from datetime import date

import pytest

from spendsense.services.errors import Invalid
from spendsense.services.planning import actuals, periods
from spendsense.services.planning.repeats import Repeat

D = date


@pytest.mark.parametrize("period, interval, first, last, week_start, expected", [
    # 2026-12-01 is a Tuesday: weeks from Monday start on 30 November.
    ("weeks", 1, D(2026, 12, 1), D(2026, 12, 1), 0, [(D(2026, 11, 30), D(2026, 12, 6))]),
    # From Sunday (6): the week of Tuesday 1 December starts on Sunday 29 November.
    ("weeks", 1, D(2026, 12, 1), D(2026, 12, 7), 6, [(D(2026, 11, 29), D(2026, 12, 5)),
                                                     (D(2026, 12, 6), D(2026, 12, 12))]),
    # Fortnights from the week holding the first day, the last one whole.
    ("weeks", 2, D(2026, 12, 30), D(2027, 1, 13), 0, [(D(2026, 12, 28), D(2027, 1, 10)),
                                                      (D(2027, 1, 11), D(2027, 1, 24))]),
    ("months", 1, D(2026, 1, 15), D(2026, 3, 2), 0, [(D(2026, 1, 1), D(2026, 1, 31)), (D(2026, 2, 1), D(2026, 2, 28)),
                                                     (D(2026, 3, 1), D(2026, 3, 31))]),
    ("months", 1, D(2028, 2, 29), D(2028, 2, 29), 0, [(D(2028, 2, 1), D(2028, 2, 29))]),
    # Quarters from the month holding the first day, across a year's end.
    ("months", 3, D(2026, 11, 20), D(2027, 2, 1), 0, [(D(2026, 11, 1), D(2027, 1, 31)),
                                                      (D(2027, 2, 1), D(2027, 4, 30))]),
    ("years", 1, D(2026, 6, 6), D(2027, 1, 1), 0, [(D(2026, 1, 1), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 12, 31))]),
    ("years", 2, D(2026, 6, 6), D(2026, 6, 6), 0, [(D(2026, 1, 1), D(2027, 12, 31))]),
])
def test_calendar_periods_are_whole(period, interval, first, last, week_start, expected):
    assert periods.calendar(period, interval, first, last, week_start=week_start) == expected


@pytest.mark.parametrize("period, interval, first, last, field", [
    ("days", 1, D(2026, 1, 1), D(2026, 1, 2), "period"),
    ("months", 0, D(2026, 1, 1), D(2026, 1, 2), "interval"),
    ("months", True, D(2026, 1, 1), D(2026, 1, 2), "interval"),
    ("months", 1, D(2026, 1, 2), D(2026, 1, 1), "end_date"),
    # A thousand and one weeks: too many periods for one analysis.
    ("weeks", 1, D(2000, 1, 3), D(2019, 3, 4), "end_date"),
])
def test_calendar_refuses_what_is_not_a_range_of_periods(period, interval, first, last, field):
    with pytest.raises(Invalid) as caught:
        periods.calendar(period, interval, first, last)
    assert field in caught.value.errors


def test_calendar_may_reach_the_last_day_there_is():
    assert periods.calendar("years", 1, D(9999, 5, 1), D(9999, 5, 1)) == [(D(9999, 1, 1), D(9999, 12, 31))]


@pytest.mark.parametrize("period, interval, anchor, day, expected", [
    ("months", 3, D(2026, 1, 1), D(2025, 11, 15), D(2025, 10, 1)),
    ("months", 3, D(2026, 1, 1), D(2026, 5, 31), D(2026, 4, 1)),
    ("months", 1, D(2026, 1, 1), D(2020, 2, 29), D(2020, 2, 1)),
    ("weeks", 2, D(2026, 11, 30), D(2026, 11, 29), D(2026, 11, 16)),
    ("weeks", 1, D(2026, 11, 30), D(2026, 12, 9), D(2026, 12, 7)),
    ("years", 2, D(2026, 1, 1), D(2023, 7, 1), D(2022, 1, 1)),
])
def test_holding_finds_a_days_period_in_a_grid(period, interval, anchor, day, expected):
    assert periods.holding(period, interval, anchor, day) == expected


MONTHLY_20TH = Repeat(D(2026, 1, 20), "monthly")


@pytest.mark.parametrize("repeat, day, expected", [
    # A monthly budget on the 20th runs from the 20th to the 19th.
    (MONTHLY_20TH, D(2026, 12, 1), (D(2026, 11, 20), D(2026, 12, 19))),
    (MONTHLY_20TH, D(2026, 11, 20), (D(2026, 11, 20), D(2026, 12, 19))),
    (MONTHLY_20TH, D(2026, 11, 19), (D(2026, 10, 20), D(2026, 11, 19))),
    (MONTHLY_20TH, D(2026, 1, 19), None),  # before the first occurrence
    # On the 31st: the next one falls on the last day of February.
    (Repeat(D(2026, 1, 31), "monthly"), D(2026, 2, 1), (D(2026, 1, 31), D(2026, 2, 27))),
    (Repeat(D(2026, 1, 31), "monthly"), D(2026, 3, 1), (D(2026, 2, 28), D(2026, 3, 30))),
    # Three occurrences: the last period ends where a fourth would have begun.
    (Repeat(D(2026, 1, 20), "monthly", count=3), D(2026, 4, 19), (D(2026, 3, 20), D(2026, 4, 19))),
    (Repeat(D(2026, 1, 20), "monthly", count=3), D(2026, 4, 20), None),
    (Repeat(D(2026, 1, 20), "monthly", end=D(2026, 2, 25)), D(2026, 3, 1), (D(2026, 2, 20), D(2026, 3, 19))),
    (Repeat(D(2026, 12, 24), "fortnightly"), D(2027, 1, 6), (D(2026, 12, 24), D(2027, 1, 6))),
    (Repeat(D(2026, 12, 1), "weekly", interval=2), D(2026, 12, 16), (D(2026, 12, 15), D(2026, 12, 28))),
    # Each weekday: a Friday's period runs to Sunday.
    (Repeat(D(2026, 11, 30), "each weekday"), D(2026, 12, 6), (D(2026, 12, 4), D(2026, 12, 6))),
    (Repeat(D(2024, 2, 29), "yearly"), D(2025, 6, 1), (D(2025, 2, 28), D(2026, 2, 27))),
    (Repeat(D(2026, 5, 5), "once"), D(2026, 5, 5), None),
])
def test_event_period_holding_a_day(repeat, day, expected):
    assert periods.of_series(repeat, day) == expected


def test_a_weekly_series_makes_whole_weeks_past_the_end():
    # PocketSmith's example: weekly from 2016-09-01, analysed over September 2016.
    assert periods.series_grid(Repeat(D(2016, 9, 1), "weekly"), D(2016, 9, 1), D(2016, 9, 30)) == [
        (D(2016, 9, 1), D(2016, 9, 7)), (D(2016, 9, 8), D(2016, 9, 14)), (D(2016, 9, 15), D(2016, 9, 21)),
        (D(2016, 9, 22), D(2016, 9, 28)), (D(2016, 9, 29), D(2016, 10, 5))]


def test_an_event_grid_widens_back_and_starts_no_earlier_than_the_series():
    # From the 10th: widened back to the 20th before.
    assert periods.series_grid(MONTHLY_20TH, D(2026, 3, 10), D(2026, 3, 25)) == [
        (D(2026, 2, 20), D(2026, 3, 19)), (D(2026, 3, 20), D(2026, 4, 19))]
    # Before the series: it begins with the series.
    assert periods.series_grid(MONTHLY_20TH, D(2025, 12, 1), D(2026, 1, 25)) == [(D(2026, 1, 20), D(2026, 2, 19))]
    assert periods.series_grid(Repeat(D(2026, 1, 20), "monthly", count=1), D(2026, 3, 1), D(2026, 4, 1)) == []


def test_joined_takes_periods_interval_at_a_time():
    # Three periods reach the 25th of March; a fourth makes the second pair whole.
    spans = periods.series_grid(MONTHLY_20TH, D(2026, 1, 20), D(2026, 3, 25), interval=2)
    assert len(spans) == 4
    assert periods.joined(spans, 2) == [(D(2026, 1, 20), D(2026, 3, 19)), (D(2026, 3, 20), D(2026, 5, 19))]
    assert periods.joined(spans, 1) == spans
    # A series that ends first leaves the last group short.
    ending = Repeat(D(2026, 1, 20), "monthly", count=3)
    assert periods.joined(periods.series_grid(ending, D(2026, 1, 20), D(2026, 3, 25), interval=2), 2) == [
        (D(2026, 1, 20), D(2026, 3, 19)), (D(2026, 3, 20), D(2026, 4, 19))]


@pytest.mark.parametrize("first, last, days, months", [
    (D(2026, 1, 1), D(2026, 1, 31), [], [(D(2026, 1, 1), D(2026, 1, 1))]),
    (D(2026, 1, 15), D(2026, 2, 10), [(D(2026, 1, 15), D(2026, 2, 10))], []),
    (D(2026, 1, 20), D(2026, 4, 19), [(D(2026, 1, 20), D(2026, 1, 31)), (D(2026, 4, 1), D(2026, 4, 19))],
     [(D(2026, 2, 1), D(2026, 3, 1))]),
    (D(2026, 1, 1), D(2026, 3, 15), [(D(2026, 3, 1), D(2026, 3, 15))], [(D(2026, 1, 1), D(2026, 2, 1))]),
    (D(2026, 12, 5), D(2027, 1, 31), [(D(2026, 12, 5), D(2026, 12, 31))], [(D(2027, 1, 1), D(2027, 1, 1))]),
    (D(2026, 3, 3), D(2026, 3, 3), [(D(2026, 3, 3), D(2026, 3, 3))], []),
    (D(2026, 3, 3), D(2026, 3, 2), [], []),
    (D(9999, 12, 1), D(9999, 12, 31), [], [(D(9999, 12, 1), D(9999, 12, 1))]),
])
def test_a_span_is_read_as_whole_months_and_the_days_around_them(first, last, days, months):
    assert actuals.split(first, last) == (days, months)


def test_occurrence_lists_are_kept_within_their_budget():
    kept = periods._Kept(30)
    for name in range(10):
        kept.put(name, (1, 2, 3))
    kept.put("too long", (1, 2, 3, 4))  # over a tenth of the budget: not kept
    assert kept.get("too long") is None and kept.held == 30
    assert kept.get(0) == (1, 2, 3)  # now the most recently used
    kept.put("more", (4, 5, 6))  # 33 > 30: the least recently used (1) goes
    assert (kept.get(1), kept.get(0), kept.get("more"), kept.held) == (None, (1, 2, 3), (4, 5, 6), 30)


def test_dates_are_the_rules():
    repeat = Repeat(D(2024, 1, 31), "monthly", count=30)
    assert periods.dates(repeat, D(2025, 3, 1)) == tuple(repeat.between(D(2024, 1, 1), D(2025, 3, 1)))
    assert periods.dates(repeat, D(2025, 3, 1)) is periods.dates(repeat, D(2025, 3, 1))
