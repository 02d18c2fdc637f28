"""November 2026 worked out by hand: budget, budget_summary and trend_analysis must give
exactly these figures.

Alice (base currency EUR) plans in her current account's primary scenario:

| category                  | kind  | budget events                                | rollover |
|---------------------------|-------|----------------------------------------------|----------|
| Food                      | spent | -100.00 monthly on the 1st from 2026-06-01   | off      |
| Groceries (child of Food) | spent | -400.00 monthly on the 1st from 2026-10-01   | on       |
| Rent                      | spent | -900.00 monthly on the 20th from 2026-03-20  | off      |
| Holidays                  | spent | -600.00 once on 2026-11-15                   | off      |
| Wages                     | earn  | +3000.00 monthly on the 25th from 2026-01-25 | off      |

and, in an extra scenario of the same account, -50.00 of Groceries once on 2026-11-05.
Transport (a system category) has no budget. Today is 2026-11-25.

Transactions (EUR):
  Food       2026-10-12 -80.00    2026-11-08 -30.00
  Groceries  2026-10-10 -430.00   2026-11-03 -120.00   2026-11-12 -95.50   2026-11-14 +15.50 (refund)
  Rent       2026-10-20 -900.00   2026-11-10 -5.00 (a fee)   2026-11-20 -900.00
  Holidays   2026-11-16 -650.00
  Transport  2026-11-18 -40.00
  Wages      2026-10-25 +3000.00  2026-11-25 +3000.00  2026-11-25 -50.00 (a deduction)
  a transfer of 500.00 to savings on 2026-11-02 and an uncategorised -7.00 on 2026-11-09,
  which no budget counts.
"""

from datetime import date
from decimal import Decimal

import pytest

from spendsense.services.ledger import categories
from spendsense.services.planning import analysis, events, scenarios
from tests.factories import create_transaction, create_transfer

TODAY = date(2026, 11, 25)
D = Decimal


@pytest.fixture
def month(ledger, account, savings, scenario, book):
    food = categories.create_category(ledger, "Food", "🍲", "spent").id
    # Groceries takes refunds and Wages deductions (their refund behaviour lets the
    # transaction command file money of the other sign in them).
    groceries = categories.create_category(ledger, "Groceries", "🛒", "spent", parent_id=food,
                                           refund_behaviour="credits_are_refunds").id
    rent = categories.create_category(ledger, "Rent", "🏠", "spent").id
    holidays = categories.create_category(ledger, "Holidays", "🏖️", "spent").id
    wages = categories.create_category(ledger, "Wages", "💼", "earn", refund_behaviour="debits_are_deductions").id
    transport = categories.find_by_value(ledger, "transport", "spent").id
    plan = [(food, "-100.00", date(2026, 6, 1), "monthly"), (groceries, "-400.00", date(2026, 10, 1), "monthly"),
            (rent, "-900.00", date(2026, 3, 20), "monthly"), (holidays, "-600.00", date(2026, 11, 15), "once"),
            (wages, "3000.00", date(2026, 1, 25), "monthly")]
    for category_id, amount, day, repeat in plan:
        events.create_event(ledger, scenario, category_id=category_id, amount=amount, date=day, repeat_type=repeat)
    extra = scenarios.create_scenario(ledger, account, title="Party").id
    events.create_event(ledger, extra, category_id=groceries, amount="-50.00", date=date(2026, 11, 5),
                        repeat_type="once")
    analysis.set_rollover(ledger, groceries, True)
    for amount, category_id, day in [
        ("-80.00", food, date(2026, 10, 12)), ("-30.00", food, date(2026, 11, 8)),
        ("-430.00", groceries, date(2026, 10, 10)), ("-120.00", groceries, date(2026, 11, 3)),
        ("-95.50", groceries, date(2026, 11, 12)), ("15.50", groceries, date(2026, 11, 14)),
        ("-900.00", rent, date(2026, 10, 20)), ("-5.00", rent, date(2026, 11, 10)),
        ("-900.00", rent, date(2026, 11, 20)), ("-650.00", holidays, date(2026, 11, 16)),
        ("-40.00", transport, date(2026, 11, 18)), ("3000.00", wages, date(2026, 10, 25)),
        ("3000.00", wages, date(2026, 11, 25)), ("-50.00", wages, date(2026, 11, 25)),
    ]:
        book(amount, category_id, day)
    create_transfer(ledger, amount="500.00", from_account_id=account, to_account_id=savings,
                    occurred_at="2026-11-02")
    create_transaction(ledger, amount="-7.00", account_id=account, occurred_at="2026-11-09", apply_rules=False)
    return {"food": food, "groceries": groceries, "rent": rent, "holidays": holidays, "wages": wages,
            "transport": transport, "primary": scenario, "extra": extra}


