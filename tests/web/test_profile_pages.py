"""The profile: all-time and per-period totals, and the settings."""

import re
from datetime import timedelta

import pytest

from spendsense.extensions import db
from spendsense.models import User
from spendsense.services.auth import users
from spendsense.services.ledger import accounts
from tests import factories
from tests.web.helpers import at, field_errors, fresh, text


def add(ledger, account, amount, day, hour=12):
    return factories.create_transaction(ledger, account_id=account, amount=amount, occurred_at=at(day, hour))


def all_time(html):
    """{currency: (spent, earned, difference)} from the all-time table."""
    rows = re.findall(r'<tr data-currency="(\w+)">.*?data-all-spent>([^<]*)<.*?data-all-earned>([^<]*)<'
                      r'.*?data-all-diff>([^<]*)<', html, re.S)
    return {currency: (spent, earned, diff) for currency, spent, earned, diff in rows}


def period_rows(html):
    """{label: (spent, earned, difference)} from the week/month/year table."""
    table = html.split("<h2>This week, month and year</h2>")[1].split("</table>")[0]
    rows = re.findall(r'<tr><td>([^<]*)</td><td class="amount-out">([^<]*)</td><td class="amount-in">([^<]*)</td>'
                      r'<td>([^<]*)</td></tr>', table)
    empty = re.findall(r'<tr><td>([^<]*)</td><td colspan="3" class="muted">Nothing recorded</td></tr>', table)
    result = {label: values for label, *values in rows}
    result.update({label: None for label in empty})
    return {label: tuple(values) if values else None for label, values in result.items()}


def test_new_user_profile(logged_in):
    html = text(logged_in.get("/profile"))
    assert "<h1>alice</h1>" in html and "alice@example.com" in html
    assert "Nothing recorded yet." in html
    assert period_rows(html) == {"This week": None, "This month": None, "This year": None}
    assert 'href="/password">Change password</a>' in html


def test_all_time_totals_per_currency(logged_in, ledger, main, savings):
    dollars = accounts.create_account(ledger, "Dollars", currency="USD").id
    add(ledger, main, "-12.30", "2020-01-05")
    add(ledger, main, "-0.70", "2023-07-01")
    add(ledger, savings, "1000.00", "2022-02-02")
    add(ledger, dollars, "-5", "2021-03-03")
    add(ledger, dollars, "2.50", "2021-03-04")
    factories.create_transfer(ledger, from_account_id=main, to_account_id=savings, amount="300",
                                 occurred_at=at("2022-01-01"))
    accounts.archive_account(ledger, savings)  # archived accounts still count
    html = text(logged_in.get("/profile"))
    assert all_time(html) == {
        "EUR": ("€13.00", "€1,000.00", "€987.00"),
        "USD": ("US$5.00", "US$2.50", "-US$2.50"),
    }
    assert '<td class="amount-out" data-all-diff>-US$2.50</td>' in html


def test_deleted_transactions_and_accounts_do_not_count(logged_in, ledger, main, savings):
    gone = add(ledger, main, "-50", "2022-01-01")
    add(ledger, main, "-7", "2022-01-02")
    add(ledger, savings, "9", "2022-01-03")
    factories.delete_transaction(ledger, gone.id)
    accounts.delete_account(ledger, savings, delete_transactions=True)
    assert all_time(text(logged_in.get("/profile"))) == {"EUR": ("€7.00", "€0.00", "-€7.00")}


def test_week_month_year_totals(logged_in, ledger, main):
    today = users.local_now(ledger).date()
    week_start = today - timedelta(days=today.weekday())
    month_start, year_start = today.replace(day=1), today.replace(month=1, day=1)
    amounts = {today: 1, week_start - timedelta(days=1): 10, month_start - timedelta(days=1): 100,
               year_start - timedelta(days=1): 1000}
    for day, amount in amounts.items():
        add(ledger, main, f"-{amount}", day, hour=0)
    add(ledger, main, "0.50", today, hour=23)
    add(ledger, main, "-99", today + timedelta(days=1))  # the future is not "this week"

    def spent_since(start):
        return sum(amount for day, amount in amounts.items() if start <= day <= today)

    rows = period_rows(text(logged_in.get("/profile")))
    for label, start in (("This week", week_start), ("This month", month_start), ("This year", year_start)):
        spent = spent_since(start)
        assert rows[label] == (f"€{spent:,}.00", "€0.50", f"-€{spent - 0.5:,.2f}"), label


def test_week_start_setting_moves_the_week(logged_in, ledger, main, user):
    today = users.local_now(ledger).date()
    yesterday = today - timedelta(days=1)
    add(ledger, main, "-4", yesterday)
    # a week that starts today leaves yesterday out; one that started yesterday keeps it
    users.update_settings(user.id, week_start=today.weekday())
    assert period_rows(text(logged_in.get("/profile")))["This week"] is None
    users.update_settings(user.id, week_start=yesterday.weekday())
    assert period_rows(text(logged_in.get("/profile")))["This week"] == ("€4.00", "€0.00", "-€4.00")


def test_settings_form_shows_current_values(logged_in):
    html = text(logged_in.get("/profile"))
    assert '<option selected value="EUR">EUR</option>' in html
    assert '<option selected value="UTC">UTC</option>' in html
    assert '<option selected value="0">Monday</option>' in html
    assert '<option value="Europe/Kyiv">Europe/Kyiv</option>' in html


def test_save_settings(logged_in, user):
    response = logged_in.post("/profile", data={"base_currency": "USD", "timezone": "Europe/Kyiv",
                                                "week_start": "6"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    fresh()
    saved = db.session.get(User, user.id)
    assert (saved.base_currency, saved.timezone, saved.week_start) == ("USD", "Europe/Kyiv", 6)
    html = text(logged_in.get("/profile"))
    assert "Settings saved." in html
    assert '<option selected value="USD">USD</option>' in html
    assert '<option selected value="6">Sunday</option>' in html
    # new accounts now default to the new base currency
    assert '<option selected value="USD">USD</option>' in text(logged_in.get("/accounts/new"))


@pytest.mark.parametrize(("data", "field"), [
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"timezone": ""}, "timezone"),
    ({"base_currency": "XYZ"}, "base_currency"),
    ({"base_currency": "usd"}, "base_currency"),
    ({"week_start": "7"}, "week_start"),
    ({"week_start": "-1"}, "week_start"),
])
def test_invalid_settings_are_refused(logged_in, user, data, field):
    response = logged_in.post("/profile", data={"base_currency": "USD", "timezone": "Europe/Kyiv",
                                                "week_start": "3", **data})
    assert response.status_code == 422
    assert field_errors(text(response), field) == ["Not a valid choice."]
    fresh()
    saved = db.session.get(User, user.id)
    assert (saved.base_currency, saved.timezone, saved.week_start) == ("EUR", "UTC", 0)


def test_time_zone_decides_what_today_is(logged_in, ledger, main, user):
    users.update_settings(user.id, timezone="Pacific/Kiritimati")  # UTC+14
    today = users.local_now(ledger).date()
    html = text(logged_in.get("/transactions/new"))
    assert f'type="date" value="{today.isoformat()}"' in html
