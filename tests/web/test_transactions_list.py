"""The transactions list: grouped by day with day sums, filters, sorts, SQL pagination."""

import re
from datetime import timedelta

import pytest

from spendsense.services.auth import users
from spendsense.services.ledger import accounts, categories
from spendsense.web.transactions import PER_PAGE
from tests import factories
from tests.web.helpers import at, data_attr, day_sections, row_ids, system_category, text


def add(ledger, account, amount, day, hour=12, **kwargs):
    return factories.create_transaction(ledger, account_id=account, amount=amount,
                                           occurred_at=at(day, hour), **kwargs).id


def listing(client, **params):
    response = client.get("/transactions", query_string=params)
    assert response.status_code == 200
    return text(response)


# --- day grouping and sums ------------------------------------------------------

@pytest.fixture
def three_days(ledger, main, savings):
    dollars = accounts.create_account(ledger, "Dollars", currency="USD").id
    ids = {
        "a": add(ledger, main, "-12.50", "2024-03-01", 9),
        "b": add(ledger, main, "-0.75", "2024-03-01", 18),
        "c": add(ledger, savings, "1500.00", "2024-03-01", 8),
        "d": add(ledger, dollars, "-20", "2024-03-01", 10),
        "e": add(ledger, main, "-3.10", "2024-03-03", 7),
        "f": add(ledger, savings, "40", "2024-03-05", 7),
    }
    out_leg, _in_leg = factories.create_transfer(ledger, from_account_id=main, to_account_id=savings,
                                                    amount="99", occurred_at=at("2024-03-03", 12))
    ids["transfer"] = out_leg.id
    return ids


def test_grouped_by_day_newest_first_with_day_sums(logged_in, three_days):
    html = listing(logged_in, period="all")
    days = day_sections(html)
    assert [day for day, _ in days] == ["2024-03-05", "2024-03-03", "2024-03-01"]
    sections = dict(days)
    assert "<h2>Tuesday, 5 March 2024</h2>" in sections["2024-03-05"]
    assert row_ids(sections["2024-03-05"]) == [three_days["f"]]
    assert row_ids(sections["2024-03-03"]) == [three_days["transfer"], three_days["e"]]
    assert row_ids(sections["2024-03-01"]) == [three_days["b"], three_days["d"], three_days["a"], three_days["c"]]

    first = sections["2024-03-01"]
    assert data_attr(first, "data-day-spent", "EUR") == ["−€13.25"]
    assert data_attr(first, "data-day-earned", "EUR") == ["+€1,500.00"]
    assert data_attr(first, "data-day-spent", "USD") == ["−US$20.00"]
    assert data_attr(first, "data-day-earned", "USD") == []
    # the transfer of that day is neither spent nor earned
    assert data_attr(sections["2024-03-03"], "data-day-spent", "EUR") == ["−€3.10"]
    assert data_attr(sections["2024-03-03"], "data-day-earned", "EUR") == []
    assert data_attr(sections["2024-03-05"], "data-day-earned", "EUR") == ["+€40.00"]
    assert data_attr(sections["2024-03-05"], "data-day-spent", "EUR") == []


def test_rows_show_amount_category_account_and_labels(logged_in, ledger, main):
    coffee = categories.create_category(ledger, "Coffee", "☕", "spent")
    txn = add(ledger, main, "-4.20", "2024-03-01", category_id=coffee.id, description="Flat white",
              labels="work morning")
    income = add(ledger, main, "10", "2024-03-01")
    html = listing(logged_in, period="all")
    row = html.split(f'data-id="{txn}"')[1].split("</li>")[0]
    assert '<span class="txn-icon" aria-hidden="true">☕</span>' in row
    assert '<span class="txn-title">Flat white</span>' in row
    assert "Coffee · Main" in row
    assert '<span class="label">#morning</span>' in row and '<span class="label">#work</span>' in row
    assert '<span class="txn-amount amount-out">−€4.20</span>' in row
    assert f'href="/transactions/{txn}/edit?next=' in row
    assert f'href="/transactions/{txn}/delete?next=' in row
    row = html.split(f'data-id="{income}"')[1].split("</li>")[0]
    assert '<span class="txn-title">Uncategorised</span>' in row
    assert '<span class="txn-amount amount-in">+€10.00</span>' in row


def test_day_sums_cover_the_whole_day_across_pages(logged_in, ledger, main):
    for n in range(PER_PAGE + 10):
        add(ledger, main, "-1.01", "2024-03-01", hour=n % 24)
    first = listing(logged_in, period="all")
    second = listing(logged_in, period="all", page=2)
    assert len(row_ids(first)) == PER_PAGE and len(row_ids(second)) == 10
    expected = ["−€60.60"]
    assert data_attr(first, "data-day-spent", "EUR") == expected
    assert data_attr(second, "data-day-spent", "EUR") == expected


def test_day_sums_follow_the_filter(logged_in, three_days):
    html = listing(logged_in, period="all", type="earn")
    assert data_attr(html, "data-day-spent", "EUR") == []
    assert data_attr(html, "data-day-earned", "EUR") == ["+€40.00", "+€1,500.00"]


