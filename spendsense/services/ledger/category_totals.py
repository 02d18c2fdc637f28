"""Per-category totals by day and by month, kept equal to the transactions they sum.

Budgets compare planned events with what was spent in each category over a period
(services/planning/actuals.py). Summing the transactions for that would cost a scan
of the history on every budget page; instead each live, categorised, non-transfer
transaction adds its money out (``debit``) or in (``credit``) to one row per
(ledger, category, currency, day) and one per month. Every writer moves them in the
same database transaction as the row, with upserts that add (``debit = debit + :d``),
so concurrent writers cannot lose an update; balances.apply_summed calls ``add`` for
single rows and batches, and the bulk re-filings (deleting a category, applying a rule,
deleting an account) call ``refile``/``remove`` with the rows' condition.

No write here checks a range, and none needs to: whatever path writes them (a row's
change, a batch or import through balances.apply_summed, a rule run or re-filing, an
account deletion, an import's revert), each stored debit and credit is the sum of parts
of live transactions, all in the ledger's live accounts, whose all-time spent and earned
balances.py keeps within LIMIT. So each total, and each SUM this module asks of the
database over one ledger's rows, stays within MAX_ACCOUNTS x LIMIT < 2**63 (balances.py).
"""

from collections import defaultdict
from datetime import date

from sqlalchemy import Date, case, cast, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from spendsense.extensions import db
from spendsense.models import Account, Transaction
from spendsense.models.planning import CategoryDayTotal, CategoryMonthTotal

_SUMMED = ("debit", "credit", "count")


def _parts(amount):
    return (-amount, 0, 1) if amount < 0 else (0, amount, 1)


def add(ledger_id, entries, *, sign=1):
    """Add (sign=+1) or remove (-1) transactions given as (category id, currency, day,
    amount); entries without a category are skipped."""
    days = defaultdict(lambda: [0, 0, 0])
    for category_id, currency, day, amount in entries:
        if category_id is None:
            continue
        row = days[(category_id, currency, day)]
        for index, part in enumerate(_parts(amount)):
            row[index] += sign * part
    _write(ledger_id, days)


def _write(ledger_id, days):
    """Upsert summed changes {(category, currency, day): [debit, credit, count]} into the
    day rows and, summed again, into the month rows."""
    if not days:
        return
    months = defaultdict(lambda: [0, 0, 0])
    for (category_id, currency, day), changes in days.items():
        row = months[(category_id, currency, day.replace(day=1))]
        for index, change in enumerate(changes):
            row[index] += change
    session = db.session
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for model, bucket, changes in ((CategoryDayTotal, "day", days), (CategoryMonthTotal, "month", months)):
        table = model.__table__
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.ledger_id, table.c[bucket], table.c.category_id, table.c.currency],
            set_={name: table.c[name] + statement.excluded[name] for name in _SUMMED},
        )
        session.execute(statement, [
            {"ledger_id": ledger_id, "category_id": category_id, "currency": currency, bucket: when,
             "debit": debit, "credit": credit, "count": count}
            for (category_id, currency, when), (debit, credit, count) in sorted(changes.items())])


