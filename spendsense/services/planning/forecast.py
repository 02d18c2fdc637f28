"""Forecasts: each account's balance, day by day, over the months ahead.

An account's forecast starts from its balance at the end of ``today`` (the cached
balance less its transactions dated after today, which come back on their own dates)
and adds, day by day, the occurrences of its primary scenario, plus those of the
extra scenarios asked for, that are still expected: dated after today, neither
skipped, paid nor posted, and not already paid by an actual transaction (the same
matching as recurring.py, read-only: a bill paid three days early is in the balance
already and is not taken off again on its date).

A savings or debt scenario that is included adds its interest: ``interest_rate`` is
percent a year, credited every period of ``interest_rate_repeat_id`` (2 weekly, 3
fortnightly, 4 monthly, 5 yearly, 7 quarterly) counted from today, as the rate over
the number of such periods in a year (1/52, 1/26, 1/12, 1, 1/4) on that day's closing
balance, rounded half to even to the currency's minor unit. Savings earn on a
positive balance only and a debt costs on a negative one only.

Money stays in integer minor units of the account's currency until the figures are
handed back as Decimal; an event in another currency counts at today's reference rate.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from sqlalchemy import select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Transaction
from spendsense.models.planning import Scenario
from spendsense.services import exchange, validation
from spendsense.services.errors import NotFound
from spendsense.services.planning import analysis, occurrences, recurring
from spendsense.services.planning.repeats import Repeat

MAX_DAYS = 3660
# interest_rate_repeat_id -> (repeat type, interval, periods a year).
INTEREST_PERIODS = {2: ("weekly", 1, 52), 3: ("fortnightly", 1, 26), 4: ("monthly", 1, 12), 5: ("yearly", 1, 1),
                    7: ("monthly", 3, 4)}
SCENARIO_NOT_FOUND = "Scenario not found"
ACCOUNT_NOT_FOUND = "Account not found!"


@dataclass(frozen=True)
class AccountForecast:
    """One account's projection. ``days`` runs from today (its closing balance,
    ``start_balance``) to the last day of the horizon, one (date, balance) a day.
    ``low_point`` is the lowest (earliest of equals) before ``next_income``, the first
    expected income occurrence, or over the whole horizon when there is none;
    ``first_negative`` the first day whose balance is below zero."""

    account: Account
    currency: str
    start_balance: Decimal
    days: list
    low_point: tuple
    first_negative: date | None
    next_income: date | None


def forecast(ledger_id, *, today, days=365, scenario_ids=None, account_ids=None):
    """[AccountForecast] of the ledger's live, open accounts (or of ``account_ids``),
    in list order, over ``days`` days after ``today``; ``scenario_ids`` adds extra
    scenarios (their accounts are forecast too when ``account_ids`` is not given)."""
    days = validation.integer(days, "days", minimum=1, maximum=MAX_DAYS, label="Days")
    extras = _extra_scenarios(ledger_id, scenario_ids)
    chosen = _accounts(ledger_id, account_ids, {scenario.account_id for scenario in extras})
    if not chosen:
        return []
    ids = {account.id for account in chosen}
    included = db.session.scalars(select(Scenario).where(
        Scenario.ledger_id == ledger_id, Scenario.account_id.in_(sorted(ids)),
        Scenario.is_primary.is_(True) | Scenario.id.in_(sorted(s.id for s in extras)))
        .order_by(Scenario.id)).all()
    last = today + timedelta(days=days)
    expected = _expected(ledger_id, today, last, [scenario.id for scenario in included])
    expected += _rest_of_budgets(ledger_id, today, last, [scenario.id for scenario in included if scenario.is_primary])
    later = _later_transactions(ledger_id, ids, today, last)
    results = []
    by_account = {}
    for plan in expected:
        by_account.setdefault(plan.account_id, []).append(plan)
    for account in chosen:
        mine = by_account.get(account.id, [])
        interest = _interest_days(today, last, [s for s in included if s.account_id == account.id])
        results.append(_project(account, today, days, mine, later.get(account.id, ({}, 0)), interest))
    return results


def _extra_scenarios(ledger_id, scenario_ids):
    if not scenario_ids:
        return []
    wanted = set(scenario_ids)
    if not all(validation.is_row_id(value) for value in wanted):
        raise NotFound(SCENARIO_NOT_FOUND, entity="scenario")
    found = db.session.scalars(
        select(Scenario).join(Account, Account.id == Scenario.account_id)
        .where(Scenario.ledger_id == ledger_id, Scenario.id.in_(sorted(wanted)), Account.deleted_at.is_(None))).all()
    if len(found) != len(wanted):
        raise NotFound(SCENARIO_NOT_FOUND, entity="scenario")
    return found


def _accounts(ledger_id, account_ids, scenario_accounts):
    query = (select(Account).where(Account.ledger_id == ledger_id, Account.deleted_at.is_(None))
             .order_by(Account.position, Account.id))
    if account_ids is None:
        # Archived accounts are closed: forecast only when a scenario of theirs is asked for.
        return db.session.scalars(query.where(Account.archived.is_(False) | Account.id.in_(sorted(scenario_accounts)))
                                  ).all()
    wanted = set(account_ids)
    if not all(validation.is_row_id(value) for value in wanted):
        raise NotFound(ACCOUNT_NOT_FOUND, entity="account")
    found = db.session.scalars(query.where(Account.id.in_(sorted(wanted)))).all()
    if len(found) != len(wanted):
        raise NotFound(ACCOUNT_NOT_FOUND, entity="account")
    return found


def _expected(ledger_id, today, last, scenario_ids):
    """[recurring.Planned] still expected after today, amounts in their account's currency.

    Occurrences from two weeks back are read too: they may be what a recent transaction
    paid, which must not then count for a later one (recurring.assign)."""
    if not scenario_ids:
        return []
    found = occurrences.between(ledger_id, today - timedelta(days=2 * recurring.MATCH_DAYS), last,
                                scenario_ids=scenario_ids)
    # An event in a currency with no rate to its account's is left out, not a failed page.
    plans = recurring.planned(found, today=today)
    paid = recurring.paid_by(ledger_id, plans)
    return [plan for plan in plans if plan.day > today and plan.key not in paid]


def _rest_of_budgets(ledger_id, today, last, scenario_ids):
    """[recurring.Planned], one per category budget (a series set on the Budgets page)
    whose current period is under way: what is left of it, as the Budgets page shows it
    (its rollover included), counted tomorrow. The budget's own occurrence is on or
    before today, so without this a forecast would take nothing off for the 215.70
    still to spend of a 300 budget. A category that also holds bills is left to them:
    their occurrences are in the forecast already."""
    rows = occurrences.series(ledger_id, scenario_ids=scenario_ids, first=today, last=today) if scenario_ids else []
    budgets = {}
    for row in rows:
        if row.is_budget:
            budgets.setdefault(row.category_id, row)
    for row in rows:
        if not row.is_budget:
            budgets.pop(row.category_id, None)
    tomorrow = today + timedelta(days=1)
    if not budgets or tomorrow > last:
        return []
    found = []
    for package in analysis.budget(ledger_id, today=today):
        row = budgets.get(package.category.id if package.category else None)
        figures = package.expense or package.income
        if row is None or figures is None or not figures.periods or figures.periods[0].end_date < tomorrow:
            continue
        period = figures.periods[0]
        left = period.forecast - period.actual  # signed: negative for money still to go out
        if (package.expense and left >= 0) or (package.income and left <= 0):
            continue
        account = row.scenario.account
        converted = exchange.convert_near(left, period.currency, account.currency, today)
        if converted is None:
            continue
        found.append(recurring.Planned(occurrences.Occurrence(row, period.start_date), row.id, tomorrow, account.id,
                                       row.category_id, None, money.to_minor(converted.amount, account.currency)))
    return found


def _later_transactions(ledger_id, account_ids, today, last):
    """{account id: ({date: net minor}, net minor of every live row dated after today)}."""
    rows = db.session.execute(
        select(Transaction.account_id, Transaction.occurred_at, Transaction.amount)
        .where(Transaction.ledger_id == ledger_id, Transaction.account_id.in_(sorted(account_ids)),
               Transaction.deleted_at.is_(None),
               Transaction.occurred_at >= datetime.combine(today + timedelta(days=1), time.min)))
    found = {}
    for account_id, moment, amount in rows:
        by_day, total = found.get(account_id, ({}, 0))
        if moment.date() <= last:
            by_day[moment.date()] = by_day.get(moment.date(), 0) + amount
        found[account_id] = (by_day, total + amount)
    return found


def _interest_days(today, last, scenarios):
    """{date: [(scenario type, rate, periods a year)]} of the included scenarios' credits."""
    credits = {}
    for scenario in scenarios:
        period = INTEREST_PERIODS.get(scenario.interest_rate_repeat_id)
        if scenario.type not in ("savings", "debt") or period is None or not scenario.interest_rate:
            continue
        rate = Decimal(scenario.interest_rate)
        if rate == 0:
            continue
        repeat_type, interval, per_year = period
        for day in Repeat(today, repeat_type, interval).between(today + timedelta(days=1), last):
            credits.setdefault(day, []).append((scenario.type, rate, per_year))
    return credits


