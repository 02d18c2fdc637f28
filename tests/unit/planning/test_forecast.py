"""Forecasts against schedules worked out by hand.

Alice's current account (EUR) on Tuesday 2026-12-01 ("today"): 1000.00 of salary
booked on 2026-11-25, the phone bill (-40.00) paid early on 2026-11-30, and -30.00
of insurance booked ahead for 2026-12-10: its cached balance is 930.00, its balance
at the end of today 960.00.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from spendsense.extensions import db
from spendsense.models.planning import EventOccurrence
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts, categories
from spendsense.services.planning import category_budgets, events, forecast, scenarios
from spendsense.services.planning.repeats import occurrence_id
from tests.factories import create_transaction


def d(text):
    return date.fromisoformat(text)


def expand(runs, last):
    """[(date, Decimal)] a day from the first run to ``last``: each run's balance holds
    until the next run's date."""
    days, runs = [], [(d(day), Decimal(value)) for day, value in runs]
    for (start, value), following in zip(runs, runs[1:] + [(last + timedelta(days=1), None)], strict=True):
        day = start
        while day < following[0]:
            days.append((day, value))
            day += timedelta(days=1)
    return days


@pytest.fixture
def cats(ledger):
    def make(name, kind="spent"):
        return categories.create_category(ledger, name, "🏷️", kind).id

    return {"home": make("Rent"), "car": make("Car"), "phone": make("Phone"), "insurance": make("Insurance")}


@pytest.fixture
def schedule(ledger, account, scenario, groceries, salary, cats, book):
    """The hand-made plan of Alice's current account (see the module docstring)."""
    book("1000.00", salary, d("2026-11-25"), payee="Employer")
    book("-40.00", cats["phone"], d("2026-11-30"), payee="Phone company")
    book("-30.00", cats["insurance"], d("2026-12-10"), payee="Insurer")
    weekly = events.create_event(ledger, scenario, category_id=groceries, amount="-120.00", date=d("2026-12-04"),
                                 repeat_type="weekly", note="Groceries")
    rent = events.create_event(ledger, scenario, category_id=cats["home"], amount="-800.00", date=d("2026-01-05"),
                               repeat_type="monthly", note="Rent")
    pay = events.create_event(ledger, scenario, category_id=salary, amount="2000.00", date=d("2026-06-28"),
                              repeat_type="monthly", note="Salary")
    events.create_event(ledger, scenario, category_id=cats["car"], amount="-250.00", date=d("2026-12-15"),
                        repeat_type="once", note="Car repair")
    # Paid on 2026-11-30 (three days early, same category, same amount): not taken off again.
    events.create_event(ledger, scenario, category_id=cats["phone"], amount="-40.00", date=d("2026-12-03"),
                        repeat_type="once", note="Phone")
    # The groceries of 2026-12-11 were marked paid; those of Christmas day are skipped.
    db.session.add(EventOccurrence(event_id=weekly.id, occurs_on=d("2026-12-11"), state="paid"))
    db.session.commit()
    events.delete_occurrence(ledger, occurrence_id(weekly.id, d("2026-12-25")), "one")
    return {"weekly": weekly, "rent": rent, "pay": pay}


# End-of-day balances, 2026-12-01 to 2027-01-30 (61 days), each holding until the next date:
SIXTY_DAYS = [
    ("2026-12-01", "960.00"),    # 1000.00 - 40.00; the -30.00 of 12-10 is not yet
    ("2026-12-04", "840.00"),    # groceries -120.00 (the phone bill of 12-03 was paid early)
    ("2026-12-05", "40.00"),     # rent -800.00
    ("2026-12-10", "10.00"),     # insurance booked ahead, -30.00
    # 12-11: groceries already paid
    ("2026-12-15", "-240.00"),   # car repair -250.00: the first day below zero
    ("2026-12-18", "-360.00"),   # groceries -120.00: the low point before pay day
    # 12-25: groceries skipped
    ("2026-12-28", "1640.00"),   # salary +2000.00
    ("2027-01-01", "1520.00"),   # groceries
    ("2027-01-05", "720.00"),    # rent
    ("2027-01-08", "600.00"),    # groceries
    ("2027-01-15", "480.00"),
    ("2027-01-22", "360.00"),
    ("2027-01-28", "2360.00"),   # salary
    ("2027-01-29", "2240.00"),   # groceries
]