# --- filters --------------------------------------------------------------------

@pytest.fixture
def spread(ledger, main):
    """Expenses today, just before this week, this month, this year; one in the future."""
    today = users.local_now(ledger).date()
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    year_start = today.replace(month=1, day=1)
    dates = {
        "today": today,
        "before week": week_start - timedelta(days=1),
        "before month": month_start - timedelta(days=1),
        "before year": year_start - timedelta(days=1),
        "29 days ago": today - timedelta(days=29),
        "30 days ago": today - timedelta(days=30),
        "tomorrow": today + timedelta(days=1),
    }
    ids = {name: add(ledger, main, "-1", day, hour=0) for name, day in dates.items()}
    ids["today late"] = add(ledger, main, "-1", today, hour=23)
    starts = {"week": week_start, "month": month_start, "year": year_start, "30days": today - timedelta(days=29)}
    return ids, dates, starts, today


@pytest.mark.parametrize("period", ["week", "month", "year", "30days", "all", None])
def test_period_filter(logged_in, spread, period):
    ids, dates, starts, today = spread
    html = listing(logged_in, **({"period": period} if period else {}))
    key = period or "month"  # the default
    if key == "all":
        expected = set(ids.values())
    else:
        expected = {ids[name] for name, day in dates.items() if starts[key] <= day <= today}
        expected.add(ids["today late"])
    assert set(row_ids(html)) == expected
    label = {"week": "This week", "month": "This month", "year": "This year", "30days": "Last 30 days",
             "all": "All time"}[key]
    assert f'<span class="muted small-title">{label}</span>' in html
    assert f'<option value="{key}" selected>' in html


def test_custom_range_is_inclusive(logged_in, ledger, main):
    ids = [add(ledger, main, "-1", day, hour) for day, hour in
           [("2024-02-29", 23), ("2024-03-01", 0), ("2024-03-10", 12), ("2024-03-15", 23), ("2024-03-16", 0)]]
    html = listing(logged_in, period="custom", start="2024-03-01", end="2024-03-15")
    assert row_ids(html) == [ids[3], ids[2], ids[1]]
    assert '<span class="muted small-title">01 Mar 2024 – 15 Mar 2024</span>' in html
    assert '<span class="custom-range" >' in html
    assert 'name="start" value="2024-03-01"' in html and 'name="end" value="2024-03-15"' in html


@pytest.mark.parametrize(("start", "end", "note"), [
    ("2024-03-15", "2024-03-01", "The last day must not be before the first."),
    ("2024-03-01", "", "Give both the first and the last day of the range."),
    ("", "", "Give both the first and the last day of the range."),
    ("2024-13-01", "2024-03-01", "start must be a date like 2024-06-01."),
    ("2024-03-01", "soon", "end must be a date like 2024-06-01."),
])
def test_invalid_custom_range_falls_back_to_this_month(logged_in, spread, start, end, note):
    ids, dates, starts, today = spread
    html = listing(logged_in, period="custom", start=start, end=end)
    assert f'<p class="flash flash-error">{note}</p>' in html
    expected = {ids[name] for name, day in dates.items() if starts["month"] <= day <= today} | {ids["today late"]}
    assert set(row_ids(html)) == expected
    assert '<span class="muted small-title">This month</span>' in html


def test_unknown_period_falls_back_with_a_note(logged_in, spread):
    html = listing(logged_in, period="decade")
    assert "Choose a period:" in html
    assert '<span class="muted small-title">This month</span>' in html


@pytest.fixture
def mixed(ledger, main, savings, other_user):
    coffee = categories.create_category(ledger, "Coffee", "☕", "spent")
    salary = system_category("salary", "earn")
    ids = {
        "coffee": add(ledger, main, "-3.50", "2024-04-01", category_id=coffee.id, description="Latte at Café",
                      labels="work"),
        "salary": add(ledger, savings, "2000", "2024-04-02", category_id=salary.id, description="April pay",
                      labels="WORK, monthly"),
        "plain": add(ledger, main, "-8", "2024-04-03", description="100% cotton socks"),
        "other": add(ledger, savings, "-15", "2024-04-04", category_id=system_category("pets").id,
                     description="cat_food"),
    }
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=main, to_account_id=savings,
                                                   amount="50", occurred_at=at("2024-04-05"),
                                                   description="Monthly saving")
    ids["transfer"], ids["transfer in"] = out_leg.id, in_leg.id
    ids["coffee category"] = coffee.id
    return ids


