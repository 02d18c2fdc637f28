"""Budgeting: /users/{id}/budget, /budget_summary, /trend_analysis and /forecast_cache.

The figures are services/planning/analysis.py's (budget events compared with the
per-category totals kept on every write); this module reads the query, checks that the
categories and scenarios it names are the caller's, and writes the packages. Every
input of these routes is in the query string, so a value the analysis refuses is a bad
query: 400. One refusal is PocketSmith's own: event periods asked for where the series
do not align answer 422 with the calendar period to ask for instead in two headers
(PocketSmith's budgeting guide; clients retry with them).

The analysis works expense figures on magnitudes (-1 x actual), so a zero can come out
as -0.00; the answers write it as 0.00.
"""

from sqlalchemy import select

from spendsense.api.v2 import bp, error, lookup, present
from spendsense.api.v2.routes import BadQuery, operation
from spendsense.api.v2.schemas.planning import (
    AnalysisQuery,
    BudgetAnalysis,
    BudgetAnalysisPackage,
    BudgetQuery,
    Period,
    TrendQuery,
)
from spendsense.extensions import db
from spendsense.models import Account, Category
from spendsense.models.planning import Scenario
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.planning import analysis

TAG = "Budgeting"
ANALYSES = {"tag": TAG, "response": list[BudgetAnalysisPackage]}
# PocketSmith's names are ...-Type and ...-Interval (what clients read); ...-Period says
# the same as -Type, for clients written to that name.
SUGGESTED_PERIOD = ("X-Suggested-Time-Period-Alternative-Type", "X-Suggested-Time-Period-Alternative-Period")
SUGGESTED_INTERVAL = "X-Suggested-Time-Period-Alternative-Interval"
NOT_ALIGNED = (f"422 when `period` is event and the budget events analysed do not share their periods: the "
               f"headers {SUGGESTED_PERIOD[0]} (weeks, months or years) and {SUGGESTED_INTERVAL} name the "
               f"calendar period to ask for instead.")
PERIODIC = {**ANALYSES, "errors": (400, 401, 403, 404, 422)}


def today():
    """Today in the caller's time zone: which period is ``current``."""
    return lookup.as_of()["today"]


def _unsigned_zero(value):
    """-0.00 as 0.00 (a Decimal keeps the sign of a zero; JSON would too)."""
    return value.copy_abs() if value.is_zero() else value


def _period(figures):
    z = _unsigned_zero
    return Period(
        start_date=figures.start_date, end_date=figures.end_date, currency_code=figures.currency,
        actual_amount=z(figures.actual), forecast_amount=z(figures.forecast), refund_amount=z(figures.refund),
        current=figures.current, over_budget=figures.over_budget, under_budget=figures.under_budget,
        over_by=z(figures.over_by), under_by=z(figures.under_by), percentage_used=z(figures.percentage_used),
    )


def _analysis(result):
    if result is None:
        return None
    z = _unsigned_zero
    return BudgetAnalysis(
        start_date=result.start_date, end_date=result.end_date, currency_code=result.currency,
        total_actual_amount=z(result.total_actual), average_actual_amount=z(result.average_actual),
        total_forecast_amount=z(result.total_forecast), average_forecast_amount=z(result.average_forecast),
        total_over_by=z(result.total_over_by), total_under_by=z(result.total_under_by),
        periods=[_period(figures) for figures in result.periods],
    )


def _packages(packages):
    categories = {}
    answers = []
    for package in packages:
        category = None
        if package.category is not None:
            if package.category.id not in categories:
                categories[package.category.id] = present.category(package.category)
            category = categories[package.category.id]
        answers.append(BudgetAnalysisPackage(category=category, is_transfer=package.is_transfer,
                                             expense=_analysis(package.expense), income=_analysis(package.income)))
    return answers