def test_sixty_days_by_hand(ledger, account, schedule, today):
    (result,) = forecast.forecast(ledger, today=today, days=60)
    assert result.account.id == account
    assert result.currency == "EUR"
    assert result.start_balance == Decimal("960.00")
    expected = expand(SIXTY_DAYS, d("2027-01-30"))
    assert len(expected) == 61
    assert result.days == expected
    assert all(isinstance(value, Decimal) for _day, value in result.days)
    assert result.next_income == d("2026-12-28")
    assert result.low_point == (d("2026-12-18"), Decimal("-360.00"))
    assert result.first_negative == d("2026-12-15")


def test_a_year_ahead_by_default(ledger, account, schedule, today):
    (result,) = forecast.forecast(ledger, today=today)
    assert result.days[0] == (today, Decimal("960.00"))
    assert result.days[-1][0] == d("2027-12-01")
    assert len(result.days) == 366
    assert result.days[:61] == expand(SIXTY_DAYS, d("2027-01-30"))


def test_without_income_the_low_point_is_over_the_whole_horizon(ledger, account, schedule, today):
    events.delete_series(ledger, schedule["pay"].id)
    (result,) = forecast.forecast(ledger, today=today, days=60)
    assert result.next_income is None
    # Without the two salaries: 2027-01-29 is 2240.00 - 4000.00.
    assert result.low_point == (d("2027-01-29"), Decimal("-1760.00"))
    assert result.first_negative == d("2026-12-15")


def test_income_tomorrow_leaves_only_today_before_it(ledger, account, scenario, salary, groceries, today, book):
    book("10.00", salary, d("2026-11-20"))
    events.create_event(ledger, scenario, category_id=salary, amount="5.00", date=d("2026-12-02"),
                        repeat_type="once")
    events.create_event(ledger, scenario, category_id=groceries, amount="-20.00", date=d("2026-12-03"),
                        repeat_type="once")
    (result,) = forecast.forecast(ledger, today=today, days=5)
    assert result.days == [(d("2026-12-01"), Decimal("10.00")), (d("2026-12-02"), Decimal("15.00")),
                           (d("2026-12-03"), Decimal("-5.00")), (d("2026-12-04"), Decimal("-5.00")),
                           (d("2026-12-05"), Decimal("-5.00")), (d("2026-12-06"), Decimal("-5.00"))]
    assert result.low_point == (today, Decimal("10.00"))
    assert result.first_negative == d("2026-12-03")


def test_already_below_zero_today(ledger, account, groceries, today, book):
    book("-5.00", groceries, d("2026-11-01"))
    (result,) = forecast.forecast(ledger, today=today, days=3)
    assert result.first_negative == today
    assert result.low_point == (today, Decimal("-5.00"))  # the earliest of equal lows


@pytest.fixture
def goal(ledger):
    """Alice's savings account (1002.50) and a savings goal on it: +100.00 on the 15th
    of each month from 2026-12-15, 2.4 % a year credited monthly."""
    savings = accounts.create_account(ledger, "Savings", currency="EUR", opening_balance="1002.50").id
    extra = scenarios.create_scenario(ledger, savings, title="Holiday fund", type="savings", interest_rate="2.4",
                                      interest_rate_repeat_id=4)
    deposits = categories.create_category(ledger, "Savings in", "🐷", "earn").id
    events.create_event(ledger, extra.id, category_id=deposits, amount="100.00", date=d("2026-12-15"),
                        repeat_type="monthly")
    return savings, extra.id


