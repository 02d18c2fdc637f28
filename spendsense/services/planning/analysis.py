"""Budget analysis: what each category spent or received against what its budget events
planned, per period, as PocketSmith's budget, budget_summary and trend_analysis report it.

- A category budgets on one side, by its kind (what PocketSmith's refund_behaviour says
  of its kindless categories): a spent category is an **expense** (actual = credits -
  debits, negative when spending; its credits are refunds), an earn category **income**
  (its debits are deductions, reported as a negative refund). The forecast is the sum
  of the events' signed amounts in the period.
- ``budget`` analyses each budgeted category in its current **event period** (from the
  occurrence on or before today to the day before the next: a monthly budget on the
  20th runs from the 20th to the 19th). ``budget_summary`` and ``trend_analysis`` use
  calendar periods widened to whole ones, or event periods when every series aligns.
- With ``roll_up`` a top-level category's figures include all its descendants'; the
  descendants are still listed with their own.
- **Rollover** (per category, off by default) carries what is left of a period into
  the next, both ways: $50 a month with $60 spent in May makes June's budget $40. The
  carry is linear (each period's leftover is its forecast, carry included, minus its
  actual), so the carry into any period is the forecast minus the actual of everything
  since the budget began (the period holding the category's first event, also when
  rollover is turned on later), read as one span, never period by period.
- Budgets read the events of the accounts' primary scenarios; a trend analysis reads
  the scenarios asked for. Amounts are in the ledger's base currency (actuals.py,
  other currencies converted at the occurrence's date).

Over and under are worked out on magnitudes (what was spent against what was budgeted,
or received against expected); a period with no budget is neither over nor under by
anything and has used 0 %, as PocketSmith reports it, and so has a budget that carried
overspending has made negative (it is over by all that was spent and carried).
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Ledger, User
from spendsense.models.planning import CategoryBudgetOption, Scenario
from spendsense.services import validation
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import categories
from spendsense.services.planning import periods
from spendsense.services.planning.repeats import Repeat
from spendsense.services.planning.rollover import Cell, Line, evaluate, listed, series_rows
from spendsense.services.uow import write_transaction

PERCENT = Decimal("0.01")
EVENT = "event"
SCENARIO_NOT_FOUND = "Scenario not found"
CATEGORY_NOT_FOUND = "Category not found!"
# A cadence's calendar equivalent, suggested when event periods do not align.
_SUGGESTED = {"daily": ("weeks", 1), "each weekday": ("weeks", 1), "weekly": ("weeks", 1),
              "fortnightly": ("weeks", 2), "monthly": ("months", 1), "yearly": ("years", 1)}


def _every(period, interval):
    """"months", 1 -> "month"; "weeks", 2 -> "2 weeks"."""
    return period[:-1] if interval == 1 else f"{interval} {period}"


class NotAligned(Invalid):
    """Event periods were asked for, but the series analysed do not fall on the same
    periods. ``suggested`` is a calendar (period, interval) to ask for instead."""

    def __init__(self, suggested=("months", 1)):
        super().__init__({"period": "The budget events analysed do not share their periods: "
                                    f"analyse by {_every(*suggested)} instead."})
        self.suggested = suggested


@dataclass(frozen=True)
class PeriodFigures:
    start_date: date
    end_date: date
    currency: str
    actual: Decimal
    forecast: Decimal  # the rollover included
    refund: Decimal
    current: bool
    over_budget: bool
    under_budget: bool
    over_by: Decimal
    under_by: Decimal
    percentage_used: Decimal
    rollover: Decimal  # what the forecast carries in from the periods before (0 without rollover)


@dataclass(frozen=True)
class Analysis:
    start_date: date
    end_date: date
    currency: str
    total_actual: Decimal
    average_actual: Decimal
    total_forecast: Decimal
    average_forecast: Decimal
    total_over_by: Decimal
    total_under_by: Decimal
    periods: list


@dataclass(frozen=True)
class Package:
    """One category's analyses (``category`` None: all categories together)."""

    category: object
    is_transfer: bool
    expense: Analysis | None
    income: Analysis | None


