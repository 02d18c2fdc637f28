"""The rules of the budget analysis one at a time: rollover both ways, skipped events,
event periods, other currencies, what another ledger sees, and what is refused."""

from datetime import date
from decimal import Decimal

import pytest

from spendsense.services import exchange
from spendsense.services.auth import users
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts, categories
from spendsense.services.planning import analysis, category_budgets, events
from spendsense.services.planning.repeats import occurrence_id

D = Decimal


def expense(package):
    [period] = package.expense.periods
    return period


def forecasts(packages):
    return {package.category.name: expense(package).forecast for package in packages}


@pytest.fixture
def fifty(ledger, scenario, groceries):
    """$50 a month of groceries from May 2026 (the issue's example)."""
    return events.create_event(ledger, scenario, category_id=groceries, amount="-50.00", date=date(2026, 5, 1),
                               repeat_type="monthly")


def test_rollover_carries_overspending_and_savings(ledger, groceries, fifty, book):
    analysis.set_rollover(ledger, groceries, True)
    book("-60.00", groceries, date(2026, 5, 9))
    book("-30.00", groceries, date(2026, 6, 9))
    # May: -50.00 planned, -60.00 spent: -10.00 beyond, so June's budget is 50 - 10 = 40.00.
    june = expense(analysis.budget(ledger, today=date(2026, 6, 15))[0])
    assert (june.forecast, june.rollover, june.actual, june.under_by) == (D("-40.00"), D("10.00"), D("-30.00"),
                                                                         D("10.00"))
    # June: 40.00 budgeted, 30.00 spent: 10.00 saved, so July's budget is 50 + 10 = 60.00.
    july = expense(analysis.budget(ledger, today=date(2026, 7, 1))[0])
    assert (july.forecast, july.rollover, july.actual) == (D("-60.00"), D("-10.00"), D("0.00"))
    # The same chain by month: May carries nothing in, its budget began there.
    [package] = analysis.trend_analysis(ledger, period="months", interval=1, start=date(2026, 4, 1),
                                        end=date(2026, 7, 31), category_ids=[groceries], scenario_ids=None,
                                        today=date(2026, 7, 1))
    assert [(p.start_date.month, p.forecast, p.rollover) for p in package.expense.periods] == [
        (4, D("0.00"), D("0.00")), (5, D("-50.00"), D("0.00")), (6, D("-40.00"), D("10.00")),
        (7, D("-60.00"), D("-10.00"))]
    # April, before the budget began, is spent-only and carries nothing; totals add the periods.
    assert (package.expense.total_forecast, package.expense.average_forecast) == (D("-150.00"), D("-37.50"))


def test_overspending_can_leave_a_negative_budget(ledger, groceries, fifty, book):
    analysis.set_rollover(ledger, groceries, True)
    book("-130.00", groceries, date(2026, 5, 9))
    book("-10.00", groceries, date(2026, 6, 9))
    # May overspent by 80.00: June's budget is 50 - 80 = -30.00 (a forecast of +30.00), so
    # the 10.00 spent in June is over it by 40.00; no share of a negative budget is "used".
    june = expense(analysis.budget(ledger, today=date(2026, 6, 15))[0])
    assert (june.forecast, june.rollover, june.over_budget, june.over_by, june.under_by, june.percentage_used) == (
        D("30.00"), D("80.00"), True, D("40.00"), D("0.00"), D("0.00"))


def test_rollover_is_off_by_default_and_can_be_turned_off(ledger, groceries, fifty, book):
    book("-60.00", groceries, date(2026, 5, 9))
    assert analysis.rollover_categories(ledger) == set()
    assert expense(analysis.budget(ledger, today=date(2026, 6, 15))[0]).forecast == D("-50.00")
    assert analysis.set_rollover(ledger, groceries, True) is True
    assert analysis.rollover_categories(ledger) == {groceries}
    assert analysis.set_rollover(ledger, groceries, "false") is False
    assert analysis.rollover_categories(ledger) == set()
    assert expense(analysis.budget(ledger, today=date(2026, 6, 15))[0]).rollover == D("0.00")


def test_rollover_follows_a_budget_changed_from_a_month_on(ledger, groceries, book):
    analysis.set_rollover(ledger, groceries, True)
    category_budgets.set_category_budget(ledger, groceries, "50", today=date(2026, 5, 3))
    book("-20.00", groceries, date(2026, 5, 9))
    category_budgets.set_category_budget(ledger, groceries, "80", today=date(2026, 6, 2))
    # May left 30.00; June has the new 80.00 plus those 30.00.
    assert expense(analysis.budget(ledger, today=date(2026, 6, 2))[0]).forecast == D("-110.00")


