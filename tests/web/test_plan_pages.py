"""The Plan page: events as a list of the next 30 or 60 days and as a calendar month;
add, change and delete one | forward | all; the dashboard's next bills.

"Today" is fixed at Thursday 10 December 2026 (weeks start on Monday).
"""

import re
from datetime import date, datetime, time
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models.planning import BudgetEvent
from spendsense.services.auth import users
from spendsense.services.ledger import accounts, categories
from spendsense.services.planning import category_budgets, events, occurrences, recurring, scenarios
from spendsense.services.planning.repeats import occurrence_id
from tests import factories
from tests.web.helpers import csrf_protected, csrf_token, field_errors, fresh, system_category, text

TODAY = date(2026, 12, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(users, "local_now", lambda ledger_id: datetime.combine(TODAY, time(12)))


@pytest.fixture
def plan(ledger, main):
    return scenarios.default_scenario(ledger).id


@pytest.fixture
def home(app):
    return system_category("home").id


@pytest.fixture
def salary(app):
    return system_category("salary", "earn").id


@pytest.fixture
def rent(ledger, plan, home):
    """Rent, 950.00 on the 15th of every month from December 2026."""
    return events.create_event(ledger, plan, category_id=home, amount="-950.00", date=date(2026, 12, 15),
                               repeat_type="monthly", note="Rent")


def listed(html):
    """(iso day, occurrence id, amount) of the list's occurrences, in order."""
    found = []
    for day, section in re.findall(r'<section class="day plan-day" data-day="([\d-]+)">(.*?)</section>', html, re.S):
        for ident, amount in re.findall(r'data-occurrence="([\d-]+)".*?data-amount="([^"]+)"', section, re.S):
            found.append((day, ident, Decimal(amount)))
    return found


def planned(ledger, first, last):
    fresh()
    return [(o.day, o.amount, o.event.note) for o in occurrences.between(ledger, first, last)]


def series(ledger):
    fresh()
    return db.session.scalars(select(BudgetEvent).where(BudgetEvent.ledger_id == ledger)
                              .order_by(BudgetEvent.id)).all()


def event_form(category, plan, **values):
    data = {"category_id": str(category), "amount": "45", "date": "2026-12-20", "repeat_type": "monthly",
            "repeat_interval": "1", "end_date": "", "note": "", "scenario_id": str(plan)}
    data.update(values)
    return data


def flashed(html):
    return [unescape(m) for m in re.findall(r'<div class="flash flash-\w+">([^<]*)</div>', html)]


def test_login_required(client, ledger, main, rent):
    ident = occurrence_id(rent.id, date(2026, 12, 15))
    for url in ("/plan", "/plan?view=calendar", "/plan/new", f"/plan/events/{ident}/edit",
                f"/plan/events/{ident}/delete"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert client.post(f"/plan/events/{ident}/delete", data={"behaviour": "all"}).status_code == 302
    assert len(series(ledger)) == 1


def test_without_an_account(logged_in):
    for url in ("/plan", "/plan?view=calendar"):
        html = text(logged_in.get(url))
        assert 'id="no-account"' in html and 'id="add-event"' not in html
        # straight to the account form, which comes back here
        assert f'href="/accounts/new?next={url.replace("=", "%3D")}"' in html
    html = text(logged_in.get("/plan/new"))
    assert "add an account</a> first" in html and 'id="save-event" disabled' in html


def test_empty_list(logged_in, main):
    html = text(logged_in.get("/plan"))
    assert "Nothing planned in the next 30 days." in html and 'aria-current="page">Plan' in html
    assert 'id="add-event"' in html


def test_add_an_expense_and_an_income(logged_in, ledger, plan, main, home, salary):
    response = logged_in.post("/plan/new", data=event_form(home, plan, amount="950", date="2026-12-15", note="Rent"))
    assert response.status_code == 302 and response.headers["Location"] == "/plan"
    response = logged_in.post("/plan/new", data=event_form(salary, plan, amount="2300", date="2026-12-28",
                                                           note="Pay day", post_automatically="y"))
    assert response.status_code == 302
    # An explicit sign wins over the category's kind: money back in an expense category.
    logged_in.post("/plan/new", data=event_form(home, plan, amount="+10", date="2026-12-20", repeat_type="once",
                                                note="Deposit back"))
    rows = series(ledger)
    assert [(e.amount, e.currency, e.start_date, e.repeat_type, e.note, e.post_automatically) for e in rows] == [
        (-95000, "EUR", date(2026, 12, 15), "monthly", "Rent", False),
        (230000, "EUR", date(2026, 12, 28), "monthly", "Pay day", True),
        (1000, "EUR", date(2026, 12, 20), "once", "Deposit back", False)]
    html = text(logged_in.get("/plan"))
    assert flashed(html) == ["Event added to the plan."] * 3
    # 10 Dec + 30 days = 9 Jan: each once
    assert [(day, amount) for day, _id, amount in listed(html)] == [
        ("2026-12-15", Decimal("-950.00")), ("2026-12-20", Decimal("10.00")), ("2026-12-28", Decimal("2300.00"))]
    assert "Every month" in html and "recorded when due" in html
    # in: 10 + 2300; out: 950
    assert 'data-in="2310.00"' in html and 'data-out="950.00"' in html


def test_sixty_days(logged_in, ledger, rent):
    html = text(logged_in.get("/plan?days=60"))
    # 10 Dec + 60 days = 8 Feb: the 15th of December and of January
    assert [day for day, _id, _a in listed(html)] == ["2026-12-15", "2027-01-15"]
    html = text(logged_in.get("/plan?days=45"))
    assert "Choose the next 30 or 60 days." in html and [d for d, _i, _a in listed(html)] == ["2026-12-15"]


def test_the_new_form_defaults(logged_in, plan, home):
    html = text(logged_in.get(f"/plan/new?date=2027-01-05&category={home}"))
    assert 'value="2027-01-05"' in html and f'<option selected value="{home}">' in html
    assert f'<option selected value="{plan}">Main</option>' in html
    assert '<option selected value="monthly">Monthly</option>' in html
    assert 'value="2026-12-10"' in text(logged_in.get("/plan/new?date=nonsense"))


@pytest.mark.parametrize("values, field, words", [
    ({"amount": ""}, "amount", "This field is required."),
    ({"amount": "abc"}, "amount", "Amount must be a number."),
    ({"amount": "0"}, "amount", "Amount must not be zero."),
    ({"amount": "1.005"}, "amount", "more decimals than EUR allows"),
    ({"date": ""}, "date", "This field is required."),
    ({"date": "2026-02-30"}, "date", "Not a valid date value."),
    ({"repeat_type": "hourly"}, "repeat_type", "Not a valid choice"),
    ({"repeat_interval": "0"}, "repeat_interval", "Repeat interval must be between 1 and 1000."),
    ({"repeat_interval": "1001"}, "repeat_interval", "Repeat interval must be between 1 and 1000."),
    ({"repeat_interval": "x"}, "repeat_interval", "Repeat interval must be a whole number."),
    ({"repeat_interval": "9" * 21}, "repeat_interval", "Field cannot be longer than 20 characters."),
    ({"end_date": "2026-12-01"}, "end_date", "End date must not be before the start date."),
    ({"note": "n" * 501}, "note", "Field cannot be longer than 500 characters."),
    ({"category_id": "abc"}, "category_id", "Choose a category from the list."),
    ({"category_id": "999999"}, "category_id", "Choose a category from the list."),
    ({"scenario_id": "abc"}, "scenario_id", "Choose an account from the list."),
    ({"scenario_id": "999999"}, "scenario_id", "Choose an account from the list."),
])
def test_a_bad_event_shows_the_error_beside_the_field(logged_in, ledger, plan, home, values, field, words):
    response = logged_in.post("/plan/new", data=event_form(home, plan, **values))
    assert response.status_code == 422
    errors = field_errors(text(response), field)
    assert any(words in message for message in errors), errors
    assert series(ledger) == []


def test_another_users_category_or_plan_cannot_be_used(logged_in, ledger, bob_ledger, plan, home):
    bobs_category = categories.create_category(bob_ledger, "Bob's", "🎸", "spent").id
    bob_account = accounts.create_account(bob_ledger, "Bob's bank", currency="EUR").id
    bobs_plan = scenarios.primary_for(bob_ledger, bob_account).id
    response = logged_in.post("/plan/new", data=event_form(bobs_category, plan))
    assert response.status_code == 422 and "Bob's" not in text(response)
    assert field_errors(text(response), "category_id") == ["Choose a category from the list."]
    response = logged_in.post("/plan/new", data=event_form(home, bobs_plan))
    assert response.status_code == 422
    assert field_errors(text(response), "scenario_id") == ["Choose an account from the list."]
    transfer = categories.create_category(ledger, "To savings", "🏦", "spent", is_transfer=True).id
    response = logged_in.post("/plan/new", data=event_form(transfer, plan))
    assert "A transfer category cannot hold a budget event" in field_errors(text(response), "category_id")[0]
    assert series(ledger) == [] and series(bob_ledger) == []


def test_calendar_month(logged_in, ledger, plan, rent, salary):
    events.create_event(ledger, plan, category_id=salary, amount="2300", date=date(2026, 12, 28),
                        repeat_type="monthly", note="Pay day")
    html = text(logged_in.get("/plan?month=2027-01"))
    assert '<h2 class="period-label" id="month-label">January 2027</h2>' in html
    # January 2027 starts on a Friday: the grid runs from Monday 28 December to Sunday 31 January
    days = re.findall(r'<td class="cal-day[^"]*" data-day="([\d-]+)"', html)
    assert days[0] == "2026-12-28" and days[-1] == "2027-01-31" and len(days) == 35
    assert re.search(r'<td class="cal-day other-month" data-day="2026-12-28">', html)
    cell = re.search(r'data-day="2027-01-15">(.*?)</td>', html, re.S).group(1)
    assert f'data-occurrence="{occurrence_id(rent.id, date(2027, 1, 15))}"' in cell and "−€950.00" in cell
    # the list under it: January only (28 December is in the grid, not in the month)
    assert [day for day, _i, _a in listed(html)] == ["2027-01-15", "2027-01-28"]
    assert 'href="/plan?month=2026-12"' in html and 'href="/plan?month=2027-02"' in html
    assert 'id="month-now"' in html
    # today's month is marked
    html = text(logged_in.get("/plan?view=calendar"))
    assert '<td class="cal-day today" data-day="2026-12-10">' in html and "This month" in html


@pytest.mark.parametrize("month", ["2027-13", "abc", "1899-12", "3000-01", "27-01", "2027-1"])
def test_a_bad_month_falls_back_with_a_note(logged_in, main, month):
    response = logged_in.get(f"/plan?month={month}")
    assert response.status_code == 200
    assert "Choose a month like 2026-12" in text(response) and "December 2026" in text(response)


def test_the_calendar_ends_at_the_last_month(logged_in, main):
    html = text(logged_in.get("/plan?month=2999-12"))
    assert "December 2999" in html and 'id="month-prev"' in html and 'id="month-next"' not in html
    html = text(logged_in.get("/plan?month=1900-01"))
    assert "January 1900" in html and 'id="month-prev"' not in html


def edit(client, occurrence, behaviour=None, **values):
    data = {"category_id": str(occurrence.event.category_id), "amount": "950", "date": occurrence.day.isoformat(),
            "repeat_type": occurrence.event.repeat_type, "repeat_interval": "1", "end_date": "", "note": "Rent",
            "behaviour": behaviour}
    data.update(values)
    return client.post(f"/plan/events/{occurrence.id}/edit", data=data)


def get(ledger, event, day):
    return events.get_occurrence(ledger, occurrence_id(event.id, day))


def test_the_edit_form_shows_the_occurrence(logged_in, ledger, rent):
    html = text(logged_in.get(f"/plan/events/{get(ledger, rent, date(2027, 1, 15)).id}/edit"))
    assert 'value="950.00"' in html and 'value="2027-01-15"' in html and 'value="Rent"' in html
    assert "Only this one, on 15 Jan 2027" in html and 'value="forward"' in html and 'value="all"' in html
    assert "Every month" in html


def test_change_only_this_one(logged_in, ledger, rent):
    response = edit(logged_in, get(ledger, rent, date(2027, 1, 15)), "one", amount="1000",
                    repeat_type="weekly")  # the repeat stays: only this one changes
    assert response.status_code == 302
    assert planned(ledger, date(2026, 12, 1), date(2027, 2, 28)) == [
        (date(2026, 12, 15), Decimal("-950.00"), "Rent"), (date(2027, 1, 15), Decimal("-1000.00"), "Rent"),
        (date(2027, 2, 15), Decimal("-950.00"), "Rent")]


def test_change_this_and_after(logged_in, ledger, rent):
    assert edit(logged_in, get(ledger, rent, date(2027, 1, 15)), "forward", amount="990").status_code == 302
    assert [amount for _d, amount, _n in planned(ledger, date(2026, 12, 1), date(2027, 2, 28))] == [
        Decimal("-950.00"), Decimal("-990.00"), Decimal("-990.00")]


def test_change_all_moves_the_series(logged_in, ledger, rent):
    # all, with the date moved two days: every occurrence moves
    response = edit(logged_in, get(ledger, rent, date(2027, 1, 15)), "all", date="2027-01-17", note="Flat")
    assert response.status_code == 302
    assert planned(ledger, date(2026, 12, 1), date(2027, 2, 28)) == [
        (date(2026, 12, 17), Decimal("-950.00"), "Flat"), (date(2027, 1, 17), Decimal("-950.00"), "Flat"),
        (date(2027, 2, 17), Decimal("-950.00"), "Flat")]
    assert len(series(ledger)) == 1


def test_change_the_repeat_from_here_on(logged_in, ledger, rent):
    response = edit(logged_in, get(ledger, rent, date(2027, 1, 15)), "forward", repeat_type="yearly",
                    end_date="2029-12-31")
    assert response.status_code == 302
    assert [day for day, _a, _n in planned(ledger, date(2026, 12, 1), date(2030, 12, 31))] == [
        date(2026, 12, 15), date(2027, 1, 15), date(2028, 1, 15), date(2029, 1, 15)]


def test_a_bad_change_shows_the_error(logged_in, ledger, rent):
    occurrence = get(ledger, rent, date(2027, 1, 15))
    response = edit(logged_in, occurrence, "all", amount="abc")
    assert response.status_code == 422 and field_errors(text(response), "amount") == ["Amount must be a number."]
    response = edit(logged_in, occurrence, "sometimes")
    assert response.status_code == 422 and field_errors(text(response), "behaviour") == ["Not a valid choice."]
    assert [amount for _d, amount, _n in planned(ledger, date(2026, 12, 1), date(2027, 2, 28))] == [
        Decimal("-950.00")] * 3


def test_a_one_off_changes_without_asking_which(logged_in, ledger, plan, home):
    once = events.create_event(ledger, plan, category_id=home, amount="-80", date=date(2026, 12, 22),
                               repeat_type="once", note="Plumber")
    occurrence = get(ledger, once, date(2026, 12, 22))
    html = text(logged_in.get(f"/plan/events/{occurrence.id}/edit"))
    assert 'name="behaviour" value="all"' in html and "Only this one" not in html
    assert edit(logged_in, occurrence, "all", amount="95", repeat_type="once", note="Plumber").status_code == 302
    assert planned(ledger, TODAY, date(2027, 1, 31)) == [(date(2026, 12, 22), Decimal("-95.00"), "Plumber")]


@pytest.mark.parametrize("behaviour, left", [
    ("one", [date(2026, 12, 15), date(2027, 2, 15)]),
    ("forward", [date(2026, 12, 15)]),
    ("all", []),
])
def test_delete(logged_in, ledger, rent, behaviour, left):
    occurrence = get(ledger, rent, date(2027, 1, 15))
    html = text(logged_in.get(f"/plan/events/{occurrence.id}/delete?next=/plan%3Fdays%3D60"))
    assert "Delete this event?" in html and "−€950.00" in html and 'id="confirm-delete"' in html
    response = logged_in.post(f"/plan/events/{occurrence.id}/delete", data={"behaviour": behaviour,
                                                                            "next": "/plan?days=60"})
    assert response.status_code == 302 and response.headers["Location"] == "/plan?days=60"
    assert [day for day, _a, _n in planned(ledger, date(2026, 12, 1), date(2027, 2, 28))] == left
    if behaviour == "one":  # a deleted occurrence is gone
        assert logged_in.get(f"/plan/events/{occurrence.id}/edit").status_code == 404


def test_redirect_stays_on_this_site(logged_in, ledger, rent):
    occurrence = get(ledger, rent, date(2027, 1, 15))
    response = logged_in.post(f"/plan/events/{occurrence.id}/delete", data={"behaviour": "one",
                                                                            "next": "https://evil.example/"})
    assert response.headers["Location"] == "/plan"


@pytest.mark.parametrize("ident", ["abc", "1-2", "-", "99999-1797292800", "1-1797292801", "1" * 30 + "-0"])
def test_an_occurrence_that_is_not_one_is_404(logged_in, ledger, rent, ident):
    for method, url in (("get", "edit"), ("post", "edit"), ("get", "delete"), ("post", "delete")):
        response = getattr(logged_in, method)(f"/plan/events/{ident}/{url}", data={"behaviour": "all"})
        assert response.status_code == 404, (method, url)
    assert len(series(ledger)) == 1


def test_a_date_the_series_does_not_fall_on_is_404(logged_in, ledger, rent):
    assert logged_in.get(f"/plan/events/{occurrence_id(rent.id, date(2027, 1, 16))}/edit").status_code == 404


def test_another_users_event_is_404(logged_in, bob_client, ledger, bob_ledger, rent, home):
    bob_account = accounts.create_account(bob_ledger, "Bob's bank", currency="EUR").id
    bobs = events.create_event(bob_ledger, scenarios.primary_for(bob_ledger, bob_account).id, category_id=home,
                               amount="-12", date=date(2026, 12, 18), repeat_type="monthly", note="Gym of Bob")
    ident = occurrence_id(bobs.id, date(2026, 12, 18))
    assert logged_in.get(f"/plan/events/{ident}/edit").status_code == 404
    assert logged_in.post(f"/plan/events/{ident}/edit", data={
        "category_id": str(home), "amount": "1", "date": "2026-12-18", "repeat_type": "monthly",
        "repeat_interval": "1", "behaviour": "all"}).status_code == 404
    assert logged_in.get(f"/plan/events/{ident}/delete").status_code == 404
    assert logged_in.post(f"/plan/events/{ident}/delete", data={"behaviour": "all"}).status_code == 404
    assert [e.amount for e in series(bob_ledger)] == [-1200]
    html = text(logged_in.get("/plan"))
    assert "Gym of Bob" not in html and "Rent" in html
    assert "Gym of Bob" in text(bob_client.get("/plan"))
    assert "Rent" not in text(bob_client.get("/plan?view=calendar"))


def test_paid_and_recorded_occurrences_say_so(logged_in, ledger, main, plan, home):
    bill = events.create_event(ledger, plan, category_id=home, amount="-20", date=date(2026, 12, 12),
                               repeat_type="monthly", note="Phone", post_automatically=True)
    recurring.post_due(today=date(2026, 12, 12), ledger_id=ledger)
    html = text(logged_in.get("/plan"))
    assert f'data-occurrence="{occurrence_id(bill.id, date(2026, 12, 12))}"' in html
    assert '<span class="pill pill-matched">Recorded</span>' in html


def test_forms_need_the_csrf_token(database_url, user, ledger, main, rent, home):
    plan_id = rent.scenario_id
    ident = occurrence_id(rent.id, date(2027, 1, 15))
    with csrf_protected(database_url) as browser:
        for url, body in (("/plan/new", event_form(home, plan_id)),
                          (f"/plan/events/{ident}/edit", event_form(home, plan_id, behaviour="all")),
                          (f"/plan/events/{ident}/delete", {"behaviour": "all"})):
            response = browser.post(url, data=body)
            assert response.status_code == 400 and "The CSRF token is missing." in text(response)
        assert len(series(ledger)) == 1
        token = csrf_token(text(browser.get("/plan/new")))
        assert browser.post("/plan/new", data={**event_form(home, plan_id), "csrf_token": token}).status_code == 302
        assert len(series(ledger)) == 2


def test_dashboard_next_bills(logged_in, ledger, plan, rent, home, salary):
    html = text(logged_in.get("/dashboard"))
    assert re.findall(r'<li data-occurrence="([\d-]+)">', html) == [
        occurrence_id(rent.id, date(2026, 12, 15)), occurrence_id(rent.id, date(2027, 1, 15)),
        occurrence_id(rent.id, date(2027, 2, 15))]
    # an earlier bill, today's, and income (never a bill); a skipped one is not due
    gym = events.create_event(ledger, plan, category_id=home, amount="-30", date=date(2026, 12, 10),
                              repeat_type="once", note="Gym")
    events.create_event(ledger, plan, category_id=salary, amount="2000", date=date(2026, 12, 11),
                        repeat_type="monthly", note="Pay")
    events.create_event(ledger, plan, category_id=home, amount="-15", date=date(2026, 12, 9), repeat_type="once",
                        note="Yesterday")
    events.delete_occurrence(ledger, occurrence_id(rent.id, date(2026, 12, 15)), "one")
    html = text(logged_in.get("/dashboard"))
    assert re.findall(r'<li data-occurrence="([\d-]+)">', html) == [
        occurrence_id(gym.id, date(2026, 12, 10)), occurrence_id(rent.id, date(2027, 1, 15)),
        occurrence_id(rent.id, date(2027, 2, 15))]
    assert "Gym" in html and "€950.00" in html


def test_dashboard_without_bills(logged_in, main):
    assert "No bills on the plan." in text(logged_in.get("/dashboard"))



def test_a_bill_paid_early_looks_paid_and_is_no_longer_due(logged_in, ledger, main, plan, rent, home):
    # 950.00 of rent paid on the 11th for the 15th: within 7 days and 10 %
    factories.create_transaction(ledger, account_id=main, amount="-950.00", category_id=home,
                                 occurred_at="2026-12-11T09:00:00", payee="Landlord")
    html = text(logged_in.get("/plan"))
    assert "Looks paid" in html
    ident = occurrence_id(rent.id, date(2026, 12, 15))
    assert re.findall(r'<li data-occurrence="([\d-]+)">', text(logged_in.get("/dashboard")))[0] != ident


def test_a_budget_on_the_plan_is_marked_and_never_looks_paid(logged_in, ledger, main):
    restaurants = system_category("restaurants").id
    budget = category_budgets.set_category_budget(ledger, restaurants, "40", today=TODAY)
    # 42.50 two days after the budget's 1 December: near enough to "pay" a 40.00 bill, but a budget is spent over
    # its month, never paid
    factories.create_transaction(ledger, account_id=main, amount="-42.50", category_id=restaurants,
                                 occurred_at="2026-12-03T12:00:00", payee="Pizza")
    html = text(logged_in.get("/plan?month=2026-12"))
    item = re.search(rf'<li class="txn plan-item" data-occurrence="{occurrence_id(budget.id, date(2026, 12, 1))}">'
                     r".*?</li>", html, re.S).group(0)
    assert "Looks paid" not in item
    assert f'href="/budgets?period=month&amp;date=2026-12-01#budget-{restaurants}"' in item and ">Budget</a>" in item


def test_the_dashboards_bills_are_money_out_and_open_their_event(logged_in, ledger, rent):
    html = text(logged_in.get("/dashboard"))
    ident = occurrence_id(rent.id, date(2026, 12, 15))
    bill = re.search(rf'<li data-occurrence="{ident}">.*?</li>', html, re.S).group(0)
    assert '<strong class="amount-out bill-amount">−€950.00</strong>' in bill  # as the plan and the transactions
    assert f'href="/plan/events/{ident}/edit?next=/dashboard"' in bill


def test_an_extra_scenarios_bills_are_not_due(logged_in, ledger, main, plan, home):
    goal = scenarios.create_scenario(ledger, main, title="New flat").id
    events.create_event(ledger, goal, category_id=home, amount="-2000", date=date(2026, 12, 20), repeat_type="once",
                        note="Deposit")
    html = text(logged_in.get("/dashboard"))
    assert "No bills on the plan." in html
    assert "Main: New flat" in text(logged_in.get("/plan"))  # the plan lists it, with its scenario


ODD = ["", " ", "0", "-0", "1e5", "9" * 39, "½", "0x10", "nan", "2026-12-10T00:00", "0001-01-01", "2999-12-31",
       "99999-01-01", "\u0000", "<b>", "1" * 400]


@pytest.mark.parametrize("field", ["amount", "date", "repeat_type", "repeat_interval", "end_date", "note",
                                   "category_id", "scenario_id", "post_automatically", "behaviour"])
def test_odd_input_is_never_a_server_error(logged_in, ledger, plan, home, field):
    for value in ODD:
        response = logged_in.post("/plan/new", data=event_form(home, plan, **{field: value}))
        assert response.status_code in (302, 422), (field, value)
        for behaviour in ("one", "forward", "all"):
            series = events.create_event(ledger, plan, category_id=home, amount="-5", date=date(2026, 12, 1),
                                         repeat_type="monthly")
            values = {"behaviour": behaviour, field: value}
            response = edit(logged_in, get(ledger, series, date(2027, 1, 1)), **values)
            assert response.status_code in (302, 422), (field, value, behaviour)
