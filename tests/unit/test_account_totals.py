"""The all-time totals cached on each account (spent, earned, transferred, count) follow
every change of its transactions, and check-balances finds and mends a wrong one."""

from sqlalchemy import select, update

from spendsense.extensions import db
from spendsense.models import Account
from spendsense.services.ledger import balances
from tests import factories


def cached(account_id):
    db.session.rollback()
    return tuple(db.session.execute(select(Account.total_spent, Account.total_earned, Account.total_transferred,
                                     Account.total_count).where(Account.id == account_id)).one())


def test_totals_follow_creates_edits_and_deletes(ledger, account, savings):
    lunch = factories.create_transaction(ledger, account_id=account, amount="-12.50", occurred_at="2001-02-03")
    factories.create_transaction(ledger, account_id=account, amount="100", occurred_at="2024-06-01")
    assert cached(account) == (1250, 10000, 0, 2)
    factories.update_transaction(ledger, lunch.id, amount="-2.50", occurred_at="1990-01-01")
    assert cached(account) == (250, 10000, 0, 2)
    factories.update_transaction(ledger, lunch.id, account_id=savings)
    assert cached(account) == (0, 10000, 0, 1)
    assert cached(savings) == (250, 0, 0, 1)
    factories.delete_transaction(ledger, lunch.id)
    assert cached(savings) == (0, 0, 0, 0)


def test_transfers_are_neither_spent_nor_earned(ledger, account, savings):
    factories.create_transfer(ledger, amount="30", from_account_id=account, to_account_id=savings,
                              occurred_at="2024-05-05")
    assert cached(account) == (0, 0, -3000, 1)
    assert cached(savings) == (0, 0, 3000, 1)


def test_check_balances_finds_and_mends_wrong_totals(ledger, account):
    factories.create_transaction(ledger, account_id=account, amount="-5", occurred_at="2024-06-01")
    db.session.execute(update(Account).where(Account.id == account).values(total_spent=1, total_count=7))
    db.session.commit()
    [problem] = balances.recompute(db.session)
    assert "all-time totals (1, 0, 0, 7)" in problem and "(500, 0, 0, 1)" in problem
    assert balances.recompute(db.session, fix=True) == [problem]
    assert balances.recompute(db.session) == []
    assert cached(account) == (500, 0, 0, 1)