def figures(period):
    """A period's numbers as a tuple: start, end, actual, forecast, refund, current, over,
    under, over by, under by, percentage used, rollover."""
    return (period.start_date, period.end_date, period.actual, period.forecast, period.refund, period.current,
            period.over_budget, period.under_budget, period.over_by, period.under_by, period.percentage_used,
            period.rollover)


def totals(analysed):
    return (analysed.start_date, analysed.end_date, analysed.currency, analysed.total_actual,
            analysed.average_actual, analysed.total_forecast, analysed.average_forecast, analysed.total_over_by,
            analysed.total_under_by)


NOV = (date(2026, 11, 1), date(2026, 11, 30))
OCT = (date(2026, 10, 1), date(2026, 10, 31))

# --- budget: each category in its current event period.
# Food, Nov 1-30: planned -100.00; spent -30.00 -> under by 70.00, 30/100 = 30.00 %.
FOOD_NOV = (*NOV, D("-30.00"), D("-100.00"), D("0.00"), True, False, True, D("0.00"), D("70.00"), D("30.00"),
            D("0.00"))
# Groceries, Nov 1-30, rollover from October (the budget began on 2026-10-01):
#   October left -400.00 - (-430.00) = +30.00 (overspent by 30), so November's forecast is
#   -400.00 + 30.00 = -370.00. The extra scenario's -50.00 is not part of the budget.
#   November's actual: -120.00 - 95.50 + 15.50 = -200.00, refunds 15.50.
#   Under by 370.00 - 200.00 = 170.00; used 200/370 = 54.054...% -> 54.05.
GROCERIES_NOV = (*NOV, D("-200.00"), D("-370.00"), D("15.50"), True, False, True, D("0.00"), D("170.00"),
                 D("54.05"), D("30.00"))
# Rent, monthly on the 20th: the event period holding Nov 25 is Nov 20 - Dec 19. Only the
# payment of Nov 20 is in it (the fee of Nov 10 was in Oct 20 - Nov 19): -900.00 of
# -900.00, neither over nor under, 100.00 % used.
RENT_NOW = (date(2026, 11, 20), date(2026, 12, 19), D("-900.00"), D("-900.00"), D("0.00"), True, False, True,
            D("0.00"), D("0.00"), D("100.00"), D("0.00"))
# Holidays has only a once event: its period is the calendar month. -650.00 of -600.00:
# over by 50.00, 650/600 = 108.333...% -> 108.33.
HOLIDAYS_NOV = (*NOV, D("-650.00"), D("-600.00"), D("0.00"), True, True, False, D("50.00"), D("0.00"),
                D("108.33"), D("0.00"))
# Wages, monthly on the 25th: Nov 25 - Dec 24. Received 3000.00 - 50.00 = 2950.00 of
# 3000.00 (the deduction is a refund of -50.00): under by 50.00, 2950/3000 = 98.333...%.
WAGES_NOW = (date(2026, 11, 25), date(2026, 12, 24), D("2950.00"), D("3000.00"), D("-50.00"), True, False, True,
             D("0.00"), D("50.00"), D("98.33"), D("0.00"))


