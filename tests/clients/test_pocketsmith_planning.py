"""The official PocketSmith client (PyPI ``pocketsmith-api``) reading SpendSense's plans:
accounts with their scenarios, the budget, the budget summary, the trend analysis, and
the 422 that event periods which do not align answer, with the period to ask for
instead. The client checks every type strictly, so each call parsing is the proof.

What the client cannot do: version 2.1.1 has no events routes at all, and its
``get_trend_analysis`` expects one package where the spec (and PocketSmith, whose
clients read a list) answer a list; that answer is read raw and parsed with the
client's own models here.
"""

from datetime import date, datetime, time

import pytest

pocketsmith = pytest.importorskip("pocketsmith")

from pocketsmith.exceptions import ApiException  # noqa: E402
from pocketsmith.model.budget_analysis_package import BudgetAnalysisPackage  # noqa: E402

from spendsense.api.v2.views import budgets as budgets_view  # noqa: E402
from spendsense.services.ledger import accounts, categories  # noqa: E402
from spendsense.services.planning import events, scenarios  # noqa: E402
from tests.conftest import make_app  # noqa: E402
from tests.factories import create_transaction  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402

TODAY = date(2026, 11, 15)


@pytest.fixture
def server(app, database_url, monkeypatch):
    monkeypatch.setattr(budgets_view, "today", lambda: TODAY)
    with LiveServer.running(make_app(database_url)) as running:
        yield running


@pytest.fixture
def ps(server, token):
    client = pocketsmith.PocketsmithClient(token, host=server("/v2"), ssl_ca_cert=None)
    yield client
    client.api_client.close()


@pytest.fixture
def plan(ledger):
    """In EUR (alice's base currency): Food -300 on the 1st of each month from October,
    its child Snacks -50 on the 1st from November, Wages +2000 on the 25th from October;
    in November 150.75 spent on Food, 60 on Snacks; 2000 of wages on 25 October."""
    account = accounts.create_account(ledger, "Everyday", currency="EUR", opening_balance="100.00",
                                      opening_date="2026-01-01")
    primary = scenarios.primary_for(ledger, account.id)
    goal = scenarios.create_scenario(ledger, account.id, title="Wedding", type="savings", interest_rate="2.4",
                                     interest_rate_repeat_id=4, minimum_value="42", maximum_value="4000.5",
                                     achieve_date=date(2027, 2, 27), description="The big day")
    food = categories.create_category(ledger, "Food", "🍔", "spent")
    snacks = categories.create_category(ledger, "Snacks", "🍿", "spent", parent_id=food.id)
    wages = categories.create_category(ledger, "Wages", "💶", "earn")
    for category, amount, day in ((food, "-300", date(2026, 10, 1)), (snacks, "-50", date(2026, 11, 1)),
                                  (wages, "2000", date(2026, 10, 25))):
        events.create_event(ledger, primary.id, category_id=category.id, amount=amount, date=day,
                            repeat_type="monthly")
    for day, amount, category in ((3, "-120.50", food), (10, "-30.25", food), (5, "-60", snacks)):
        create_transaction(ledger, account_id=account.id, amount=amount, payee="Shop", category_id=category.id,
                           occurred_at=datetime.combine(date(2026, 11, day), time(12)))
    create_transaction(ledger, account_id=account.id, amount="2000", payee="Employer", category_id=wages.id,
                       occurred_at=datetime.combine(date(2026, 10, 25), time(12)))
    return {"account": account, "primary": primary, "goal": goal, "food": food, "snacks": snacks, "wages": wages}


def test_accounts_carry_their_scenarios_as_the_client_reads_them(ps, user, plan):
    (account,) = ps.accounts.list_accounts(user.id)
    assert account.primary_scenario.id == plan["primary"].id
    primary, goal = account.scenarios
    assert (primary.id, primary.type, primary.starting_balance) == (plan["primary"].id, "no-interest", 100.0)
    assert primary.starting_balance_date == date(2026, 1, 1)
    # 100 + 2000 - 120.50 - 30.25 - 60 = 1889.25, the account's balance: a scenario plans on top of it.
    assert primary.current_balance == account.current_balance == 1889.25
    assert (goal.title, goal.type, goal.description, goal.interest_rate, goal.interest_rate_repeat_id) == (
        "Wedding", "savings", "The big day", 2.4, 4)
    assert (goal.minimum_value, goal.maximum_value, goal.achieve_date) == (42.0, 4000.5, "2027-02-27")
    assert [s.id for s in ps.accounts.get_account(plan["account"].id).scenarios] == [primary.id, goal.id]


