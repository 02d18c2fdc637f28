"""The forecast: each account's balance day by day for the next twelve months, from its
balance today and its plan (services/planning/forecast.py), as a Chart.js line per
account with its low point marked, and as a table of the figures that matter: the low
point, the first day below zero, the balance in 30, 90 and 365 days."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import render_template, request
from flask_login import login_required

from spendsense.services import validation
from spendsense.services.planning import forecast, scenarios
from spendsense.web import bp
from spendsense.web.helpers import current_ledger
from spendsense.web.page_data import today

DAYS = 365
AHEAD = (30, 90, 365)


@dataclass(frozen=True)
class Summary:
    """One account's forecast in the table's terms."""

    account: object
    currency: str
    today: Decimal
    low_day: date | None
    low: Decimal | None
    first_negative: date | None
    ahead: tuple  # (days, balance on that day) for each of AHEAD


def _balance_on(days, day):
    """The balance at the end of ``day``: the last one forecast on or before it."""
    found = None
    for when, balance in days:
        if when > day:
            break
        found = balance
    return found


def _summary(result, now):
    low_day, low = result.low_point if result.low_point is not None else (None, None)
    return Summary(result.account, result.currency, result.start_balance, low_day, low, result.first_negative,
                   tuple((ahead, _balance_on(result.days, now + timedelta(days=ahead))) for ahead in AHEAD))


def _chart_data(results):
    """What forecast.js draws, one chart per currency (balances in two currencies on one
    axis would mislead): the days, and per account its balances and low point's index."""
    charts = {}
    for result in results:
        chart = charts.setdefault(result.currency, {"currency": result.currency, "labels": [], "accounts": []})
        labels = [day.isoformat() for day, _balance in result.days]
        if len(labels) > len(chart["labels"]):
            chart["labels"] = labels
        low = result.low_point[0].isoformat() if result.low_point is not None else None
        chart["accounts"].append({"id": result.account.id, "name": result.account.name,
                                  "data": [balance for _day, balance in result.days],
                                  "low": labels.index(low) if low in labels else None})
    return charts


def _extra_scenarios(ledger_id):
    """The scenarios a forecast may add on top of the accounts' plans (goals, debts)."""
    return [s for s in scenarios.list_for_ledger(ledger_id) if not s.is_primary]


@bp.route("/forecast")
@login_required
def forecast_page():
    ledger_id = current_ledger()
    now = today(ledger_id)
    extra = _extra_scenarios(ledger_id)
    asked = {validation.row_id_or_none(value) for value in request.args.getlist("scenario")}
    chosen = [s.id for s in extra if s.id in asked]
    results = forecast.forecast(ledger_id, today=now, days=DAYS, scenario_ids=chosen or None)
    return render_template("forecast/page.html", now=now, days=DAYS, ahead=AHEAD, extra=extra, chosen=chosen,
                           summaries=[_summary(result, now) for result in results], charts=_chart_data(results))
