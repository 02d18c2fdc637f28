"""Reading the database behind the services' backs, to check what they left there."""

from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Account, MonthlyTotal, Transaction
from spendsense.services.ledger import balances


def assert_consistent():
    """The invariant: cached balances and monthly totals equal their transactions."""
    db.session.rollback()
    assert balances.recompute(db.session) == []


def balance(account_id):
    """The cached balance, in minor units, as stored right now."""
    db.session.rollback()
    return db.session.scalar(select(Account.balance).where(Account.id == account_id))


def months(account_id):
    """{month: (spent, earned, transferred, count)} of the account, zero rows left out."""
    db.session.rollback()
    rows = db.session.scalars(select(MonthlyTotal).where(MonthlyTotal.account_id == account_id))
    return {row.month: (row.spent, row.earned, row.transferred, row.count)
            for row in rows if (row.spent, row.earned, row.transferred, row.count) != (0, 0, 0, 0)}


def row(txn_id):
    """The transaction as stored, tombstones included."""
    db.session.rollback()
    return db.session.get(Transaction, txn_id, populate_existing=True)


def live_count(account_id):
    db.session.rollback()
    return len(db.session.scalars(select(Transaction.id).where(
        Transaction.account_id == account_id, Transaction.deleted_at.is_(None))).all())