@dataclass(frozen=True)
class _Context:
    ledger_id: int
    currency: str
    week_start: int
    categories: dict  # id -> Category, in list order
    rollover: frozenset

    def side(self, category):
        return "expense" if category.kind == "spent" else "income"

    def descendants(self, category_id):
        children = defaultdict(list)
        for category in self.categories.values():
            if category.parent_id is not None:
                children[category.parent_id].append(category.id)
        found, todo = set(), [category_id]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found


def _context(ledger_id):
    currency, week_start = db.session.execute(
        select(User.base_currency, User.week_start).join(Ledger, Ledger.owner_id == User.id)
        .where(Ledger.id == ledger_id)).one()
    visible = {category.id: category for category in categories.list_categories(ledger_id)}
    return _Context(ledger_id, currency, week_start or 0, visible, frozenset(rollover_categories(ledger_id)))


# --- rollover settings


def rollover_categories(ledger_id):
    """The ids of the categories whose budgets carry over in this ledger."""
    return set(db.session.scalars(select(CategoryBudgetOption.category_id).where(
        CategoryBudgetOption.ledger_id == ledger_id, CategoryBudgetOption.rollover.is_(True))))


def set_rollover(ledger_id, category_id, on):
    """Turn a category's rollover on or off (any category the ledger sees)."""
    on = validation.boolean(on, "rollover")
    category = categories.get_visible(ledger_id, category_id)
    for attempt in range(2):
        try:
            with write_transaction() as session:
                option = session.scalars(select(CategoryBudgetOption).where(
                    CategoryBudgetOption.ledger_id == ledger_id,
                    CategoryBudgetOption.category_id == category.id)).first()
                if option is None:
                    session.add(CategoryBudgetOption(ledger_id=ledger_id, category_id=category.id, rollover=on))
                else:
                    option.rollover = on
            return on
        except IntegrityError:  # a concurrent request made the row first: change that one
            if attempt:
                raise
    return on


# --- figures


def _quantized(value, currency):
    # + 0 turns a negative zero (-0.01 / 3 rounds to -0.00) into 0.00.
    return value.quantize(Decimal(1).scaleb(-money.places(currency)), rounding=ROUND_HALF_EVEN) + 0


NO_PERCENT = Decimal(0).quantize(PERCENT)


def _period(span, side, currency, cell, today, nothing):
    start, end = span
    sign = -1 if side == "expense" else 1
    forecast = cell.base + cell.carry
    # + 0: -1 x 0.00 is -0.00, which a client would show as "-0.00 % used".
    used, budget = sign * cell.actual + 0, sign * forecast + 0
    if budget == 0:
        over_by = under_by = nothing
        percentage = NO_PERCENT
    else:
        over_by, under_by = max(used - budget, nothing), max(budget - used, nothing)
        percentage = (used * 100 / budget).quantize(PERCENT, ROUND_HALF_EVEN) if budget > 0 else NO_PERCENT
    return PeriodFigures(start, end, currency, cell.actual, forecast, cell.refund, start <= today <= end,
                         over_by > 0, not over_by > 0, over_by, under_by, percentage, cell.carry)


def _analysis(grid, side, currency, cells, today):
    """The Analysis of per-period cells (each the sum of the lines analysed together)."""
    nothing = money.from_minor(0, currency)
    figures = [_period(span, side, currency, cell, today, nothing) for span, cell in zip(grid, cells, strict=True)]
    count = len(figures)
    total_actual = sum((period.actual for period in figures), nothing)
    total_forecast = sum((period.forecast for period in figures), nothing)
    return Analysis(grid[0][0], grid[-1][1], currency, total_actual, _quantized(total_actual / count, currency),
                    total_forecast, _quantized(total_forecast / count, currency),
                    sum((period.over_by for period in figures), nothing),
                    sum((period.under_by for period in figures), nothing), figures)


