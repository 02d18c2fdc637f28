"""The figures of a budget analysis before they are judged: per line (a category, or a
category with its descendants) and period, the actual money, the refunds, the planned
amount and what rolls over into it.

All lines of one analysis are read together: one ``actuals.sums`` over every distinct
span they need and one pass over the occurrences of the series in the window, summed
per category with running totals, so a period's plan costs two bisections.

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

from spendsense import money
from spendsense.services import exchange
from spendsense.services.planning import actuals, occurrences


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


class _Plan:
    """The occurrences of a window, converted, as running totals per category."""

    def __init__(self, ledger_id, rows, first, last, currency):
        per_category = defaultdict(list)
        for occurrence in occurrences.between(ledger_id, first, last, rows=rows):
            amount = occurrence.amount
            if occurrence.currency != currency:
                amount = exchange.convert(amount, occurrence.currency, currency, occurrence.day).amount
            per_category[occurrence.category_id].append((occurrence.day, amount))
        self.zero = money.from_minor(0, currency)
        self.days, self.running = {}, {}
        for category_id, entries in per_category.items():
            running = [self.zero]
            for _day, amount in entries:
                running.append(running[-1] + amount)
            self.days[category_id] = [day for day, _amount in entries]
            self.running[category_id] = running

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


def evaluate(ledger_id, currency, lines, rows):
    """[[Cell of each period of the line's grid] for each line]; ``rows`` are the series
    whose occurrences are the plan (those of other categories are ignored)."""
    if not lines:
        return []
    spans = {}
    for line in lines:
        for span in (*line.grid, *((line.prefix,) if line.prefix else ())):
            spans.setdefault(span, len(spans))
    listed = list(spans)
    members = frozenset().union(*(line.members for line in lines))
    money_in = actuals.sums(ledger_id, listed, category_ids=members, currency=currency)
    plan = _Plan(ledger_id, [row for row in rows if row.category_id in members],
                 min(first for first, _last in listed), max(last for _first, last in listed), currency)
    nothing = money.from_minor(0, currency)

    def cell(line, span):
        index = spans[span]
        debit = credit = nothing
        for category_id in line.members:
            found = money_in.get(category_id)
            if found is not None:
                debit += found[index].debit
                credit += found[index].credit
        refund = credit if line.side == "expense" else -debit
        return Cell(credit - debit, refund, plan.total(line.members, *span), nothing)

    results = []
    for line in lines:
        cells = [cell(line, span) for span in line.grid]
        if line.rollover_start is not None:
            cells = _carried(line, cells, cell(line, line.prefix) if line.prefix else None)
        results.append(cells)
    return results
