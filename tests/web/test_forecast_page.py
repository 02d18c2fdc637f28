"""The Forecast page: per account the balance for the next twelve months as chart data
and a table (low point, first day below zero, balance in 30, 90 and 365 days).

"Today" is fixed at Thursday 10 December 2026.
"""

import json
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html import unescape

import pytest

from spendsense.services.auth import users
from spendsense.services.ledger import accounts
from spendsense.services.planning import events, scenarios
from tests.web.helpers import system_category, text

TODAY = date(2026, 12, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(users, "local_now", lambda ledger_id: datetime.combine(TODAY, time(12)))


@pytest.fixture
def schedule(ledger, main):
    """Main (100.00 today): rent 150.00 on the 15th and pay 200.00 on the 28th of every month."""
    plan = scenarios.default_scenario(ledger).id
    events.create_event(ledger, plan, category_id=system_category("home").id, amount="-150.00",
                        date=date(2026, 12, 15), repeat_type="monthly", note="Rent")
    events.create_event(ledger, plan, category_id=system_category("salary", "earn").id, amount="200.00",
                        date=date(2026, 12, 28), repeat_type="monthly", note="Pay")
    return main


def chart_data(html):
    match = re.search(r'<script type="application/json" id="forecast-data">(.*?)</script>', html, re.S)
    assert match, "no forecast data on the page"
    return json.loads(unescape(match.group(1)), parse_float=Decimal)


def table_row(html, account_id):
    match = re.search(rf'<tr data-account-id="{account_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row for account {account_id}"
    return match.group(1)


def cell(row, name):
    return unescape(re.search(rf'{name}="([^"]*)"', row).group(1))


def test_login_required(client):
    response = client.get("/forecast")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_without_an_account(logged_in):
    html = text(logged_in.get("/forecast"))
    assert "Add an account to see where its balance is heading." in html
    assert 'id="forecast-data"' not in html and 'aria-current="page">Forecast' in html
    assert 'href="/accounts/new?next=/forecast"' in html  # the account form, which comes back here


def test_the_table_by_hand(logged_in, schedule):
    html = text(logged_in.get("/forecast"))
    row = table_row(html, schedule)
    # 100.00 until the 14th; 15 Dec -150 -> -50.00; 28 Dec +200 -> 150.00; 15 Jan -> 0.00;
    # 28 Jan -> 200.00; 15 Feb -> 50.00; 28 Feb -> 250.00: each month +50.
    assert cell(row, "data-today") == "100.00"
    # lowest before the next income (28 Dec): -50.00 on 15 Dec, which is also the first day below zero
    assert cell(row, "data-low") == "-50.00" and cell(row, "data-low-day") == "2026-12-15"
    assert cell(row, "data-first-negative") == "2026-12-15"
    ahead = dict(re.findall(r'data-ahead="(\d+)"[^>]*><span>([^<]*)<', row))
    # 9 Jan: 150.00; 10 Mar: 250.00; 10 Dec 2027: 100 + 12 months x 50 = 700.00 (the 15 Dec 2027 rent is after)
    assert ahead == {"30": "€150.00", "90": "€250.00", "365": "€700.00"}
    assert '<span class="pill pill-warn">⚠ 15 Dec 2026</span>' in row


def test_the_chart_data(logged_in, schedule):
    charts = chart_data(text(logged_in.get("/forecast")))
    assert list(charts) == ["EUR"]
    chart = charts["EUR"]
    # today and the 365 days after it
    assert len(chart["labels"]) == 366 and chart["labels"][0] == "2026-12-10" and chart["labels"][-1] == "2027-12-10"
    (account,) = chart["accounts"]
    assert account["name"] == "Main" and account["id"] == schedule
    data = [Decimal(value) for value in account["data"]]
    assert data[:5] == [Decimal("100.00")] * 5 and data[5] == Decimal("-50.00")  # 15 Dec is day 5
    assert data[18] == Decimal("150.00") and data[-1] == Decimal("700.00")  # 28 Dec is day 18
    assert account["low"] == 5


def test_an_account_that_never_goes_below_zero(logged_in, ledger):
    savings = accounts.create_account(ledger, "Savings", currency="EUR", opening_balance="800.00").id
    row = table_row(text(logged_in.get("/forecast")), savings)
    assert cell(row, "data-first-negative") == "" and "Never" in row
    # no event at all: the lowest is today's balance, today
    assert cell(row, "data-low") == "800.00" and cell(row, "data-low-day") == TODAY.isoformat()


def test_one_chart_per_currency(logged_in, ledger, schedule):
    dollars = accounts.create_account(ledger, "Dollars", currency="USD", opening_balance="50.00").id
    html = text(logged_in.get("/forecast"))
    charts = chart_data(html)
    assert sorted(charts) == ["EUR", "USD"]
    assert [a["id"] for a in charts["USD"]["accounts"]] == [dollars]
    assert 'canvas data-forecast="USD"' in html and 'data-table="forecast-USD"' in html
    assert "US$50.00" in table_row(html, dollars)


def test_archived_accounts_are_left_out(logged_in, ledger, schedule):
    old = accounts.create_account(ledger, "Old", currency="EUR").id
    accounts.archive_account(ledger, old)
    html = text(logged_in.get("/forecast"))
    assert f'data-account-id="{old}"' not in html and f'data-account-id="{schedule}"' in html


def test_an_extra_scenario_can_be_added(logged_in, ledger, schedule):
    goal = scenarios.create_scenario(ledger, schedule, title="New car").id
    events.create_event(ledger, goal, category_id=system_category("transport").id, amount="-1000.00",
                        date=date(2027, 1, 5), repeat_type="once")
    html = text(logged_in.get("/forecast"))
    assert f'name="scenario" value="{goal}"' in html and "Main: New car" in html
    assert dict(re.findall(r'data-ahead="(\d+)"[^>]*><span>([^<]*)<', table_row(html, schedule)))["30"] == "€150.00"
    html = text(logged_in.get(f"/forecast?scenario={goal}"))
    assert f'value="{goal}" checked' in html
    # 150.00 on 9 Jan, less the car on 5 Jan
    # (a real minus sign, as the transaction list writes one)
    assert dict(re.findall(r'data-ahead="(\d+)"[^>]*><span>([^<]*)<', table_row(html, schedule)))["30"] == "−€850.00"


@pytest.mark.parametrize("value", ["abc", "999999", "", "-1", "1" * 40])
def test_a_scenario_that_is_not_one_is_ignored(logged_in, schedule, value):
    response = logged_in.get(f"/forecast?scenario={value}")
    assert response.status_code == 200 and f'data-account-id="{schedule}"' in text(response)


def test_another_users_accounts_and_scenarios_stay_theirs(logged_in, bob_client, ledger, bob_ledger, schedule):
    bobs = accounts.create_account(bob_ledger, "Bob's bank", currency="EUR", opening_balance="5.00").id
    bobs_goal = scenarios.create_scenario(bob_ledger, bobs, title="Bob's boat").id
    events.create_event(bob_ledger, bobs_goal, category_id=system_category("vacation").id, amount="-99.00",
                        date=TODAY + timedelta(days=3), repeat_type="once")
    html = text(logged_in.get(f"/forecast?scenario={bobs_goal}"))
    assert f'data-account-id="{bobs}"' not in html and "boat" not in html
    assert [a["id"] for a in chart_data(html)["EUR"]["accounts"]] == [schedule]
    assert f'data-account-id="{bobs}"' in text(bob_client.get("/forecast"))