def _package(category, side, grid, currency, cells, today):
    analysed = _analysis(grid, side, currency, cells, today)
    return Package(category, bool(category.is_transfer), analysed if side == "expense" else None,
                   analysed if side == "income" else None)


# --- what is analysed


def _primary_series(ledger_id, category_ids=None):
    return series_rows(ledger_id, category_ids=category_ids, primary=True)


def _scenario_series(ledger_id, scenario_ids, category_ids):
    """The series of the given scenarios (each must be one of the ledger's live accounts')."""
    known = set(db.session.scalars(
        select(Scenario.id).join(Account, Account.id == Scenario.account_id)
        .where(Scenario.ledger_id == ledger_id, Account.deleted_at.is_(None), Scenario.id.in_(list(scenario_ids)))))
    if set(scenario_ids) - known:
        raise NotFound(SCENARIO_NOT_FOUND, entity="scenario")
    return series_rows(ledger_id, scenario_ids=scenario_ids, category_ids=category_ids)


def _event_periods(row, horizon):
    """The series' event periods, from the occurrences the plan reads too (listed)."""
    repeat = Repeat.of(row)
    return periods.EventPeriods(repeat, periods.later(horizon, periods.gap(repeat)))


def _first_occurrence(rows):
    found = [day for day in (Repeat.of(row).first() for row in rows) if day is not None]
    return min(found) if found else None


def _event_grid(rows, first, last, interval):
    """(the reference series' periods, the event periods every series in ``rows``
    shares over first..last), or NotAligned."""
    repeating = sorted((row for row in rows if row.repeat_type != "once"),
                       key=lambda row: (periods.step_days(Repeat.of(row)), row.start_date, row.id))
    if not repeating:
        raise NotAligned()
    reference = Repeat.of(repeating[0])
    kind, count = _SUGGESTED[reference.repeat_type]
    suggested = (kind, count * reference.interval)
    grid = periods.series_grid(reference, first, last, interval=interval)
    if not grid:
        raise NotAligned(suggested)
    starts = {start for start, _end in grid}
    for row in rows:
        days = listed(row, grid[-1][1])
        if any(day not in starts for day in days[bisect_left(days, grid[0][0]):bisect_right(days, grid[-1][1])]):
            raise NotAligned(suggested)
    return periods.EventPeriods(reference, periods.later(grid[-1][1], periods.gap(reference))), \
        periods.joined(grid, interval)


def _grid(ctx, period, interval, start, end, rows):
    """(grid, where a rollover starting on ``day`` begins in it)."""
    interval = validation.integer(interval, "interval", minimum=1, maximum=periods.MAX_PERIODS)
    if end < start:
        raise Invalid.field("end_date", "The end date must not be before the start date.")
    if period == EVENT:
        reference, grid = _event_grid(rows, start, end, interval)

        def begins(day):
            held = reference.holding(day)
            return held[0] if held else day
        return grid, begins
    grid = periods.calendar(period, interval, start, end, week_start=ctx.week_start)

    def begins(day):
        return periods.holding(period, interval, grid[0][0], day, week_start=ctx.week_start)
    return grid, begins


def _line(ctx, members, side, grid, rows, begins, rollover):
    """A Line over ``grid``; with rollover it carries from the period holding the
    members' first occurrence."""
    start = None
    if rollover:
        first = _first_occurrence([row for row in rows if row.category_id in members])
        start = begins(first) if first is not None else None
    return Line(frozenset(members), side, tuple(grid), start)


def _summed(lines_cells):
    """Per period, the cells of several lines added up."""
    return [sum(cells[1:], cells[0]) for cells in zip(*lines_cells, strict=True)]


# --- the three analyses


def _current_period(members, by_category, today, horizon):
    """The event periods of the members' repeating series and the one holding today
    (the longest cadence wins, then the earliest start); None when no series runs today."""
    running = []
    for row in (row for category_id in members for row in by_category.get(category_id, ())):
        if row.repeat_type != "once":
            series = _event_periods(row, horizon)
            held = series.holding(today)
            if held is not None:
                running.append((-periods.step_days(series.repeat), row.start_date, row.id, series, held))
    if not running:
        return None
    *_order, series, held = min(running, key=lambda entry: entry[:3])
    return held, series


