"""The dashboard: accounts as tiles, totals per currency, what is left to spend of this
month's budgets, the next bills due, recent activity, quick add."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from spendsense.services import periods
from spendsense.services.ledger import accounts, charts, queries
from spendsense.services.planning import analysis
from spendsense.services.planning import periods as budget_periods
from spendsense.web import bp, plan
from spendsense.web.forms import AccountForm
from spendsense.web.helpers import current_ledger
from spendsense.web.page_data import category_choices, currency_choices, entry_forms, today

BILLS = 3
BILLS_AHEAD = timedelta(days=366)  # a yearly bill is the furthest one away


@dataclass(frozen=True)
class LeftToSpend:
    """This month's expense budgets against the month's spending, in the base currency."""

    currency: str
    budgeted: Decimal
    spent: Decimal

    @property
    def left(self):
        return self.budgeted - self.spent

    @property
    def used(self):
        """Percent of the budgets spent (over 100 when over)."""
        return self.spent * 100 / self.budgeted

    @property
    def state(self):
        return "over" if self.left < 0 else "near" if self.used >= 90 else "under"

    @property
    def bar(self):
        return max(0, min(100, int(self.used)))


def left_to_spend(ledger_id, day):
    """The sum of this month's expense budgets less what the expense categories spent
    (budget_summary: every category but transfer ones), or None when the month has no
    budget."""
    ((start, end),) = budget_periods.calendar("months", 1, day, day)
    (summary,) = analysis.budget_summary(ledger_id, period="months", interval=1, start=start, end=end, today=day)
    (month,) = summary.expense.periods
    budgeted, spent = -month.forecast + 0, -month.actual + 0  # + 0: no -0.00
    return LeftToSpend(month.currency, budgeted, spent) if budgeted > 0 else None


def next_bills(ledger_id, day):
    """The next few expense occurrences of the accounts' own plans (not of an extra
    scenario, nor a category budget set on the Budgets page) from today on, neither
    paid nor recorded yet."""
    found, paid = plan.planned(ledger_id, day, day + BILLS_AHEAD, day)
    return [o for o in found if o.minor < 0 and o.state is None and o.event.scenario.is_primary
            and not o.event.is_budget and (o.event.id, o.day) not in paid][:BILLS]


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
    day = today(ledger_id)
    month = periods.resolve("month", day)
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
        left_to_spend=left_to_spend(ledger_id, day), bills=next_bills(ledger_id, day),
    )
