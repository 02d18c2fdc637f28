"""Expenses as the Xpenser dialect sees them, over the ledger's transactions.

An expense's ``amount`` is the money that went out, in its account's currency: an
expense of 12.50 is "12.50", an income of 500 is "-500.00". Its ``type`` is the payee
(the word typed when it named no category), else the category's value. ``report`` is
the folder it is filed in (services/folders.py).

The list filters of GET /api/expenses/ become one SQL condition here, always scoped to
the caller's ledger. A ``modified`` filter also returns tombstones (deleted rows), so a
client polling ``modified_op=gt`` sees deletions too.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import aliased

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Category, Transaction
from spendsense.services import validation
from spendsense.services.errors import Invalid
from spendsense.services.ledger import folders

OPS = ("lt", "gt", "eq")
_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%Y-%m-%d")
_MOMENT_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S",
                   "%Y-%m-%d %H:%M", "%Y-%m-%d")
ALL_REPORTS = "*"


def expense_type(payee, category_value, transfer_id):
    return payee or category_value or ("transfer" if transfer_id else "")


def parse_moment(value, field):
    if value in (None, ""):
        return None
    for pattern in _MOMENT_FORMATS:
        try:
            moment = datetime.strptime(str(value).strip(), pattern)  # noqa: DTZ007  (naive UTC or wall clock)
        except ValueError:
            continue
        return validation.parse_datetime(moment, field)
    raise Invalid.field(field, f"{field} must look like 2009-08-26 14:30:00.")


@dataclass
class ExpenseFilter:
    report: object = None  # None: the current report; ALL_REPORTS; or a report id
    date: str | None = None
    date_op: str | None = None
    type: str | None = None
    notes: str | None = None
    amount: str | None = None
    amount_op: str | None = None
    created: str | None = None
    created_op: str | None = None
    modified: str | None = None
    modified_op: str | None = None


def _op(value, field):
    op = (value or "eq").strip().lower()
    if op not in OPS:
        raise Invalid.field(field, f"{field} must be lt or gt.")
    return op


def _day(value):
    text = " ".join(str(value).replace("+", " ").split())
    for pattern in _DATE_FORMATS:
        try:
            day = datetime.strptime(text, pattern).date()  # noqa: DTZ007  (a calendar day)
        except ValueError:
            continue
        return validation.parse_date(day, "date")
    raise Invalid.field("date", "date must look like 01 Aug 2009 or 2009-08-01.")


def _compare(column, op, low, high):
    """column against [low, high): lt = before low, gt = from high on, eq = inside."""
    if op == "lt":
        return column < low
    if op == "gt":
        return column >= high
    return and_(column >= low, column < high)


def _amount_condition(ledger_id, value, op):
    """The Xpenser amount (-stored amount) against a decimal, per account currency."""
    text = str(value).strip()
    if not money.is_number(text) or len(text) > 40:
        raise Invalid.field("amount", "amount must be a number.")
    number = Decimal(text)
    per_currency = {}
    for account_id, currency in db.session.execute(
            select(Account.id, Account.currency).where(Account.ledger_id == ledger_id)):
        per_currency.setdefault(currency, []).append(account_id)
    parts = []
    # No stored amount is beyond MAX_MINOR: a number past it compares as just past it,
    # which keeps every bound inside BIGINT (9223372036854775808 overflowed the query).
    bound = Decimal(money.MAX_MINOR + 1)
    for currency, ids in per_currency.items():
        scaled = max(-bound, min(bound, number.scaleb(money.exponent(currency))))
        out = -Transaction.amount
        if op == "gt":
            condition = out > int(scaled.to_integral_value(rounding=ROUND_FLOOR))
        elif op == "lt":
            condition = out < int(scaled.to_integral_value(rounding=ROUND_CEILING))
        elif scaled == scaled.to_integral_value():
            condition = out == int(scaled)
        else:
            condition = false()
        parts.append(and_(Transaction.account_id.in_(ids), condition))
    return or_(*parts) if parts else false()


def condition(ledger_id, flt):
    """One SQL condition for the filter, scoped to the ledger. Tombstones are included
    only when the filter has ``modified`` (delta sync)."""
    parts = [Transaction.ledger_id == ledger_id]
    if flt.modified in (None, ""):
        parts.append(Transaction.deleted_at.is_(None))
    if flt.report == ALL_REPORTS:
        pass
    elif flt.report in (None, ""):
        current = folders.current_report(ledger_id)
        parts.append(Transaction.report_id == current.id if current else false())
    else:
        parts.append(Transaction.report_id == folders.get_report(
            ledger_id, validation.identifier(flt.report, "report")).id)
    if flt.date not in (None, ""):
        day = _day(flt.date)
        start = datetime.combine(day, time.min)
        parts.append(_compare(Transaction.occurred_at, _op(flt.date_op, "date_op"), start,
                              start + timedelta(days=1)))
    # Only spaces filter on nothing, as an empty value does (text() reads both as None).
    word = validation.text(flt.type, "type", max_length=200, label="Type")
    if word is not None:
        category = aliased(Category)  # the export query joins Category itself
        value_of = (select(category.value).where(category.id == Transaction.category_id)
                    .correlate(Transaction).scalar_subquery())
        parts.append(func.lower(func.coalesce(Transaction.payee, value_of, "")) == word.lower())
    notes = validation.text(flt.notes, "notes", max_length=500, label="Notes")
    if notes is not None:
        parts.append(func.lower(Transaction.description) == notes.lower())
    if flt.amount not in (None, ""):
        parts.append(_amount_condition(ledger_id, flt.amount, _op(flt.amount_op, "amount_op")))
    for column, value, op, field in ((Transaction.created_at, flt.created, flt.created_op, "created"),
                                     (Transaction.updated_at, flt.modified, flt.modified_op, "modified")):
        if value not in (None, ""):
            moment = parse_moment(value, field)
            op = _op(op, f"{field}_op")
            if "." in str(value):  # the exact X-Sync-Cursor of an earlier answer
                parts.append({"gt": column > moment, "lt": column < moment, "eq": column == moment}[op])
            else:  # a whole second, as the "modified" field shows it
                parts.append(_compare(column, op, moment, moment + timedelta(seconds=1)))
    return and_(*parts)


def sync_cursor(ledger_id):
    """The ledger's newest modification, to poll from next time.

    Ledger-wide, not per filter: an index answers it at once, and a row outside the
    filter that changed before it is not wanted by this client anyway. The caller
    bounds its rows by it, so a change made while they stream waits for the next poll.
    """
    return db.session.scalar(select(func.max(Transaction.updated_at)).where(Transaction.ledger_id == ledger_id))