def _current(package):
    analysis = package.get("expense") or package.get("income")
    (period,) = analysis.periods
    return period


def test_the_budget_and_its_roll_up(ps, user, plan):
    listed = {package.category.title: package for package in ps.budgeting.list_budgets(user.id)}
    assert set(listed) == {"Food", "Snacks", "Wages"}
    food = _current(listed["Food"])
    # -120.50 - 30.25 = -150.75 of -300: 149.25 left, 150.75 / 300 = 50.25 % used.
    assert (food.start_date, food.end_date, food.current) == (date(2026, 11, 1), date(2026, 11, 30), True)
    assert (food.actual_amount, food.forecast_amount, food.under_by, food.percentage_used) == (
        -150.75, -300.0, 149.25, 50.25)
    wages = _current(listed["Wages"])
    # The event period holding the 15th: 25 October to 24 November.
    assert (wages.start_date, wages.end_date, wages.actual_amount) == (date(2026, 10, 25), date(2026, 11, 24),
                                                                      2000.0)
    rolled = {package.category.title: package for package in ps.budgeting.list_budgets(user.id, roll_up=True)}
    # Food and Snacks together: -210.75 of -350.
    assert (_current(rolled["Food"]).actual_amount, _current(rolled["Food"]).forecast_amount) == (-210.75, -350.0)
    assert _current(rolled["Snacks"]).actual_amount == -60.0


@pytest.mark.parametrize(("period", "interval", "start", "end", "spans"), [
    ("months", 1, "2026-10-10", "2026-11-05", [(date(2026, 10, 1), date(2026, 10, 31)),
                                               (date(2026, 11, 1), date(2026, 11, 30))]),
    ("weeks", 2, "2026-11-02", "2026-11-15", [(date(2026, 11, 2), date(2026, 11, 15))]),
    ("years", 1, "2026-03-01", "2026-03-01", [(date(2026, 1, 1), date(2026, 12, 31))]),
])
def test_the_budget_summary_in_each_calendar_period(ps, user, plan, period, interval, start, end, spans):
    (package,) = ps.budgeting.get_budget_summary(user.id, period, interval, start, end)
    assert "category" not in package
    for analysis in (package.expense, package.income):
        assert [(p.start_date, p.end_date) for p in analysis.periods] == spans
        assert analysis.currency_code == "eur"


def test_event_periods_that_do_not_align_answer_422_with_a_suggestion_the_client_can_follow(ps, user, plan):
    # Monthly on the 1st and on the 25th share no periods.
    with pytest.raises(ApiException) as refused:
        ps.budgeting.get_budget_summary(user.id, "event", 1, "2026-11-01", "2026-11-30")
    assert refused.value.status == 422 and '"error"' in refused.value.body
    period = refused.value.headers["X-Suggested-Time-Period-Alternative-Type"]
    interval = int(refused.value.headers["X-Suggested-Time-Period-Alternative-Interval"])
    assert (period, interval) == ("months", 1)
    (package,) = ps.budgeting.get_budget_summary(user.id, period, interval, "2026-11-01", "2026-11-30")
    # November: Food and Snacks, -210.75 of -350; Wages' 2000 not yet in (the 25th).
    assert (package.expense.total_actual_amount, package.expense.total_forecast_amount) == (-210.75, -350.0)
    assert (package.income.total_actual_amount, package.income.total_forecast_amount) == (0.0, 2000.0)


def test_the_trend_analysis_is_a_list_of_the_clients_packages(ps, user, plan):
    ids = f"{plan['food'].id},{plan['wages'].id}"
    scenario_ids = f"{plan['primary'].id},{plan['goal'].id}"
    # The generated method wants a single package: it cannot take the spec's list.
    with pytest.raises(pocketsmith.ApiTypeError):
        ps.budgeting.get_trend_analysis(user.id, "months", 1, "2026-11-01", "2026-11-30", ids, scenario_ids)
    raw = ps.budgeting.get_trend_analysis(user.id, "months", 1, "2026-11-01", "2026-11-30", ids, scenario_ids,
                                          _preload_content=False)
    food, wages = ps.api_client.deserialize(raw, ([BudgetAnalysisPackage],), True)
    assert (food.category.id, wages.category.id) == (plan["food"].id, plan["wages"].id)
    assert "income" not in food and "expense" not in wages
    (november,) = food.expense.periods
    assert (november.actual_amount, november.forecast_amount, november.current) == (-150.75, -300.0, True)
    (earned,) = wages.income.periods
    assert (earned.actual_amount, earned.forecast_amount) == (0.0, 2000.0)
