"""The figures of a budget analysis before they are judged: per line (a category, or a
category with its descendants) and period, the actual money, the refunds, the planned
amount and what rolls over into it.

All lines of one analysis are read together: one ``actuals.sums`` over every distinct
span they need (each span reading only the categories of the lines that need it) and
one pass over the occurrences of the series in the window, summed per category with
running totals, so a period's plan costs two bisections. Series are read as plain rows
and their occurrences worked out once per rule (periods.dates).

Rollover carries both ways from the period a line's budget began: each period's
leftover (its plan plus what it carried in, minus its actual) is carried into the
next. Nothing clamps a leftover, so the carry into the first period analysed is the
plan minus the actual of the whole stretch before it, read as one more span.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account
from spendsense.models.planning import BudgetEvent, Scenario
from spendsense.services import exchange
from spendsense.services.planning import actuals, occurrences, periods
from spendsense.services.planning.repeats import Repeat

FEW_CATEGORIES = 8


@dataclass(frozen=True)
class Line:
    """What one analysis adds up: the money of ``members`` on one ``side`` (expense or
    income) over ``grid``; ``rollover_start`` is where its carry begins (None: no carry)."""

    members: frozenset
    side: str
    grid: tuple
    rollover_start: date | None = None

    @property
    def prefix(self):
        """The stretch from the budget's start to the first period, when it starts before."""
        if self.rollover_start is None or self.rollover_start >= self.grid[0][0]:
            return None
        return (self.rollover_start, self.grid[0][0] - timedelta(days=1))


@dataclass(frozen=True)
class Cell:
    """A line's figures in one period, signed as the spec shows them (expense negative).
    ``base`` is the plan; the forecast is ``base + carry``."""

    actual: Decimal
    refund: Decimal
    base: Decimal
    carry: Decimal

    @classmethod
    def empty(cls, currency):
        nothing = money.from_minor(0, currency)
        return cls(nothing, nothing, nothing, nothing)

    def __add__(self, other):
        return Cell(self.actual + other.actual, self.refund + other.refund, self.base + other.base,
                    self.carry + other.carry)


class SeriesRow(NamedTuple):
    """What a plan needs of a BudgetEvent (Repeat.of reads the rule's columns)."""

    id: int
    category_id: int
    scenario_id: int
    amount: int
    currency: str
    start_date: date
    repeat_type: str
    repeat_interval: int
    end_date: date | None
    occurrences: int | None


def series_rows(ledger_id, *, scenario_ids=None, category_ids=None, primary=False):
    """The ledger's series on live accounts as SeriesRow tuples, without loading objects."""
    query = (select(*(getattr(BudgetEvent, field) for field in SeriesRow._fields))
             .join(Scenario, Scenario.id == BudgetEvent.scenario_id)
             .join(Account, Account.id == Scenario.account_id)
             .where(BudgetEvent.ledger_id == ledger_id, Account.deleted_at.is_(None))
             .order_by(BudgetEvent.start_date, BudgetEvent.id))
    if primary:
        query = query.where(Scenario.is_primary.is_(True))
    if scenario_ids is not None:
        query = query.where(BudgetEvent.scenario_id.in_(list(scenario_ids)))
    if category_ids is not None:
        query = query.where(BudgetEvent.category_id.in_(list(category_ids)))
    return [SeriesRow(*row) for row in db.session.execute(query)]


def listed(row, horizon):
    """The occurrences of a series row up to ``horizon`` and one step past it (as the
    analyses ask for them, so they share one worked-out list)."""
    repeat = Repeat.of(row)
    return periods.dates(repeat, periods.later(horizon, periods.gap(repeat)))


class Plan:
    """The occurrences of a window (skipped ones left out), converted, as running
    totals per category."""

    def __init__(self, ledger_id, rows, first, last, currency, horizon):
        skipped = {key for key, (state, _transaction) in occurrences.states([row.id for row in rows], first,
                                                                            last).items() if state == "skipped"}
        per_category = defaultdict(list)
        for row in rows:
            amount = money.from_minor(row.amount, row.currency)
            days = listed(row, max(horizon, last))
            days = [day for day in days[bisect_left(days, first):bisect_right(days, last)]
                    if (row.id, day) not in skipped]
            if row.currency == currency:
                per_category[row.category_id] += [(day, amount) for day in days]
            else:
                # Without any rate the event is left out (actuals.unconvertible names its currency).
                per_category[row.category_id] += [
                    (day, conversion.amount) for day in days
                    if (conversion := exchange.convert_near(amount, row.currency, currency, day)) is not None]
        self.zero = money.from_minor(0, currency)
        self.entries = per_category
        self.days, self.running = {}, {}
        for category_id, entries in per_category.items():
            entries.sort(key=lambda entry: entry[0])
            running = [self.zero]
            for _day, amount in entries:
                running.append(running[-1] + amount)
            self.days[category_id] = [day for day, _amount in entries]
            self.running[category_id] = running

    def by_month(self):
        """{(category id, month's 1st): the plan of that calendar month}."""
        found = {}
        for category_id, entries in self.entries.items():
            for day, amount in entries:
                key = (category_id, day.replace(day=1))
                found[key] = found.get(key, self.zero) + amount
        return found

    def total(self, members, first, last):
        total = self.zero
        for category_id in members:
            days = self.days.get(category_id)
            if days:
                running = self.running[category_id]
                total += running[bisect_right(days, last)] - running[bisect_left(days, first)]
        return total


def _carried(line, cells, before):
    """The cells with what each carries in; ``before`` is the prefix's cell or None."""
    carry = before.base - before.actual if before is not None else cells[0].carry
    found = []
    for (_start, end), cell in zip(line.grid, cells, strict=True):
        if end < line.rollover_start:  # the budget had not begun: nothing to carry yet
            found.append(cell)
            continue
        cell = replace(cell, carry=carry)
        found.append(cell)
        carry = cell.base + cell.carry - cell.actual
    return found


def evaluate(ledger_id, currency, lines, rows, *, horizon):
    """[[Cell of each period of the line's grid] for each line]; ``rows`` are the series
    (series_rows) whose occurrences are the plan (those of other categories are ignored),
    ``horizon`` the date the caller worked their occurrences out to (listed)."""
    if not lines:
        return []
    spans = {}
    for line in lines:
        for span in (*line.grid, *((line.prefix,) if line.prefix else ())):
            spans.setdefault(span, set()).update(line.members)
    ordered = list(spans)
    index = {span: position for position, span in enumerate(ordered)}
    members = frozenset().union(*(line.members for line in lines))
    # A span read for a few categories names them; one read for many reads all (the
    # others are never looked at): a long list of ids costs more to send than rows.
    wanted = [found if len(found) <= FEW_CATEGORIES else None for found in (spans[span] for span in ordered)]
    money_in = actuals.sums(ledger_id, ordered, per_span=wanted, currency=currency)
    plan = Plan(ledger_id, [row for row in rows if row.category_id in members],
                 min(first for first, _last in ordered), max(last for _first, last in ordered), currency, horizon)
    nothing = money.from_minor(0, currency)

    def cell(line, span):
        position = index[span]
        debit = credit = nothing
        for category_id in line.members:
            found = money_in.get(category_id)
            if found is not None:
                debit += found[position].debit
                credit += found[position].credit
        refund = credit if line.side == "expense" else -debit
        return Cell(credit - debit, refund, plan.total(line.members, *span), nothing)

    results = []
    for line in lines:
        cells = [cell(line, span) for span in line.grid]
        if line.rollover_start is not None:
            cells = _carried(line, cells, cell(line, line.prefix) if line.prefix else None)
        results.append(cells)
    return results
