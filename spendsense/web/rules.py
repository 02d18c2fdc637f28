"""Category rules: list them in the order they are tried, create, edit, delete, move
up and down, and apply them now to the transactions there are.

Endpoint names hold "categor" so the nav shows the rules as part of Categories.
"""

from flask import abort, flash, redirect, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import categories, rule_application, rules
from spendsense.web import bp
from spendsense.web.forms import ConfirmForm, options
from spendsense.web.helpers import apply_errors, current_ledger, or_404, render_form

MATCH_LABELS = {"contains": "contains", "starts_with": "starts with", "exact": "is exactly"}
GONE = "Choose a category from the list."


class RuleForm(FlaskForm):
    pattern = StringField("Payee", validators=[DataRequired(), Length(max=rules.MAX_PATTERN)])
    match = SelectField("Match", choices=options(MATCH_LABELS.items()), default="contains")
    # Choices (the categories the ledger sees, by kind) are set by the view.
    category_id = SelectField("Category", validators=[InputRequired()])
    apply_now = BooleanField("Also file the uncategorised transactions it matches now")
    error_aliases = {"category": "category_id"}


class ApplyForm(FlaskForm):
    scope = RadioField("Apply to", default=rule_application.UNCATEGORISED, choices=options([
        (rule_application.UNCATEGORISED, "Uncategorised transactions"),
        (rule_application.EVERYTHING, "All matching transactions, also re-filing categorised ones")]))


def _category_choices(ledger_id):
    rows = categories.list_categories(ledger_id)
    return {title: [(str(c.id), f"{c.icon} {c.name}") for c in rows if c.kind == kind]
            for kind, title in (("spent", "Expenses"), ("earn", "Income"))}


def _rule_form(ledger_id, **values):
    form = RuleForm(**values)
    form.category_id.choices = _category_choices(ledger_id)
    return form


def _plural(count, word="transaction"):
    return f"{count} {word}{'' if count == 1 else 's'}"


def _filed_message(applied, category=None):
    """What a run did, in words: "Filed 12 transactions under 🛒 Supermarket." and why
    rows it matched were left alone."""
    under = f" under {category.icon} {category.name}" if category is not None else " by your rules"
    if applied.changed:
        message = f"Filed {_plural(applied.changed)}{under}."
    else:
        message = f"No transactions to file{under}."
    if applied.skipped:
        left = "was left alone" if applied.skipped == 1 else "were left alone"
        if category is not None:
            kind, other = ("an expense", "money-in") if category.kind == "spent" else ("an income", "money-out")
            message += (f" {_plural(applied.skipped, f'{other} transaction')} matched but {left}: "
                        f"{category.icon} {category.name} is {kind} category.")
        else:
            message += (f" {_plural(applied.skipped)} matched only rules whose category does not fit their sign "
                        f"(an expense category on money in, or the reverse) and {left}.")
    return message


@bp.route("/categories/rules", methods=["GET", "POST"])
@login_required
def category_rules():
    ledger_id = current_ledger(write=request.method == "POST")
    form = _rule_form(ledger_id)
    if form.validate_on_submit():
        scope = rule_application.UNCATEGORISED if form.apply_now.data else None
        try:
            rule, applied = rule_application.create_and_apply(
                ledger_id, int(form.category_id.data), form.pattern.data, match=form.match.data, scope=scope)
        except Invalid as exc:
            apply_errors(form, exc)
        except NotFound:  # the chosen category was deleted meanwhile
            form.category_id.errors.append(GONE)
        else:
            message = (f"Rule added: a payee that {MATCH_LABELS[rule.match_mode]} “{rule.payee_pattern}” goes to "
                       f"{rule.category.icon} {rule.category.name}.")
            if applied is not None:
                message += " " + _filed_message(applied, rule.category)
            flash(message, "success")
            return redirect(url_for("web.category_rules"))
    return render_form("rules/list.html", form, rules=rules.list_rules(ledger_id), match_labels=MATCH_LABELS)


@bp.route("/categories/rules/<int:rule_id>/edit", methods=["GET", "POST"])
@login_required
def edit_category_rule(rule_id):
    ledger_id = current_ledger(write=True)
    rule = or_404(rules.get_rule, ledger_id, rule_id)
    form = _rule_form(ledger_id, pattern=rule.payee_pattern, match=rule.match_mode, category_id=str(rule.category_id))
    if form.validate_on_submit():
        try:
            rules.update_rule(ledger_id, rule.id, pattern=form.pattern.data, match=form.match.data,
                              category_id=int(form.category_id.data))
        except Invalid as exc:
            apply_errors(form, exc)
        except NotFound:
            form.category_id.errors.append(GONE)
        else:
            flash("Rule saved.", "success")
            return redirect(url_for("web.category_rules"))
    return render_form("rules/form.html", form, rule=rule)


@bp.route("/categories/rules/<int:rule_id>/delete", methods=["GET", "POST"])
@login_required
def delete_category_rule(rule_id):
    ledger_id = current_ledger(write=True)
    rule = or_404(rules.get_rule, ledger_id, rule_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        pattern = rule.payee_pattern
        or_404(rules.delete_rule, ledger_id, rule.id)
        flash(f"Rule for “{pattern}” deleted. The transactions it filed keep their category.", "success")
        return redirect(url_for("web.category_rules"))
    return render_form("rules/delete.html", form, rule=rule, match_labels=MATCH_LABELS)


@bp.route("/categories/rules/<int:rule_id>/move/<direction>", methods=["POST"])
@login_required
def move_category_rule(rule_id, direction):
    steps = {"up": -1, "down": 1}
    if direction not in steps:
        abort(404)
    ledger_id = current_ledger(write=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    or_404(rules.move_rule, ledger_id, rule_id, steps[direction])
    return redirect(url_for("web.category_rules") + f"#rule-{rule_id}")


@bp.route("/categories/rules/apply", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/categories/rules/<int:rule_id>/apply", methods=["GET", "POST"])
@login_required
def apply_category_rules(rule_id):
    ledger_id = current_ledger(write=request.method == "POST")
    rule = or_404(rules.get_rule, ledger_id, rule_id) if rule_id is not None else None
    form = ApplyForm()
    if form.validate_on_submit():
        try:
            if rule is not None:
                applied = rule_application.apply_rule(ledger_id, rule.id, scope=form.scope.data)
            else:
                applied = rule_application.apply_rules(ledger_id, scope=form.scope.data)
        except NotFound:  # the rule was deleted meanwhile
            abort(404)
        flash(_filed_message(applied, rule.category if rule is not None else None), "success")
        return redirect(url_for("web.category_rules"))
    counts = rule_application.matching(ledger_id, rule.id if rule is not None else None)
    return render_form("rules/apply.html", form, rule=rule, counts=counts, match_labels=MATCH_LABELS,
                       has_rules=rule is not None or bool(rules.list_rules(ledger_id)))