def test_budget_gives_each_budgeted_category_its_current_period(ledger, month):
    packages = analysis.budget(ledger, today=TODAY)
    names = [package.category.name for package in packages]
    # Transport has no budget; spent categories come before earn ones.
    assert names == ["Food", "Groceries", "Rent", "Holidays", "Wages"]
    found = {package.category.name: package for package in packages}
    for name, expected in (("Food", FOOD_NOV), ("Groceries", GROCERIES_NOV), ("Rent", RENT_NOW),
                           ("Holidays", HOLIDAYS_NOV)):
        package = found[name]
        assert package.income is None and package.is_transfer is False
        [period] = package.expense.periods
        assert figures(period) == expected, name
        # One period: the totals are that period's, and so are the averages.
        assert totals(package.expense) == (expected[0], expected[1], "EUR", expected[2], expected[2],
                                           expected[3], expected[3], expected[8], expected[9])
    assert found["Wages"].expense is None
    [period] = found["Wages"].income.periods
    assert figures(period) == WAGES_NOW


def test_roll_up_adds_the_children_into_their_parent_and_still_lists_them(ledger, month):
    packages = analysis.budget(ledger, today=TODAY, roll_up=True)
    found = {package.category.name: package for package in packages}
    assert list(found) == ["Food", "Groceries", "Rent", "Holidays", "Wages"]
    # Food with Groceries, in Food's period (both are monthly on the 1st; Food's began first),
    # without rollover (Food's own setting is off):
    #   forecast -100.00 - 400.00 = -500.00; actual -30.00 - 200.00 = -230.00; refunds 15.50;
    #   under by 270.00; 230/500 = 46.00 %.
    [period] = found["Food"].expense.periods
    assert figures(period) == (*NOV, D("-230.00"), D("-500.00"), D("15.50"), True, False, True, D("0.00"),
                               D("270.00"), D("46.00"), D("0.00"))
    # Groceries is still there with its own figures.
    assert figures(found["Groceries"].expense.periods[0]) == GROCERIES_NOV


def test_budget_summary_of_november(ledger, month):
    [package] = analysis.budget_summary(ledger, period="months", interval=1, start=date(2026, 11, 10),
                                        end=date(2026, 11, 20), today=TODAY)
    assert package.category is None and package.is_transfer is False
    # The dates are widened to the whole of November.
    # Expense forecast: Food -100.00, Groceries -400.00 + 30.00 carried = -370.00, Rent -900.00
    #   (Nov 20), Holidays -600.00: -1970.00, of which +30.00 rolled over.
    # Expense actual: Food -30.00, Groceries -200.00, Rent -5.00 - 900.00 = -905.00, Holidays
    #   -650.00, Transport -40.00: -1825.00 (the transfer and the uncategorised row are not
    #   counted); refunds 15.50.
    # Under by 1970.00 - 1825.00 = 145.00; 1825/1970 = 92.6395...% -> 92.64.
    expense = (*NOV, D("-1825.00"), D("-1970.00"), D("15.50"), True, False, True, D("0.00"), D("145.00"),
               D("92.64"), D("30.00"))
    [period] = package.expense.periods
    assert figures(period) == expense
    assert totals(package.expense) == (*NOV, "EUR", D("-1825.00"), D("-1825.00"), D("-1970.00"), D("-1970.00"),
                                       D("0.00"), D("145.00"))
    # Income: Wages planned 3000.00 (Nov 25), received 2950.00, deductions -50.00.
    [period] = package.income.periods
    assert figures(period) == (*NOV, D("2950.00"), D("3000.00"), D("-50.00"), True, False, True, D("0.00"),
                               D("50.00"), D("98.33"), D("0.00"))


