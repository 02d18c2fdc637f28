"""Pages of transactions as the PocketSmith-style lists read them: newest first (date,
then id), filtered, numbered pages, each row with what its answer shows (category,
labels, account with institution, closing balance).

A page is placed by counts per month: the total, and the month that holds the page's
first row, come from one pass over the months, newest first, so the page's SELECT
starts at that month's end and skips only rows of that one month, never the history
before it. A ledger's or an account's list, with at most a date range, takes its counts
from the cache (``MonthlyTotal.count``; a month the range cuts is counted), so page
1000 costs what page 1 costs whatever the size of the history. Other filters (search,
type, category, ...) have no cached counts: their rows are counted per month in one
read of the list's scope, which grows with the history (page 1000 still costs what
page 1 does).

The statements per page do not depend on its size or number: the ledger's accounts
with their institutions, the location, the rows, their labels, their categories and
the closing balances (running.py).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import BigInteger, Date, case, func, literal, select, union_all

from spendsense.extensions import db
from spendsense.models import Category, Label, MonthlyTotal, Transaction, transaction_labels
from spendsense.services.errors import NotFound
from spendsense.services.ledger import search
from spendsense.services.ledger.accounts import with_institutions
from spendsense.services.ledger.running import closing_balances, month_start, next_month
from spendsense.services.validation import is_row_id

NOT_FOUND = "Transaction not found"
ORDER = (Transaction.occurred_at.desc(), Transaction.id.desc())
COLUMNS = (Transaction.id, Transaction.account_id, Transaction.category_id, Transaction.amount,
           Transaction.occurred_at, Transaction.payee, Transaction.original_payee, Transaction.description,
           Transaction.memo, Transaction.cheque_number, Transaction.status, Transaction.needs_review,
           Transaction.transfer_id, Transaction.source, Transaction.foreign_amount, Transaction.foreign_currency,
           Transaction.created_at, Transaction.updated_at)


@dataclass(frozen=True)
class Filters:
    """What a list keeps; every field at its default keeps everything."""

    start: date | None = None  # inclusive
    end: date | None = None  # inclusive
    updated_since: datetime | None = None  # naive UTC, inclusive
    uncategorised: bool = False  # no category and not a transfer leg
    type: str | None = None  # "debit" (amount < 0) or "credit"
    needs_review: bool = False
    search: str | None = None  # payee, note, memo or amount
    category_ids: tuple[int, ...] = ()

    @property
    def dates_only(self):
        """True when cached month counts can count and place the list's rows."""
        return not (self.updated_since or self.uncategorised or self.type or self.needs_review or self.search
                    or self.category_ids)


@dataclass
class Listed:
    """Transaction rows (COLUMNS) and what their answers need, keyed by id."""

    rows: list
    total: int = 0
    labels: dict = field(default_factory=dict)  # transaction id -> label names, in name order
    categories: dict = field(default_factory=dict)  # category id -> row
    accounts: dict = field(default_factory=dict)  # account id -> (account row, institution row or None)
    closing: dict = field(default_factory=dict)  # transaction id -> closing balance, minor units


def page(ledger_id, filters, *, limit, offset, account_id=None):
    """The ``limit`` rows from ``offset`` of the ledger's (or one account's) live
    transactions that pass ``filters``, newest first, and their total."""
    accounts = _accounts(ledger_id)
    if account_id is not None and account_id not in accounts:
        raise NotFound("Account not found")
    if filters.start is not None and filters.end is not None and filters.start > filters.end:
        return _complete(Listed(rows=[]), accounts)
    where = [*_scope(ledger_id, account_id), *_conditions(ledger_id, filters, accounts)]
    if filters.dates_only:
        months = _month_counts(ledger_id, account_id, filters)
    else:
        months = _counted_months(where)
    total, rows = _placed(months, where, limit=limit, offset=offset)
    return _complete(Listed(rows=rows, total=total), accounts)


def one(ledger_id, txn_id):
    """One live transaction of the ledger as a one-row ``Listed``, else NotFound."""
    rows = _rows([*_scope(ledger_id), Transaction.id == txn_id], limit=1, offset=0) if is_row_id(txn_id) else []
    if not rows:
        raise NotFound(NOT_FOUND)
    return _complete(Listed(rows=rows, total=1), _accounts(ledger_id))


def _scope(ledger_id, account_id=None):
    """The live rows of the ledger, or of one of its accounts (known to be the ledger's:
    naming the ledger too would lead SQLite to the ledger's index instead of the
    account's, and through every account's rows)."""
    if account_id is not None:
        return [Transaction.account_id == account_id, Transaction.deleted_at.is_(None)]
    return [Transaction.ledger_id == ledger_id, Transaction.deleted_at.is_(None)]


def _rows(where, *, limit, offset):
    return db.session.execute(select(*COLUMNS).where(*where).order_by(*ORDER).limit(limit).offset(offset)).all()


def _start_of(day):
    return datetime.combine(day, time.min)


def _date_range(filters):
    where = []
    if filters.start is not None:
        where.append(Transaction.occurred_at >= _start_of(filters.start))
    if filters.end is not None:
        where.append(Transaction.occurred_at < _start_of(filters.end + timedelta(days=1)))
    return where


