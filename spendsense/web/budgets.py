"""Budgets: each budgeted category's spending against its budget for one week, month or
year (stepped back and forward), the budget set or changed in place and rollover turned
on or off. (The envelopes of a month are web/envelopes.py.)

The figures come from services/planning/analysis.py; a budget is set through
category_budgets.set_category_budget, so this page, the v2 API and the forecast read the same
budget events.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from spendsense import money
from spendsense.models import Category
from spendsense.services import validation
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts
from spendsense.services.planning import (
    analysis,
    category_budgets,
    events,
    occurrences,
    periods,
    scenarios,
)
from spendsense.web import bp
from spendsense.web.filters import format_day, format_decimal
from spendsense.web.forms import options
from spendsense.web.helpers import apply_errors, current_ledger, or_404
from spendsense.web.page_data import category_choices, today, week_start_of_user

# The page's period -> (the analysis' period, the repeat of a budget set while it shows).
UNITS = {"week": ("weeks", "weekly"), "month": ("months", "monthly"), "year": ("years", "yearly")}
REPEATS = {"weekly": "week", "fortnightly": "fortnight", "monthly": "month", "yearly": "year"}
# How long a repeat or a shown period is, to tell a budget longer than the period shown.
LENGTHS = {"weekly": 7, "fortnightly": 14, "monthly": 31, "yearly": 366, "week": 7, "month": 31, "year": 366}
MAX_OFFSET = 1200  # a hundred years of months: enough to browse, never past a date's range
NEAR = Decimal(90)  # percent used from which a budget is "near" its end
GONE = "Choose a category from the list."
TOO_FAR = "That is too far away: showing today's period."


class BudgetForm(FlaskForm):
    """Set, change or (with 0 or nothing) remove a category's budget from the shown period on."""

    # Any category id: the service says when it is not one the ledger may budget.
    category_id = SelectField("Category", validators=[InputRequired(GONE)], validate_choice=False)
    amount = StringField("Budget", validators=[Optional(), Length(max=40)])
    repeat = SelectField("Every", choices=options(REPEATS.items()), default="monthly")
    # The view to go back to, or to show again with the errors.
    period = HiddenField()
    date = HiddenField()
    error_aliases = {"category": "category_id", "period": "repeat"}


class RolloverForm(FlaskForm):
    on = HiddenField()
    period = HiddenField()
    date = HiddenField()


@dataclass(frozen=True)
class View:
    """The period the page shows: its unit, first and last day, and whether it is now."""

    unit: str
    start: date
    end: date
    current: bool
    today: date

    @property
    def label(self):
        if self.unit == "year":
            return str(self.start.year)
        if self.unit == "month":
            return f"{self.start:%B %Y}"
        return f"{self.start.day} {self.start:%b} – {self.end.day} {self.end:%b %Y}"

    def args(self, **extra):
        """The query string that shows this view again."""
        return {"period": self.unit, "date": self.start.isoformat(), **extra}

    def transactions(self, category_id):
        """The link to the category's transactions in this period."""
        return url_for("web.transactions_list", category=category_id, period="custom", start=self.start.isoformat(),
                       end=self.end.isoformat())

    @property
    def budget_day(self):
        """The day a budget set while this view shows starts from (category_budgets.set_category_budget's
        ``today``): today in the current period, else the period's first day."""
        return self.today if self.current else self.start

    def neighbour(self, offset):
        """The query string of the period ``offset`` away, or None past the last date."""
        day = periods.step(UNITS[self.unit][0], self.start, offset)
        if day is None or not validation.MIN_DATE <= day <= validation.MAX_DATE:
            return None
        return {"period": self.unit, "date": day.isoformat()}


@dataclass(frozen=True)
class Planned:
    """What one series of the plan (a bill, an income) puts in a category's budget for the
    shown period: its name, how many times, the amount (positive) and where to see it."""

    label: str
    count: int
    amount: Decimal
    currency: str
    first: date
    url: str


