"""The plan: budget events (bills, income, budgets) as a list of the next 30 or 60 days
and as a calendar month; add an event, change or delete one occurrence, it and those
after it, or all of its series (services/planning/events.py).

An occurrence is addressed as PocketSmith does, ``<series id>-<unix date>``: an id
that is not one, or not this ledger's, is a 404.
"""

import calendar
import re
from collections import defaultdict
from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from spendsense import money
from spendsense.services import validation
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.planning import events, occurrences, recurring, scenarios
from spendsense.web import bp
from spendsense.web.forms import options
from spendsense.web.helpers import apply_errors, current_ledger, or_404, render_form, safe_next
from spendsense.web.page_data import category_choices, today, week_start_of_user

REPEAT_LABELS = {"once": "Once", "daily": "Daily", "weekly": "Weekly", "fortnightly": "Fortnightly",
                 "monthly": "Monthly", "yearly": "Yearly", "each weekday": "Each weekday (Monday to Friday)"}
# What one step of the interval is, for "every 2 months".
STEPS = {"daily": ("day", "days"), "weekly": ("week", "weeks"), "fortnightly": ("fortnight", "fortnights"),
         "monthly": ("month", "months"), "yearly": ("year", "years"), "each weekday": ("week", "weeks")}
WINDOWS = (30, 60)
GONE = "Choose a category from the list."
NO_PLAN = "Choose an account from the list."
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _behaviours(day):
    return options([("one", f"Only this one, on {day:%-d %b %Y}"), ("forward", "This one and all after it"),
                    ("all", "Every one, the earlier ones too")])


class _EventFields(FlaskForm):
    # Choices (the ledger's categories, by kind) are set by the view; the service checks the id.
    category_id = SelectField("Category", validators=[InputRequired(GONE)], validate_choice=False)
    amount = StringField("Amount", validators=[DataRequired(), Length(max=40)],
                         description="Money out for an expense category, in for an income one; a - or + says "
                                     "otherwise.")
    date = DateField("Date", validators=[InputRequired()])
    repeat_type = SelectField("Repeats", choices=options(REPEAT_LABELS.items()), default="monthly")
    # Text, checked by the service: WTForms' NumberRange turns a 400-digit number into a float and fails.
    repeat_interval = StringField("Every", default="1", validators=[InputRequired(), Length(max=20)],
                                  description="2: every other one")
    end_date = DateField("Ends on", validators=[Optional()], description="Empty: it goes on.")
    note = StringField("Note", validators=[Optional(), Length(max=500)])
    post_automatically = BooleanField("Record it as a transaction when it is due")
    next = HiddenField()
    error_aliases = {"start_date": "date"}


class NewEventForm(_EventFields):
    # Choices (the plans of the ledger's accounts) are set by the view.
    scenario_id = SelectField("Account", validators=[InputRequired(NO_PLAN)], validate_choice=False)
    error_aliases = {"start_date": "date", "scenario": "scenario_id", "account": "scenario_id"}


class EditEventForm(_EventFields):
    behaviour = RadioField("Change", default="one", validators=[InputRequired()])


class DeleteEventForm(FlaskForm):
    behaviour = RadioField("Delete", default="one", validators=[InputRequired()])
    next = HiddenField()


def describe_repeat(event):
    """The series' rule in words: "Every 2 months, until 31 Dec 2027"."""
    if event.repeat_type == "once":
        return "Once"
    one, many = STEPS[event.repeat_type]
    interval = event.repeat_interval or 1
    if event.repeat_type == "each weekday":
        words = "Every weekday" + (f", every {interval} {many}" if interval > 1 else "")
    else:
        words = f"Every {one}" if interval == 1 else f"Every {interval} {many}"
    if event.end_date is not None:
        words += f", until {event.end_date.day} {event.end_date:%b %Y}"
    elif event.occurrences is not None:
        words += f", {event.occurrences} time{'s' if event.occurrences != 1 else ''}"
    return words


def _category_groups(ledger_id):
    return {title: [(str(c.id), f"{c.icon} {c.name}") for c in category_choices(ledger_id)
                    if c.kind == kind and not c.is_transfer]
            for kind, title in (("spent", "Expenses"), ("earn", "Income"))}


def _scenario_choices(ledger_id):
    return [(str(s.id), s.account.name if s.is_primary else f"{s.account.name}: {s.title}")
            for s in scenarios.list_for_ledger(ledger_id)]


