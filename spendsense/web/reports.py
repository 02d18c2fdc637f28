"""Reports: spending by category, income vs expense per month, this week by weekday,
net worth over time. Each chart's numbers are also shown as a table."""

from flask import render_template, request
from flask_login import current_user, login_required

from spendsense.services import periods
from spendsense.services.errors import Invalid
from spendsense.services.ledger import charts as report_series
from spendsense.web import bp
from spendsense.web.helpers import current_ledger
from spendsense.web.page_data import today, week_start_of_user

REPORT_PERIODS = ("week", "month", "30days", "year", "custom")


@bp.route("/reports")
@login_required
def reports_page():
    ledger_id = current_ledger()
    day = today(ledger_id)
    key = request.args.get("period", "month")
    error = None
    try:
        if key not in REPORT_PERIODS:
            raise Invalid.field("period", "Choose one of the listed periods.")
        period = periods.resolve(key, day, week_start_of_user(),
                                 start=request.args.get("start"), end=request.args.get("end"))
    except Invalid as exc:
        error = exc.message
        period = periods.resolve("month", day, week_start_of_user())
    base = current_user.base_currency
    by_category = report_series.spending_by_category(ledger_id, *period.bounds())
    monthly = report_series.monthly_flows(ledger_id, day)
    weekday = report_series.weekday_spending(ledger_id, base, day, week_start_of_user())
    net_worth = report_series.net_worth_series(ledger_id, day)
    return render_template(
        "reports.html", period=period, periods=REPORT_PERIODS, labels=periods.LABELS, error=error,
        by_category=by_category, monthly=monthly, weekday=weekday, net_worth=net_worth, base=base,
        charts=_chart_data(by_category, monthly, weekday, net_worth, base),
    )


def _chart_data(by_category, monthly, weekday, net_worth, base):
    """What app.js hands to Chart.js, keyed by canvas id. Amounts stay exact decimals."""
    charts = {}
    for currency, shares in by_category.items():
        labels = [f"{s.icon} {s.name}" for s in shares]
        values = [s.total for s in shares]
        charts[f"category-pie-{currency}"] = {"type": "doughnut", "labels": labels, "currency": currency,
                                              "datasets": [{"label": "Spent", "data": values}]}
        charts[f"category-bar-{currency}"] = {"type": "bar", "labels": labels, "currency": currency,
                                              "datasets": [{"label": "Spent", "data": values}]}
    for currency, months in monthly.items():
        charts[f"monthly-{currency}"] = {
            "type": "bar", "currency": currency, "labels": [m.strftime("%b %Y") for m, _f in months],
            "datasets": [{"label": "Income", "data": [f.earned for _m, f in months], "role": "in"},
                         {"label": "Expenses", "data": [f.spent for _m, f in months], "role": "out"}]}
    if any(total for _d, total in weekday.days) or any(weekday.average):
        charts["weekday"] = {
            "type": "bar", "currency": base, "labels": [d.strftime("%a") for d, _t in weekday.days],
            "datasets": [{"label": "This week", "data": [t for _d, t in weekday.days], "role": "out"}]}
        if weekday.weeks_averaged:  # a new user has no earlier weeks: no line of zeros
            charts["weekday"]["datasets"].append(
                {"label": f"Average of {weekday.weeks_averaged} earlier "
                          f"week{'s' if weekday.weeks_averaged != 1 else ''}",
                 "data": weekday.average, "type": "line"})
    for currency, points in net_worth.items():
        charts[f"networth-{currency}"] = {
            "type": "line", "currency": currency, "labels": [d.strftime("%b %Y") for d, _v in points],
            "datasets": [{"label": "Net worth", "data": [v for _d, v in points]}]}
    return charts