@dataclass(frozen=True)
class Row:
    """One budgeted category in the shown period, in ``currency``, as positive amounts:
    the budget (with what rolled over into it), what was spent (or received), what is
    left (negative when over)."""

    category: Category
    currency: str
    budgeted: Decimal
    actual: Decimal
    refunds: Decimal
    left: Decimal
    percent: Decimal | None
    carried: Decimal  # + unspent money carried in, - overspending carried in
    rollover: bool
    amount: Decimal | None  # the budget per repeat as set; None: set elsewhere (the API, a plan)
    repeat: str
    planned: tuple = ()  # the plan's other series in the period (Planned), which the budget includes
    by_hand: str | None = None  # the name of the plan's event the budget is, when not set on this page
    longer: str | None = None  # "month" when the budget repeats monthly and a week shows

    @property
    def state(self):
        if self.category.kind == "earn":
            return "income"
        if self.left < 0:
            return "over"
        if self.percent is not None and self.percent >= NEAR:
            return "near"
        return "under"

    @property
    def percent_text(self):
        if self.percent is None:
            return "—"
        return f"{self.percent.quantize(Decimal(1), ROUND_HALF_UP)}%"

    @property
    def bar(self):
        """The progress bar's value: the percent used, from empty to full."""
        if self.percent is None:
            return 100 if self.actual > 0 else 0
        return max(0, min(100, int(self.percent)))


def _view(ledger_id, args, notes):
    """The period asked for by ?period=week|month|year, ?date=YYYY-MM-DD (a day in it)
    and ?offset=N (periods from there); what cannot be read falls back, with a note."""
    now = today(ledger_id)
    unit = args.get("period") or "month"
    if unit not in UNITS:
        notes.append("Choose a week, a month or a year.")
        unit = "month"
    day = now
    if args.get("date"):
        try:
            day = validation.parse_date(args["date"], "date")
        except Invalid:
            notes.append("That date could not be read: showing today's period.")
    if args.get("offset"):
        try:
            steps = validation.integer(args["offset"], "offset", minimum=-MAX_OFFSET, maximum=MAX_OFFSET)
        except Invalid:
            notes.append(f"Step at most {MAX_OFFSET} periods back or forward.")
        else:
            day = periods.step(UNITS[unit][0], periods.unit_start(UNITS[unit][0], day, week_start_of_user()), steps)
    if day is None or not validation.MIN_DATE <= day <= validation.MAX_DATE:
        notes.append(TOO_FAR)
        day = now
    ((start, end),) = periods.calendar(UNITS[unit][0], 1, day, day, week_start=week_start_of_user())
    return View(unit, start, end, start <= now <= end, now)


def _default_scenario(ledger_id):
    """Where budgets go (None before the first account)."""
    try:
        return scenarios.default_scenario(ledger_id)
    except Invalid:
        return None


def budget_series(ledger_id, scenario, day):
    """{category id: the series the Budgets page changes}, as
    category_budgets.set_category_budget picks it on ``day`` (category_budgets.in_effect)."""
    if scenario is None:
        return {}
    by_category = defaultdict(list)
    for row in sorted(events.series_for_scenario(ledger_id, scenario.id), key=lambda row: (row.start_date, row.id)):
        by_category[row.category_id].append(row)
    picked = {category_id: category_budgets.in_effect(rows, day) for category_id, rows in by_category.items()}
    return {category_id: row for category_id, row in picked.items() if row is not None}


def _period_of(package, kind):
    """The shown period's figures of a package, for its kind (expense or income)."""
    analysed = package.expense if kind == "spent" else package.income
    return analysed.periods[0] if analysed is not None and analysed.periods else None


def _primary_ids(ledger_id):
    """The accounts' own plans, whose events the budgets count (as the analysis reads them)."""
    return [s.id for s in scenarios.list_for_ledger(ledger_id) if s.is_primary]


