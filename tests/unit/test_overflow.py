"""Balances and totals stay inside BIGINT: a write that would leave it is refused whole.

Before the guard, 9,240 maximal incomes made a SQLite balance a REAL (9.24e18) and broke
/profile and check-balances for the whole instance.
"""

from decimal import Decimal

import pytest
from sqlalchemy import update

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account
from spendsense.services.errors import Invalid
from spendsense.services.ledger import balances, transactions
from spendsense.services.ledger.commands import NewTransaction
from tests.unit.helpers import balance, live_count

LARGEST = Decimal(money.MAX_MINOR) / 100  # the largest single EUR amount


def near_the_limit(account):
    """An account opened just under the limit (as years of a central bank's books might be)."""
    start = balances.LIMIT - money.MAX_MINOR // 2
    db.session.execute(update(Account).where(Account.id == account).values(opening_balance=start, balance=start))
    db.session.commit()
    return start


def test_an_income_past_the_limit_is_refused_and_changes_nothing(ledger, account):
    start = near_the_limit(account)
    with pytest.raises(Invalid) as caught:
        transactions.record(ledger, NewTransaction(amount=LARGEST, account_id=account))
    assert caught.value.message == balances.TOO_LARGE
    with pytest.raises(Invalid):
        transactions.record_many(ledger, [NewTransaction(amount=LARGEST / 4, account_id=account)] * 3)
    assert balance(account) == start and live_count(account) == 0
    transactions.record(ledger, NewTransaction(amount=-LARGEST, account_id=account))  # money out still works
    assert balance(account) == start - money.MAX_MINOR


def test_a_batch_larger_than_any_balance_is_refused(ledger, account):
    with pytest.raises(Invalid) as caught:
        transactions.record_many(ledger, [NewTransaction(amount=LARGEST, account_id=account)] * 10_000)
    assert caught.value.message == balances.TOO_LARGE
    assert balance(account) == 0 and live_count(account) == 0