def test_set_rollover_checks_its_input(ledger, groceries, other_ledger):
    with pytest.raises(Invalid):
        analysis.set_rollover(ledger, groceries, "maybe")
    bobs = categories.create_category(other_ledger, "Bob's", "🧢", "spent").id
    with pytest.raises(NotFound):
        analysis.set_rollover(ledger, bobs, True)
    # System categories are everyone's: each ledger has its own setting for them.
    supermarket = categories.find_by_value(ledger, "supermarket", "spent").id
    analysis.set_rollover(ledger, supermarket, True)
    assert analysis.rollover_categories(other_ledger) == set()


def test_a_skipped_event_is_not_budgeted(ledger, groceries, fifty, book):
    events.delete_occurrence(ledger, occurrence_id(fifty.id, date(2026, 6, 1)), "one")
    book("-30.00", groceries, date(2026, 6, 9))
    june = expense(analysis.budget(ledger, today=date(2026, 6, 15))[0])
    # No budget in June: neither over nor under, 0 % used (as PocketSmith answers).
    assert (june.start_date, june.forecast, june.actual, june.over_budget, june.under_budget, june.over_by,
            june.under_by, june.percentage_used) == (date(2026, 6, 1), D("0.00"), D("-30.00"), False, True,
                                                    D("0.00"), D("0.00"), D("0.00"))


def test_budget_lists_only_what_is_budgeted_now(ledger, scenario, groceries, book):
    assert analysis.budget(ledger, today=date(2026, 6, 15)) == []
    events.create_event(ledger, scenario, category_id=groceries, amount="-50", date=date(2026, 7, 1),
                        repeat_type="monthly")
    salary = categories.find_by_value(ledger, "salary", "earn").id
    events.create_event(ledger, scenario, category_id=salary, amount="100", date=date(2026, 1, 1),
                        repeat_type="monthly", occurrences=3)
    book("-9.00", groceries, date(2026, 6, 2))
    # Groceries' budget starts in July; the salary's ended with March's period.
    assert analysis.budget(ledger, today=date(2026, 6, 15)) == []
    assert [p.category.name for p in analysis.budget(ledger, today=date(2026, 3, 31))] == ["Salary"]


def test_budget_ignores_other_scenarios_and_deleted_accounts(ledger, account, savings, groceries):
    from spendsense.services.planning import scenarios

    goal = scenarios.create_scenario(ledger, account, title="Goal").id
    events.create_event(ledger, goal, category_id=groceries, amount="-70", date=date(2026, 1, 1),
                        repeat_type="monthly")
    doomed = scenarios.primary_for(ledger, savings).id
    events.create_event(ledger, doomed, category_id=groceries, amount="-20", date=date(2026, 1, 1),
                        repeat_type="monthly")
    assert forecasts(analysis.budget(ledger, today=date(2026, 6, 15))) == {"Groceries": D("-20.00")}
    accounts.delete_account(ledger, savings)
    assert analysis.budget(ledger, today=date(2026, 6, 15)) == []


def test_event_periods_when_the_series_align(ledger, scenario, groceries, book):
    events.create_event(ledger, scenario, category_id=groceries, amount="-100", date=date(2026, 1, 20),
                        repeat_type="monthly")
    # A once event on a period's first day falls in with them.
    events.create_event(ledger, scenario, category_id=groceries, amount="-5", date=date(2026, 3, 20),
                        repeat_type="once")
    book("-40.00", groceries, date(2026, 3, 19))
    book("-60.00", groceries, date(2026, 3, 20))
    [package] = analysis.trend_analysis(ledger, period="event", interval=1, start=date(2026, 3, 1),
                                        end=date(2026, 3, 25), category_ids=[groceries], scenario_ids=None,
                                        today=date(2026, 3, 25))
    assert [(p.start_date, p.end_date, p.forecast, p.actual, p.current) for p in package.expense.periods] == [
        (date(2026, 2, 20), date(2026, 3, 19), D("-100.00"), D("-40.00"), False),
        (date(2026, 3, 20), date(2026, 4, 19), D("-105.00"), D("-60.00"), True)]
    # Two event periods at a time.
    [package] = analysis.trend_analysis(ledger, period="event", interval=2, start=date(2026, 1, 1),
                                        end=date(2026, 3, 25), category_ids=[groceries], scenario_ids=None,
                                        today=date(2026, 3, 25))
    assert [(p.start_date, p.end_date, p.forecast) for p in package.expense.periods] == [
        (date(2026, 1, 20), date(2026, 3, 19), D("-200.00")), (date(2026, 3, 20), date(2026, 5, 19), D("-205.00"))]