def _analysed(call):
    """Run an analysis of query values: one it refuses is a bad query (but see
    ``_not_aligned``)."""
    try:
        return _packages(call())
    except analysis.NotAligned:
        raise
    except Invalid as exc:
        raise BadQuery(exc.message) from None


def _not_aligned(exc):
    response = error(exc.message, 422)
    period, interval = exc.suggested
    for name in SUGGESTED_PERIOD:
        response.headers[name] = period
    response.headers[SUGGESTED_INTERVAL] = str(interval)
    return response


# Found before the blueprint's handler of every Invalid (Flask looks along the class's MRO).
bp.register_error_handler(analysis.NotAligned, _not_aligned)


def _check_categories(ledger_id, category_ids):
    """Each id is a category the ledger sees (its own or a system one): another
    ledger's is 403, one that does not exist 404."""
    owners = dict(db.session.execute(select(Category.id, Category.ledger_id)
                                     .where(Category.id.in_(category_ids))).all())
    for category_id in category_ids:
        if category_id not in owners:
            raise NotFound(lookup.MISSING.format(what="Category"))
        if owners[category_id] not in (None, ledger_id):
            raise Forbidden(lookup.NOT_YOURS.format(what="category"))


def _check_scenarios(ledger_id, scenario_ids):
    """Each id is a scenario of one of the ledger's live accounts: another ledger's is
    403, one that does not exist (or whose account is deleted) 404."""
    owners = dict(db.session.execute(
        select(Scenario.id, Scenario.ledger_id).join(Account, Account.id == Scenario.account_id)
        .where(Scenario.id.in_(scenario_ids), Account.deleted_at.is_(None))).all())
    for scenario_id in scenario_ids:
        if scenario_id not in owners:
            raise NotFound(lookup.MISSING.format(what="Scenario"))
        if owners[scenario_id] != ledger_id:
            raise Forbidden(lookup.NOT_YOURS.format(what="scenario"))


@operation("GET", "/users/<int:id>/budget", summary="List budget for user", query=BudgetQuery, **ANALYSES,
           description="One package per budgeted category, for the period holding today: each category's "
                       "budget events give its period (from one event to the day before the next).")
def list_budget(id, query):
    lookup.check_user(id)
    ledger_id = lookup.ledger_id()
    return _analysed(lambda: analysis.budget(ledger_id, today=today(), roll_up=query.roll_up))


@operation("GET", "/users/<int:id>/budget_summary", summary="Get budget summary for user", query=AnalysisQuery,
           **PERIODIC, description="The expense and income of every category but the transfer ones, together, "
                                   "per period; start_date and end_date widen to whole periods. " + NOT_ALIGNED)
def get_budget_summary(id, query):
    lookup.check_user(id)
    ledger_id = lookup.ledger_id()
    return _analysed(lambda: analysis.budget_summary(
        ledger_id, period=query.period, interval=query.interval, start=query.start_date, end=query.end_date,
        today=today()))


@operation("GET", "/users/<int:id>/trend_analysis", summary="Get trend analysis for user", query=TrendQuery,
           **PERIODIC, description="The expense and income of the categories asked for, per period, forecast "
                                   "from the scenarios asked for; actuals come from every account. " + NOT_ALIGNED)
def get_trend_analysis(id, query):
    lookup.check_user(id)
    ledger_id = lookup.ledger_id()
    _check_categories(ledger_id, query.categories)
    _check_scenarios(ledger_id, query.scenarios)
    return _analysed(lambda: analysis.trend_analysis(
        ledger_id, period=query.period, interval=query.interval, start=query.start_date, end=query.end_date,
        category_ids=list(query.categories), scenario_ids=list(query.scenarios), today=today()))


@operation("DELETE", "/users/<int:id>/forecast_cache", summary="Delete forecast cache for user", tag=TAG,
           description="SpendSense keeps no forecast cache: every forecast is worked out when it is read, "
                       "from the balances and totals kept on every write. Nothing is left to clear.")
def delete_forecast_cache(id):
    lookup.check_user(id)
