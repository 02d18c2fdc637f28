"""Closing balances: an account's balance just after each of some of its transactions.

An account's rows run in (occurred_at, id) order, so the balance after a row is the
cached current balance (``Account.balance``) less every live row after it. Whole
later months come from ``MonthlyTotal`` (their net is earned - spent + transferred:
balances._split files an amount under exactly one of the three, as spent with its sign
turned), and only the rows of the row's own month are summed, so a read costs at most
a month of each account's rows and its monthly totals, however long its history.
"""

from sqlalchemy import Date, and_, bindparam, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from spendsense.extensions import db
from spendsense.models import Account, MonthlyTotal, Transaction


def next_month(month):
    return month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)


class month_start(GenericFunction):  # noqa: N801  (a SQL function's name)
    """The first day of a timestamp's month, as MonthlyTotal.month holds it."""

    type = Date()
    inherit_cache = True


class month_after(GenericFunction):  # noqa: N801
    """The first day of the month after the month that starts on a given day."""

    type = Date()
    inherit_cache = True


@compiles(month_start, "sqlite")
def _month_start_sqlite(element, compiler, **kw):
    # SQLite holds a DateTime as 'YYYY-MM-DD HH:MM:SS.ffffff' and a Date as 'YYYY-MM-DD'.
    return f"strftime('%Y-%m-01', {compiler.process(element.clauses, **kw)})"


@compiles(month_start, "postgresql")
def _month_start_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_after, "sqlite")
def _month_after_sqlite(element, compiler, **kw):
    # 'YYYY-MM-01' sorts before every stored time of that day, so "< it" ends the month before.
    return f"date({compiler.process(element.clauses, **kw)}, '+1 month')"


@compiles(month_after, "postgresql")
def _month_after_postgresql(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} + INTERVAL '1 month' AS DATE)"


def closing_balances(ids):
    """{transaction id: balance after it, in minor units} for the live transactions with
    these ids; one statement, the same (and compiled once) whatever the ids.

    The rows are taken in chunks of one account and one month. A chunk's rows from its
    oldest wanted one to the month's end are summed by a window, newest first, so each
    wanted row gets the sum of those after it within its month. The later months are
    read once per account: those after its newest chunk in one sum, those between its
    chunks by a window, so no month is read twice however many chunks a page has.
    """
    if not ids:
        return {}
    txn = Transaction.__table__
    wanted = (select(txn.c.account_id, month_start(txn.c.occurred_at).label("month"), txn.c.occurred_at)
              .where(txn.c.id.in_(bindparam("ids", expanding=True))).subquery("wanted"))
    chunks = (select(wanted.c.account_id, wanted.c.month, func.min(wanted.c.occurred_at).label("low"),
                     month_after(wanted.c.month).label("high"))
              .group_by(wanted.c.account_id, wanted.c.month).cte("chunks"))
    span = (select(chunks.c.account_id, func.min(chunks.c.month).label("first"),
                   func.max(chunks.c.month).label("last"))
            .group_by(chunks.c.account_id).cte("spans"))
    # Windows end at the current row (a frame offset would be a bound parameter, which
    # not every backend takes there), so the row's own amount is taken off again.
    later_in_month = func.sum(txn.c.amount).over(
        partition_by=(chunks.c.account_id, chunks.c.month), order_by=(txn.c.occurred_at.desc(), txn.c.id.desc()),
        rows=(None, 0)) - txn.c.amount
    scanned = (
        select(txn.c.id, chunks.c.account_id, chunks.c.month, later_in_month.label("later"))
        .select_from(chunks.join(txn, and_(txn.c.account_id == chunks.c.account_id,
                                           txn.c.occurred_at >= chunks.c.low, txn.c.occurred_at < chunks.c.high,
                                           txn.c.deleted_at.is_(None))))
        .subquery("scanned"))
    months = MonthlyTotal.__table__
    net = months.c.earned - months.c.spent + months.c.transferred
    after_last = (select(span.c.account_id, func.sum(net).label("total"))
                  .join(months, and_(months.c.account_id == span.c.account_id, months.c.month > span.c.last))
                  .group_by(span.c.account_id).subquery("after_last"))
    within = (select(months.c.account_id, months.c.month,
                     (func.sum(net).over(partition_by=months.c.account_id, order_by=months.c.month.desc(),
                                         rows=(None, 0)) - net).label("total"))
              .join(span, and_(months.c.account_id == span.c.account_id, months.c.month >= span.c.first,
                               months.c.month <= span.c.last))
              .subquery("within"))
    accounts = Account.__table__
    closing = (accounts.c.balance - func.coalesce(scanned.c.later, 0) - func.coalesce(after_last.c.total, 0)
               - func.coalesce(within.c.total, 0))
    statement = (select(scanned.c.id, closing)
                 .join(accounts, accounts.c.id == scanned.c.account_id)
                 .outerjoin(after_last, after_last.c.account_id == scanned.c.account_id)
                 .outerjoin(within, and_(within.c.account_id == scanned.c.account_id,
                                         within.c.month == scanned.c.month))
                 .where(scanned.c.id.in_(bindparam("ids", expanding=True))))
    return {txn_id: int(balance) for txn_id, balance in db.session.execute(statement, {"ids": list(ids)})}