def interest(balance, rate, per_year):
    """Minor units of interest on ``balance`` (minor units) for one of ``per_year``
    periods at ``rate`` percent a year, rounded half to even."""
    with localcontext() as context:
        context.prec = 60
        return int((Decimal(balance) * rate / (100 * per_year)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _project(account, today, days, expected, later, credits):
    currency = account.currency
    by_day, after_today = later
    deltas = dict(by_day)
    next_income = None
    for plan in expected:
        day = plan.day
        deltas[day] = deltas.get(day, 0) + plan.minor
        if plan.minor > 0 and (next_income is None or day < next_income):
            next_income = day
    balance = account.balance - after_today
    points = [(today, balance)]
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        balance += deltas.get(day, 0)
        for kind, rate, per_year in credits.get(day, ()):
            if (kind == "savings" and balance > 0) or (kind == "debt" and balance < 0):
                balance += interest(balance, rate, per_year)
        points.append((day, balance))
    before = [point for point in points if next_income is None or point[0] < next_income]
    low_day, low = min(before, key=lambda point: point[1])  # min keeps the earliest of equals
    first_negative = next((day for day, value in points if value < 0), None)
    return AccountForecast(
        account=account, currency=currency, start_balance=money.from_minor(points[0][1], currency),
        days=[(day, money.from_minor(value, currency)) for day, value in points],
        low_point=(low_day, money.from_minor(low, currency)), first_negative=first_negative, next_income=next_income)
