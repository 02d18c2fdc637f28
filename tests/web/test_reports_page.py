"""Reports: spending by category per period, income vs expense per month, this week by
weekday against earlier weeks, net worth over time; each with a table and chart data."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date
from dateutil.relativedelta import relativedelta

from spendsense.services.auth import users
from spendsense.services.ledger import accounts, categories
from tests import factories
from tests.web.helpers import at, chart_data, system_category, text

D = Decimal


def add(ledger, account, amount, day, hour=12, category=None, **kwargs):
    return factories.create_transaction(ledger, account_id=account, amount=amount, occurred_at=at(day, hour),
                                           category_id=category, **kwargs)


def report(client, **params):
    response = client.get("/reports", query_string=params)
    assert response.status_code == 200
    return text(response)


def category_table(html, currency="EUR"):
    """([(label, amount, share)], total) of the spending-by-category table."""
    table = html.split(f'data-table="categories-{currency}">')[1].split("</table>")[0]
    rows = re.findall(r'<tr><td>([^<]*)</td><td data-amount="([^"]*)">[^<]*</td><td>([^<]*)</td></tr>', table)
    total = re.search(r'<th data-total="([^"]*)">', table).group(1)
    return [(label, D(amount), share) for label, amount, share in rows], D(total)


def section(html, section_id):
    return html.split(f'id="{section_id}">')[1].split("</section>")[0]


def table_rows(html, section_id):
    body = section(html, section_id).split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


@pytest.fixture
def today(ledger):
    return users.local_now(ledger).date()


# --- empty ----------------------------------------------------------------------

def test_new_user_sees_empty_states(logged_in):
    html = report(logged_in)
    assert "🧾 No spending in this period." in html
    assert "📅 Nothing recorded in the last twelve months." in html
    assert "📆 No spending in EUR this week or in the twelve weeks before." in html
    assert "🏦 Add an account to follow your net worth." in html
    assert "<canvas" not in html
    assert chart_data(html) == {}


def test_account_without_spending_shows_flat_net_worth_only(logged_in, main):
    html = report(logged_in)
    assert "🧾 No spending in this period." in html
    assert "📅 Nothing recorded in the last twelve months." in html
    assert "📆 No spending in EUR" in html
    assert list(chart_data(html)) == ["networth-EUR"]
    assert chart_data(html)["networth-EUR"]["datasets"][0]["data"] == [D("100.00")] * 24


# --- spending by category -------------------------------------------------------

@pytest.fixture
def spending(ledger, main, today):
    """Expenses in categories at dates that fall in some periods and not others."""
    coffee = categories.create_category(ledger, "Coffee", "☕", "spent").id
    supermarket = system_category("supermarket").id
    week_start = today - timedelta(days=today.weekday())
    rows = [
        (today, "-3.10", coffee), (today, "-20.00", supermarket), (today, "-1.00", None),
        (week_start - timedelta(days=1), "-4.00", coffee),
        (today.replace(day=1) - timedelta(days=1), "-100.00", supermarket),
        (today - timedelta(days=29), "-7.00", coffee),
        (today - timedelta(days=30), "-1000.00", supermarket),
        (today.replace(month=1, day=1) - timedelta(days=1), "-5000.00", coffee),
        (today + timedelta(days=1), "-9999.00", coffee),  # the future is in no period
    ]
    for day, amount, category in rows:
        add(ledger, main, amount, day, hour=0, category=category)
    add(ledger, main, "500", today, category=system_category("salary", "earn").id)  # income is not spending
    savings = accounts.create_account(ledger, "Pot").id
    factories.create_transfer(ledger, from_account_id=main, to_account_id=savings, amount="77",
                                 occurred_at=at(today))  # neither is a transfer
    return rows, {"week": week_start, "month": today.replace(day=1), "30days": today - timedelta(days=29),
                  "year": today.replace(month=1, day=1)}


LABELS = {None: "❔ Uncategorised"}


@pytest.mark.parametrize("period", ["week", "month", "30days", "year"])
def test_spending_by_category_per_period(logged_in, ledger, today, spending, period):
    rows, starts = spending
    names = {system_category("supermarket").id: "🛒 Supermarket"}
    expected = {}
    for day, amount, category in rows:
        if starts[period] <= day <= today:
            label = names.get(category) or LABELS.get(category) or "☕ Coffee"
            expected[label] = expected.get(label, D(0)) - D(amount)
    html = report(logged_in, period=period)
    table, total = category_table(html)
    assert {label: amount for label, amount, _share in table} == expected
    assert [amount for _label, amount, _share in table] == sorted(expected.values(), reverse=True)
    assert total == sum(expected.values())
    for _label, amount, share in table:
        assert share == f"{amount / total * 100:.1f} %"
    charts = chart_data(html)
    for kind in ("pie", "bar"):
        chart = charts[f"category-{kind}-EUR"]
        assert dict(zip(chart["labels"], chart["datasets"][0]["data"], strict=True)) == expected
        assert sum(chart["datasets"][0]["data"]) == total
    assert charts["category-pie-EUR"]["type"] == "doughnut"
    title = {"week": "This week", "month": "Month to date", "30days": "Last 30 days", "year": "This year"}[period]
    assert f'<span class="muted small-title">{title}</span>' in html
    assert f'class="segment-link active" href="/reports?period={period}"' in html


def test_month_is_the_default(logged_in, today, spending):
    assert category_table(report(logged_in)) == category_table(report(logged_in, period="month"))


def test_custom_range(logged_in, ledger, main):
    coffee = categories.create_category(ledger, "Coffee", "☕", "spent").id
    for day, hour, amount in [("2024-02-29", 23, "-1"), ("2024-03-01", 0, "-2.25"), ("2024-03-31", 23, "-4"),
                              ("2024-04-01", 0, "-8")]:
        add(ledger, main, amount, day, hour=hour, category=coffee)
    html = report(logged_in, period="custom", start="2024-03-01", end="2024-03-31")
    assert category_table(html) == ([("☕ Coffee", D("6.25"), "100.0 %")], D("6.25"))
    assert '<span class="muted small-title">01 Mar 2024 – 31 Mar 2024</span>' in html
    assert 'name="start" value="2024-03-01"' in html and 'name="end" value="2024-03-31"' in html


@pytest.mark.parametrize(("params", "message"), [
    ({"period": "custom", "start": "2024-03-31", "end": "2024-03-01"}, "The last day must not be before the first."),
    ({"period": "custom", "start": "2024-03-01"}, "Give both the first and the last day of the range."),
    ({"period": "custom", "start": "01/03/2024", "end": "2024-03-02"}, "start must be a date like 2024-06-01."),
    ({"period": "all"}, "Choose one of the listed periods."),
    ({"period": "decade"}, "Choose one of the listed periods."),
])
def test_invalid_period_falls_back_to_month_to_date(logged_in, today, spending, params, message):
    html = report(logged_in, **params)
    assert f'<p class="flash flash-error">{message}</p>' in html
    assert category_table(html) == category_table(report(logged_in, period="month"))


def test_currencies_are_reported_apart(logged_in, ledger, main, today):
    dollars = accounts.create_account(ledger, "Dollars", currency="USD").id
    add(ledger, main, "-10", today)
    add(ledger, dollars, "-2.50", today, category=system_category("transport").id)
    html = report(logged_in)
    assert category_table(html, "EUR") == ([("❔ Uncategorised", D("10.00"), "100.0 %")], D("10.00"))
    assert category_table(html, "USD") == ([("🚗 Transport", D("2.50"), "100.0 %")], D("2.50"))
    assert "<h3>EUR</h3>" in html and "<h3>USD</h3>" in html
    assert chart_data(html)["category-bar-USD"]["datasets"][0]["data"] == [D("2.50")]


def test_names_in_chart_data_cannot_break_out_of_the_script(logged_in, ledger, main, today):
    evil = categories.create_category(ledger, "</script><script>alert(1)</script>", "🎲", "spent").id
    add(ledger, main, "-1", today, category=evil)
    html = report(logged_in)
    assert "<script>alert(1)" not in html
    assert chart_data(html)["category-pie-EUR"]["labels"] == ["🎲 </script><script>alert(1)</script>"]


# --- income vs expense per month -------------------------------------------------

def test_income_and_expense_per_month(logged_in, ledger, main, savings, today):
    this_month = today.replace(day=1)
    last_month = this_month - relativedelta(months=1)
    long_ago = this_month - relativedelta(months=12)  # just outside the twelve months
    add(ledger, main, "-10.50", this_month)
    add(ledger, main, "2000", this_month)
    add(ledger, savings, "-4.50", this_month)
    add(ledger, main, "-30", last_month)
    add(ledger, main, "-999", long_ago)
    factories.create_transfer(ledger, from_account_id=main, to_account_id=savings, amount="50",
                                 occurred_at=at(this_month))
    html = report(logged_in)
    rows = table_rows(html, "report-monthly")
    assert len(rows) == 12
    assert rows[0] == [this_month.strftime("%B %Y"), "€2,000.00", "€15.00", "€1,985.00"]
    assert rows[1] == [last_month.strftime("%B %Y"), "€0.00", "€30.00", "-€30.00"]
    assert all(row[1:] == ["€0.00", "€0.00", "€0.00"] for row in rows[2:])
    chart = chart_data(html)["monthly-EUR"]
    assert chart["labels"][-1] == this_month.strftime("%b %Y") and len(chart["labels"]) == 12
    income, expenses = chart["datasets"]
    assert (income["label"], expenses["label"]) == ("Income", "Expenses")
    assert income["data"] == [D("0.00")] * 11 + [D("2000.00")]
    assert expenses["data"] == [D("0.00")] * 10 + [D("30.00"), D("15.00")]


# --- this week by weekday -------------------------------------------------------

def test_this_week_by_weekday_against_earlier_weeks(logged_in, ledger, main, today):
    week_start = today - timedelta(days=today.weekday())
    add(ledger, main, "-10", today)
    add(ledger, main, "-2", today)
    add(ledger, main, "-6", today - timedelta(weeks=1))
    add(ledger, main, "-3", today - timedelta(weeks=2))
    other = (today.weekday() + 3) % 7
    add(ledger, main, "-1.50", week_start - timedelta(weeks=2, days=-other))  # another weekday, 2 weeks ago
    add(ledger, main, "25", week_start)  # income does not count
    html = report(logged_in)
    rows = table_rows(html, "report-weekday")
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    this_week = ["€0.00"] * 7
    average = ["€0.00"] * 7
    this_week[today.weekday()] = "€12.00"
    average[today.weekday()] = "€4.50"  # (6 + 3) / 2 weeks
    average[other] = "€0.75"
    assert rows == [[names[i], this_week[i], average[i]] for i in range(7)]
    assert "Average of 2 earlier weeks" in section(html, "report-weekday")
    chart = chart_data(html)["weekday"]
    assert chart["labels"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert chart["datasets"][0]["data"] == [D(x[1:]) for x in this_week]
    assert chart["datasets"][1]["data"] == [D(x[1:]) for x in average]
    assert chart["datasets"][1]["label"] == "Average of 2 earlier weeks"


def test_weekday_follows_the_week_start_setting(logged_in, ledger, main, user, today):
    users.update_settings(user.id, week_start=6)
    add(ledger, main, "-1", today)
    rows = table_rows(report(logged_in), "report-weekday")
    assert rows[0][0] == "Sunday" and rows[-1][0] == "Saturday"


# --- net worth ------------------------------------------------------------------

def test_net_worth_over_time(logged_in, ledger, main, today):
    outside = accounts.create_account(ledger, "Car", type="vehicle", opening_balance="5000", is_net_worth=False).id
    this_month = today.replace(day=1)
    add(ledger, main, "-10", today)
    add(ledger, main, "250", this_month - relativedelta(months=2))
    add(ledger, main, "-40", this_month - relativedelta(months=30))  # before the window
    add(ledger, outside, "-100", today)
    factories.create_transfer(ledger, from_account_id=main, to_account_id=outside, amount="15",
                                 occurred_at=at(this_month - relativedelta(months=1)))
    html = report(logged_in)
    rows = table_rows(html, "report-networth")
    assert len(rows) == 24
    # newest first: today, then the ends of earlier months
    assert rows[0] == [format_date(today, "medium", locale="en_GB"), "€285.00"]
    assert rows[1][1] == "€295.00"  # after the transfer out of net worth
    assert rows[2][1] == "€310.00"  # after the income
    assert all(row[1] == "€60.00" for row in rows[3:])
    data = chart_data(html)["networth-EUR"]["datasets"][0]["data"]
    assert data == [D("60.00")] * 21 + [D("310.00"), D("295.00"), D("285.00")]


def test_weekday_average_of_one_earlier_week(logged_in, ledger, main, today):
    add(ledger, main, "-8", today - timedelta(weeks=1))
    html = report(logged_in)
    rows = table_rows(html, "report-weekday")
    assert [row[1:] for row in rows] == [["€0.00", "€8.00" if i == today.weekday() else "€0.00"] for i in range(7)]
    assert "<th>Average of 1 earlier week</th>" in html
    assert chart_data(html)["weekday"]["datasets"][1]["label"] == "Average of 1 earlier week"