def budget(ledger_id, *, today, roll_up=False):
    """Each budgeted category in its current period (one period), as /users/{id}/budget:
    categories with a series running today, or with events in today's calendar month."""
    ctx = _context(ledger_id)
    rows = _primary_series(ledger_id)
    by_category = defaultdict(list)
    for row in rows:
        by_category[row.category_id].append(row)
    # Far enough for the period holding today of every series, and today's month.
    horizon = periods.later(today, max([31, *(periods.gap(Repeat.of(row)) for row in rows)]))
    lines, order = [], []
    for category in ctx.categories.values():
        members = {category.id}
        if roll_up and category.parent_id is None:
            members |= ctx.descendants(category.id)
        if not members & by_category.keys():
            continue
        found = _current_period(members, by_category, today, horizon)
        if found is not None:
            span, series = found

            def begins(day, series=series):
                held = series.holding(day)
                return held[0] if held else day
        else:
            span = periods.calendar("months", 1, today, today)[0]

            def begins(day):
                return day.replace(day=1)
        line = _line(ctx, members, ctx.side(category), [span], rows, begins, category.id in ctx.rollover)
        lines.append(line)
        order.append((category, found is not None))
    results = evaluate(ctx.ledger_id, ctx.currency, lines, rows, horizon=horizon)
    packages = []
    for (category, running), line, cells in zip(order, lines, results, strict=True):
        if not running and not cells[0].base:
            continue  # only events outside today's month: nothing is budgeted now
        packages.append(_package(category, line.side, list(line.grid), ctx.currency, cells, today))
    return packages


def budget_summary(ledger_id, *, period, interval, start, end, today):
    """All categories but transfer ones together: one package without a category, its
    expense and its income analysis over the periods covering start..end."""
    ctx = _context(ledger_id)
    counted = [category for category in ctx.categories.values() if not category.is_transfer]
    rows = _primary_series(ledger_id, [category.id for category in counted])
    grid, begins = _grid(ctx, period, interval, start, end, rows)
    lines = [_line(ctx, {category.id}, ctx.side(category), grid, rows, begins, category.id in ctx.rollover)
             for category in counted]
    results = evaluate(ctx.ledger_id, ctx.currency, lines, rows, horizon=grid[-1][1])
    analysed = {}
    for side in ("expense", "income"):
        cells = [cells for line, cells in zip(lines, results, strict=True) if line.side == side]
        analysed[side] = _analysis(grid, side, ctx.currency, _summed(cells) if cells else
                                   [Cell.empty(ctx.currency)] * len(grid), today)
    return [Package(None, False, analysed["expense"], analysed["income"])]


def trend_analysis(ledger_id, *, period, interval, start, end, category_ids, scenario_ids, today):
    """Each of the given categories (None: all the ledger sees) over the periods covering
    start..end, its forecast from the given scenarios' events (None: the primary ones)
    and its actuals from every account."""
    ctx = _context(ledger_id)
    if category_ids is None:
        chosen = list(ctx.categories.values())
    else:
        wanted = set(category_ids)
        if wanted - set(ctx.categories):
            raise NotFound(CATEGORY_NOT_FOUND, entity="category")
        chosen = [category for category in ctx.categories.values() if category.id in wanted]
    ids = [category.id for category in chosen]
    rows = (_primary_series(ledger_id, ids) if scenario_ids is None
            else _scenario_series(ledger_id, scenario_ids, ids))
    grid, begins = _grid(ctx, period, interval, start, end, rows)
    lines = [_line(ctx, {category.id}, ctx.side(category), grid, rows, begins, category.id in ctx.rollover)
             for category in chosen]
    results = evaluate(ctx.ledger_id, ctx.currency, lines, rows, horizon=grid[-1][1])
    return [_package(category, line.side, grid, ctx.currency, cells, today)
            for category, line, cells in zip(chosen, lines, results, strict=True)]