def _planned(ledger_id, view, category_ids, series):
    """({category id: (Planned, ...)}, {category id: a budget set on this page that falls in
    the period}): the plan's series (not budgets, nor the category's own budget) with
    occurrences in the shown period, which its budgeted amount includes."""
    if not category_ids:
        return {}, {}
    own = {row.id for row in series.values()}
    found, budgets = {}, {}
    for occurrence in occurrences.between(ledger_id, view.start, view.end, scenario_ids=_primary_ids(ledger_id),
                                          category_ids=category_ids):
        if occurrence.event.is_budget:
            budgets.setdefault(occurrence.category_id, occurrence.event)
        elif occurrence.event.id not in own:
            found.setdefault(occurrence.category_id, {}).setdefault(occurrence.event.id, []).append(occurrence)
    planned = {}
    for category_id, by_series in found.items():
        items = []
        for listed in by_series.values():
            first = listed[0]
            sign = -1 if first.event.category.kind == "spent" else 1
            url = (url_for("web.edit_event", occurrence_id=first.id, next=url_for("web.budgets_page", **view.args()))
                   if len(listed) == 1 else url_for("web.plan_page", month=f"{first.day:%Y-%m}"))
            items.append(Planned(first.event.note or first.event.category.name, len(listed),
                                 sign * sum((o.amount for o in listed), Decimal(0)) + 0, first.currency, first.day, url))
        planned[category_id] = tuple(sorted(items, key=lambda item: (item.first, item.label)))
    return planned, budgets


def _longer(own, view):
    """The unit of a budget that repeats less often than the period shown ("month" for a
    monthly budget on a week): the period holding its date then carries all of it."""
    if own is None or own.repeat_type not in REPEATS:
        return None
    if LENGTHS[own.repeat_type] * (own.repeat_interval or 1) > LENGTHS[view.unit]:
        return REPEATS[own.repeat_type]
    return None


def _rows(ledger_id, view, scenario):
    """({kind: budgeted rows}, {kind: [(category, amount, currency)] without a budget})."""
    packages = analysis.trend_analysis(ledger_id, period=UNITS[view.unit][0], interval=1, start=view.start,
                                       end=view.end, category_ids=None, scenario_ids=None, today=view.today)
    rolling = analysis.rollover_categories(ledger_id)
    series = budget_series(ledger_id, scenario, view.budget_day)
    shown = []
    unbudgeted = {"spent": [], "earn": []}
    for package in packages:
        category = package.category
        figures = _period_of(package, category.kind)
        if category.is_transfer or figures is None:
            continue
        # Positive amounts (+ 0 turns a -0.00 into 0.00).
        sign = -1 if category.kind == "spent" else 1
        budgeted, actual = sign * figures.forecast + 0, sign * figures.actual + 0
        if not budgeted and series.get(category.id) is None and not figures.rollover:
            if actual > 0:
                unbudgeted[category.kind].append((category, actual, figures.currency))
            continue
        shown.append((category, figures, sign, budgeted, actual))
    planned, budgets = _planned(ledger_id, view, [category.id for category, *_rest in shown], series)
    rows = {"spent": [], "earn": []}
    for category, figures, sign, budgeted, actual in shown:
        own = series.get(category.id)
        rows[category.kind].append(Row(
            category=category, currency=figures.currency, budgeted=budgeted, actual=actual,
            refunds=abs(figures.refund), left=budgeted - actual, percent=figures.percentage_used + 0,
            carried=sign * figures.rollover + 0, rollover=category.id in rolling,
            amount=abs(money.from_minor(own.amount, own.currency)) if own is not None else None,
            repeat=own.repeat_type if own is not None and own.repeat_type in REPEATS else UNITS[view.unit][1],
            planned=planned.get(category.id, ()),
            by_hand=(own.note or category.name) if own is not None and not own.is_budget else None,
            longer=_longer(own if own is not None and own.is_budget else budgets.get(category.id), view)))
    for found in unbudgeted.values():
        found.sort(key=lambda item: (-item[1], item[0].name))
    return rows, unbudgeted


def _category_groups(ledger_id):
    """The add form's choices: the ledger's categories by kind (no transfer ones)."""
    return {title: [(str(c.id), f"{c.icon} {c.name}") for c in category_choices(ledger_id)
                    if c.kind == kind and not c.is_transfer]
            for kind, title in (("spent", "Expenses"), ("earn", "Income"))}


