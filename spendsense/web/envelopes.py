"""The envelopes of a month (services/planning/envelopes.py): per expense category the
money assigned, the month's activity and what is available, and what is left to
assign ("available to budget"); money assigned in place, per category."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from spendsense.services import validation
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts
from spendsense.services.planning import envelopes
from spendsense.web import bp
from spendsense.web.filters import format_decimal
from spendsense.web.helpers import apply_errors, current_ledger
from spendsense.web.page_data import category_choices, today
from spendsense.web.plan import add_months, month_arg

GONE = "Choose an expense category from the list."


class AssignForm(FlaskForm):
    """Money for one category's envelope in one month; empty gives the month back to the
    category's budget events."""

    # Any category id: the service says when it has no envelope.
    category_id = SelectField("Category", validators=[InputRequired(GONE)], validate_choice=False)
    month = HiddenField(validators=[InputRequired()])
    amount = StringField("Assign", validators=[Optional(), Length(max=40)])
    error_aliases = {"category": "category_id"}


def _choices(ledger_id):
    return [(str(c.id), f"{c.icon} {c.name}") for c in category_choices(ledger_id)
            if c.kind == "spent" and not c.is_transfer]


def _render(ledger_id, first, notes, *, failed=None, status=200):
    now = today(ledger_id)
    shown = envelopes.month(ledger_id, first, today=now)
    listed = {envelope.category.id for envelope in shown.envelopes}
    add_form = failed if failed is not None and failed.new else AssignForm(formdata=None)
    add_form.category_id.choices = [(value, label) for value, label in _choices(ledger_id)
                                    if int(value) not in listed]
    return render_template(
        "budgets/envelopes.html", tab="envelopes", shown=shown, now=now, notes=notes, failed=failed,
        add_form=add_form, previous=add_months(first, -1) if first > validation.MIN_DATE else None,
        following=add_months(first, 1) if first < validation.MAX_DATE.replace(day=1) else None,
        totals=_totals(shown), month_end=add_months(first, 1) - timedelta(days=1)), status


def _totals(shown):
    zero = shown.available_to_budget * 0
    return (sum((e.assigned for e in shown.envelopes), zero), sum((e.spent for e in shown.envelopes), zero),
            sum((e.available for e in shown.envelopes), zero))


@bp.route("/budgets/envelopes")
@login_required
def envelopes_page():
    ledger_id = current_ledger()
    notes = []
    return _render(ledger_id, month_arg(request.args.get("month"), today(ledger_id), notes), notes)


@bp.route("/budgets/envelopes/assign", methods=["POST"])
@login_required
def assign_envelope():
    ledger_id = current_ledger(write=True)
    form = AssignForm()
    form.new = request.form.get("new") == "1"
    notes = []
    first = month_arg((form.month.data or "")[:7], today(ledger_id), notes)
    if form.validate_on_submit() and not notes:
        category_id = validation.row_id_or_none(form.category_id.data)
        try:
            if category_id is None:
                raise NotFound(GONE)
            envelopes.assign(ledger_id, category_id, first, form.amount.data)
        except Invalid as exc:
            apply_errors(form, exc)
        except NotFound:
            form.category_id.errors = [GONE]
        else:
            flash(_saved_message(ledger_id, category_id, form.amount.data, first), "success")
            return redirect(url_for("web.envelopes_page", month=f"{first:%Y-%m}") + f"#envelope-{category_id}")
    return _render(ledger_id, first, notes, failed=form, status=422)


def _saved_message(ledger_id, category_id, typed, first):
    """What was assigned, in the page's money format ("€350.00", not the "350" typed)."""
    category = next((c for c in category_choices(ledger_id) if c.id == category_id), None)
    name = f"{category.icon} {category.name}" if category is not None else "the category"
    if not (typed or "").strip():
        return f"Assignment to {name} taken away: {first:%B %Y} follows the budget again."
    currency = accounts.ledger_currency(ledger_id)
    shown = format_decimal(validation.amount(typed, currency), currency)
    return f"Assigned {shown} to {name} for {first:%B %Y}."
