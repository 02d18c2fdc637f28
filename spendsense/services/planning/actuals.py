"""What each category spent and received over spans of dates, in the ledger's base
currency, read from the category totals (models/planning.py) and never from the
transactions.

A span is cut into the whole calendar months inside it, read from the month totals,
and the days around them, read from the day totals; the database sums each piece, so
a span costs one index range per piece whatever the history holds. Amounts in the base
currency are summed as they are; others are read per day (or per month) and converted
with the reference rate of that day (for a month: of its last day), then summed.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import (
    Date,
    Integer,
    String,
    bindparam,
    case,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account
from spendsense.models.planning import BudgetEvent, CategoryDayTotal, CategoryMonthTotal
from spendsense.services import exchange

# Statements stay well inside SQLite's limit of 500 SELECTs in one compound.
PIECES_PER_STATEMENT = 200


@dataclass(frozen=True)
class Sums:
    """Money out (``debit``) and in (``credit``) of a category over a span, both >= 0."""

    debit: Decimal
    credit: Decimal

    @property
    def net(self):
        """Signed: negative when more went out than came in."""
        return self.credit - self.debit


def zero(currency):
    nothing = money.from_minor(0, currency)
    return Sums(nothing, nothing)


def _next_month(day):
    """The first day of the month after ``day``'s, or None past the calendar's end."""
    if day.month == 12:
        return date(day.year + 1, 1, 1) if day.year < date.max.year else None
    return date(day.year, day.month + 1, 1)


def _month_end(month):
    following = _next_month(month)
    return following - timedelta(days=1) if following else date.max


def split(first, last):
    """([(first, last)] of days, [(first month, last month)] of whole months) that make
    up the span ``first`` to ``last``."""
    if last < first:
        return [], []
    whole_first = first if first.day == 1 else _next_month(first)
    after = last + timedelta(days=1) if last < date.max else None
    whole_end = after.replace(day=1) if after else None  # the whole months end before this
    if whole_first is None or (whole_end is not None and whole_first >= whole_end):
        return [(first, last)], []
    last_month = (whole_end - timedelta(days=1)).replace(day=1) if whole_end else last.replace(day=1)
    days = []
    if first < whole_first:
        days.append((first, whole_first - timedelta(days=1)))
    if whole_end is not None and whole_end <= last:
        days.append((whole_end, last))
    return days, [(whole_first, last_month)]


def _converted(minor, from_currency, currency, day):
    """Minor units of ``from_currency`` as minor units of ``currency`` on ``day`` (at the
    nearest rate there is); 0 for a currency the offline rates do not quote at all,
    which ``unconvertible`` names so that pages can say it is left out."""
    if from_currency == currency or not minor:
        return minor
    conversion = exchange.convert_near(money.from_minor(minor, from_currency), from_currency, currency, day)
    return money.to_minor(conversion.amount, currency) if conversion else 0


def unconvertible(ledger_id, currency):
    """The currencies of the ledger's live accounts and events that budgets in
    ``currency`` cannot count, for want of any exchange rate to it (sorted)."""
    codes = set(db.session.scalars(select(Account.currency).where(
        Account.ledger_id == ledger_id, Account.deleted_at.is_(None)).distinct()))
    codes |= set(db.session.scalars(select(BudgetEvent.currency).where(BudgetEvent.ledger_id == ledger_id).distinct()))
    if exchange.has_rates(currency):
        return sorted(code for code in codes if code != currency and not exchange.has_rates(code))
    return sorted(code for code in codes if code != currency)


@lru_cache(maxsize=128)
def _template(bucket, count, filtered):
    """A compound SELECT summing ``count`` pieces of the day (or month) totals, each
    between its ``first_<i>`` and ``last_<i>`` and, when ``filtered``, over its own
    ``categories_<i>``; rows in another currency than ``base_currency`` are kept apart
    per day (or month). Built once per shape: the values are bound at execution."""
    model = CategoryDayTotal if bucket == "day" else CategoryMonthTotal
    column = getattr(model, bucket)
    # Inlined, so that PostgreSQL sees the grouped expression and the selected one as one.
    base = bindparam("base_currency", type_=String, literal_execute=True)
    when = type_coerce(case((model.currency == base, null()), else_=column), Date).label("bucket")
    selects = []
    for index in range(count):
        where = [model.ledger_id == bindparam("ledger_id"),
                 column.between(bindparam(f"first_{index}", type_=Date), bindparam(f"last_{index}", type_=Date))]
        if filtered:
            where.append(model.category_id.in_(bindparam(f"categories_{index}", expanding=True)))
        selects.append(select(literal_column(str(index), Integer).label("span"), model.category_id, model.currency,
                              when, func.sum(model.debit), func.sum(model.credit))
                       .where(*where).group_by(model.category_id, model.currency, when))
    return selects[0] if count == 1 else union_all(*selects)


def _rows(bucket, pieces, ledger_id, currency):
    """(span index, category, currency, day or None, debit, credit) of every piece
    (span index, first, last, category ids or None for all)."""
    for start in range(0, len(pieces), PIECES_PER_STATEMENT):
        chunk = pieces[start:start + PIECES_PER_STATEMENT]
        filtered = chunk[0][3] is not None
        params = {"ledger_id": ledger_id, "base_currency": currency}
        for index, (_span, first, last, category_ids) in enumerate(chunk):
            params[f"first_{index}"], params[f"last_{index}"] = first, last
            if filtered:
                params[f"categories_{index}"] = sorted(category_ids)
        for index, category_id, row_currency, when, debit, credit in db.session.execute(
                _template(bucket, len(chunk), filtered), params):
            yield chunk[index][0], category_id, row_currency, when, debit, credit


def _as_date(value):
    return value if isinstance(value, date) or value is None else date.fromisoformat(value)


def sums(ledger_id, spans, *, category_ids=None, per_span=None, currency):
    """{category id: [Sums of each span, in order]} in ``currency`` (the ledger's base
    currency) for the categories that had money in any span; spans may overlap.
    ``category_ids`` limits the categories read (None: all); ``per_span`` gives each
    span categories of its own instead."""
    if per_span is None:
        per_span = [category_ids] * len(spans)
    pieces = {"day": [], "month": []}
    for index, ((first, last), wanted) in enumerate(zip(spans, per_span, strict=True)):
        if wanted is not None and not wanted:
            continue
        days, months = split(first, last)
        pieces["day"] += [(index, a, b, wanted) for a, b in days]
        pieces["month"] += [(index, a, b, wanted) for a, b in months]
    totals = defaultdict(lambda: [[0, 0] for _span in spans])
    for bucket, found in pieces.items():
        # Pieces with and without a category filter never share a statement.
        for filtered in (True, False):
            chosen = [piece for piece in found if (piece[3] is not None) == filtered]
            for index, category_id, row_currency, when, debit, credit in _rows(bucket, chosen, ledger_id, currency):
                when = _as_date(when)
                if when is not None and bucket == "month":
                    when = _month_end(when)
                entry = totals[category_id][index]
                entry[0] += _converted(int(debit), row_currency, currency, when)
                entry[1] += _converted(int(credit), row_currency, currency, when)
    nothing = zero(currency)
    return {category_id: [Sums(money.from_minor(debit, currency), money.from_minor(credit, currency))
                          if debit or credit else nothing for debit, credit in entries]
            for category_id, entries in totals.items()}


def monthly(ledger_id, first_month, last_month, *, category_ids=None, currency):
    """{category id: {month (its 1st): Sums}} of every whole calendar month from
    ``first_month`` to ``last_month``, in ``currency``; months without money left out."""
    model = CategoryMonthTotal
    query = (select(model.category_id, model.currency, model.month, model.debit, model.credit)
             .where(model.ledger_id == ledger_id, model.month.between(first_month, last_month)))
    if category_ids is not None:
        query = query.where(model.category_id.in_(sorted(category_ids)))
    totals = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for category_id, row_currency, month, debit, credit in db.session.execute(query):
        month = _as_date(month)
        entry = totals[category_id][month]
        if row_currency == currency:
            entry[0] += debit
            entry[1] += credit
        else:
            entry[0] += _converted(debit, row_currency, currency, _month_end(month))
            entry[1] += _converted(credit, row_currency, currency, _month_end(month))
    return {category_id: {month: Sums(money.from_minor(debit, currency), money.from_minor(credit, currency))
                          for month, (debit, credit) in months.items()}
            for category_id, months in totals.items()}
