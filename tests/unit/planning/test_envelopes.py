"""Envelopes over September to December 2026, worked out by hand (Actual Budget's rule).

Alice (EUR) budgets Groceries with an event (-300.00 monthly from 2026-09-01) and assigns
money by hand: Rent 900.00 in September and October, 850.00 in November (Rent rolls
over, so its overspending carries); Groceries 350.00 in October (instead of its event's
300.00); Fun 100.00 in October only. Her income is Wages.

| month | Wages   | Groceries | Rent    | Fun     |
|-------|---------|-----------|---------|---------|
| Sep   | 3000.00 | -250.00   | -950.00 | -40.00  |
| Oct   | 3000.00 | -400.00   | -900.00 | -60.00  |
| Nov   | 2000.00 | -280.00   | -800.00 | -150.00 |
| Dec   | -       | -         | -       | -       |
"""

from datetime import date
from decimal import Decimal

import pytest

from spendsense.extensions import db
from spendsense.models.planning import BudgetAssignment
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import categories
from spendsense.services.planning import analysis, envelopes, events

D = Decimal
TODAY = date(2026, 11, 20)


@pytest.fixture
def plan(ledger, scenario, book):
    groceries = categories.create_category(ledger, "Groceries", "🛒", "spent").id
    rent = categories.create_category(ledger, "Rent", "🏠", "spent").id
    fun = categories.create_category(ledger, "Fun", "🎉", "spent").id
    wages = categories.create_category(ledger, "Wages", "💼", "earn").id
    events.create_event(ledger, scenario, category_id=groceries, amount="-300.00", date=date(2026, 9, 1),
                        repeat_type="monthly")
    for category_id, month, amount in ((rent, date(2026, 9, 1), "900.00"), (rent, date(2026, 10, 15), "900"),
                                       (rent, date(2026, 11, 1), "850.00"), (groceries, date(2026, 10, 1), "350"),
                                       (fun, date(2026, 10, 1), "100.00")):
        envelopes.assign(ledger, category_id, month, amount)
    analysis.set_rollover(ledger, rent, True)
    for month, income, spending in ((9, "3000.00", ("-250.00", "-950.00", "-40.00")),
                                    (10, "3000.00", ("-400.00", "-900.00", "-60.00")),
                                    (11, "2000.00", ("-280.00", "-800.00", "-150.00"))):
        book(income, wages, date(2026, month, 25))
        for category_id, amount in zip((groceries, rent, fun), spending, strict=True):
            book(amount, category_id, date(2026, month, 10))
    return {"groceries": groceries, "rent": rent, "fun": fun, "wages": wages}


def rows(result):
    """{category name: (assigned, spent, carried, leftover)}."""
    return {envelope.category.name: (envelope.assigned, envelope.spent, envelope.carried, envelope.leftover)
            for envelope in result.envelopes}


def head(result):
    return (result.month, result.currency, result.carried_in, result.income, result.assigned,
            result.overspent_before, result.available_to_budget, result.current)


def test_september_starts_the_envelopes(ledger, plan):
    result = envelopes.month(ledger, date(2026, 9, 14), today=TODAY)
    # Groceries: its event's 300.00 - 250.00 = 50.00 left (carries: it is positive).
    # Rent: 900.00 - 950.00 = -50.00 (carries: Rent rolls over).
    # Fun: nothing assigned, -40.00 spent: -40.00 (does not carry: it comes off October's
    #   available to budget).
    assert rows(result) == {"Groceries": (D("300.00"), D("-250.00"), D("0.00"), D("50.00")),
                            "Rent": (D("900.00"), D("-950.00"), D("0.00"), D("-50.00")),
                            "Fun": (D("0.00"), D("-40.00"), D("0.00"), D("-40.00"))}
    # Available: 0 + 3000.00 income - (300.00 + 900.00) assigned - 0 = 1800.00.
    assert head(result) == (date(2026, 9, 1), "EUR", D("0.00"), D("3000.00"), D("1200.00"), D("0.00"),
                            D("1800.00"), False)
    assert [envelope.rollover for envelope in result.envelopes] == [False, True, False]


def test_october_carries_the_leftovers_and_takes_off_the_overspending(ledger, plan):
    result = envelopes.month(ledger, date(2026, 10, 31), today=TODAY)
    # Groceries: 350.00 assigned (the row wins over the event's 300.00) - 400.00 + 50.00 = 0.00.
    # Rent: 900.00 - 900.00 - 50.00 carried = -50.00 (carries again).
    # Fun: 100.00 - 60.00 + 0 (September's -40.00 did not carry) = 40.00.
    assert rows(result) == {"Groceries": (D("350.00"), D("-400.00"), D("50.00"), D("0.00")),
                            "Rent": (D("900.00"), D("-900.00"), D("-50.00"), D("-50.00")),
                            "Fun": (D("100.00"), D("-60.00"), D("0.00"), D("40.00"))}
    # Available: 1800.00 + 3000.00 - (350.00 + 900.00 + 100.00) - 40.00 (Fun's overspending
    # in September) = 3410.00.
    assert head(result) == (date(2026, 10, 1), "EUR", D("1800.00"), D("3000.00"), D("1350.00"), D("40.00"),
                            D("3410.00"), False)