def test_trend_analysis_of_october_and_november(ledger, month):
    chosen = [month["food"], month["groceries"], month["rent"], month["wages"]]
    packages = analysis.trend_analysis(ledger, period="months", interval=1, start=date(2026, 10, 15),
                                       end=date(2026, 11, 15), category_ids=chosen,
                                       scenario_ids=[month["primary"]], today=TODAY)
    found = {package.category.name: package for package in packages}
    assert list(found) == ["Food", "Groceries", "Rent", "Wages"]
    # Food: October -80.00 of -100.00 (under 20.00, 80.00 %), November -30.00 of -100.00.
    food = found["Food"].expense
    assert [figures(period) for period in food.periods] == [
        (*OCT, D("-80.00"), D("-100.00"), D("0.00"), False, False, True, D("0.00"), D("20.00"), D("80.00"),
         D("0.00")),
        FOOD_NOV]
    # Totals: actual -110.00 (average -55.00), forecast -200.00 (-100.00), under by 20 + 70 = 90.00.
    assert totals(food) == (date(2026, 10, 1), date(2026, 11, 30), "EUR", D("-110.00"), D("-55.00"),
                            D("-200.00"), D("-100.00"), D("0.00"), D("90.00"))
    # Groceries: its budget begins in October, so nothing rolls into October; -430.00 of
    # -400.00 is over by 30.00 (107.50 %), which November's budget loses (-370.00).
    groceries = found["Groceries"].expense
    assert [figures(period) for period in groceries.periods] == [
        (*OCT, D("-430.00"), D("-400.00"), D("0.00"), False, True, False, D("30.00"), D("0.00"), D("107.50"),
         D("0.00")),
        GROCERIES_NOV]
    # actual -630.00 (-315.00), forecast -400.00 - 370.00 = -770.00 (-385.00), over 30.00, under 170.00.
    assert totals(groceries) == (date(2026, 10, 1), date(2026, 11, 30), "EUR", D("-630.00"), D("-315.00"),
                                 D("-770.00"), D("-385.00"), D("30.00"), D("170.00"))
    # Rent by calendar month: October -900.00 of -900.00; November -905.00 of -900.00, over
    # by 5.00, 905/900 = 100.555...% -> 100.56.
    rent = found["Rent"].expense
    assert [figures(period)[2:] for period in rent.periods] == [
        (D("-900.00"), D("-900.00"), D("0.00"), False, False, True, D("0.00"), D("0.00"), D("100.00"), D("0.00")),
        (D("-905.00"), D("-900.00"), D("0.00"), True, True, False, D("5.00"), D("0.00"), D("100.56"), D("0.00"))]
    # actual -1805.00, average -902.50.
    assert totals(rent)[3:5] == (D("-1805.00"), D("-902.50"))
    # Wages: 3000.00 of 3000.00 in October; 2950.00 of 3000.00 in November.
    wages = found["Wages"].income
    assert [figures(period)[2:] for period in wages.periods] == [
        (D("3000.00"), D("3000.00"), D("0.00"), False, False, True, D("0.00"), D("0.00"), D("100.00"), D("0.00")),
        (D("2950.00"), D("3000.00"), D("-50.00"), True, False, True, D("0.00"), D("50.00"), D("98.33"), D("0.00"))]
    assert found["Wages"].expense is None


def test_trend_analysis_reads_the_scenarios_asked_for(ledger, month):
    [package] = analysis.trend_analysis(ledger, period="months", interval=1, start=date(2026, 11, 1),
                                        end=date(2026, 11, 30), category_ids=[month["groceries"]],
                                        scenario_ids=[month["primary"], month["extra"]], today=TODAY)
    # The extra scenario's -50.00 joins November's plan: -400.00 - 50.00 + 30.00 carried = -420.00;
    # under by 420.00 - 200.00 = 220.00; 200/420 = 47.619...% -> 47.62.
    [period] = package.expense.periods
    assert figures(period) == (*NOV, D("-200.00"), D("-420.00"), D("15.50"), True, False, True, D("0.00"),
                               D("220.00"), D("47.62"), D("30.00"))
    # Only the extra scenario: its -50.00 is the whole plan, and the budget began with it in
    # November, so nothing rolls over. Spent 200.00 of 50.00: over by 150.00, 400.00 %.
    [package] = analysis.trend_analysis(ledger, period="months", interval=1, start=date(2026, 11, 1),
                                        end=date(2026, 11, 30), category_ids=[month["groceries"]],
                                        scenario_ids=[month["extra"]], today=TODAY)
    assert figures(package.expense.periods[0]) == (*NOV, D("-200.00"), D("-50.00"), D("15.50"), True, True, False,
                                                   D("150.00"), D("0.00"), D("400.00"), D("0.00"))
