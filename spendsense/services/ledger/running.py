"""Closing balances: an account's balance just after each of some of its transactions.

An account's rows run in (occurred_at, id) order, so the balance after a row is the
cached current balance (``Account.balance``) less every live row after it. Whole
later months come from ``MonthlyTotal`` (their net is earned - spent + transferred:
balances._split files an amount under exactly one of the three, as spent with its sign
turned), and only the rows of the row's own month are summed, so a read costs at most
a month of one account's rows, however long its history.
"""

from datetime import datetime, time

from sqlalchemy import Date, DateTime, Integer, and_, column, func, select, values

from spendsense.extensions import db
from spendsense.models import Account, MonthlyTotal, Transaction
from spendsense.services.ledger.balances import month_of


def next_month(month):
    return month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)


def closing_balances(rows):
    """{transaction id: balance after it, in minor units} for ``rows`` of live
    transactions, each with ``id``, ``account_id`` and ``occurred_at``; one statement.

    The rows are taken in chunks of one account and one month; a chunk's rows from its
    oldest wanted one to the month's end are summed by a window, newest first, so each
    wanted row gets the sum of those after it within the month.
    """
    if not rows:
        return {}
    oldest = {}
    for row in rows:
        key = (row.account_id, month_of(row.occurred_at))
        if key not in oldest or row.occurred_at < oldest[key]:
            oldest[key] = row.occurred_at
    chunks = values(column("chunk", Integer), column("account_id", Integer), column("month", Date),
                    column("low", DateTime), column("high", DateTime), name="chunks").data([
        (index, account_id, month, low, datetime.combine(next_month(month), time.min))
        for index, ((account_id, month), low) in enumerate(sorted(oldest.items()))]).cte("chunks")
    txn = Transaction.__table__
    later_in_month = func.sum(txn.c.amount).over(
        partition_by=chunks.c.chunk, order_by=(txn.c.occurred_at.desc(), txn.c.id.desc()), rows=(None, -1))
    scanned = (
        select(txn.c.id, chunks.c.account_id, chunks.c.month, later_in_month.label("later"))
        .select_from(chunks.join(txn, and_(txn.c.account_id == chunks.c.account_id,
                                           txn.c.occurred_at >= chunks.c.low, txn.c.occurred_at < chunks.c.high,
                                           txn.c.deleted_at.is_(None))))
        .subquery("scanned"))
    months = MonthlyTotal.__table__
    later_months = (
        select(func.sum(months.c.earned - months.c.spent + months.c.transferred))
        .where(months.c.account_id == scanned.c.account_id, months.c.month > scanned.c.month)
        .scalar_subquery())
    accounts = Account.__table__
    closing = (accounts.c.balance - func.coalesce(scanned.c.later, 0) - func.coalesce(later_months, 0))
    statement = (select(scanned.c.id, closing)
                 .join(accounts, accounts.c.id == scanned.c.account_id)
                 .where(scanned.c.id.in_([row.id for row in rows])))
    return {txn_id: int(balance) for txn_id, balance in db.session.execute(statement)}
