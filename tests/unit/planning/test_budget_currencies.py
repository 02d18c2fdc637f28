"""Budgets over accounts in other currencies: converted with the offline reference
rates, at the nearest rate there is for days the ECB has none; a currency it does not
quote at all is left out of the figures (and named by actuals.unconvertible), never a
failed budget."""

from datetime import date
from decimal import Decimal

from spendsense.services import exchange
from spendsense.services.ledger import accounts
from spendsense.services.planning import actuals, analysis, category_budgets


def spent_in(packages, category_id):
    [package] = [p for p in packages if p.category and p.category.id == category_id]
    return package.expense.periods[0].actual


def test_a_currency_without_any_rate_is_left_out_and_named(ledger, account, groceries, book, today):
    hryvnia = accounts.create_account(ledger, "Hryvnia", currency="UAH").id
    assert not exchange.has_rates("UAH")
    category_budgets.set_category_budget(ledger, groceries, "100", today=today)
    book("-20.00", groceries, date(2026, 12, 1))  # EUR
    book("-500.00", groceries, date(2026, 12, 1), account_id=hryvnia)
    assert spent_in(analysis.budget(ledger, today=today), groceries) == Decimal("-20.00")
    assert actuals.unconvertible(ledger, "EUR") == ["UAH"]


def test_a_day_before_the_rates_begin_takes_the_first_rate(ledger, groceries, book):
    dollars = accounts.create_account(ledger, "Dollars", currency="USD").id
    book("-100.00", groceries, date(1995, 3, 10), account_id=dollars)
    first = exchange.convert(Decimal("100.00"), "USD", "EUR", date(1999, 1, 4)).amount
    [package] = analysis.trend_analysis(ledger, period="months", interval=1, start=date(1995, 3, 1),
                                        end=date(1995, 3, 31), category_ids=[groceries], scenario_ids=None,
                                        today=date(2026, 12, 1))
    assert package.expense.periods[0].actual == -first
    assert actuals.unconvertible(ledger, "EUR") == []


def test_the_forecast_leaves_out_an_event_it_cannot_convert(ledger, groceries, today):
    from spendsense.services.planning import forecast

    hryvnia = accounts.create_account(ledger, "Hryvnia first", currency="UAH")
    accounts.reorder_accounts(ledger, [hryvnia.id] + [a.id for a in accounts.list_accounts(ledger)
                                                      if a.id != hryvnia.id])
    category_budgets.set_category_budget(ledger, groceries, "100", today=today)  # EUR, in the UAH account's plan
    [uah] = [f for f in forecast.forecast(ledger, today=today) if f.account.id == hryvnia.id]
    assert {balance for _day, balance in uah.days} == {Decimal("0.00")}
