"""Planning fixtures shared by the planning tests: Alice's ledger (base currency EUR,
week starting on Monday, time zone UTC), her EUR current account (tests/unit/conftest.py)
and its primary scenario, a spent and an earn category of her own, a fixed "today",
and shorthands to plan an event and to book a transaction.

Bob's ledger, account and scenario are there to check that nothing of his is seen.
"""

from datetime import date, datetime

import pytest

from spendsense.services.ledger import accounts, categories
from spendsense.services.planning import events, scenarios
from spendsense.services.scope import ledger_for
from tests.factories import create_transaction

# The machine's date when these tests were written (briefing): services never read the clock.
TODAY = date(2026, 12, 1)


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def scenario(ledger, account):
    """The primary scenario of Alice's current account (made with the account)."""
    return scenarios.primary_for(ledger, account).id


@pytest.fixture
def groceries(ledger):
    """A spent category of Alice's own."""
    return categories.create_category(ledger, "Groceries", "🛒", "spent").id


@pytest.fixture
def salary(ledger):
    """An earn category of Alice's own."""
    return categories.create_category(ledger, "Wages", "💼", "earn").id


@pytest.fixture
def transfer_category(ledger):
    return categories.create_category(ledger, "To savings", "🏦", "spent", is_transfer=True).id


@pytest.fixture
def make_event(ledger, scenario, groceries):
    """create_event with defaults: -50.00 of groceries monthly from 2026-01-31."""
    def _make(**fields):
        fields.setdefault("category_id", groceries)
        fields.setdefault("amount", "-50.00")
        fields.setdefault("date", date(2026, 1, 31))
        fields.setdefault("repeat_type", "monthly")
        return events.create_event(ledger, fields.pop("scenario_id", scenario), **fields)

    return _make


@pytest.fixture
def book(ledger, account):
    """Record a transaction in Alice's account: book("-12.50", groceries, date(2026, 11, 3))."""
    def _book(amount, category_id, day, *, account_id=None, payee="Shop"):
        return create_transaction(ledger, amount=amount, account_id=account_id or account, category_id=category_id,
                                  occurred_at=datetime.combine(day, datetime.min.time()), payee=payee)

    return _book


@pytest.fixture
def other_ledger(other_user):
    return ledger_for(other_user)


@pytest.fixture
def other_account(other_ledger):
    return accounts.create_account(other_ledger, "Bob's current", currency="EUR").id


@pytest.fixture
def other_scenario(other_ledger, other_account):
    return scenarios.primary_for(other_ledger, other_account).id
