"""/users/{id}/budget, /budget_summary, /trend_analysis and /forecast_cache: the spec's
BudgetAnalysisPackage, BudgetAnalysis and Period, figures worked out by hand, every
query refused the v2 way, and nobody else's money in them."""

import re
from datetime import date, datetime, time
from decimal import Decimal

import pytest

from spendsense.api.v2.views import budgets as budgets_view
from spendsense.models import Transaction
from spendsense.services.ledger import accounts, balances, categories
from spendsense.services.planning import events, scenarios
from spendsense.services.scope import ledger_for
from spendsense.services.uow import write_transaction
from tests.api.v2.helpers import decimal_json, error_of, no_nulls
from tests.api.v2.spec import fits
from tests.factories import create_transaction

TODAY = date(2026, 11, 15)
D = Decimal


def noon(year, month, day):
    return datetime.combine(date(year, month, day), time(12))


def refund(ledger, account, category, amount, day):
    """Money back in an expense category. The transaction command refuses an amount
    against its category's kind (resolver.check_kind): a bank import brings such rows,
    so the row is written here, its balance and totals moved as the command moves them."""
    with write_transaction() as session:
        txn = Transaction(ledger_id=ledger, account_id=account.id, category_id=category.id, amount=amount,
                          occurred_at=day, payee="Refund", source="import")
        session.add(txn)
        session.flush()
        balances.apply_transaction(txn, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(budgets_view, "today", lambda: TODAY)


@pytest.fixture
def plan(ledger):
    """alice's November 2026 (today is the 15th), all in EUR, her base currency:

    - Food (spent): -300 on the 1st of each month from 1 October; spent 120.50 on the
      3rd and 30.25 on the 10th, 10.00 refunded on the 12th.
    - Snacks (spent, a child of Food): -50 on the 1st from 1 November; spent 60 on the 5th.
    - Wages (earn): +2000 on the 25th from 25 October; 2000 received on 25 October.
    """
    account = accounts.create_account(ledger, "Everyday", currency="EUR")
    primary = scenarios.primary_for(ledger, account.id)
    food = categories.create_category(ledger, "Food", "🍔", "spent")
    snacks = categories.create_category(ledger, "Snacks", "🍿", "spent", parent_id=food.id)
    wages = categories.create_category(ledger, "Wages", "💶", "earn")
    events.create_event(ledger, primary.id, category_id=food.id, amount="-300", date=date(2026, 10, 1),
                        repeat_type="monthly")
    events.create_event(ledger, primary.id, category_id=snacks.id, amount="-50", date=date(2026, 11, 1),
                        repeat_type="monthly")
    events.create_event(ledger, primary.id, category_id=wages.id, amount="2000", date=date(2026, 10, 25),
                        repeat_type="monthly")
    for day, amount, category in ((3, "-120.50", food), (10, "-30.25", food), (5, "-60", snacks)):
        create_transaction(ledger, account_id=account.id, amount=amount, payee="Shop", category_id=category.id,
                           occurred_at=noon(2026, 11, day))
    refund(ledger, account, food, 1000, noon(2026, 11, 12))
    create_transaction(ledger, account_id=account.id, amount="2000", payee="Employer", category_id=wages.id,
                       occurred_at=noon(2026, 10, 25))
    return {"account": account, "primary": primary, "food": food, "snacks": snacks, "wages": wages}


@pytest.fixture
def bob(other_user):
    """bob spends in his own category and in a system one, in the same month."""
    ledger = ledger_for(other_user)
    account = accounts.create_account(ledger, "Bob's", currency="EUR")
    guitars = categories.create_category(ledger, "Guitars", "🎸", "spent")
    events.create_event(ledger, scenarios.primary_for(ledger, account.id).id, category_id=guitars.id,
                        amount="-999", date=date(2026, 11, 1), repeat_type="monthly")
    create_transaction(ledger, account_id=account.id, amount="-999", payee="Shop", category_id=guitars.id,
                       occurred_at=noon(2026, 11, 2))
    return {"ledger": ledger, "account": account, "category": guitars,
            "scenario": scenarios.primary_for(ledger, account.id)}


def get(v2, path, **params):
    response = v2.get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = decimal_json(response)
    no_nulls(body)
    return body


def check_package(package, *, left_out):
    fits(package, "BudgetAnalysisPackage", left_out=left_out)
    for side in ("expense", "income"):
        if side in package:
            fits(package[side], "BudgetAnalysis")
            assert package[side]["currency_code"] == "eur"
            for period in package[side]["periods"]:
                fits(period, "Period")
    if "category" in package:
        fits(package["category"], "Category", left_out={"colour", "refund_behaviour"} | (
            {"parent_id"} if "parent_id" not in package["category"] else set()))


def figures(period):
    return {key: period[key] for key in ("start_date", "end_date", "actual_amount", "forecast_amount",
                                         "refund_amount", "over_by", "under_by", "percentage_used", "over_budget",
                                         "under_budget", "current")}


def by_category(packages):
    return {package["category"]["title"]: package for package in packages}


# --- /users/{id}/budget


def test_the_budget_is_each_budgeted_category_in_its_current_period(v2, user, plan, bob):
    packages = get(v2, f"/users/{user.id}/budget")
    listed = by_category(packages)
    assert set(listed) == {"Food", "Snacks", "Wages"}  # bob's Guitars are not alice's
    for package in packages:
        check_package(package, left_out={"income"} if package["category"]["title"] != "Wages" else {"expense"})
        assert package["is_transfer"] is False
    (food,) = listed["Food"]["expense"]["periods"]
    # Actual: 10.00 - 120.50 - 30.25 = -140.75 of a -300 budget: 300 - 140.75 = 159.25
    # left; 140.75 / 300 = 46.916..% -> 46.92.
    assert figures(food) == {
        "start_date": "2026-11-01", "end_date": "2026-11-30", "actual_amount": D("-140.75"),
        "forecast_amount": D("-300.00"), "refund_amount": D("10.00"), "over_by": D("0.00"),
        "under_by": D("159.25"), "percentage_used": D("46.92"), "over_budget": False, "under_budget": True,
        "current": True}
    (snacks,) = listed["Snacks"]["expense"]["periods"]
    # 60 spent of 50: over by 10, 120 % used.
    assert (snacks["actual_amount"], snacks["forecast_amount"], snacks["over_by"], snacks["under_by"],
            snacks["percentage_used"], snacks["over_budget"]) == (D("-60.00"), D("-50.00"), D("10.00"), D("0.00"),
                                                                  D("120.00"), True)
    (wages,) = listed["Wages"]["income"]["periods"]
    # The event period holding the 15th: the 25th of October to the 24th of November.
    assert (wages["start_date"], wages["end_date"], wages["actual_amount"], wages["forecast_amount"],
            wages["percentage_used"], wages["under_budget"]) == (
        "2026-10-25", "2026-11-24", D("2000.00"), D("2000.00"), D("100.00"), True)
    analysis = listed["Food"]["expense"]
    assert (analysis["start_date"], analysis["end_date"], analysis["total_actual_amount"],
            analysis["average_actual_amount"], analysis["total_forecast_amount"], analysis["total_under_by"]) == (
        "2026-11-01", "2026-11-30", D("-140.75"), D("-140.75"), D("-300.00"), D("159.25"))


def test_roll_up_adds_the_children_into_their_parent(v2, user, plan):
    for roll_up in ("1", "true"):
        listed = by_category(get(v2, f"/users/{user.id}/budget", roll_up=roll_up))
        (food,) = listed["Food"]["expense"]["periods"]
        # Food and Snacks: -140.75 - 60 = -200.75 of -300 - 50 = -350; 350 - 200.75 = 149.25
        # left; 200.75 / 350 = 57.357..% -> 57.36.
        assert (food["actual_amount"], food["forecast_amount"], food["refund_amount"], food["under_by"],
                food["percentage_used"]) == (D("-200.75"), D("-350.00"), D("10.00"), D("149.25"), D("57.36"))
        # The child is still listed, with its own figures.
        (snacks,) = listed["Snacks"]["expense"]["periods"]
        assert (snacks["actual_amount"], snacks["forecast_amount"]) == (D("-60.00"), D("-50.00"))
    for roll_up in ("0", "false", ""):
        (food,) = by_category(get(v2, f"/users/{user.id}/budget", roll_up=roll_up))["Food"]["expense"]["periods"]
        assert food["actual_amount"] == D("-140.75")


def test_a_ledger_without_events_has_an_empty_budget(v2, user):
    assert get(v2, f"/users/{user.id}/budget") == []


# --- /users/{id}/budget_summary


def test_the_summary_adds_every_category_up_per_period(v2, user, plan, bob):
    (package,) = get(v2, f"/users/{user.id}/budget_summary", period="months", interval="1",
                     start_date="2026-10-10", end_date="2026-11-05")
    check_package(package, left_out={"category"})
    assert package["is_transfer"] is False
    expense, income = package["expense"], package["income"]
    # Widened to whole months: October and November.
    assert [(p["start_date"], p["end_date"], p["current"]) for p in expense["periods"]] == [
        ("2026-10-01", "2026-10-31", False), ("2026-11-01", "2026-11-30", True)]
    october, november = expense["periods"]
    # October: Food's -300 budgeted, nothing spent. November: Food and Snacks, -200.75 of -350.
    assert (october["actual_amount"], october["forecast_amount"], october["under_by"],
            october["percentage_used"]) == (D("0.00"), D("-300.00"), D("300.00"), D("0.00"))
    assert (november["actual_amount"], november["forecast_amount"], november["refund_amount"],
            november["under_by"]) == (D("-200.75"), D("-350.00"), D("10.00"), D("149.25"))
    # Totals: -200.75 and -650 over two periods, averages -100.375 -> -100.38 (half even)
    # and -325; under by 300 + 149.25 = 449.25. bob's -999 is nowhere.
    assert (expense["start_date"], expense["end_date"], expense["total_actual_amount"],
            expense["average_actual_amount"], expense["total_forecast_amount"], expense["average_forecast_amount"],
            expense["total_over_by"], expense["total_under_by"]) == (
        "2026-10-01", "2026-11-30", D("-200.75"), D("-100.38"), D("-650.00"), D("-325.00"), D("0.00"),
        D("449.25"))
    # Income: 2000 received in October of 2000 expected; November's 2000 (the 25th) not yet.
    assert [(p["actual_amount"], p["forecast_amount"], p["under_by"], p["percentage_used"])
            for p in income["periods"]] == [(D("2000.00"), D("2000.00"), D("0.00"), D("100.00")),
                                            (D("0.00"), D("2000.00"), D("2000.00"), D("0.00"))]
    assert (income["total_actual_amount"], income["average_actual_amount"], income["total_forecast_amount"],
            income["total_under_by"]) == (D("2000.00"), D("1000.00"), D("4000.00"), D("2000.00"))


NEGATIVE_ZERO = re.compile(r"-0(\.0*)?(?![0-9.])")


def test_nothing_spent_is_zero_not_minus_zero(v2, user, plan):
    # October's Food: -300 budgeted, nothing spent, so 0 of 300 is used; an expense's
    # figures are worked on magnitudes (-1 x 0.00), which must not come out as -0.00.
    text = v2.get(f"/users/{user.id}/budget_summary", query_string={
        "period": "months", "interval": "1", "start_date": "2026-10-01", "end_date": "2026-10-31"}).get_data(
        as_text=True)
    assert '"percentage_used":0.00' in text.replace(" ", "")
    for path, params in ((f"/users/{user.id}/budget", {}),
                         (f"/users/{user.id}/budget_summary", {"period": "weeks", "interval": "1",
                                                               "start_date": "2026-10-01",
                                                               "end_date": "2026-12-31"}),
                         (f"/users/{user.id}/trend_analysis", {
                             "period": "months", "interval": "1", "start_date": "2026-01-01",
                             "end_date": "2026-12-31", "scenarios": str(plan["primary"].id),
                             "categories": ",".join(str(plan[name].id) for name in ("food", "snacks", "wages"))})):
        response = v2.get(path, query_string=params)
        assert response.status_code == 200
        assert NEGATIVE_ZERO.findall(response.get_data(as_text=True).replace(" ", "")) == [], path


def test_weeks_widen_to_the_users_week_start(v2, user, plan):
    # Wednesday 4 to Tuesday 10 November, weeks from Monday: the 2nd-8th and the 9th-15th.
    (package,) = get(v2, f"/users/{user.id}/budget_summary", period="weeks", interval="1",
                     start_date="2026-11-04", end_date="2026-11-10")
    periods = package["expense"]["periods"]
    assert [(p["start_date"], p["end_date"]) for p in periods] == [("2026-11-02", "2026-11-08"),
                                                                   ("2026-11-09", "2026-11-15")]
    # 120.50 (3rd) + 60 (5th) in the first; 30.25 spent and 10 back in the second.
    assert [(p["actual_amount"], p["refund_amount"]) for p in periods] == [(D("-180.50"), D("0.00")),
                                                                           (D("-20.25"), D("10.00"))]
    assert [p["current"] for p in periods] == [False, True]


# --- /users/{id}/trend_analysis


def test_trend_analysis_of_some_categories_and_scenarios(v2, user, ledger, plan, bob):
    ids = f"{plan['food'].id},{plan['snacks'].id}"
    packages = get(v2, f"/users/{user.id}/trend_analysis", period="months", interval="1", start_date="2026-11-01",
                   end_date="2026-11-30", categories=ids, scenarios=str(plan["primary"].id))
    assert [p["category"]["id"] for p in packages] == [plan["food"].id, plan["snacks"].id]
    for package in packages:
        check_package(package, left_out={"income"})
    food, snacks = (package["expense"]["periods"][0] for package in packages)
    assert (food["actual_amount"], food["forecast_amount"], food["under_by"]) == (
        D("-140.75"), D("-300.00"), D("159.25"))
    assert (snacks["over_by"], snacks["over_budget"], snacks["under_budget"]) == (D("10.00"), True, False)
    assert packages[1]["category"]["parent_id"] == plan["food"].id

    # Another scenario's events are its forecast; the actuals are every account's.
    goal = scenarios.create_scenario(ledger, plan["account"].id, title="Frugal")
    events.create_event(ledger, goal.id, category_id=plan["food"].id, amount="-100", date=date(2026, 11, 15),
                        repeat_type="once")
    (frugal,) = get(v2, f"/users/{user.id}/trend_analysis", period="months", interval="1",
                    start_date="2026-11-01", end_date="2026-11-30", categories=str(plan["food"].id),
                    scenarios=str(goal.id))
    (period,) = frugal["expense"]["periods"]
    # 140.75 spent of 100: over by 40.75, 140.75 % used.
    assert (period["actual_amount"], period["forecast_amount"], period["over_by"], period["percentage_used"]) == (
        D("-140.75"), D("-100.00"), D("40.75"), D("140.75"))


def test_trend_analysis_by_event_period_follows_the_series(v2, user, plan):
    (wages,) = get(v2, f"/users/{user.id}/trend_analysis", period="event", interval="1", start_date="2026-11-01",
                   end_date="2026-11-30", categories=str(plan["wages"].id), scenarios=str(plan["primary"].id))
    # Monthly on the 25th: the 25th to the 24th, the ones holding 1 and 30 November.
    assert [(p["start_date"], p["end_date"], p["actual_amount"], p["forecast_amount"])
            for p in wages["income"]["periods"]] == [("2026-10-25", "2026-11-24", D("2000.00"), D("2000.00")),
                                                     ("2026-11-25", "2026-12-24", D("0.00"), D("2000.00"))]


def test_trend_analysis_of_a_system_category_holds_only_the_callers_money(v2, user, ledger, plan, bob):
    supermarket = next(c for c in categories.list_categories(ledger, own=False) if c.value == "supermarket")
    create_transaction(ledger, account_id=plan["account"].id,
                       amount="-7.77", payee="Shop", category_id=supermarket.id,
                       occurred_at=noon(2026, 11, 6))
    create_transaction(bob["ledger"], account_id=bob["account"].id, amount="-555", payee="Shop",
                       category_id=supermarket.id, occurred_at=noon(2026, 11, 6))
    (package,) = get(v2, f"/users/{user.id}/trend_analysis", period="months", interval="1",
                     start_date="2026-11-01", end_date="2026-11-30", categories=str(supermarket.id),
                     scenarios=str(plan["primary"].id))
    assert package["expense"]["periods"][0]["actual_amount"] == D("-7.77")


# --- errors


SUMMARY = {"period": "months", "interval": "1", "start_date": "2026-11-01", "end_date": "2026-11-30"}
# Changes that spoil a good query (None: leave the parameter out).
BAD_SUMMARY = [
    {"period": None}, {"interval": None}, {"start_date": None}, {"end_date": None},
    {"period": "days"}, {"period": "MONTHS"},
    {"interval": "0"}, {"interval": "-1"}, {"interval": "two"}, {"interval": "1001"}, {"interval": "9" * 30},
    {"start_date": "2026-11-31"}, {"start_date": "yesterday"}, {"end_date": "2026-10-31"},
    {"start_date": "1900-01-01", "end_date": "2999-12-31", "period": "weeks"},  # more than 1000 periods
]
BAD_TREND = BAD_SUMMARY + [
    {"categories": None}, {"scenarios": None}, {"categories": ""}, {"categories": "{food},x"},
    {"scenarios": "0"}, {"scenarios": "-1"}, {"categories": ",".join(str(n) for n in range(1, 102))},
]


def spoilt(good, changes, plan=None):
    names = {name: plan[name].id for name in ("food", "wages", "primary")} if plan else {}
    query = {**good, **changes}
    return {key: value.format(**names) for key, value in query.items() if value is not None}


@pytest.mark.parametrize("changes", BAD_SUMMARY)
def test_a_bad_summary_query_is_400(v2, user, plan, changes):
    error_of(v2.get(f"/users/{user.id}/budget_summary", query_string=spoilt(SUMMARY, changes)), 400)


@pytest.mark.parametrize("changes", BAD_TREND)
def test_a_bad_trend_query_is_400(v2, user, plan, changes):
    good = {**SUMMARY, "categories": "{food}", "scenarios": "{primary}"}
    assert v2.get(f"/users/{user.id}/trend_analysis", query_string=spoilt(good, {}, plan)).status_code == 200
    error_of(v2.get(f"/users/{user.id}/trend_analysis", query_string=spoilt(good, changes, plan)), 400)


# PocketSmith's budgeting guide: event periods that cannot be formed answer 422 with the
# calendar period to ask for instead, in X-Suggested-Time-Period-Alternative-Type and
# -Interval; clients (a Home Assistant integration) retry with those two values.
SUGGESTION_HEADERS = ("X-Suggested-Time-Period-Alternative-Type", "X-Suggested-Time-Period-Alternative-Period",
                      "X-Suggested-Time-Period-Alternative-Interval")


def suggestion(response):
    """(message, period, interval) of a 422 that suggests another period."""
    message = error_of(response, 422)
    kind, also, interval = (response.headers.get(name) for name in SUGGESTION_HEADERS)
    assert kind == also, (kind, also)
    return message, kind, interval


def test_event_periods_that_do_not_align_are_422_with_the_period_to_ask_for(v2, user, plan):
    # All categories together: monthly on the 1st (Food, Snacks) and on the 25th (Wages).
    summary = {**SUMMARY, "period": "event"}
    message, kind, interval = suggestion(v2.get(f"/users/{user.id}/budget_summary", query_string=summary))
    assert "do not share their periods" in message
    assert (kind, interval) == ("months", "1")
    trend = {**summary, "categories": f"{plan['food'].id},{plan['wages'].id}", "scenarios": str(plan["primary"].id)}
    assert suggestion(v2.get(f"/users/{user.id}/trend_analysis", query_string=trend))[1:] == ("months", "1")
    # Asking again with the suggestion works, as the clients that follow it expect.
    assert get(v2, f"/users/{user.id}/trend_analysis", **{**trend, "period": kind, "interval": interval})
    assert get(v2, f"/users/{user.id}/budget_summary", **{**summary, "period": kind, "interval": interval})


def test_the_suggestion_follows_the_shortest_cadence(v2, user, ledger, plan):
    # Fortnightly from Monday 2 November and from Tuesday 3 November never share a period:
    # the shortest series (either, 14 days) suggests weeks, 2.
    for day in (2, 3):
        events.create_event(ledger, plan["primary"].id, category_id=plan["food"].id, amount="-10",
                            date=date(2026, 11, day), repeat_type="fortnightly")
    trend = {**SUMMARY, "period": "event", "categories": str(plan["food"].id), "scenarios": str(plan["primary"].id)}
    assert suggestion(v2.get(f"/users/{user.id}/trend_analysis", query_string=trend))[1:] == ("weeks", "2")


def test_without_a_repeating_series_event_periods_suggest_months(v2, user):
    summary = {**SUMMARY, "period": "event"}
    assert suggestion(v2.get(f"/users/{user.id}/budget_summary", query_string=summary))[1:] == ("months", "1")


def test_other_errors_suggest_nothing(v2, user, plan):
    for response in (v2.get(f"/users/{user.id}/budget_summary", query_string={**SUMMARY, "period": "days"}),
                     v2.get(f"/users/{user.id}/budget_summary", query_string={**SUMMARY, "interval": "0"})):
        error_of(response, 400)
        assert not any(name in response.headers for name in SUGGESTION_HEADERS)


def test_trend_analysis_needs_both_lists(v2, user, plan):
    for missing in ("categories", "scenarios"):
        params = {**SUMMARY, "categories": str(plan["food"].id), "scenarios": str(plan["primary"].id)}
        del params[missing]
        assert missing in error_of(v2.get(f"/users/{user.id}/trend_analysis", query_string=params), 400)


def test_a_bad_roll_up_is_400(v2, user):
    error_of(v2.get(f"/users/{user.id}/budget", query_string={"roll_up": "maybe"}), 400)


def test_trend_analysis_refuses_anybody_elses_categories_and_scenarios(v2, user, ledger, plan, bob):
    food, primary = str(plan["food"].id), str(plan["primary"].id)
    for categories_, scenarios_, status in (
            (f"{food},{bob['category'].id}", primary, 403),
            (food, f"{primary},{bob['scenario'].id}", 403),
            ("999999", primary, 404),
            (food, "999999", 404)):
        error_of(v2.get(f"/users/{user.id}/trend_analysis", query_string={
            **SUMMARY, "categories": categories_, "scenarios": scenarios_}), status)
    accounts.delete_account(ledger, plan["account"].id, delete_transactions=True)
    error_of(v2.get(f"/users/{user.id}/trend_analysis", query_string={
        **SUMMARY, "categories": food, "scenarios": primary}), 404)


def _routes(user_id):
    return [("GET", f"/users/{user_id}/budget", {}), ("GET", f"/users/{user_id}/budget_summary", SUMMARY),
            ("GET", f"/users/{user_id}/trend_analysis", {**SUMMARY, "categories": "1", "scenarios": "1"}),
            ("DELETE", f"/users/{user_id}/forecast_cache", {})]


def test_every_budgeting_route_is_401_without_a_key_and_403_or_404_for_another_user(
        v2, v2_anonymous, user, other_user):
    for method, path, params in _routes(user.id):
        error_of(v2_anonymous._call(method, path, query_string=params), 401)
    for method, path, params in _routes(other_user.id):
        assert error_of(v2._call(method, path, query_string=params), 403) == "You do not have access to this user."
    for method, path, params in _routes(999_999):
        error_of(v2._call(method, path, query_string=params), 404)


def test_deleting_the_forecast_cache_is_204_and_changes_nothing(v2, user, plan):
    before = get(v2, f"/users/{user.id}/budget")
    response = v2.delete(f"/users/{user.id}/forecast_cache")
    assert response.status_code == 204 and response.get_data() == b""
    assert "Content-Type" not in response.headers
    assert get(v2, f"/users/{user.id}/budget") == before


def test_the_document_covers_the_budgeting_routes(client):
    import json

    document = json.loads(client.get("/v2/openapi.json").get_data(as_text=True))
    paths = document["paths"]
    for path, method in (("/users/{id}/budget", "get"), ("/users/{id}/budget_summary", "get"),
                         ("/users/{id}/trend_analysis", "get"), ("/users/{id}/forecast_cache", "delete"),
                         ("/users/{id}/events", "get"), ("/users/{id}/events", "post"),
                         ("/scenarios/{id}/events", "get"), ("/scenarios/{id}/events", "post"),
                         ("/events/{id}", "get"), ("/events/{id}", "put"), ("/events/{id}", "delete")):
        assert method in paths[path], (method, path)
    for path in ("/users/{id}/budget_summary", "/users/{id}/trend_analysis"):
        assert {"400", "401", "403", "404", "422"} <= set(paths[path]["get"]["responses"]), path
        assert "X-Suggested-Time-Period-Alternative-Type" in paths[path]["get"]["description"]
    trend = {p["name"]: p for p in paths["/users/{id}/trend_analysis"]["get"]["parameters"]}
    assert {name for name, p in trend.items() if p["required"]} == {
        "id", "period", "interval", "start_date", "end_date", "categories", "scenarios"}
    assert trend["period"]["schema"]["enum"] == ["weeks", "months", "years", "event"]
    assert paths["/users/{id}/budget"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array", "items": {"$ref": "#/components/schemas/BudgetAnalysisPackage"}}
    deletion = {p["name"]: p for p in paths["/events/{id}"]["delete"]["parameters"]}
    assert deletion["behaviour"]["required"] is True and deletion["id"]["schema"]["type"] == "string"
    assert "204" in paths["/users/{id}/forecast_cache"]["delete"]["responses"]
    schemas = document["components"]["schemas"]
    assert set(schemas["Period"]["properties"]) == {
        "start_date", "end_date", "currency_code", "actual_amount", "forecast_amount", "refund_amount", "current",
        "over_budget", "under_budget", "over_by", "under_by", "percentage_used"}
    assert set(schemas["BudgetAnalysisPackage"]["properties"]) == {"category", "is_transfer", "expense", "income"}