def test_event_periods_that_do_not_align_are_refused_with_a_suggestion(ledger, scenario, groceries):
    events.create_event(ledger, scenario, category_id=groceries, amount="-100", date=date(2026, 1, 20),
                        repeat_type="monthly")
    events.create_event(ledger, scenario, category_id=groceries, amount="-5", date=date(2026, 3, 25),
                        repeat_type="once")
    with pytest.raises(analysis.NotAligned) as caught:
        analysis.trend_analysis(ledger, period="event", interval=1, start=date(2026, 3, 1), end=date(2026, 3, 31),
                                category_ids=[groceries], scenario_ids=None, today=date(2026, 3, 25))
    assert caught.value.suggested == ("months", 1) and "period" in caught.value.errors
    assert isinstance(caught.value, Invalid)
    with pytest.raises(analysis.NotAligned) as caught:  # no series at all
        analysis.budget_summary(ledger, period="event", interval=1, start=date(2026, 3, 1), end=date(2026, 3, 31),
                                today=date(2026, 3, 25))


def test_weekly_event_periods_suggest_weeks(ledger, scenario, groceries):
    events.create_event(ledger, scenario, category_id=groceries, amount="-10", date=date(2026, 1, 1),
                        repeat_type="fortnightly")
    events.create_event(ledger, scenario, category_id=groceries, amount="-10", date=date(2026, 1, 2),
                        repeat_type="fortnightly")
    with pytest.raises(analysis.NotAligned) as caught:
        analysis.budget_summary(ledger, period="event", interval=1, start=date(2026, 3, 1), end=date(2026, 3, 31),
                                today=date(2026, 3, 25))
    assert caught.value.suggested == ("weeks", 2)


def test_weeks_start_on_the_users_day(ledger, user, groceries, book):
    users.update_settings(user.id, week_start=6)  # Sunday
    book("-10.00", groceries, date(2026, 11, 28))  # a Saturday
    book("-20.00", groceries, date(2026, 11, 29))  # a Sunday
    [package] = analysis.budget_summary(ledger, period="weeks", interval=1, start=date(2026, 11, 28),
                                        end=date(2026, 11, 29), today=date(2026, 12, 1))
    assert [(p.start_date, p.end_date, p.actual) for p in package.expense.periods] == [
        (date(2026, 11, 22), date(2026, 11, 28), D("-10.00")), (date(2026, 11, 29), date(2026, 12, 5), D("-20.00"))]
    # Averages are rounded half to even to the cent: -30.00 over 3 weeks is -10.00, -10.00
    # over 3 weeks is -3.33.
    [package] = analysis.budget_summary(ledger, period="weeks", interval=1, start=date(2026, 11, 22),
                                        end=date(2026, 12, 6), today=date(2026, 12, 1))
    assert (len(package.expense.periods), package.expense.average_actual) == (3, D("-10.00"))
    book("-0.05", groceries, date(2026, 12, 6))
    [package] = analysis.budget_summary(ledger, period="weeks", interval=1, start=date(2026, 11, 22),
                                        end=date(2026, 12, 6), today=date(2026, 12, 1))
    # -30.05 / 3 = -10.01666... -> -10.02
    assert package.expense.average_actual == D("-10.02")


def test_other_currencies_are_converted_into_the_base_currency(ledger, scenario, groceries, book):
    dollars = accounts.create_account(ledger, "Dollars", currency="USD").id
    book("-30.00", groceries, date(2026, 3, 10), account_id=dollars)
    book("-20.00", groceries, date(2026, 3, 11), account_id=dollars)
    book("-5.00", groceries, date(2026, 3, 10))
    planned = events.create_event(ledger, scenario, category_id=groceries, amount="-100.00", date=date(2026, 3, 10),
                                  repeat_type="once", currency="USD")
    assert planned.currency == "USD"

    def eur(amount, day):
        return exchange.convert(Decimal(amount), "USD", "EUR", day).amount

    # The week of 9 to 15 March is read by day: each day's dollars at that day's rate, and
    # the event's at its date's.
    [package] = analysis.budget_summary(ledger, period="weeks", interval=1, start=date(2026, 3, 10),
                                        end=date(2026, 3, 11), today=date(2026, 3, 15))
    assert expense_period(package).actual == -(eur("30.00", date(2026, 3, 10)) + eur("20.00", date(2026, 3, 11))
                                               + D("5.00"))
    assert expense_period(package).forecast == -eur("100.00", date(2026, 3, 10))
    # A whole month of dollars is read from the month's total, at its last day's rate.
    [package] = analysis.budget_summary(ledger, period="months", interval=1, start=date(2026, 3, 1),
                                        end=date(2026, 3, 31), today=date(2026, 3, 15))
    assert expense_period(package).actual == -(eur("50.00", date(2026, 3, 31)) + D("5.00"))
    assert eur("50.00", date(2026, 3, 31)) != eur("30.00", date(2026, 3, 10)) + eur("20.00", date(2026, 3, 11))


