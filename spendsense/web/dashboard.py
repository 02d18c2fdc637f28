"""The dashboard: accounts as tiles, totals per currency, recent activity, quick add."""

from collections import defaultdict

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from spendsense.services import periods
from spendsense.services.ledger import accounts, charts, queries
from spendsense.web import bp
from spendsense.web.forms import AccountForm
from spendsense.web.helpers import current_ledger
from spendsense.web.page_data import category_choices, currency_choices, entry_forms, today


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    return render_template("landing.html")


@bp.route("/dashboard")
@login_required
def dashboard():
    ledger_id = current_ledger()
    rows = accounts.list_accounts(ledger_id)
    active = [a for a in rows if not a.archived]
    totals = defaultdict(int)
    for account in active:
        totals[account.currency] += account.balance
    month = periods.resolve("month", today(ledger_id))
    recent, _more = queries.page(
        ledger_id, queries.TransactionFilter(one_leg_per_transfer=True), limit=8)
    entry, transfer = entry_forms(ledger_id)
    account_form = AccountForm(currency=current_user.base_currency)
    account_form.currency.choices = currency_choices()
    return render_template(
        "dashboard.html", accounts=active, archived=[a for a in rows if a.archived],
        totals=dict(sorted(totals.items())), month_flows=charts.period_flows(ledger_id, *month.bounds()),
        recent=recent, partners=queries.transfer_partners(recent), entry_form=entry, transfer_form=transfer, account_form=account_form,
        categories=category_choices(ledger_id),
    )