def _render(ledger_id, view, notes, *, failed=None, status=200):
    """The page; ``failed`` is the budget form that could not be saved (its category's
    row, or the add form, shows it with its errors)."""
    scenario = _default_scenario(ledger_id)
    rows, unbudgeted = _rows(ledger_id, view, scenario)
    add_form = failed if failed is not None and failed.new else BudgetForm(formdata=None)
    if failed is None or not failed.new:
        add_form.repeat.data = UNITS[view.unit][1]
        add_form.category_id.data = request.args.get("category", "")
    add_form.category_id.choices = _category_groups(ledger_id)
    totals = {kind: _totals(found) for kind, found in rows.items()}
    return render_template(
        "budgets/list.html", view=view, units=UNITS, repeats=REPEATS, rows=rows, totals=totals,
        unbudgeted=unbudgeted, add_form=add_form, failed=failed, notes=notes,
        has_account=scenario is not None), status


def _totals(rows):
    """Budgeted, actual and left of the rows, per currency (rows in other currencies never add up)."""
    found = {}
    for row in rows:
        budgeted, actual = found.get(row.currency, (Decimal(0), Decimal(0)))
        found[row.currency] = (budgeted + row.budgeted, actual + row.actual)
    return {currency: (budgeted, actual, budgeted - actual) for currency, (budgeted, actual) in found.items()}


@bp.route("/budgets")
@login_required
def budgets_page():
    ledger_id = current_ledger()
    notes = []
    return _render(ledger_id, _view(ledger_id, request.args, notes), notes)


def _posted_view(ledger_id, form):
    notes = []
    return _view(ledger_id, {"period": form.period.data, "date": form.date.data}, notes)


@bp.route("/budgets/set", methods=["POST"])
@login_required
def set_budget():
    ledger_id = current_ledger(write=True)
    form = BudgetForm()
    form.new = request.form.get("new") == "1"
    view = _posted_view(ledger_id, form)
    if form.validate_on_submit():
        category_id = validation.row_id_or_none(form.category_id.data)
        try:
            if category_id is None:
                raise NotFound(GONE)
            # From the period shown on: today's, or the first day of an earlier or later one.
            saved = category_budgets.set_category_budget(ledger_id, category_id, form.amount.data or "0",
                                               period=form.repeat.data,
                                       today=view.budget_day)
        except Invalid as exc:
            apply_errors(form, exc)
        except NotFound:
            form.category_id.errors = [GONE]
        else:
            flash(_saved_message(ledger_id, category_id, form, view, saved), "success")
            return redirect(url_for("web.budgets_page", **view.args()) + f"#budget-{category_id}")
    form.failed_category = form.category_id.data
    return _render(ledger_id, view, [], failed=form, status=422)


def _saved_message(ledger_id, category_id, form, view, saved):
    """What was saved. A budget of a longer repeat than the period shown (a month's, set
    while a week shows) can start before it, or end before a budget set for later: then
    its dates are said, not "from this week on"."""
    category = next((c for c in category_choices(ledger_id) if c.id == category_id), None)
    name = f"{category.icon} {category.name}" if category is not None else "the category"
    amount = money.parse_number(form.amount.data) if (form.amount.data or "").strip() else 0
    if not amount:
        return f"Budget for {name} removed from {view.label} on."
    shown = format_decimal(amount, accounts.ledger_currency(ledger_id))
    every = f"Budget for {name}: {shown} a {REPEATS[form.repeat.data]}"
    if saved is not None and (saved.end_date is not None or not view.start <= saved.start_date <= view.end):
        until = f" to {format_day(saved.end_date)}" if saved.end_date is not None else " on"
        return f"{every}, from {format_day(saved.start_date)}{until}."
    return f"{every}, from {view.label} on."


@bp.route("/budgets/<int:category_id>/rollover", methods=["POST"])
@login_required
def set_rollover(category_id):
    ledger_id = current_ledger(write=True)
    form = RolloverForm()
    view = _posted_view(ledger_id, form)
    if not form.validate_on_submit():
        return redirect(url_for("web.budgets_page", **view.args()))
    turn_on = form.on.data == "1"
    or_404(analysis.set_rollover, ledger_id, category_id, turn_on)
    flash("Rollover on: what is left (or overspent) carries into the next period." if turn_on
          else "Rollover off: each period starts with its own budget.", "success")
    return redirect(url_for("web.budgets_page", **view.args()) + f"#budget-{category_id}")
