"""v1 transactions: the list (order, date window, paging) and creating income and
expenses."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests import factories
from tests.api.helpers import (
    ACCOUNT_NOT_FOUND,
    AMOUNT_FORMAT_ERROR,
    CATEGORY_NOT_FOUND,
    DATE_ERROR,
    SCHEMES,
    TYPE_ERROR,
    fails,
    ok,
    raw_number,
    snapshot,
)

JUNE = {"from": "2024-06-01T00:00:00", "to": "2024-06-30T23:59:59"}


def utc_now():
    return datetime.now(UTC).replace(tzinfo=None)


def stamp(moment):
    return moment.isoformat(timespec="seconds")


def parse_utc(value):
    assert value.endswith("Z")
    return datetime.fromisoformat(value[:-1])


def descriptions(rows):
    return [row["description"] for row in rows]


@SCHEMES
def test_list_shape(api, main_account):
    before = utc_now()
    txn = api.create_transaction("spent", "12.5", category="restaurants", description="Lunch",
                                 date="2024-06-15T12:30:00")
    after = utc_now()
    response = api.get("transactions/", JUNE)
    body = ok(response)
    assert body["user"] == "alice"
    assert body["has_more"] is False
    [row] = body["transactions"]
    created, updated = parse_utc(row.pop("time_create")), parse_utc(row.pop("time_update"))
    assert before - timedelta(seconds=1) <= created <= updated <= after + timedelta(seconds=1)
    assert row == {"type": "spent", "amount": Decimal("12.50"), "category": "restaurants",
                   "description": "Lunch", "account": "Main", "id": txn,
                   "date": "2024-06-15T12:30:00", "currency": "EUR", "is_transfer": False,
                   "labels": []}
    assert raw_number(response, "amount", "12.50")


@SCHEMES
def test_no_transactions_is_404(api, main_account):
    fails(api.get("transactions/"), 404, "Transactions cannot be found")
    api.create_transaction("spent", "1", date="2024-06-15")
    fails(api.get("transactions/", {"from": "2024-07-01", "to": "2024-07-31"}), 404,
          "Transactions cannot be found")


def test_newest_first_by_the_transactions_own_date(api, main_account):
    for description, day in [("b", "2024-06-10T09:00:00"), ("d", "2024-06-20T08:00:00"),
                             ("a", "2024-06-01T00:00:00"), ("c", "2024-06-10T09:00:01")]:
        api.create_transaction("spent", "1", description=description, date=day)
    assert descriptions(api.transactions(JUNE)) == ["d", "c", "b", "a"]


def test_same_moment_newest_created_first(api, main_account):
    for description in ("first", "second", "third"):
        api.create_transaction("earn", "1", description=description, date="2024-06-10T09:00:00")
    assert descriptions(api.transactions(JUNE)) == ["third", "second", "first"]


def test_filter_uses_the_transaction_date_not_its_creation(api, main_account):
    api.create_transaction("spent", "1", description="backdated", date="2024-06-15T10:00:00")
    api.create_transaction("spent", "2", description="today")
    assert descriptions(api.transactions(JUNE)) == ["backdated"]
    assert descriptions(api.transactions()) == ["today"]  # the default window ends now


@pytest.mark.parametrize("params, expected", [
    ({"from": "2024-06-15", "to": "2024-06-15"}, ["evening", "morning"]),
    ({"from": "2024-06-15"}, ["evening", "morning"]),  # "to" defaults to now
    ({"from": "2024-06-16", "to": "2024-06-30"}, []),
    ({"from": "2024-06-01", "to": "2024-06-14"}, ["before"]),
    ({"from": "2024-06-15T08:00:00", "to": "2024-06-15T08:00:00"}, ["morning"]),
    ({"from": "2024-06-15T08:00:01", "to": "2024-06-15T23:59:59"}, ["evening"]),
    ({"from": "2024-06-14T23:59:59", "to": "2024-06-15T07:59:59"}, ["before"]),
    ({"from": "2024-06-15T08:00", "to": "2024-06-15T21:30"}, ["evening", "morning"]),
    ({"from": "2024-06-15T08:00:00Z", "to": "2024-06-15T21:30:00+02:00"}, ["evening", "morning"]),
    ({"from": "2024-06-15 08:00:00", "to": "2024-06-15 08:00:00.000000"}, ["morning"]),
])
def test_from_to_filter(api, main_account, params, expected):
    api.create_transaction("spent", "1", description="before", date="2024-06-14T23:59:59")
    api.create_transaction("spent", "1", description="morning", date="2024-06-15T08:00:00")
    api.create_transaction("spent", "1", description="evening", date="2024-06-15T21:30:00")
    response = api.get("transactions/", params)
    if expected:
        assert descriptions(ok(response)["transactions"]) == expected
    else:
        fails(response, 404, "Transactions cannot be found")


def test_default_window_is_the_last_30_days(api, main_account):
    now = utc_now()
    for description, age in [("29 days", timedelta(days=29)), ("31 days", timedelta(days=31)),
                             ("tomorrow", -timedelta(days=1)), ("an hour", timedelta(hours=1))]:
        api.create_transaction("spent", "1", description=description, date=stamp(now - age))
    api.create_transaction("spent", "1", description="now")
    assert descriptions(api.transactions()) == ["now", "an hour", "29 days"]


@pytest.mark.parametrize("field", ["from", "to"])
@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "2024-02-30", "01/06/2024",
                                   "2024-06-01T25:00:00", "20240601", "2024-6-1", "1717200000",
                                   "9999-12-31", "0001-01-01"])
def test_invalid_date(api, main_account, field, value):
    api.create_transaction("spent", "1")
    fails(api.get("transactions/", {field: value}), 400, DATE_ERROR)


def test_paging(api, main_account):
    for day in range(1, 6):
        api.create_transaction("spent", str(day), description=f"day {day}", date=f"2024-06-0{day}")
    first = ok(api.get("transactions/", {**JUNE, "limit": 2}))
    assert descriptions(first["transactions"]) == ["day 5", "day 4"]
    assert (first["has_more"], first["next_offset"]) == (True, 2)
    second = ok(api.get("transactions/", {**JUNE, "limit": 2, "offset": 2}))
    assert descriptions(second["transactions"]) == ["day 3", "day 2"]
    assert (second["has_more"], second["next_offset"]) == (True, 4)
    last = ok(api.get("transactions/", {**JUNE, "limit": 2, "offset": 4}))
    assert descriptions(last["transactions"]) == ["day 1"]
    assert last["has_more"] is False and "next_offset" not in last
    exact = ok(api.get("transactions/", {**JUNE, "limit": 5}))
    assert len(exact["transactions"]) == 5 and exact["has_more"] is False
    fails(api.get("transactions/", {**JUNE, "offset": 5}), 404, "Transactions cannot be found")


@pytest.mark.parametrize("params, message", [
    ({"limit": "0"}, "Limit must be between 1 and 10000."),
    ({"limit": "10001"}, "Limit must be between 1 and 10000."),
    ({"limit": "two"}, "Limit must be a whole number."),
    ({"limit": "1.5"}, "Limit must be a whole number."),
    ({"offset": "-1"}, "Offset must be between 0 and 1000000000."),
    ({"offset": "x"}, "Offset must be a whole number."),
])
def test_bad_paging(api, main_account, params, message):
    api.create_transaction("spent", "1")
    fails(api.get("transactions/", params), 400, message)


# --- creating --------------------------------------------------------------------------

@SCHEMES
def test_create_by_get_query(api, main_account):
    response = api.get("transactions/create/", {"type": "spent", "account": "Main",
                                                "category": "supermarket", "amount": "150"})
    body = ok(response)
    assert body == {"status": "ok", "id": body["id"]}
    [row] = api.transactions()
    assert (row["id"], row["type"], row["amount"], row["category"], row["account"], row["description"]) == (
        body["id"], "spent", Decimal("150.00"), "supermarket", "Main", "")
    assert api.balances() == {"Main": Decimal("-50.00")}


@SCHEMES
def test_create_by_post_form(api, main_account):
    ok(api.post("transactions/create/", data={"type": "earn", "account": "Main", "category": "salary",
                                              "amount": "2500.01", "description": "June"}))
    [row] = api.transactions()
    assert (row["type"], row["amount"], row["category"], row["description"]) == (
        "earn", Decimal("2500.01"), "salary", "June")
    assert api.balances() == {"Main": Decimal("2600.01")}


@SCHEMES
def test_create_by_post_json_with_numbers(api, main_account):
    ok(api.post("transactions/create/", json={"type": "spent", "account": "Main", "category": "home",
                                              "amount": 0.1}))
    ok(api.post("transactions/create/", json={"type": "spent", "account": "Main", "category": "home",
                                              "amount": 0.2}))
    ok(api.post("transactions/create", json={"type": "earn", "account": "Main", "category": "gifts",
                                             "amount": 20}))
    assert [row["amount"] for row in api.transactions()] == [Decimal("20.00"), Decimal("0.20"),
                                                              Decimal("0.10")]
    assert api.balances() == {"Main": Decimal("119.70")}


def test_create_with_date_and_description(api, main_account):
    ok(api.get("transactions/create/", {"type": "spent", "account": "Main", "category": "vacation",
                                        "amount": "99.99", "date": "2024-06-01",
                                        "description": "Ferry 🚢 to the island"}))
    [row] = api.transactions(JUNE)
    assert (row["date"], row["description"], row["category"]) == (
        "2024-06-01T00:00:00", "Ferry 🚢 to the island", "vacation")


@pytest.mark.parametrize("name", ["main", "MAIN", " Main "])
def test_account_is_found_ignoring_case(api, main_account, name):
    api.create_transaction("spent", "1", account=name)
    assert api.balances() == {"Main": Decimal("99.00")}


@pytest.mark.parametrize("name, spelled", [("Готівка", "Готівка"), ("Готівка", "готівка"),
                                           ("Ölkonto", "ÖLKONTO"), ("💳 Card", "💳 card")])
def test_unicode_account_names_are_found(api, name, spelled):
    api.create_account(name, "10")
    api.create_transaction("earn", "5", account=spelled)
    assert api.balances() == {name: Decimal("15.00")}


def test_type_must_be_spent_or_earn(api, main_account):
    for kind in (None, "", "SPENT", "Earn", "income", "transfer"):
        params = {"account": "Main", "category": "salary", "amount": "1"}
        if kind is not None:
            params["type"] = kind
        fails(api.get("transactions/create/", params), 400, TYPE_ERROR)
    assert api.balances() == {"Main": Decimal("100.00")}


def test_unknown_account(api, main_account):
    fails(api.get("transactions/create/", {"type": "spent", "account": "Mian", "category": "home",
                                           "amount": "1"}), 404, ACCOUNT_NOT_FOUND)


@pytest.mark.parametrize("kind, category", [("spent", "nope"), ("spent", "salary"),
                                            ("earn", "supermarket"), ("spent", "Super market")])
def test_unknown_category_for_the_type(api, main_account, kind, category):
    before = snapshot()
    fails(api.get("transactions/create/", {"type": kind, "account": "Main", "category": category,
                                           "amount": "1"}), 404, CATEGORY_NOT_FOUND)
    assert snapshot() == before


def test_category_value_ignores_case_and_gifts_exists_for_both_types(api, main_account):
    api.create_transaction("earn", "3", category="GIFTS")
    api.create_transaction("spent", "1", category="gifts")
    assert [(row["type"], row["category"]) for row in api.transactions()] == [
        ("spent", "gifts"), ("earn", "gifts")]


@pytest.mark.parametrize("missing", ["account", "category", "amount"])
@pytest.mark.parametrize("blank", [None, "", "  "])
def test_required_parameters(api, main_account, missing, blank):
    params = {"type": "spent", "account": "Main", "category": "home", "amount": "1"}
    if blank is None:
        del params[missing]
    else:
        params[missing] = blank
    fails(api.get("transactions/create/", params), 400, f"{missing} parameter is required")


@pytest.mark.parametrize("amount, message", [
    ("0", "Amount must not be zero."),
    ("0.00", "Amount must not be zero."),
    ("-5", "Amount must not be negative."),
    ("-0.01", "Amount must not be negative."),
    ("abc", AMOUNT_FORMAT_ERROR),
    ("1e3", AMOUNT_FORMAT_ERROR),
    ("12,50", AMOUNT_FORMAT_ERROR),
    ("1.234", "Amount has more decimals than EUR allows (2)."),
    ("0.001", "Amount has more decimals than EUR allows (2)."),
    ("9" * 40, "Amount is too large."),
])
def test_bad_amount(api, main_account, amount, message):
    before = snapshot()
    fails(api.get("transactions/create/", {"type": "spent", "account": "Main", "category": "home",
                                           "amount": amount}), 400, message)
    assert snapshot() == before


@pytest.mark.parametrize("date", ["tomorrow", "2024-02-30", "15/06/2024", "2024-06-15T25:00:00",
                                  "0999-01-01", "3000-01-01"])
def test_bad_date(api, main_account, date):
    before = snapshot()
    fails(api.get("transactions/create/", {"type": "spent", "account": "Main", "category": "home",
                                           "amount": "1", "date": date}), 400, DATE_ERROR)
    assert snapshot() == before


def test_transfer_legs_are_listed_without_a_category(api, ledger, main_account):
    savings = api.create_account("Savings")
    factories.create_transfer(ledger, from_account_id=main_account, to_account_id=savings,
                                 amount="40", occurred_at="2024-06-03T09:00:00", description="Move")
    rows = api.transactions(JUNE)
    assert [(r["type"], r["amount"], r["account"], r["category"], r["is_transfer"]) for r in rows] == [
        ("earn", Decimal("40.00"), "Savings", None, True),
        ("spent", Decimal("40.00"), "Main", None, True),
    ]


def test_own_category_can_be_used(api, main_account):
    api.create_category("Coffee Shops", "☕")
    api.create_transaction("spent", "3.20", category="coffee_shops")
    [row] = api.transactions()
    assert (row["category"], row["amount"]) == ("coffee_shops", Decimal("3.20"))