def expense_period(package):
    [period] = package.expense.periods
    return period


def test_another_ledgers_money_and_plans_are_never_seen(ledger, groceries, fifty, book, other_ledger,
                                                        other_account, other_scenario):
    supermarket = categories.find_by_value(other_ledger, "supermarket", "spent").id
    bobs = categories.create_category(other_ledger, "Bob's", "🧢", "spent").id
    events.create_event(other_ledger, other_scenario, category_id=supermarket, amount="-999", date=date(2026, 5, 1),
                        repeat_type="monthly")
    from tests.factories import create_transaction

    create_transaction(other_ledger, amount="-111", account_id=other_account, category_id=supermarket,
                       occurred_at="2026-05-05")
    book("-1.00", groceries, date(2026, 5, 5))
    [package] = analysis.budget_summary(ledger, period="months", interval=1, start=date(2026, 5, 1),
                                        end=date(2026, 5, 31), today=date(2026, 5, 15))
    assert (expense_period(package).actual, expense_period(package).forecast) == (D("-1.00"), D("-50.00"))
    assert [p.category.name for p in analysis.budget(ledger, today=date(2026, 5, 15))] == ["Groceries"]
    with pytest.raises(NotFound):
        analysis.trend_analysis(ledger, period="months", interval=1, start=date(2026, 5, 1), end=date(2026, 5, 31),
                                category_ids=[bobs], scenario_ids=None, today=date(2026, 5, 15))
    with pytest.raises(NotFound):
        analysis.trend_analysis(ledger, period="months", interval=1, start=date(2026, 5, 1), end=date(2026, 5, 31),
                                category_ids=[groceries], scenario_ids=[other_scenario], today=date(2026, 5, 15))
    # The system category both see: only Alice's money in it, and none of Bob's plan.
    [package] = analysis.trend_analysis(ledger, period="months", interval=1, start=date(2026, 5, 1),
                                        end=date(2026, 5, 31), category_ids=[supermarket], scenario_ids=None,
                                        today=date(2026, 5, 15))
    assert (expense_period(package).actual, expense_period(package).forecast) == (D("0.00"), D("0.00"))


def test_trend_analysis_of_every_category(ledger, groceries, salary_category):
    packages = analysis.trend_analysis(ledger, period="years", interval=1, start=date(2026, 5, 1),
                                       end=date(2026, 5, 31), category_ids=None, scenario_ids=None,
                                       today=date(2026, 5, 15))
    names = [package.category.name for package in packages]
    assert "Groceries" in names and "Wages" in names and "Supermarket" in names
    assert all((package.expense is None) == (package.category.kind == "earn") for package in packages)


@pytest.fixture
def salary_category(ledger):
    return categories.create_category(ledger, "Wages", "💼", "earn").id


@pytest.mark.parametrize("changes, field", [
    ({"period": "days"}, "period"),
    ({"interval": 0}, "interval"),
    ({"start": date(2026, 5, 2), "end": date(2026, 5, 1)}, "end_date"),
])
def test_summary_refuses_bad_periods(ledger, changes, field):
    query = {"period": "months", "interval": 1, "start": date(2026, 5, 1), "end": date(2026, 5, 31),
             "today": date(2026, 5, 15), **changes}
    with pytest.raises(Invalid) as caught:
        analysis.budget_summary(ledger, **query)
    assert field in caught.value.errors


def test_no_figure_is_a_negative_zero(ledger, account, groceries, today):
    category_budgets.set_category_budget(ledger, groceries, "300", today=today)  # nothing spent
    [package] = analysis.budget_summary(ledger, period="months", interval=1, start=today, end=today, today=today)
    figures = [*vars(package.expense.periods[0]).values(), package.expense.average_actual]
    assert not any(isinstance(value, Decimal) and value.is_zero() and value.is_signed() for value in figures)