def test_an_extra_savings_scenario_with_monthly_interest(ledger, goal, today):
    savings, extra = goal
    (result,) = forecast.forecast(ledger, today=today, days=90, scenario_ids=[extra])
    assert result.account.id == savings
    # Monthly from today: credited on 01-01, 02-01 and 03-01 at 2.4 / 12 = 0.2 % of that day's balance.
    #   12-15  1002.50 + 100.00                     = 1102.50
    #   01-01  1102.50 * 0.002 = 2.205 -> 2.20 (half to even, not up to 2.21) = 1104.70
    #   01-15  + 100.00                             = 1204.70
    #   02-01  1204.70 * 0.002 = 2.4094 -> 2.41     = 1207.11
    #   02-15  + 100.00                             = 1307.11
    #   03-01  1307.11 * 0.002 = 2.61422 -> 2.61    = 1309.72
    assert result.days == expand([("2026-12-01", "1002.50"), ("2026-12-15", "1102.50"), ("2027-01-01", "1104.70"),
                                  ("2027-01-15", "1204.70"), ("2027-02-01", "1207.11"), ("2027-02-15", "1307.11"),
                                  ("2027-03-01", "1309.72")], d("2027-03-01"))
    assert result.next_income == d("2026-12-15")
    assert result.low_point == (today, Decimal("1002.50"))
    assert result.first_negative is None


def test_extra_scenarios_only_when_asked_for(ledger, account, goal, today):
    savings, _extra = goal
    results = forecast.forecast(ledger, today=today, days=90)
    assert [r.account.id for r in results] == [account, savings]
    assert {value for _day, value in results[1].days} == {Decimal("1002.50")}


def test_a_debt_costs_interest_quarterly(ledger, today):
    card = accounts.create_account(ledger, "Card", type="credits", currency="EUR", opening_balance="-1000.00").id
    debt = scenarios.create_scenario(ledger, card, title="Card debt", type="debt", interest_rate="12",
                                     interest_rate_repeat_id=7)
    (result,) = forecast.forecast(ledger, today=today, days=200, scenario_ids=[debt.id], account_ids=[card])
    # Quarterly from today, 12 / 4 = 3 %: 03-01 -1000.00 * 0.03 = -30.00; 06-01 -1030.00 * 0.03 = -30.90.
    assert dict(result.days)[d("2027-02-28")] == Decimal("-1000.00")
    assert dict(result.days)[d("2027-03-01")] == Decimal("-1030.00")
    assert dict(result.days)[d("2027-05-31")] == Decimal("-1030.00")
    assert dict(result.days)[d("2027-06-01")] == Decimal("-1060.90")
    assert result.days[-1] == (d("2027-06-19"), Decimal("-1060.90"))


@pytest.mark.parametrize(("repeat_id", "rate", "expected"), [
    (2, "5.2", "1.00"),    # weekly: 1000.00 * 5.2 % / 52
    (3, "2.6", "1.00"),    # fortnightly: / 26
    (4, "1.2", "1.00"),    # monthly: / 12
    (7, "0.4", "1.00"),    # quarterly: / 4
    (5, "0.1", "1.00"),    # yearly
    (4, "0.3", "0.25"),    # 1000.00 * 0.3 % / 12 = 0.25 exactly
    (4, "0.006", "0.00"),  # 0.005 -> 0.00, half to even
    (4, "0.018", "0.02"),  # 0.015 -> 0.02, half to even
])
def test_interest_per_period(repeat_id, rate, expected):
    _type, _interval, per_year = forecast.INTEREST_PERIODS[repeat_id]
    assert forecast.interest(100_000, Decimal(rate), per_year) == int(Decimal(expected) * 100)


def test_savings_earn_nothing_below_zero(ledger, today):
    overdrawn = accounts.create_account(ledger, "Overdrawn", currency="EUR", opening_balance="-50.00").id
    extra = scenarios.create_scenario(ledger, overdrawn, title="Savings", type="savings", interest_rate="100",
                                      interest_rate_repeat_id=2)
    (result,) = forecast.forecast(ledger, today=today, days=30, scenario_ids=[extra.id])
    assert {value for _day, value in result.days} == {Decimal("-50.00")}


def test_an_event_in_another_currency_counts_at_the_reference_rate(ledger, account, scenario, groceries, today):
    events.create_event(ledger, scenario, category_id=groceries, amount="-1000", currency="JPY", date=d("2026-12-02"),
                        repeat_type="once")
    (result,) = forecast.forecast(ledger, today=today, days=1)
    (_day, value), = result.days[1:]
    assert Decimal("-10.00") < value < Decimal("-3.00")  # 1000 yen, in euros
    assert value == value.quantize(Decimal("0.01"))