def test_november_and_the_month_after(ledger, plan):
    result = envelopes.month(ledger, date(2026, 11, 1), today=TODAY)
    # Groceries: 300.00 (event) - 280.00 + 0.00 = 20.00.
    # Rent: 850.00 - 800.00 - 50.00 = 0.00.
    # Fun: 0 - 150.00 + 40.00 = -110.00 (does not carry).
    assert rows(result) == {"Groceries": (D("300.00"), D("-280.00"), D("0.00"), D("20.00")),
                            "Rent": (D("850.00"), D("-800.00"), D("-50.00"), D("0.00")),
                            "Fun": (D("0.00"), D("-150.00"), D("40.00"), D("-110.00"))}
    # Available: 3410.00 + 2000.00 - (300.00 + 850.00) - 0 = 4260.00; November is current.
    assert head(result) == (date(2026, 11, 1), "EUR", D("3410.00"), D("2000.00"), D("1150.00"), D("0.00"),
                            D("4260.00"), True)
    december = envelopes.month(ledger, date(2026, 12, 5), today=TODAY)
    # Groceries: 300.00 (event) + 20.00 carried = 320.00; Rent and Fun hold nothing (Fun starts
    # at 0 and its 110.00 comes off the available): 4260.00 + 0 - 300.00 - 110.00 = 3850.00.
    assert rows(december) == {"Groceries": (D("300.00"), D("0.00"), D("20.00"), D("320.00"))}
    assert head(december) == (date(2026, 12, 1), "EUR", D("4260.00"), D("0.00"), D("300.00"), D("110.00"),
                              D("3850.00"), False)


def test_taking_an_assignment_away_falls_back_to_the_events(ledger, plan):
    assert envelopes.assign(ledger, plan["groceries"], date(2026, 10, 3), "") is None
    result = envelopes.month(ledger, date(2026, 10, 1), today=TODAY)
    # Groceries now has its event's 300.00: 300.00 - 400.00 + 50.00 = -50.00 (no carry);
    # available 1800.00 + 3000.00 - (300.00 + 900.00 + 100.00) - 40.00 = 3460.00.
    assert rows(result)["Groceries"] == (D("300.00"), D("-400.00"), D("50.00"), D("-50.00"))
    assert result.available_to_budget == D("3460.00")
    # An assignment of 0 is kept: it says "nothing this month", whatever the events plan.
    envelopes.assign(ledger, plan["groceries"], date(2026, 12, 1), "0")
    assert rows(envelopes.month(ledger, date(2026, 12, 1), today=TODAY))["Groceries"][0] == D("0.00")


def test_assign_changes_the_months_row(ledger, plan):
    row = envelopes.assign(ledger, plan["fun"], date(2026, 10, 20), "75.50")
    assert (row.month, row.amount) == (date(2026, 10, 1), 7550)
    assert db.session.query(BudgetAssignment).filter_by(category_id=plan["fun"]).count() == 1


@pytest.mark.parametrize("amount, field", [("abc", "amount"), ("1.234", "amount")])
def test_assign_refuses_bad_amounts(ledger, plan, amount, field):
    with pytest.raises(Invalid) as caught:
        envelopes.assign(ledger, plan["fun"], date(2026, 10, 1), amount)
    assert field in caught.value.errors


def test_only_expense_categories_have_envelopes(ledger, plan, transfer_category):
    for category_id in (plan["wages"], transfer_category):
        with pytest.raises(Invalid) as caught:
            envelopes.assign(ledger, category_id, date(2026, 10, 1), "10")
        assert caught.value.errors == {"category": envelopes.NOT_AN_ENVELOPE}


def test_another_ledgers_category_is_not_found(ledger, plan, other_ledger):
    bobs = categories.create_category(other_ledger, "Bob's", "🧢", "spent").id
    with pytest.raises(NotFound):
        envelopes.assign(ledger, bobs, date(2026, 10, 1), "10")
    # And Bob's envelopes know nothing of Alice's.
    result = envelopes.month(other_ledger, date(2026, 10, 1), today=TODAY)
    assert (result.envelopes, result.income, result.available_to_budget) == ([], D("0.00"), D("0.00"))


def test_a_ledger_without_a_budget_starts_in_the_month_asked_for(ledger, account, book):
    fun = categories.create_category(ledger, "Fun", "🎉", "spent").id
    book("-20.00", fun, date(2026, 5, 2))
    result = envelopes.month(ledger, date(2026, 6, 1), today=TODAY)
    # Nothing is budgeted: June is the first month, May's spending is before the envelopes.
    assert (result.carried_in, result.overspent_before, result.available_to_budget, result.envelopes) == (
        D("0.00"), D("0.00"), D("0.00"), [])
