"""Pages of transactions as the PocketSmith-style lists read them: newest first (date,
then id), filtered, numbered pages, each row with what its answer shows (category,
labels, account with institution, closing balance).

Page 1000 costs what page 1 costs when the list is a ledger's or an account's, with at
most a date range: the cached per-month counts (``MonthlyTotal.count``) give the total
and the month that holds the page's first row, so the page's SELECT starts at that
month's end and skips only rows of that one month. Other filters (search, type,
category, ...) have no cached counts: those lists are counted with COUNT(*) and skipped
with OFFSET, so their cost grows with the rows they match.

The statements per page do not depend on its size or number: the location (or
count), the rows, their labels, their categories, the ledger's accounts with their
institutions, and the closing balances (running.py).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Date, and_, case, func, literal, or_, select, union_all

from spendsense import money
from spendsense.extensions import db
from spendsense.models import (
    Account,
    Category,
    Institution,
    Label,
    MonthlyTotal,
    Transaction,
    transaction_labels,
)
from spendsense.services.errors import NotFound
from spendsense.services.ledger.running import closing_balances, next_month
from spendsense.services.validation import is_row_id

NOT_FOUND = "Transaction not found"
# A search that reads as an amount ("12.50", "-12.5") also matches that amount.
AMOUNT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
ORDER = (Transaction.occurred_at.desc(), Transaction.id.desc())
COLUMNS = (Transaction.id, Transaction.account_id, Transaction.category_id, Transaction.amount,
           Transaction.occurred_at, Transaction.payee, Transaction.original_payee, Transaction.description,
           Transaction.memo, Transaction.cheque_number, Transaction.status, Transaction.needs_review,
           Transaction.transfer_id, Transaction.source, Transaction.created_at, Transaction.updated_at)


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
    where = _scope(ledger_id, account_id)
    if filters.dates_only:
        total, rows = _by_months(ledger_id, account_id, filters, where, limit=limit, offset=offset)
    else:
        where += _conditions(filters, accounts)
        total = db.session.scalar(select(func.count()).select_from(Transaction).where(*where))
        rows = _rows(where, limit=limit, offset=offset) if offset < total else []
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


def _conditions(filters, accounts):
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
        where.append(_search(filters.search, accounts))
    return where


def _search(text, accounts):
    """Payee, note or memo containing ``text`` (ASCII letters in any case), or, when
    ``text`` reads as a number, an amount equal to it: signed, it matches that sign
    only; unsigned, either (a list shows a debit of 12.50 as -12.50)."""
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    matches = [func.lower(column).like(pattern, escape="\\")
               for column in (Transaction.payee, Transaction.description, Transaction.memo)]
    text = text.strip()
    if AMOUNT.fullmatch(text):
        number = Decimal(text)
        signs = (1,) if text[0] in "+-" else (1, -1)
        by_places = {}
        for account, _institution in accounts.values():
            by_places.setdefault(money.places(account.currency), []).append(account.id)
        for places, account_ids in sorted(by_places.items()):
            minor = number.scaleb(places)
            if minor == minor.to_integral_value() and minor.adjusted() < 18:
                matches.append(and_(Transaction.account_id.in_(account_ids),
                                    Transaction.amount.in_(sorted({sign * int(minor) for sign in signs}))))
    return or_(*matches)


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


def _by_months(ledger_id, account_id, filters, where, *, limit, offset):
    """(total, rows) of a list with at most a date range, placed by month counts."""
    if filters.start is not None and filters.end is not None and filters.start > filters.end:
        return 0, []
    months = _month_counts(ledger_id, account_id, filters)
    # One pass over the months, newest first: the newest month whose running count
    # passes the offset holds the page's first row (none does: the page is past the end).
    through = func.sum(months.c.n).over(order_by=months.c.month.desc(), rows=(None, 0))
    running = select(months.c.month, (through - months.c.n).label("before"), through.label("through"),
                     func.sum(months.c.n).over().label("total")).subquery("running")
    holds = running.c.through > offset
    total, month, before = db.session.execute(select(
        func.coalesce(func.max(running.c.total), 0), func.max(case((holds, running.c.month))),
        func.min(case((holds, running.c.before))))).one()
    if month is None:
        return int(total), []
    if isinstance(month, str):
        month = date.fromisoformat(month)
    upper = _start_of(next_month(month))
    if filters.end is not None:
        upper = min(upper, _start_of(filters.end + timedelta(days=1)))
    bounded = [*where, *_date_range(filters), Transaction.occurred_at < upper]
    return int(total), _rows(bounded, limit=limit, offset=offset - int(before))


def _accounts(ledger_id):
    """{id: (account, institution or None)} of the ledger's live accounts (a ledger has
    a handful: what the page's rows and an amount search need, in one SELECT)."""
    rows = db.session.execute(
        select(Account, Institution).outerjoin(Institution, Institution.id == Account.institution_id)
        .where(Account.ledger_id == ledger_id, Account.deleted_at.is_(None))).all()
    return {account.id: (account, institution) for account, institution in rows}


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