def _conditions(ledger_id, filters, accounts):
    where = _date_range(filters)
    if filters.updated_since is not None:
        where.append(Transaction.updated_at >= filters.updated_since)
    if filters.uncategorised:
        where += [Transaction.category_id.is_(None), Transaction.transfer_id.is_(None)]
    if filters.type == "debit":
        where.append(Transaction.amount < 0)
    elif filters.type == "credit":
        where.append(Transaction.amount >= 0)
    if filters.needs_review:
        where.append(Transaction.needs_review.is_(True))
    if filters.category_ids:
        where.append(Transaction.category_id.in_(filters.category_ids))
    if filters.search:
        where.append(search.matching(ledger_id, filters.search, accounts))
    return where


def _month_windows(filters):
    """The months the date range covers in part, as {month: (from, until)}; every
    other month of the range is whole."""
    start, end = filters.start, filters.end
    windows = {}
    if start is not None and start.day != 1:
        month = start.replace(day=1)
        until = next_month(month) if end is None else min(next_month(month), end + timedelta(days=1))
        windows[month] = (start, until)
    if end is not None and (end + timedelta(days=1)).day != 1:
        month = end.replace(day=1)
        begin = month if start is None else max(month, start)
        windows[month] = (begin, end + timedelta(days=1))
    return windows


def _month_counts(ledger_id, account_id, filters):
    """A SELECT of (month, n): the rows of each month of the range, newest first to
    be summed: whole months from the cached counts, the range's cut months counted."""
    totals = MonthlyTotal.__table__
    windows = _month_windows(filters)
    whole = select(totals.c.month.label("month"), func.sum(totals.c.count).label("n")).where(
        totals.c.account_id == account_id if account_id is not None else totals.c.ledger_id == ledger_id)
    if windows:
        whole = whole.where(totals.c.month.not_in(list(windows)))
    if filters.start is not None:
        whole = whole.where(totals.c.month >= filters.start.replace(day=1))
    if filters.end is not None:
        whole = whole.where(totals.c.month <= filters.end)
    parts = [whole.group_by(totals.c.month)]
    for month, (begin, until) in windows.items():
        parts.append(select(literal(month, Date).label("month"), func.count().label("n"))
                     .select_from(Transaction)
                     .where(*_scope(ledger_id, account_id), Transaction.occurred_at >= _start_of(begin),
                            Transaction.occurred_at < _start_of(until)))
    return union_all(*parts).cte("months") if len(parts) > 1 else parts[0].cte("months")


def _counted_months(where):
    """(month, n) of the rows ``where`` keeps, counted: filters beyond dates have no
    cached counts, so the rows are read once, and the page's SELECT then skips rows of
    its own month only."""
    month = month_start(Transaction.occurred_at).label("month")
    return select(month, func.count().label("n")).where(*where).group_by(month).cte("months")


def _placed(months, where, *, limit, offset):
    """(total, rows): the ``limit`` rows from ``offset`` of those ``where`` keeps, found
    through ``months``' counts. In one pass over the months, newest first, the newest
    whose running count passes the offset holds the page's first row (when none does,
    the page is past the end); the page's SELECT starts at that month's end."""
    through = func.sum(months.c.n).over(order_by=months.c.month.desc(), rows=(None, 0))
    running = select(months.c.month, (through - months.c.n).label("before"), through.label("through"),
                     func.sum(months.c.n).over().label("total")).subquery("running")
    # BIGINT: a page number a client makes up can put the offset past INTEGER.
    holds = running.c.through > literal(offset, BigInteger())
    total, month, before = db.session.execute(select(
        func.coalesce(func.max(running.c.total), 0), func.max(case((holds, running.c.month))),
        func.min(case((holds, running.c.before))))).one()
    if month is None:
        return int(total), []
    if isinstance(month, str):
        month = date.fromisoformat(month)
    bounded = [*where, Transaction.occurred_at < _start_of(next_month(month))]
    return int(total), _rows(bounded, limit=limit, offset=offset - int(before))


def _accounts(ledger_id):
    """{id: (account, institution or None)} of the ledger's live accounts (a ledger has
    a handful: what the page's rows and an amount search need, in one SELECT)."""
    return {account.id: (account, institution) for account, institution in with_institutions(ledger_id)}


def _complete(listed, accounts):
    rows = listed.rows
    listed.accounts = accounts
    if not rows:
        return listed
    ids = [row.id for row in rows]
    for transaction_id, name in db.session.execute(
            select(transaction_labels.c.transaction_id, Label.name)
            .join(Label, Label.id == transaction_labels.c.label_id)
            .where(transaction_labels.c.transaction_id.in_(ids)).order_by(Label.name)):
        listed.labels.setdefault(transaction_id, []).append(name)
    category_ids = {row.category_id for row in rows if row.category_id is not None}
    if category_ids:
        listed.categories = {row.id: row for row in db.session.execute(
            select(Category.__table__).where(Category.id.in_(category_ids)))}
    listed.closing = closing_balances(ids)
    return listed
