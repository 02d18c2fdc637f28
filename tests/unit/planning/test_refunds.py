"""Refunds through the transaction command: an expense category whose credits are
refunds takes money back in, and its budget counts it off the spending; a plain
expense category still refuses an income (resolver.check_kind)."""

from datetime import date
from decimal import Decimal

import pytest

from spendsense.services.errors import Invalid
from spendsense.services.ledger import categories
from spendsense.services.planning import analysis


@pytest.fixture
def clothes(ledger):
    return categories.create_category(ledger, "Clothes", "👕", "spent", refund_behaviour="credits_are_refunds").id


def test_a_refund_is_recorded_in_a_refund_category_and_taken_off_its_spending(
        ledger, clothes, make_event, book, today):
    make_event(category_id=clothes, amount="-100.00", date=date(2026, 12, 1))
    book("-80.00", clothes, date(2026, 12, 2))
    book("30.00", clothes, date(2026, 12, 3))  # the shop took a shirt back
    [package] = [p for p in analysis.budget(ledger, today=today) if p.category.id == clothes]
    [period] = package.expense.periods
    # Spent 80, refunded 30: 50 of the 100 used.
    assert (period.actual, period.refund, period.forecast) == (Decimal("-50.00"), Decimal("30.00"),
                                                              Decimal("-100.00"))
    assert period.under_by == Decimal("50.00") and period.percentage_used == Decimal("50")


def test_a_plain_expense_category_still_refuses_an_income(ledger, groceries, book):
    with pytest.raises(Invalid) as caught:
        book("30.00", groceries, date(2026, 12, 3))
    assert "expense category" in str(caught.value.errors)


def test_an_income_category_with_deductions_takes_a_debit(ledger, book):
    wages = categories.create_category(ledger, "Pay", "💶", "earn", refund_behaviour="debits_are_deductions").id
    book("-12.00", wages, date(2026, 12, 3))  # a payroll correction
    with pytest.raises(Invalid):
        book("-12.00", categories.create_category(ledger, "Gifts in", "🎁", "earn").id, date(2026, 12, 3))