def day_of(column):
    """SQL for the calendar date of a DATETIME column, on either backend."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(column, Date)
    return func.date(column)


def _grouped(*where, to=None, uncategorised=False):
    """{(ledger, category, currency, day): [debit, credit, count]} of the live,
    non-transfer transactions meeting ``where`` (the categorised ones, unless
    ``uncategorised``: then those too, under category None), summed by the database.
    With ``to`` (an SQL expression) the key gains, after the category, what ``to``
    gives for those rows."""
    day = day_of(Transaction.occurred_at)
    keys = (Transaction.ledger_id, Transaction.category_id, *(() if to is None else (to,)), Account.currency, day)
    rows = db.session.execute(
        select(*keys, func.sum(case((Transaction.amount < 0, -Transaction.amount), else_=0)),
               func.sum(case((Transaction.amount > 0, Transaction.amount), else_=0)), func.count())
        .join(Account, Account.id == Transaction.account_id)
        .where(Transaction.deleted_at.is_(None), Transaction.transfer_id.is_(None), *where,
               *(() if uncategorised else (Transaction.category_id.is_not(None),)))
        .group_by(*keys))
    return {(*key[:-1], _as_date(key[-1])): [int(debit), int(credit), int(count)]
            for *key, debit, credit, count in rows}


def _of_ledger(ledger_id, *where, **options):
    grouped = _grouped(Transaction.ledger_id == ledger_id, *where, **options)
    return {key[1:]: values for key, values in grouped.items()}


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(value)


def remove(ledger_id, *where):
    """Take out the rows meeting ``where`` (call before they are deleted in bulk)."""
    grouped = _of_ledger(ledger_id, *where)
    _write(ledger_id, {key: [-value for value in values] for key, values in grouped.items()})


def refile(ledger_id, category, *where):
    """Move the rows meeting ``where`` to ``category`` in the totals: a category id,
    None (uncategorised), or an SQL expression giving each row its new one (a rule
    run's CASE). Call it before the UPDATE that re-files them."""
    changes = defaultdict(lambda: [0, 0, 0])
    if hasattr(category, "compile"):  # grouped by what the expression gives each row
        moves = _of_ledger(ledger_id, *where, to=category, uncategorised=True).items()
    else:  # a constant is not grouped by in SQL: PostgreSQL cannot match two bound copies of it
        moves = (((old, category, currency, day), values) for (old, currency, day), values
                 in _of_ledger(ledger_id, *where, uncategorised=True).items())
    for (old, new, currency, day), values in moves:
        for index, value in enumerate(values):
            changes[(old, currency, day)][index] -= value
            changes[(new, currency, day)][index] += value
    # Uncategorised rows have no totals: their side of a move is dropped.
    _write(ledger_id, {key: values for key, values in changes.items() if key[0] is not None and any(values)})


def _summed_in_python():
    """What ``_grouped()`` gives, summed here in Python integers rather than by the
    database: check-balances must report totals gone wrong, not fail on a SUM of them."""
    day = day_of(Transaction.occurred_at)
    rows = db.session.execute(
        select(Transaction.ledger_id, Transaction.category_id, Account.currency, day, Transaction.amount)
        .join(Account, Account.id == Transaction.account_id)
        .where(Transaction.deleted_at.is_(None), Transaction.transfer_id.is_(None),
               Transaction.category_id.is_not(None))
        .execution_options(yield_per=10_000))
    sums = defaultdict(lambda: [0, 0, 0])
    for ledger_id, category_id, currency, when, amount in rows:
        row = sums[(ledger_id, category_id, currency, _as_date(when))]
        for index, part in enumerate(_parts(amount)):
            row[index] += part
    return dict(sums)


def recompute(session, *, fix=False):
    """Differences between the stored day and month totals and the transactions (for
    ``flask check-balances``); with ``fix`` the stored rows are rewritten."""
    problems = []
    expected_days = _summed_in_python()
    expected_months = defaultdict(lambda: [0, 0, 0])
    for (ledger_id, category_id, currency, when), values in expected_days.items():
        row = expected_months[(ledger_id, category_id, currency, when.replace(day=1))]
        for index, value in enumerate(values):
            row[index] += value
    for model, bucket, expected in ((CategoryDayTotal, "day", expected_days),
                                    (CategoryMonthTotal, "month", expected_months)):
        stored = {(row.ledger_id, row.category_id, row.currency, getattr(row, bucket)): row
                  for row in session.scalars(select(model))}
        for key in sorted(set(expected) | set(stored), key=str):
            want = expected.get(key, [0, 0, 0])
            row = stored.get(key)
            have = [row.debit, row.credit, row.count] if row else [0, 0, 0]
            if have != want:
                problems.append(f"category {bucket} total ledger {key[0]} category {key[1]} {key[2]} {key[3]}: "
                                f"cached {tuple(have)}, transactions give {tuple(want)} (debit, credit, count)")
                if fix:
                    if row is None:
                        session.add(model(ledger_id=key[0], category_id=key[1], currency=key[2],
                                          **{bucket: key[3]}, debit=want[0], credit=want[1], count=want[2]))
                    else:
                        row.debit, row.credit, row.count = want
    return problems
