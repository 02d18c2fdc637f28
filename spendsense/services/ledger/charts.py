"""The numbers behind the reports page and the profile: sums over a period, by
category, by month, by weekday, and net worth over time.

Every figure is a SQL aggregate. Whole-history figures (months, net worth) come from
the monthly_totals cache; period figures scan only that period's rows through the
(ledger_id, occurred_at) index. Amounts of different currencies are never added up:
each result is keyed by currency.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import case, func, select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Category, MonthlyTotal, Transaction
from spendsense.services.periods import week_start

UNCATEGORISED = ("Uncategorised", "❔")


@dataclass(frozen=True)
class CategoryShare:
    category_id: int | None
    name: str
    icon: str
    total: Decimal


@dataclass(frozen=True)
class Flow:
    spent: Decimal
    earned: Decimal

    @property
    def difference(self):
        return self.earned - self.spent


def _live_in(ledger_id, start, end):
    conditions = [Transaction.ledger_id == ledger_id, Transaction.deleted_at.is_(None)]
    if start is not None:
        conditions.append(Transaction.occurred_at >= start)
    if end is not None:
        conditions.append(Transaction.occurred_at <= end)
    return conditions


def period_flows(ledger_id, start, end):
    """{currency: Flow} of spending and income in [start, end]; transfers excluded."""
    spent = func.coalesce(func.sum(case((Transaction.amount < 0, -Transaction.amount), else_=0)), 0)
    earned = func.coalesce(func.sum(case((Transaction.amount > 0, Transaction.amount), else_=0)), 0)
    rows = db.session.execute(
        select(Account.currency, spent, earned)
        .join(Account, Account.id == Transaction.account_id)
        .where(*_live_in(ledger_id, start, end), Transaction.transfer_id.is_(None))
        .group_by(Account.currency)
    ).all()
    return {currency: Flow(money.from_minor(s, currency), money.from_minor(e, currency))
            for currency, s, e in rows}


def spending_by_category(ledger_id, start, end):
    """{currency: [CategoryShare, ...]} of spending in [start, end], largest first."""
    rows = db.session.execute(
        select(Account.currency, Transaction.category_id, func.sum(-Transaction.amount))
        .join(Account, Account.id == Transaction.account_id)
        .where(*_live_in(ledger_id, start, end), Transaction.transfer_id.is_(None), Transaction.amount < 0)
        .group_by(Account.currency, Transaction.category_id)
    ).all()
    ids = {category_id for _c, category_id, _t in rows if category_id is not None}
    names = {c.id: c for c in db.session.scalars(select(Category).where(Category.id.in_(ids)))} if ids else {}
    result = defaultdict(list)
    for currency, category_id, total in rows:
        category = names.get(category_id)
        name, icon = (category.name, category.icon) if category else UNCATEGORISED
        result[currency].append(CategoryShare(category_id, name, icon, money.from_minor(total, currency)))
    for shares in result.values():
        shares.sort(key=lambda share: (-share.total, share.name))
    return dict(sorted(result.items()))


def months_back(today, count):
    first = today.replace(day=1)
    return [first - relativedelta(months=offset) for offset in range(count - 1, -1, -1)]


def monthly_flows(ledger_id, today, months=12):
    """{currency: [(month, Flow), ...]} for the last ``months`` calendar months, oldest first."""
    window = months_back(today, months)
    rows = db.session.execute(
        select(Account.currency, MonthlyTotal.month, func.sum(MonthlyTotal.spent), func.sum(MonthlyTotal.earned))
        .join(Account, Account.id == MonthlyTotal.account_id)
        .where(MonthlyTotal.ledger_id == ledger_id, Account.deleted_at.is_(None), MonthlyTotal.month >= window[0])
        .group_by(Account.currency, MonthlyTotal.month)
    ).all()
    sums = defaultdict(dict)
    for currency, month, spent, earned in rows:
        sums[currency][_as_date(month)] = (spent, earned)
    return {
        currency: [(month, Flow(*(money.from_minor(v, currency) for v in by_month.get(month, (0, 0)))))
                   for month in window]
        for currency, by_month in sorted(sums.items())
    }


def net_worth_series(ledger_id, today, months=24):
    """{currency: [(month_end, Decimal), ...]}: the net worth at each month's end.

    Opening balances plus every month's net movement up to that month, over the
    accounts counted in net worth: one aggregate before the window, one per month in it.
    """
    window = months_back(today, months)
    counted = [Account.ledger_id == ledger_id, Account.deleted_at.is_(None), Account.is_net_worth.is_(True)]
    movement = func.sum(MonthlyTotal.earned - MonthlyTotal.spent + MonthlyTotal.transferred)
    opening = dict(db.session.execute(
        select(Account.currency, func.sum(Account.opening_balance)).where(*counted).group_by(Account.currency)
    ).all())
    before = dict(db.session.execute(
        select(Account.currency, movement).join(MonthlyTotal, MonthlyTotal.account_id == Account.id)
        .where(*counted, MonthlyTotal.month < window[0]).group_by(Account.currency)
    ).all())
    inside = defaultdict(dict)
    for currency, month, delta in db.session.execute(
        select(Account.currency, MonthlyTotal.month, movement).join(MonthlyTotal, MonthlyTotal.account_id == Account.id)
        .where(*counted, MonthlyTotal.month >= window[0]).group_by(Account.currency, MonthlyTotal.month)
    ).all():
        inside[currency][_as_date(month)] = delta
    series = {}
    for currency in sorted(opening):
        running = int(opening[currency] or 0) + int(before.get(currency) or 0)
        points = []
        for month in window:
            running += int(inside[currency].get(month) or 0)
            month_end = min(month + relativedelta(months=1) - timedelta(days=1), today)
            points.append((month_end, money.from_minor(running, currency)))
        series[currency] = points
    return series


@dataclass(frozen=True)
class WeekdaySpending:
    days: list  # [(date, Decimal)] for the seven days of this week
    average: list  # [Decimal] per weekday over the earlier weeks
    weeks_averaged: int


def weekday_spending(ledger_id, currency, today, first_weekday=0, weeks=12):
    """This week's spending per day against the average of up to ``weeks`` earlier weeks
    (only weeks since the first transaction count, so a new user's average is honest)."""
    this_week = week_start(today, first_weekday)
    window_start = this_week - timedelta(weeks=weeks)
    day_expr = func.date(Transaction.occurred_at)
    base = [Transaction.ledger_id == ledger_id, Transaction.deleted_at.is_(None),
            Transaction.transfer_id.is_(None), Account.currency == currency]
    first_day = db.session.scalar(
        select(func.min(Transaction.occurred_at)).join(Account, Account.id == Transaction.account_id)
        .where(*base, Transaction.occurred_at >= window_start))
    rows = db.session.execute(
        select(day_expr, func.sum(-Transaction.amount)).join(Account, Account.id == Transaction.account_id)
        .where(*base, Transaction.amount < 0, Transaction.occurred_at >= window_start)
        .group_by(day_expr)
    ).all()
    per_day = {_as_date(day): total for day, total in rows}
    days = [this_week + timedelta(days=i) for i in range(7)]
    current = [(day, money.from_minor(per_day.get(day, 0), currency)) for day in days]
    earlier_start = week_start(first_day.date(), first_weekday) if first_day else this_week
    earlier_start = max(earlier_start, window_start)
    counted_weeks = (this_week - earlier_start).days // 7
    averages = []
    for offset in range(7):
        if counted_weeks == 0:
            averages.append(money.from_minor(0, currency))
            continue
        total = sum(per_day.get(earlier_start + timedelta(weeks=w, days=offset), 0) for w in range(counted_weeks))
        averages.append(money.quantize(money.from_minor(total, currency) / counted_weeks, currency))
    return WeekdaySpending(current, averages, counted_weeks)


def _as_date(value):
    """SQLite's date() gives text, PostgreSQL's a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