def _signed(form, ledger_id):
    """The amount as the service takes it (signed), from what was typed and the category:
    a typed sign wins; otherwise an expense is money out and income money in."""
    typed = form.amount.data.strip()
    if typed[:1] in "+-":
        return typed
    category = next((c for c in category_choices(ledger_id) if str(c.id) == form.category_id.data), None)
    return "-" + typed if category is not None and category.kind == "spent" else typed


def _shown_amount(event):
    """The amount as the form shows it: no sign when it goes the category's way."""
    amount = money.from_minor(event.amount, event.currency)
    usual = (amount < 0) == (event.category.kind == "spent")
    return str(abs(amount)) if usual else f"{amount:+}"


def _plan_url(form):
    return safe_next(form.next.data or request.args.get("next"), "web.plan_page")


def month_arg(value, now, notes):
    """The first day of ?month=YYYY-MM, or of this month."""
    if not value:
        return now.replace(day=1)
    match = _MONTH_RE.match(value)
    if match:
        try:
            first = date(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            first = None
        if first is not None and validation.MIN_DATE <= first <= validation.MAX_DATE.replace(day=1):
            return first
    notes.append("Choose a month like 2026-12: showing this month.")
    return now.replace(day=1)


def add_months(first, count):
    month = first.year * 12 + first.month - 1 + count
    return date(month // 12, month % 12 + 1, 1)


def planned(ledger_id, first, last, now):
    """(the occurrences from ``first`` to ``last``, the (series id, date) of those still
    open that an actual transaction already pays). Matching reads as the forecast does
    (services/planning/recurring.py), from two weeks before, so that an earlier
    occurrence claims its transaction first."""
    lead = first - timedelta(days=2 * recurring.MATCH_DAYS)
    found = occurrences.between(ledger_id, lead, last)
    paid = recurring.matches(ledger_id, [o for o in found if o.state is None], today=now)
    return [o for o in found if o.day >= first], set(paid)


def _by_day(found):
    days = defaultdict(list)
    for occurrence in found:
        days[occurrence.day].append(occurrence)
    return days


def _totals(found):
    """{currency: (money in, money out)} of the occurrences, as positive Decimals."""
    sums = defaultdict(lambda: [0, 0])
    for occurrence in found:
        sums[occurrence.currency][0 if occurrence.minor > 0 else 1] += abs(occurrence.minor)
    return {currency: (money.from_minor(inflow, currency), money.from_minor(outflow, currency))
            for currency, (inflow, outflow) in sorted(sums.items())}


@bp.route("/plan")
@login_required
def plan_page():
    ledger_id = current_ledger()
    now = today(ledger_id)
    notes = []
    if "month" in request.args or request.args.get("view") == "calendar":
        return _calendar(ledger_id, now, notes)
    days = validation.row_id_or_none(request.args.get("days"))
    if days not in WINDOWS:
        if "days" in request.args:
            notes.append("Choose the next 30 or 60 days.")
        days = WINDOWS[0]
    found, paid = planned(ledger_id, now, now + timedelta(days=days), now)
    return render_template("plan/list.html", view="list", days=days, windows=WINDOWS, now=now, notes=notes,
                           groups=sorted(_by_day(found).items()), totals=_totals(found), paid=paid,
                           describe=describe_repeat,
                           has_plan=bool(_scenario_choices(ledger_id)))


def _calendar(ledger_id, now, notes):
    first = month_arg(request.args.get("month"), now, notes)
    weeks = calendar.Calendar(firstweekday=week_start_of_user()).monthdatescalendar(first.year, first.month)
    found, paid = planned(ledger_id, weeks[0][0], weeks[-1][-1], now)
    in_month = [o for o in found if o.day.month == first.month]
    previous = add_months(first, -1) if first.year > validation.MIN_DATE.year or first.month > 1 else None
    following = add_months(first, 1) if first < validation.MAX_DATE.replace(day=1) else None
    return render_template("plan/calendar.html", view="calendar", month=first, weeks=weeks, now=now, notes=notes,
                           days=_by_day(found), in_month=sorted(_by_day(in_month).items()), totals=_totals(in_month),
                           previous=previous, following=following, weekdays=[d.strftime("%a") for d in weeks[0]],
                           paid=paid,
                           describe=describe_repeat, has_plan=bool(_scenario_choices(ledger_id)))


@bp.route("/plan/new", methods=["GET", "POST"])
@login_required
def new_event():
    ledger_id = current_ledger(write=request.method == "POST")
    now = today(ledger_id)
    form = NewEventForm(date=_day_arg(now))
    form.category_id.choices = _category_groups(ledger_id)
    form.scenario_id.choices = _scenario_choices(ledger_id)
    if request.method == "GET":
        if request.args.get("category"):
            form.category_id.data = request.args["category"]
        if form.scenario_id.choices:
            form.scenario_id.data = str(scenarios.default_scenario(ledger_id).id)
    if form.validate_on_submit():
        try:
            scenario_id = validation.row_id_or_none(form.scenario_id.data)
            if scenario_id is None:
                raise NotFound(NO_PLAN, entity="scenario")
            events.create_event(
                ledger_id, scenario_id, category_id=_category_id(form), amount=_signed(form, ledger_id),
                date=form.date.data, repeat_type=form.repeat_type.data, repeat_interval=form.repeat_interval.data,
                end_date=form.end_date.data, note=form.note.data or None,
                post_automatically=form.post_automatically.data)
        except Invalid as exc:
            apply_errors(form, exc)
        except NotFound as exc:
            _not_found(form, exc)
        else:
            flash("Event added to the plan.", "success")
            return redirect(_plan_url(form))
    return render_form("plan/form.html", form, occurrence=None, has_plan=bool(form.scenario_id.choices))


def _day_arg(now):
    """?date= of a calendar day's "add" link, else today."""
    try:
        return validation.parse_date(request.args["date"], "date") if request.args.get("date") else now
    except Invalid:
        return now


def _category_id(form):
    """The chosen category's id; anything else is a category not in the list."""
    category_id = validation.row_id_or_none(form.category_id.data)
    if category_id is None:
        raise NotFound(GONE, entity="category")
    return category_id


def _not_found(form, exc):
    """A category or plan that is not (or no longer) the ledger's: said on its field."""
    if getattr(exc, "entity", None) == "scenario" and hasattr(form, "scenario_id"):
        form.scenario_id.errors = [NO_PLAN]
    else:
        form.category_id.errors = [GONE]


def _changes(form, occurrence, ledger_id):
    """What the form changes. Only this one (``one``) cannot change the repeat rule, and
    a date or rule left as it was is not sent (so "all" keeps the series where it is)."""
    event = occurrence.event
    changes = {"amount": _signed(form, ledger_id), "category_id": _category_id(form),
               "note": form.note.data or None, "post_automatically": form.post_automatically.data}
    if form.date.data != occurrence.day:
        changes["date"] = form.date.data
    if form.behaviour.data != "one":
        for name, old in (("repeat_type", event.repeat_type), ("repeat_interval", str(event.repeat_interval)),
                          ("end_date", event.end_date)):
            new = getattr(form, name).data
            if (new.strip() if isinstance(new, str) else new) != old:
                changes[name] = new
    return changes


@bp.route("/plan/events/<occurrence_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(occurrence_id):
    ledger_id = current_ledger(write=request.method == "POST")
    occurrence = or_404(events.get_occurrence, ledger_id, occurrence_id)
    event = occurrence.event
    form = EditEventForm(category_id=str(event.category_id), amount=_shown_amount(event), date=occurrence.day,
                         repeat_type=event.repeat_type, repeat_interval=str(event.repeat_interval),
                         end_date=event.end_date, note=event.note, post_automatically=event.post_automatically,
                         behaviour="one" if event.repeat_type != "once" else "all")
    form.category_id.choices = _category_groups(ledger_id)
    form.behaviour.choices = _behaviours(occurrence.day)
    if form.validate_on_submit():
        try:
            events.update_occurrence(ledger_id, occurrence.id, form.behaviour.data,
                                     **_changes(form, occurrence, ledger_id))
        except Invalid as exc:
            apply_errors(form, exc)
        except NotFound as exc:
            if getattr(exc, "entity", None) == "event":  # deleted meanwhile
                abort(404)
            _not_found(form, exc)
        else:
            flash("Event saved.", "success")
            return redirect(_plan_url(form))
    return render_form("plan/form.html", form, occurrence=occurrence, describe=describe_repeat)


@bp.route("/plan/events/<occurrence_id>/delete", methods=["GET", "POST"])
@login_required
def delete_event(occurrence_id):
    ledger_id = current_ledger(write=request.method == "POST")
    occurrence = or_404(events.get_occurrence, ledger_id, occurrence_id)
    form = DeleteEventForm(behaviour="one" if occurrence.event.repeat_type != "once" else "all")
    form.behaviour.choices = _behaviours(occurrence.day)
    if form.validate_on_submit():
        or_404(events.delete_occurrence, ledger_id, occurrence.id, form.behaviour.data)
        flash("Event deleted." if form.behaviour.data == "one" or occurrence.event.repeat_type == "once"
              else "Events deleted.", "success")
        return redirect(_plan_url(form))
    return render_form("plan/delete.html", form, occurrence=occurrence, describe=describe_repeat)