@pytest.mark.parametrize(("params", "expected"), [
    ({"type": "spent"}, ["other", "plain", "coffee"]),
    ({"type": "earn"}, ["salary"]),
    ({"type": "transfer"}, ["transfer"]),
    ({"type": "bogus"}, ["transfer", "other", "plain", "salary", "coffee"]),
    ({"account": "{main}"}, ["transfer", "plain", "coffee"]),
    ({"account": "{savings}"}, ["transfer in", "other", "salary"]),
    ({"account": "{savings}", "type": "spent"}, ["other"]),
    ({"category": "{coffee category}"}, ["coffee"]),
    ({"category": "none"}, ["plain"]),
    ({"label": "work"}, ["salary", "coffee"]),
    ({"label": "#Work"}, ["salary", "coffee"]),
    ({"label": "monthly"}, ["salary"]),
    ({"label": "nothing"}, []),
    ({"q": "latte"}, ["coffee"]),
    ({"q": "CAFÉ"}, ["coffee"]),
    ({"q": "100%"}, ["plain"]),
    ({"q": "_"}, ["other"]),
    ({"q": "monthly"}, ["transfer"]),
    ({"q": "work", "type": "earn"}, []),
])
def test_filters(logged_in, main, savings, mixed, params, expected):
    ids = {**mixed, "main": main, "savings": savings}
    params = {key: value.format(**ids) for key, value in params.items()}
    html = listing(logged_in, period="all", **params)
    assert row_ids(html) == [mixed[name] for name in expected]
    if not expected:
        assert "No transactions match these filters." in html


def test_filter_form_keeps_the_choices(logged_in, main, mixed):
    html = listing(logged_in, period="all", type="earn", account=str(main), category=str(mixed["coffee category"]),
                   label="work", q="lat", sort="oldest")
    assert '<option value="earn" selected>Income</option>' in html
    assert f'<option value="{main}" selected>Main (EUR)</option>' in html
    assert f'<option value="{mixed["coffee category"]}" selected>☕ Coffee</option>' in html
    assert 'name="label" value="work"' in html
    assert 'name="q" value="lat"' in html
    assert '<option value="oldest" selected>Oldest first</option>' in html


@pytest.mark.parametrize(("sort", "expected"), [
    ("newest", ["d", "c", "b", "a"]),
    ("oldest", ["a", "b", "c", "d"]),
    ("largest", ["c", "a", "d", "b"]),
    ("smallest", ["b", "d", "a", "c"]),
    ("sideways", ["d", "c", "b", "a"]),
])
def test_sorts(logged_in, ledger, main, sort, expected):
    ids = {
        "a": add(ledger, main, "-50", "2024-01-01"),
        "b": add(ledger, main, "1.00", "2024-01-02"),
        "c": add(ledger, main, "75", "2024-01-03"),
        "d": add(ledger, main, "-20", "2024-01-04"),
    }
    html = listing(logged_in, period="all", sort=sort)
    assert row_ids(html) == [ids[name] for name in expected]


# --- pagination -----------------------------------------------------------------

@pytest.fixture
def many(ledger, main):
    """120 expenses an hour apart, oldest first."""
    start = at("2024-01-01", 0)
    return [factories.create_transaction(ledger, account_id=main, amount=f"-{n + 1}",
                                            occurred_at=start + timedelta(hours=n)).id
            for n in range(120)]


def pager(html):
    match = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    return match.group(0) if match else ""


def test_pagination(logged_in, many):
    newest_first = many[::-1]
    first = listing(logged_in, period="all", type="spent")
    assert row_ids(first) == newest_first[:PER_PAGE]
    assert '<a class="button secondary small" href="/transactions?page=2&amp;period=all&amp;type=spent">Older →</a>' \
        in pager(first)
    assert "Newer" not in pager(first)
    assert '<span class="muted">Page 1</span>' in pager(first)

    second = listing(logged_in, period="all", type="spent", page=2)
    assert row_ids(second) == newest_first[PER_PAGE:2 * PER_PAGE]
    assert 'href="/transactions?page=1&amp;period=all&amp;type=spent">← Newer</a>' in pager(second)
    assert 'href="/transactions?page=3&amp;period=all&amp;type=spent">Older →</a>' in pager(second)

    third = listing(logged_in, period="all", type="spent", page=3)
    assert row_ids(third) == newest_first[2 * PER_PAGE:]
    assert len(row_ids(third)) == 20
    assert "Older" not in pager(third)
    assert 'href="/transactions?page=2&amp;period=all&amp;type=spent">← Newer</a>' in pager(third)

    past = listing(logged_in, period="all", page=4)
    assert row_ids(past) == []
    assert "No transactions match these filters." in past


def test_pagination_exactly_one_page_has_no_more_link(logged_in, ledger, main):
    for n in range(PER_PAGE):
        add(ledger, main, "-1", "2024-01-01", hour=n % 24)
    html = listing(logged_in, period="all")
    assert len(row_ids(html)) == PER_PAGE
    assert "Older" not in pager(html)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999"])
def test_bad_page_numbers_show_the_first_page(logged_in, many, page):
    html = listing(logged_in, period="all", page=page)
    assert row_ids(html) == many[::-1][:PER_PAGE]


@pytest.mark.parametrize("extra", [
    {"_external": "1", "_anchor": "\nalert(1)"}, {"_scheme": "javascript"}, {"endpoint": "x"}, {"_method": "POST"},
])
def test_pager_links_carry_only_filter_parameters(logged_in, many, extra):
    html = listing(logged_in, period="all", **extra)
    assert 'href="/transactions?page=2&amp;period=all">Older →</a>' in pager(html)
