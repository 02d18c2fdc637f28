"""The dashboard's one-line quick entry: a live preview (JSON) and the recording POST.

Both call services/entry/recorder.py, the same parser and rules as /api/simple/, so what
the preview shows is exactly what recording stores.
"""

from flask import flash, jsonify, redirect, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from spendsense import money
from spendsense.services.entry import recorder as quick_record
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.web import bp
from spendsense.web.helpers import current_ledger, safe_next

MATCHED = {"value": "the type names it", "name": "the type names it", "rule": "a learned rule",
           "default": "no category matched the type", "none": "no category"}


class QuickEntryForm(FlaskForm):
    q = StringField("Quick entry", validators=[DataRequired(), Length(max=500)])
    category_id = HiddenField()
    next = HiddenField()


def describe(plan):
    """The preview as JSON-ready text: what will be recorded, in the ledger's words."""
    entry = plan.entry
    category = entry.category
    body = {
        "direction": entry.direction,
        "amount": str(plan.amount),
        "currency": plan.currency,
        "display": money.format_money(plan.amount, plan.currency),
        "typed": {"amount": str(entry.amount), "currency": entry.currency},
        "category": ({"id": category.id, "name": category.name, "icon": category.icon} if category else None),
        "matched_by": entry.matched_by,
        "matched": MATCHED[entry.matched_by],
        "date": plan.occurred_at.date().isoformat(),
        "labels": list(entry.labels),
        "type": entry.type,
        "notes": entry.notes,
        "account": plan.account_name,
        "new_account": plan.account is None,
        "report": plan.report_name,
    }
    if plan.conversion is not None:
        conversion = plan.conversion
        body["conversion"] = {"rate": conversion.rate_text, "rate_date": conversion.rate_date.isoformat(),
                              "from": f"{conversion.foreign_amount} {conversion.foreign_currency}"}
    return body


@bp.route("/quick/preview")
@login_required
def quick_preview():
    try:
        plan = quick_record.preview(current_ledger(), request.args.get("q", ""))
    except (Invalid, NotFound, Forbidden) as exc:
        field = next(iter(exc.errors), None) if isinstance(exc, Invalid) else None
        return jsonify({"ok": False, "error": exc.message, "field": field}), 422
    return jsonify({"ok": True, "preview": describe(plan)})


@bp.route("/quick", methods=["POST"])
@login_required
def quick_record_view():
    form = QuickEntryForm()
    back_to = safe_next(form.next.data)
    if not form.validate_on_submit():
        flash("Type an expense, like “lunch 12.50 with jack #work”.", "error")
        return redirect(back_to)
    try:
        txn = quick_record.record(current_ledger(write=True), form.q.data,
                                  category_id=form.category_id.data or None, source="quick")
    except (Invalid, NotFound, Forbidden) as exc:
        flash(f"Nothing recorded: {exc.message}", "error")
        return redirect(url_for("web.dashboard", quick=form.q.data))
    sign = "−" if txn.amount < 0 else "+"
    amount = money.format_money(money.from_minor(abs(txn.amount), txn.account.currency), txn.account.currency)
    what = txn.category.name if txn.category else "Uncategorised"
    flash(f"Recorded {sign}{amount} · {what} · {txn.occurred_at.date().isoformat()}.", "success")
    return redirect(back_to)
