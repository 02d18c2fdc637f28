"""The Budgets page: a row per budgeted category for one week, month or year, set in
place, rollover; the envelopes of a month; the dashboard's "left to spend".

"Today" is fixed at Thursday 10 December 2026 (the ledger's week starts on Monday), so
December 2026 is the current month and 7-13 December the current week. Figures are
worked out by hand in the comments.
"""

import re
from datetime import date, datetime, time
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Transaction
from spendsense.models.planning import BudgetAssignment, BudgetEvent
from spendsense.services.auth import users
from spendsense.services.ledger import accounts, balances, categories
from spendsense.services.planning import analysis, category_budgets, envelopes, events, scenarios
from spendsense.services.planning.repeats import occurrence_id
from spendsense.services.uow import write_transaction
from tests import factories
from tests.web.helpers import csrf_protected, csrf_token, field_errors, fresh, system_category, text

TODAY = date(2026, 12, 10)
SHOWN = {"period": "month", "date": "2026-12-01"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(users, "local_now", lambda ledger_id: datetime.combine(TODAY, time(12)))


@pytest.fixture
def supermarket(app):
    return system_category("supermarket").id


@pytest.fixture
def restaurants(app):
    return system_category("restaurants").id


@pytest.fixture
def technology(app):
    return system_category("technology").id


@pytest.fixture
def salary(app):
    return system_category("salary", "earn").id


def spend(ledger, account, category, amount, day):
    factories.create_transaction(ledger, account_id=account, amount=amount, category_id=category,
                                 occurred_at=f"{day}T10:00:00", payee="Shop")


def refund(ledger, account, category_id, minor, day):
    """Money back in an expense category. The transaction command refuses a sign that is
    not the category's kind, so the row is written here, its balance and totals moved as
    the command moves them (as tests/unit/planning/test_budget_month_by_hand.py does)."""
    with write_transaction() as session:
        txn = Transaction(ledger_id=ledger, account_id=account, category_id=category_id, amount=minor,
                          occurred_at=datetime.combine(day, datetime.min.time()), payee="Refund", source="web")
        session.add(txn)
        session.flush()
        balances.apply_transaction(txn, 1)


def row(html, category_id):
    """The budget row of a category, or None."""
    match = re.search(rf'<li class="budget-row [^"]*" id="budget-{category_id}".*?</li>', html, re.S)
    return match.group(0) if match else None


def attr(html, name):
    match = re.search(rf'\b{name}="([^"]*)"', html)
    assert match, f"no {name} in {html[:300]}"
    return unescape(match.group(1))


def figures(html, category_id):
    found = row(html, category_id)
    assert found, f"no row for category {category_id}"
    return {"state": attr(found, "data-state"), "actual": Decimal(attr(found, "data-actual")),
            "budgeted": Decimal(attr(found, "data-budgeted")), "left": Decimal(attr(found, "data-left")),
            "bar": int(attr(found, "value"))}


def flashed(html):
    return [unescape(m) for m in re.findall(r'<div class="flash flash-\w+">([^<]*)</div>', html)]


def set_budget(client, category_id, amount, repeat="monthly", **shown):
    return client.post("/budgets/set", data={"category_id": str(category_id), "amount": amount, "repeat": repeat,
                                             **(shown or SHOWN)})


def budget_rows(ledger, category_id):
    fresh()
    return [(e.start_date, e.end_date, e.repeat_type, e.amount) for e in db.session.scalars(
        select(BudgetEvent).where(BudgetEvent.ledger_id == ledger, BudgetEvent.category_id == category_id)
        .order_by(BudgetEvent.start_date))]


# --- the page


def test_login_required(client):
    for url in ("/budgets", "/budgets/envelopes"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post("/budgets/set", data={"category_id": "1", "amount": "5"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_without_an_account_it_asks_for_one(logged_in):
    html = text(logged_in.get("/budgets"))
    assert 'id="no-account"' in html and "add an account first" in html
    assert 'href="/accounts/new?next=/budgets"' in html  # the account form, which comes back here
    assert 'id="add-budget-form"' not in html
    assert 'aria-current="page">Budgets' in html


def test_empty_page_offers_the_add_form(logged_in, main):
    html = text(logged_in.get("/budgets"))
    assert "No budgets for this month yet." in html
    assert '<h2 class="period-label" id="period-label" data-start="2026-12-01" data-end="2026-12-31">December 2026</h2>' \
        in html
    assert 'id="add-budget-form"' in html
    assert '<optgroup label="Expenses">' in html and '<optgroup label="Income">' in html
    # the add form starts at the shown period's repeat
    assert '<option selected value="monthly">month</option>' in html


def test_set_a_budget_shows_its_row(logged_in, ledger, main, supermarket):
    spend(ledger, main, supermarket, "-310.40", "2026-12-03")
    spend(ledger, main, supermarket, "-45.10", "2026-12-08")
    spend(ledger, main, supermarket, "-99.00", "2026-11-20")  # last month: not in December
    response = logged_in.post("/budgets/set", data={"category_id": str(supermarket), "amount": "400", "repeat": "monthly",
                                                    "new": "1", **SHOWN})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/budgets?period=month&date=2026-12-01#budget-{supermarket}"
    html = text(logged_in.get("/budgets?period=month&date=2026-12-01"))
    assert flashed(html) == ["Budget for 🛒 Supermarket: €400.00 a month, from December 2026 on."]
    # 310.40 + 45.10 = 355.50 of 400.00: 44.50 left, 88.875 % used (89 % shown, under 90: "under")
    assert figures(html, supermarket) == {"state": "under", "actual": Decimal("355.50"),
                                          "budgeted": Decimal("400.00"), "left": Decimal("44.50"), "bar": 88}
    found = row(html, supermarket)
    assert "Under budget" in found and "89% used" in found and "€44.50</strong> left" in found
    assert 'value="400.00"' in found  # the row's own form holds the budget
    # the totals: one budget
    assert attr(html, "data-total-budgeted") == "400.00" and attr(html, "data-total-left") == "44.50"
    # stored negative (a spent category), monthly from 1 December
    assert budget_rows(ledger, supermarket) == [(date(2026, 12, 1), None, "monthly", -40000)]


@pytest.mark.parametrize("spent, state, label, left, bar", [
    ("-89.99", "under", "Under budget", "€10.01</strong> left", 89),  # 89.99 %
    ("-90.00", "near", "Nearly spent", "€10.00</strong> left", 90),  # 90 %: near
    ("-100.00", "near", "Nearly spent", "€0.00</strong> left", 100),  # exactly spent: still near
    ("-100.01", "over", "Over budget", "€0.01</strong> over", 100),  # over: the bar stays full
    ("-250.00", "over", "Over budget", "€150.00</strong> over", 100),  # 250 %
])
def test_state_by_percent_used_in_words_too(logged_in, ledger, main, restaurants, spent, state, label, left, bar):
    category_budgets.set_category_budget(ledger, restaurants, "100", today=TODAY)
    spend(ledger, main, restaurants, spent, "2026-12-05")
    found = row(text(logged_in.get("/budgets")), restaurants)
    assert attr(found, "data-state") == state and f"state-{state}" in found
    assert label in found and left in found
    assert int(attr(found, "value")) == bar


def test_refunds_come_off_the_spending(logged_in, ledger, main, supermarket):
    category_budgets.set_category_budget(ledger, supermarket, "100", today=TODAY)
    spend(ledger, main, supermarket, "-80.00", "2026-12-02")
    refund(ledger, main, supermarket, 2000, date(2026, 12, 4))
    html = text(logged_in.get("/budgets"))
    # 80 - 20 = 60 spent of 100
    assert figures(html, supermarket)["actual"] == Decimal("60.00")
    assert "Includes €20.00 of refunds" in row(html, supermarket)


def test_change_in_place_and_remove(logged_in, ledger, main, supermarket):
    category_budgets.set_category_budget(ledger, supermarket, "400", today=TODAY)
    spend(ledger, main, supermarket, "-120.00", "2026-12-03")
    response = set_budget(logged_in, supermarket, "150")
    assert response.status_code == 302
    html = text(logged_in.get("/budgets"))
    # 120 of 150: 80 %
    assert figures(html, supermarket) == {"state": "under", "actual": Decimal("120.00"),
                                          "budgeted": Decimal("150.00"), "left": Decimal("30.00"), "bar": 80}
    assert budget_rows(ledger, supermarket) == [(date(2026, 12, 1), None, "monthly", -15000)]
    # 0 removes it from this month on; the spending then shows without a budget
    assert set_budget(logged_in, supermarket, "0").status_code == 302
    html = text(logged_in.get("/budgets"))
    assert flashed(html) == ["Budget for 🛒 Supermarket removed from December 2026 on."]
    assert row(html, supermarket) is None
    assert "Spent without a budget" in html and f'data-category-id="{supermarket}"' in html
    assert budget_rows(ledger, supermarket) == []


def test_a_budget_set_while_a_later_month_shows_starts_there(logged_in, ledger, main, supermarket):
    response = set_budget(logged_in, supermarket, "50", period="month", date="2027-02-01")
    assert response.headers["Location"] == f"/budgets?period=month&date=2027-02-01#budget-{supermarket}"
    assert budget_rows(ledger, supermarket) == [(date(2027, 2, 1), None, "monthly", -5000)]
    assert row(text(logged_in.get("/budgets")), supermarket) is None  # December has none
    assert row(text(logged_in.get("/budgets?date=2027-02-14")), supermarket) is not None


def test_an_income_budget(logged_in, ledger, main, salary):
    assert set_budget(logged_in, salary, "2300").status_code == 302
    factories.create_transaction(ledger, account_id=main, amount="1000", category_id=salary,
                                 occurred_at="2026-12-01T09:00:00")
    html = text(logged_in.get("/budgets"))
    assert budget_rows(ledger, salary) == [(date(2026, 12, 1), None, "monthly", 230000)]  # positive: money in
    found = row(html, salary)
    assert 'id="budgets-earn"' in html and attr(found, "data-state") == "income"
    # 1000 of 2300 received, 1300 to come
    assert "Received <strong" in found and "€1,300.00</strong> to come" in found
    assert figures(html, salary)["bar"] == 43  # 43.48 %


@pytest.mark.parametrize("data, field, words", [
    ({"amount": "abc"}, "amount", "Amount must be a number."),
    ({"amount": "-5"}, "amount", "Amount must not be negative."),
    ({"amount": "1.234"}, "amount", "more decimals than EUR allows"),
    ({"amount": "x" * 41}, "amount", "Field cannot be longer than 40 characters."),
    ({"repeat": "daily"}, "repeat", "Not a valid choice"),
])
def test_a_bad_budget_shows_the_error_on_its_row(logged_in, ledger, main, supermarket, data, field, words):
    category_budgets.set_category_budget(ledger, supermarket, "400", today=TODAY)
    response = logged_in.post("/budgets/set", data={"category_id": str(supermarket), "amount": "10",
                                                    "repeat": "monthly", **SHOWN, **data})
    assert response.status_code == 422
    found = row(text(response), supermarket)
    assert any(words in message for message in field_errors(found, field)), field_errors(found, field)
    assert "has-error" in found
    assert budget_rows(ledger, supermarket) == [(date(2026, 12, 1), None, "monthly", -40000)]


@pytest.mark.parametrize("category", ["", "abc", "999999", "bobs", "transfer"])
def test_the_add_form_refuses_a_category_it_does_not_offer(logged_in, ledger, bob_ledger, main, category):
    ids = {"bobs": lambda: categories.create_category(bob_ledger, "Bob's", "🎸", "spent").id,
           "transfer": lambda: categories.create_category(ledger, "To savings", "🏦", "spent", is_transfer=True).id}
    value = str(ids[category]()) if category in ids else category
    response = logged_in.post("/budgets/set", data={"category_id": value, "amount": "10", "repeat": "monthly",
                                                    "new": "1", **SHOWN})
    assert response.status_code == 422
    html = text(response)
    errors = field_errors(html, "category_id")
    expected = ("A transfer category cannot hold a budget event" if category == "transfer"
                else "Choose a category from the list.")
    assert any(expected in message for message in errors), errors
    fresh()
    assert db.session.scalars(select(BudgetEvent)).all() == []


def test_without_an_account_a_budget_asks_for_one(logged_in, supermarket):
    response = logged_in.post("/budgets/set", data={"category_id": str(supermarket), "amount": "10",
                                                    "repeat": "monthly", "new": "1", **SHOWN})
    assert response.status_code == 422
    assert 'id="no-account"' in text(response)
    fresh()
    assert db.session.scalars(select(BudgetEvent)).all() == []


# --- periods


@pytest.mark.parametrize("query, label, start, end", [
    ("", "December 2026", "2026-12-01", "2026-12-31"),
    ("?period=week", "7 Dec – 13 Dec 2026", "2026-12-07", "2026-12-13"),  # Thursday 10th, weeks from Monday
    ("?period=year", "2026", "2026-01-01", "2026-12-31"),
    ("?period=month&offset=-1", "November 2026", "2026-11-01", "2026-11-30"),
    ("?period=month&offset=2", "February 2027", "2027-02-01", "2027-02-28"),
    ("?period=week&offset=-1", "30 Nov – 6 Dec 2026", "2026-11-30", "2026-12-06"),
    ("?period=year&date=2024-02-29", "2024", "2024-01-01", "2024-12-31"),
    ("?period=month&date=2027-03-15", "March 2027", "2027-03-01", "2027-03-31"),
    ("?period=month&date=2027-03-15&offset=-1", "February 2027", "2027-02-01", "2027-02-28"),
])
def test_periods_and_steps(logged_in, main, query, label, start, end):
    html = text(logged_in.get("/budgets" + query))
    assert (f'<h2 class="period-label" id="period-label" data-start="{start}" data-end="{end}">'
            f'{unescape(label)}</h2>') in unescape(html)
    assert 'id="period-prev"' in html and 'id="period-next"' in html


def test_the_steps_link_the_neighbours(logged_in, main):
    html = text(logged_in.get("/budgets?period=week"))
    assert 'href="/budgets?period=week&amp;date=2026-11-30"' in html
    assert 'href="/budgets?period=week&amp;date=2026-12-14"' in html
    assert "This week" in html and 'id="period-now"' not in html
    html = text(logged_in.get("/budgets?period=month&offset=-3"))
    assert 'id="period-now"' in html and 'href="/budgets?period=month"' in html


@pytest.mark.parametrize("query, note", [
    ("?period=decade", "Choose a week, a month or a year."),
    ("?date=2026-02-30", "That date could not be read"),
    ("?date=0001-01-01", "That date could not be read"),
    ("?date=yesterday", "That date could not be read"),
    ("?offset=abc", "Step at most 1200 periods back or forward."),
    ("?offset=99999999999999999999", "Step at most 1200 periods back or forward."),
    ("?period=month&date=2999-12-01&offset=1", "That is too far away"),
    ("?period=month&date=1900-01-15&offset=-1", "That is too far away"),
])
def test_a_bad_period_falls_back_with_a_note(logged_in, main, query, note):
    response = logged_in.get("/budgets" + query)
    assert response.status_code == 200
    html = text(response)
    assert note in unescape(html)
    assert 'data-start="2026-12-01"' in html  # today's month


def test_the_last_month_there_is_has_no_next(logged_in, main):
    html = text(logged_in.get("/budgets?period=month&date=2999-12-01"))
    assert "December 2999" in html and 'id="period-prev"' in html and 'id="period-next"' not in html


# --- rollover


def test_rollover_carries_what_was_left(logged_in, ledger, main, restaurants):
    # 100 a month from November; 60 spent in November, 112 in December.
    category_budgets.set_category_budget(ledger, restaurants, "100", today=date(2026, 11, 1))
    spend(ledger, main, restaurants, "-60.00", "2026-11-12")
    spend(ledger, main, restaurants, "-112.00", "2026-12-05")
    html = text(logged_in.get("/budgets"))
    assert "Rollover off" in row(html, restaurants)
    # without rollover: 112 of 100, 12 over
    assert figures(html, restaurants)["left"] == Decimal("-12.00")
    response = logged_in.post(f"/budgets/{restaurants}/rollover", data={"on": "1", **SHOWN})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#budget-{restaurants}")
    assert analysis.rollover_categories(ledger) == {restaurants}
    html = text(logged_in.get("/budgets"))
    found = row(html, restaurants)
    # November left 100 - 60 = 40, so December's budget is 100 + 40 = 140; 112 spent: 28 left, 80 %
    assert figures(html, restaurants) == {"state": "under", "actual": Decimal("112.00"),
                                          "budgeted": Decimal("140.00"), "left": Decimal("28.00"), "bar": 80}
    assert "€40.00 left over from the last month is added to this one." in found
    assert 'aria-pressed="true"' in found and "Rollover on" in found
    # November itself carried nothing in
    assert "nothing carried over from the last month" in row(text(logged_in.get("/budgets?offset=-1")), restaurants)
    logged_in.post(f"/budgets/{restaurants}/rollover", data={"on": "0", **SHOWN})
    assert analysis.rollover_categories(ledger) == set()


def test_overspending_carries_too(logged_in, ledger, main, restaurants):
    # 50 a month, 60 spent in November: December's budget is 50 - 10 = 40.
    category_budgets.set_category_budget(ledger, restaurants, "50", today=date(2026, 11, 1))
    analysis.set_rollover(ledger, restaurants, True)
    spend(ledger, main, restaurants, "-60.00", "2026-11-12")
    html = text(logged_in.get("/budgets"))
    assert figures(html, restaurants)["budgeted"] == Decimal("40.00")
    assert "€10.00 overspent in the last month comes off this one." in row(html, restaurants)


def test_rollover_of_a_category_not_the_ledgers_is_404(logged_in, ledger, bob_ledger, main):
    bobs = categories.create_category(bob_ledger, "Bob's", "🎸", "spent").id
    assert logged_in.post(f"/budgets/{bobs}/rollover", data={"on": "1", **SHOWN}).status_code == 404
    assert logged_in.post("/budgets/999999/rollover", data={"on": "1", **SHOWN}).status_code == 404
    assert analysis.rollover_categories(bob_ledger) == set()


# --- without a budget, isolation, CSRF


def test_spending_without_a_budget_links_to_the_add_form(logged_in, ledger, main, technology):
    spend(ledger, main, technology, "-89.99", "2026-12-06")
    html = text(logged_in.get("/budgets"))
    assert 'id="unbudgeted"' in html and "€89.99" in html
    link = f'href="/budgets?period=month&amp;date=2026-12-01&amp;category={technology}#add-budget"'
    assert link in html
    html = text(logged_in.get(f"/budgets?period=month&date=2026-12-01&category={technology}"))
    assert f'<option selected value="{technology}">' in html


def test_income_without_a_budget_is_received_not_spent(logged_in, ledger, main, technology, salary):
    spend(ledger, main, technology, "-89.99", "2026-12-06")
    factories.create_transaction(ledger, account_id=main, amount="2500", category_id=salary,
                                 occurred_at="2026-12-01T09:00:00")
    html = text(logged_in.get("/budgets"))
    spent = re.search(r'<section class="card" id="unbudgeted">.*?</section>', html, re.S).group(0)
    assert "Technology" in spent and "Salary" not in spent and "€2,500.00" not in spent
    received = re.search(r'<section class="card" id="unbudgeted-income">.*?</section>', html, re.S).group(0)
    assert "Received without a budget" in received and '<strong class="amount-in">€2,500.00</strong>' in received


def test_a_row_links_to_its_transactions_of_the_period(logged_in, ledger, main, supermarket, technology):
    category_budgets.set_category_budget(ledger, supermarket, "400", today=TODAY)
    spend(ledger, main, technology, "-10.00", "2026-12-06")
    link = "/transactions?category={}&amp;period=custom&amp;start={}&amp;end={}"
    html = text(logged_in.get("/budgets"))
    assert f'href="{link.format(supermarket, "2026-12-01", "2026-12-31")}"' in row(html, supermarket)
    assert f'href="{link.format(technology, "2026-12-01", "2026-12-31")}"' in html  # spent without a budget
    html = text(logged_in.get("/budgets?period=week"))  # Monday 7 to Sunday 13 December
    assert f'href="{link.format(supermarket, "2026-12-07", "2026-12-13")}"' in row(html, supermarket)
    # and the link shows them
    listed = text(logged_in.get(f"/transactions?category={technology}&period=custom&start=2026-12-01&end=2026-12-31"))
    assert "−€10.00" in listed


def test_a_bill_on_the_plan_is_named_in_its_categorys_row(logged_in, ledger, main):
    home = system_category("home").id
    plan = scenarios.default_scenario(ledger).id
    rent = events.create_event(ledger, plan, category_id=home, amount="-950.00", date=date(2026, 12, 31),
                               repeat_type="monthly", note="Rent")
    events.create_event(ledger, plan, category_id=home, amount="-20.00", date=date(2026, 12, 3), repeat_type="weekly",
                        end_date=date(2026, 12, 24), note="Cleaner")
    found = row(text(logged_in.get("/budgets")), home)
    # 950.00 + 4 x 20.00 (3, 10, 17 and 24 December) = 1030.00 budgeted, all of it from the plan
    assert attr(found, "data-budgeted") == "1030.00"
    planned = re.search(r"<p [^>]*data-planned>.*?</p>", found, re.S).group(0)
    assert "Cleaner</a> €80.00 (4 times)" in planned and "Rent</a> €950.00 on 31 Dec 2026" in planned
    # one occurrence links to itself, several to the plan's month
    assert f'href="/plan/events/{occurrence_id(rent.id, date(2026, 12, 31))}/edit?next=' in planned
    assert 'href="/plan?month=2026-12"' in planned
    assert 'value=""' in found  # no budget set on this page: the plan's events are not one


def test_a_budget_that_is_an_event_of_the_plan_says_so(logged_in, ledger, main, salary):
    plan = scenarios.default_scenario(ledger).id
    events.create_event(ledger, plan, category_id=salary, amount="2300", date=date(2026, 11, 28),
                        repeat_type="monthly", note="Pay day")
    found = row(text(logged_in.get("/budgets")), salary)
    # saving here changes that event (category_budgets.set_category_budget takes it for the budget)
    assert "This budget is “Pay day” on the" in unescape(found) and 'value="2300.00"' in found
    assert "data-planned" not in found  # it is the budget, not something beside it


def test_the_row_shows_the_budget_set_here_before_an_event_of_the_plan(logged_in, ledger, main, supermarket):
    category_budgets.set_category_budget(ledger, supermarket, "400", today=date(2026, 11, 1))
    plan = scenarios.default_scenario(ledger).id
    events.create_event(ledger, plan, category_id=supermarket, amount="-55", date=date(2026, 12, 5),
                        repeat_type="monthly", note="Veg box")
    found = row(text(logged_in.get("/budgets")), supermarket)
    # the form holds what a save changes: the budget set on this page, not the later veg box
    assert 'value="400.00"' in found and "data-by-hand" not in found
    # 400.00 + 55.00 budgeted
    assert attr(found, "data-budgeted") == "455.00" and "Veg box</a> €55.00 on 5 Dec 2026" in found
    set_budget(logged_in, supermarket, "420")
    assert [amount for *_rest, amount in budget_rows(ledger, supermarket)] == [-40000, -42000, -5500]


def test_a_monthly_budget_on_a_week_says_where_it_counts(logged_in, ledger, main, supermarket):
    category_budgets.set_category_budget(ledger, supermarket, "400", today=TODAY)
    html = text(logged_in.get("/budgets?period=week&date=2026-11-30"))  # the week holding 1 December
    found = row(html, supermarket)
    assert attr(found, "data-budgeted") == "400.00"
    assert "A budget for a month: all of it counts in the week its month starts." in found
    assert 'href="/budgets?period=month&amp;date=2026-11-30"' in found
    assert "data-longer" not in row(text(logged_in.get("/budgets")), supermarket)  # a month shows a month


def test_a_months_budget_saved_from_a_week_says_its_dates(logged_in, ledger, main, supermarket):
    category_budgets.set_category_budget(ledger, supermarket, "400", today=TODAY)  # from 1 December
    response = set_budget(logged_in, supermarket, "300", period="week", date="2026-11-30")
    assert response.status_code == 302
    # from the week of Monday 30 November a month's budget is November's, up to December's (set already)
    assert budget_rows(ledger, supermarket) == [(date(2026, 11, 1), date(2026, 11, 30), "monthly", -30000),
                                                (date(2026, 12, 1), None, "monthly", -40000)]
    html = text(logged_in.get(response.headers["Location"]))
    assert flashed(html) == ["Budget for 🛒 Supermarket: €300.00 a month, from 1 Nov 2026 to 30 Nov 2026."]


def test_an_overspent_carry_shows_a_minus_sign(logged_in, ledger, main, restaurants):
    category_budgets.set_category_budget(ledger, restaurants, "40", today=TODAY)
    analysis.set_rollover(ledger, restaurants, True)
    spend(ledger, main, restaurants, "-42.50", "2026-12-01")
    # week 7-13 December: no budget of its own, 2.50 overspent carried in
    html = text(logged_in.get("/budgets?period=week"))
    assert attr(row(html, restaurants), "data-budgeted") == "-2.50"
    assert 'data-budgeted="-2.50">−€2.50</strong>' in row(html, restaurants)
    assert 'data-total-budgeted="-2.50">−€2.50</dd>' in html


def test_a_row_that_failed_to_save_takes_the_focus(logged_in, ledger, main, supermarket, restaurants):
    category_budgets.set_category_budget(ledger, supermarket, "400", today=TODAY)
    category_budgets.set_category_budget(ledger, restaurants, "100", today=TODAY)
    html = text(set_budget(logged_in, restaurants, "lots"))
    # the page opens at its top: the row with the error is found by the focus
    assert re.search(rf'id="budget-{restaurants}-amount"[^>]*autofocus', row(html, restaurants))
    assert "autofocus" not in row(html, supermarket)
    html = text(logged_in.post("/budgets/set", data={"category_id": str(supermarket), "amount": "x", "new": "1",
                                                     "repeat": "monthly", **SHOWN}))
    add = re.search(r'<form [^>]*id="add-budget-form".*?</form>', html, re.S).group(0)
    assert re.search(r'<input[^>]*autofocus[^>]*name="amount"|<input[^>]*name="amount"[^>]*autofocus', add)
    assert "autofocus" not in row(html, supermarket)


def test_each_rows_fields_are_named_for_its_category(logged_in, ledger, main, supermarket):
    category_budgets.set_category_budget(ledger, supermarket, "400", today=TODAY)
    found = row(text(logged_in.get("/budgets")), supermarket)
    assert 'Budget<span class="visually-hidden"> for Supermarket</span></label>' in found


def test_another_users_budgets_stay_theirs(logged_in, bob_client, ledger, bob_ledger, main, supermarket):
    bob_account = accounts.create_account(bob_ledger, "Bob's bank", currency="EUR").id
    category_budgets.set_category_budget(bob_ledger, supermarket, "999", today=TODAY)
    spend(bob_ledger, bob_account, supermarket, "-500.00", "2026-12-02")
    html = text(logged_in.get("/budgets"))
    assert row(html, supermarket) is None and "999" not in html and "500" not in html
    # bob's own page has it
    assert figures(text(bob_client.get("/budgets")), supermarket)["budgeted"] == Decimal("999.00")
    # alice's budget goes in her ledger only
    assert set_budget(logged_in, supermarket, "10").status_code == 302
    assert [amount for *_rest, amount in budget_rows(bob_ledger, supermarket)] == [-99900]
    assert [amount for *_rest, amount in budget_rows(ledger, supermarket)] == [-1000]


def test_forms_need_the_csrf_token(database_url, user, ledger, main, supermarket):
    with csrf_protected(database_url) as browser:
        data = {"category_id": str(supermarket), "amount": "25", "repeat": "monthly", "new": "1", **SHOWN}
        for url, body in (("/budgets/set", data), (f"/budgets/{supermarket}/rollover", {"on": "1", **SHOWN}),
                          ("/budgets/envelopes/assign", {"category_id": str(supermarket), "month": "2026-12-01",
                                                         "amount": "5"})):
            response = browser.post(url, data=body)
            assert response.status_code == 400 and "The CSRF token is missing." in text(response)
        assert budget_rows(ledger, supermarket) == []
        token = csrf_token(text(browser.get("/budgets")))
        assert browser.post("/budgets/set", data={**data, "csrf_token": token}).status_code == 302
        assert budget_rows(ledger, supermarket) == [(date(2026, 12, 1), None, "monthly", -2500)]


# --- envelopes


def envelope(html, category_id):
    match = re.search(rf'<tr id="envelope-{category_id}".*?</tr>', html, re.S)
    return match.group(0) if match else None


@pytest.fixture
def december(ledger, main, supermarket, salary):
    """400 a month for the supermarket from December (the ledger's first budgeted month),
    355.50 spent there and 2000.00 earned in December."""
    category_budgets.set_category_budget(ledger, supermarket, "400", today=TODAY)
    spend(ledger, main, supermarket, "-310.40", "2026-12-03")
    spend(ledger, main, supermarket, "-45.10", "2026-12-08")
    factories.create_transaction(ledger, account_id=main, amount="2000", category_id=salary,
                                 occurred_at="2026-12-01T09:00:00")


def test_envelopes_of_the_month(logged_in, december, supermarket):
    html = text(logged_in.get("/budgets/envelopes"))
    assert 'aria-current="page">Envelopes' in html and "December 2026" in html
    found = envelope(html, supermarket)
    # assigned by the budget: 400; activity -355.50; available 44.50
    assert attr(found, "data-assigned") == "400.00" and attr(found, "data-activity") == "-355.50"
    assert attr(found, "data-available") == "44.50"
    # available to budget: 0 before + 2000 income - 400 assigned
    assert attr(html, "data-available-to-budget") == "1600.00"
    # January: the 44.50 carries; 1600 carried in - 400 assigned = 1200 to budget
    html = text(logged_in.get("/budgets/envelopes?month=2027-01"))
    found = envelope(html, supermarket)
    assert attr(found, "data-available") == "444.50" and "€44.50 from before" in found
    assert attr(html, "data-available-to-budget") == "1200.00"


def test_envelope_amounts_have_a_minus_sign_and_link_to_the_month(logged_in, december, supermarket):
    html = text(logged_in.get("/budgets/envelopes"))
    found = envelope(html, supermarket)
    assert 'data-activity="-355.50">−€355.50</td>' in found
    link = f"/transactions?category={supermarket}&amp;period=custom&amp;start=2026-12-01&amp;end=2026-12-31"
    assert f'href="{link}"' in found
    html = text(logged_in.get("/budgets/envelopes?month=2027-02"))  # February: 28 days
    assert "start=2027-02-01&amp;end=2027-02-28" in envelope(html, supermarket)


def test_assign_in_place_and_take_back(logged_in, ledger, december, supermarket):
    response = logged_in.post("/budgets/envelopes/assign", data={"category_id": str(supermarket),
                                                                 "month": "2026-12-01", "amount": "450"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/budgets/envelopes?month=2026-12#envelope-{supermarket}"
    html = text(logged_in.get("/budgets/envelopes?month=2026-12"))
    assert flashed(html) == ["Assigned €450.00 to 🛒 Supermarket for December 2026."]  # as money, not as typed
    # 450 - 355.50 = 94.50 available; 2000 - 450 = 1550 to budget
    assert attr(envelope(html, supermarket), "data-available") == "94.50"
    assert attr(html, "data-available-to-budget") == "1550.00"
    fresh()
    assert [(a.month, a.amount) for a in db.session.scalars(select(BudgetAssignment))] == [(date(2026, 12, 1), 45000)]
    # empty gives the month back to the budget (400)
    logged_in.post("/budgets/envelopes/assign", data={"category_id": str(supermarket), "month": "2026-12-01",
                                                      "amount": ""})
    html = text(logged_in.get("/budgets/envelopes"))
    assert attr(envelope(html, supermarket), "data-assigned") == "400.00"
    fresh()
    assert db.session.scalars(select(BudgetAssignment)).all() == []


def test_assign_to_another_category(logged_in, ledger, december):
    technology = system_category("technology").id
    html = text(logged_in.get("/budgets/envelopes"))
    assert 'id="assign-form"' in html and f'<option value="{technology}">' in html
    response = logged_in.post("/budgets/envelopes/assign", data={"category_id": str(technology), "new": "1",
                                                                 "month": "2026-12-01", "amount": "30"})
    assert response.status_code == 302
    html = text(logged_in.get("/budgets/envelopes"))
    assert attr(envelope(html, technology), "data-available") == "30.00"
    # 2000 - 400 - 30
    assert attr(html, "data-available-to-budget") == "1570.00"


@pytest.mark.parametrize("data, field, words", [
    ({"amount": "abc"}, "amount", "Amount must be a number."),
    ({"amount": "1.001"}, "amount", "more decimals than EUR allows"),
    ({"category_id": "salary", "new": "1"}, "category_id", "Only an expense category"),
    ({"category_id": "bobs", "new": "1"}, "category_id", "Choose an expense category from the list."),
    ({"category_id": "x", "new": "1"}, "category_id", "Choose an expense category from the list."),
])
def test_a_bad_assignment_shows_the_error(logged_in, ledger, bob_ledger, december, supermarket, salary,
                                          data, field, words):
    values = {"salary": str(salary), "bobs": str(categories.create_category(bob_ledger, "Bob's", "🎸", "spent").id)}
    data = {"category_id": str(supermarket), "month": "2026-12-01", "amount": "5", **data}
    data["category_id"] = values.get(data["category_id"], data["category_id"])
    response = logged_in.post("/budgets/envelopes/assign", data=data)
    assert response.status_code == 422
    html = text(response)
    scope = html if data.get("new") else envelope(html, supermarket)
    assert any(words in message for message in field_errors(scope, field)), field_errors(scope, field)
    fresh()
    assert db.session.scalars(select(BudgetAssignment)).all() == []


@pytest.mark.parametrize("month", ["2026-13", "abc", "1899-12", "3000-01", "2026-1"])
def test_a_bad_envelope_month_falls_back(logged_in, december, month):
    response = logged_in.get(f"/budgets/envelopes?month={month}")
    assert response.status_code == 200
    assert "Choose a month like 2026-12" in text(response) and "December 2026" in text(response)


def test_assign_with_a_bad_month_is_refused(logged_in, december, supermarket):
    response = logged_in.post("/budgets/envelopes/assign", data={"category_id": str(supermarket),
                                                                 "month": "2026-99-01", "amount": "5"})
    assert response.status_code == 422
    fresh()
    assert db.session.scalars(select(BudgetAssignment)).all() == []


def test_envelopes_of_another_user_stay_theirs(logged_in, bob_ledger, december, supermarket):
    accounts.create_account(bob_ledger, "Bob's bank", currency="EUR")
    envelopes.assign(bob_ledger, supermarket, date(2026, 12, 1), "777")
    html = text(logged_in.get("/budgets/envelopes"))
    assert attr(envelope(html, supermarket), "data-assigned") == "400.00" and "777" not in html


# --- the dashboard


def test_dashboard_left_to_spend(logged_in, ledger, main, supermarket, restaurants, technology):
    html = text(logged_in.get("/dashboard"))
    assert "No budget for this month yet." in html
    category_budgets.set_category_budget(ledger, supermarket, "400", today=TODAY)
    category_budgets.set_category_budget(ledger, restaurants, "100", today=TODAY)
    spend(ledger, main, supermarket, "-355.50", "2026-12-03")
    spend(ledger, main, restaurants, "-20.00", "2026-12-04")
    spend(ledger, main, technology, "-24.50", "2026-12-05")  # no budget, but spent this month
    spend(ledger, main, supermarket, "-50.00", "2026-11-30")  # last month
    html = text(logged_in.get("/dashboard"))
    # budgets 400 + 100 = 500; spent 355.50 + 20 + 24.50 = 400: 100 left, 80 %
    assert attr(html, "data-left-to-spend") == "100.00"
    assert "Spent €400.00 of €500.00 budgeted." in html
    spend(ledger, main, restaurants, "-150.00", "2026-12-09")
    html = text(logged_in.get("/dashboard"))
    assert attr(html, "data-left-to-spend") == "-50.00" and "€50.00 over" in html


ODD = ["", " ", "0", "-0", "1e5", "9" * 39, "½", "nan", "0001-01-01", "2999-12-01", "99999-01-01", "\u0000", "<b>",
       "1" * 400, "-1", "99999999999999999999"]


@pytest.mark.parametrize("field", ["category_id", "amount", "repeat", "period", "date", "new"])
def test_odd_budget_input_is_never_a_server_error(logged_in, ledger, main, supermarket, field):
    for value in ODD:
        response = logged_in.post("/budgets/set", data={"category_id": str(supermarket), "amount": "10",
                                                        "repeat": "monthly", **SHOWN, field: value})
        assert response.status_code in (302, 422), (field, value)
        response = logged_in.post(f"/budgets/{supermarket}/rollover", data={"on": "1", **SHOWN, field: value})
        assert response.status_code == 302, (field, value)
        response = logged_in.post("/budgets/envelopes/assign", data={"category_id": str(supermarket),
                                                                     "month": "2026-12-01", "amount": "5",
                                                                     field: value})
        assert response.status_code in (302, 422), (field, value)
        for query in ("period", "date", "offset", "category"):
            assert logged_in.get("/budgets", query_string={query: value}).status_code == 200, (query, value)
        assert logged_in.get("/budgets/envelopes", query_string={"month": value}).status_code == 200