def test_archived_accounts_are_left_out_unless_asked_for(ledger, account, today):
    old = accounts.create_account(ledger, "Old", currency="EUR").id
    accounts.archive_account(ledger, old)
    assert [r.account.id for r in forecast.forecast(ledger, today=today, days=1)] == [account]
    assert [r.account.id for r in forecast.forecast(ledger, today=today, days=1, account_ids=[old])] == [old]


def test_no_accounts_no_forecast(ledger, today):
    assert forecast.forecast(ledger, today=today) == []


def test_only_the_ledger_s_own(ledger, account, other_ledger, other_account, other_scenario, today):
    with pytest.raises(NotFound):
        forecast.forecast(ledger, today=today, scenario_ids=[other_scenario])
    with pytest.raises(NotFound):
        forecast.forecast(ledger, today=today, account_ids=[other_account])
    with pytest.raises(NotFound):
        forecast.forecast(ledger, today=today, account_ids=["x"])
    assert [r.account.id for r in forecast.forecast(other_ledger, today=today, days=1)] == [other_account]


def test_another_ledger_s_events_and_transactions_do_not_count(ledger, account, other_ledger, other_account,
                                                               other_scenario, today):
    bills = categories.create_category(other_ledger, "Bills", "🧾", "spent").id
    events.create_event(other_ledger, other_scenario, category_id=bills, amount="-99.00", date=d("2026-12-02"),
                        repeat_type="daily")
    create_transaction(other_ledger, amount="-5.00", account_id=other_account, category_id=bills,
                       occurred_at="2026-12-05")
    (result,) = forecast.forecast(ledger, today=today, days=10)
    assert {value for _day, value in result.days} == {Decimal("0.00")}


@pytest.mark.parametrize("days", [0, -1, 3661, "x", None])
def test_days_must_be_a_sensible_number(ledger, account, today, days):
    with pytest.raises(Invalid) as caught:
        forecast.forecast(ledger, today=today, days=days)
    assert set(caught.value.errors) == {"days"}


def test_what_is_left_of_a_budget_under_way_is_spent_tomorrow(ledger, account, groceries, today, book):
    # A 300 monthly budget from 1 December, 84.30 spent: the account holds
    # 1000 - 84.30 = 915.70 today; tomorrow the 215.70 left comes off: 700.00; on
    # 1 January the next 300: 400.00. (Matching never lets the 84.30 "pay" the budget.)
    accounts.update_account(ledger, account, opening_balance="1000")
    category_budgets.set_category_budget(ledger, groceries, "300", today=today)
    book("-84.30", groceries, today)
    [mine] = forecast.forecast(ledger, today=today, days=40, account_ids=[account])
    balances = dict(mine.days)
    assert balances[today] == Decimal("915.70")
    assert balances[d("2026-12-02")] == balances[d("2026-12-31")] == Decimal("700.00")
    assert balances[d("2027-01-01")] == Decimal("400.00")


def test_an_overspent_budget_takes_nothing_more(ledger, account, groceries, today, book):
    accounts.update_account(ledger, account, opening_balance="1000")
    category_budgets.set_category_budget(ledger, groceries, "300", today=today)
    book("-320.00", groceries, today)
    [mine] = forecast.forecast(ledger, today=today, days=5, account_ids=[account])
    assert {balance for _day, balance in mine.days} == {Decimal("680.00")}


def test_the_rest_of_a_budget_includes_what_rollover_carried(ledger, account, groceries, today, book):
    from spendsense.services.planning import analysis

    # 100 a month from November with rollover: 60 spent in November carries 40 into
    # December, 42.50 spent so far: 140 - 42.50 = 97.50 left, taken off tomorrow.
    accounts.update_account(ledger, account, opening_balance="1000")
    category_budgets.set_category_budget(ledger, groceries, "100", today=d("2026-11-01"))
    analysis.set_rollover(ledger, groceries, True)
    book("-60.00", groceries, d("2026-11-14"))
    book("-42.50", groceries, today)
    [mine] = forecast.forecast(ledger, today=today, days=3, account_ids=[account])
    assert [balance for _day, balance in mine.days] == [Decimal("897.50"), Decimal("800.00"), Decimal("800.00"),
                                                        Decimal("800.00")]
