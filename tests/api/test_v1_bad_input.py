"""Hostile and odd input on every v1 parameter: empty, huge, unicode, control characters,
SQL-looking and negative values, wrong JSON types and malformed bodies.

A rejected create answers 4xx with {"error": "<clear message>"}, whether the fields come
as a query string, a form or JSON, and leaves the database exactly as it was. Text that
is merely unusual (other scripts, emoji, quotes) is data and is stored as given.
"""

from decimal import Decimal

import pytest

from spendsense.api.v1 import views
from spendsense.jsonio import TOO_DEEP
from tests.api.helpers import (
    ACCOUNT_NOT_FOUND,
    ACCOUNT_REQUIRED,
    AMOUNT_FORMAT_ERROR,
    BASE,
    CATEGORY_NOT_FOUND,
    DATE_ERROR,
    DUPLICATE_ACCOUNT,
    DUPLICATE_CATEGORY,
    ICON_ERROR,
    LIST_TYPE_ERROR,
    TYPE_ERROR,
    USER_FILTER_ERROR,
    fails,
    ok,
    snapshot,
)

HUGE = "x" * 10_000
SQL = "'; DROP TABLE accounts; --"
INVALID_JSON = "Request body is not valid JSON."
NOT_AN_OBJECT = "Request body must be a JSON object."
ACCOUNT_TYPES = ("bank, credits, cash, stocks, mortgage, loans, vehicle, property, insurance, "
                 "other_asset, other_liability")

# A valid request per create endpoint; each case below spoils one field of it.
VALID = {
    "accounts/create/": {"account": "Fresh", "amount": "10", "type": "bank", "currency": "EUR"},
    "transactions/create/": {"type": "spent", "account": "Main", "category": "home", "amount": "5",
                             "description": "ok", "date": "2024-06-01"},
    "categories/create/": {"type": "spent", "name": "Fresh", "icon": "🆕"},
}


def case(path, field, value, status, message, name):
    return pytest.param(path, field, value, status, message, id=f"{path.split('/')[0]}-{field}-{name}")


def too_long(label, limit):
    return f"{label} must be at most {limit} characters."


def control(label):
    return f"{label} must not contain control characters."


A, T, C = "accounts/create/", "transactions/create/", "categories/create/"
CREATE_CASES = [
    # accounts/create: account
    case(A, "account", "", 400, ACCOUNT_REQUIRED, "empty"),
    case(A, "account", " \t ", 400, ACCOUNT_REQUIRED, "blank"),
    case(A, "account", HUGE, 400, too_long("Account name", 100), "huge"),
    case(A, "account", "y" * 101, 400, too_long("Account name", 100), "101"),
    case(A, "account", "Ma\x00in", 400, control("Account name"), "nul"),
    case(A, "account", "Line\nbreak", 400, control("Account name"), "newline"),
    case(A, "account", "\x1b[31mRed", 400, control("Account name"), "escape"),
    case(A, "account", "main", 400, DUPLICATE_ACCOUNT, "duplicate"),
    # accounts/create: amount (negative opening balances are allowed: cards, loans)
    case(A, "amount", "abc", 400, AMOUNT_FORMAT_ERROR, "text"),
    case(A, "amount", "1e30", 400, AMOUNT_FORMAT_ERROR, "1e30"),
    case(A, "amount", "-1e30", 400, AMOUNT_FORMAT_ERROR, "negative-1e30"),
    case(A, "amount", "9" * 40, 400, "Amount is too large.", "40-nines"),
    case(A, "amount", "-" + "9" * 40, 400, "Amount is too large.", "negative-40-nines"),
    case(A, "amount", "1" + "0" * 9_999, 400, "Amount is too large.", "10k-digits"),
    case(A, "amount", "0." + "0" * 9_998 + "1", 400, "Amount has more decimals than EUR allows (2).",
         "10k-decimals"),
    case(A, "amount", SQL, 400, AMOUNT_FORMAT_ERROR, "sql"),
    case(A, "amount", "💰", 400, AMOUNT_FORMAT_ERROR, "emoji"),
    case(A, "amount", "5\x00", 400, AMOUNT_FORMAT_ERROR, "nul"),
    case(A, "amount", "-", 400, AMOUNT_FORMAT_ERROR, "minus"),
    # accounts/create: type and currency (extensions)
    case(A, "type", "-1", 400, f"Account type must be one of: {ACCOUNT_TYPES}.", "negative"),
    case(A, "type", HUGE, 400, f"Account type must be one of: {ACCOUNT_TYPES}.", "huge"),
    case(A, "type", SQL, 400, f"Account type must be one of: {ACCOUNT_TYPES}.", "sql"),
    case(A, "currency", "XYZ", 400, "Unknown currency code. Use a three-letter ISO 4217 code like EUR.", "unknown"),
    case(A, "currency", "-1", 400, "Unknown currency code. Use a three-letter ISO 4217 code like EUR.", "negative"),
    case(A, "currency", HUGE, 400, "Unknown currency code. Use a three-letter ISO 4217 code like EUR.", "huge"),
    # transactions/create: type
    case(T, "type", "", 400, TYPE_ERROR, "empty"),
    case(T, "type", "-1", 400, TYPE_ERROR, "negative"),
    case(T, "type", HUGE, 400, TYPE_ERROR, "huge"),
    case(T, "type", "spent\x00", 400, TYPE_ERROR, "nul"),
    case(T, "type", "spent' OR '1'='1", 400, TYPE_ERROR, "sql"),
    # transactions/create: account
    case(T, "account", "", 400, "account parameter is required", "empty"),
    case(T, "account", HUGE, 400, too_long("Account", 100), "huge"),
    case(T, "account", "Ma\x00in", 400, control("Account"), "nul"),
    case(T, "account", SQL, 404, ACCOUNT_NOT_FOUND, "sql"),
    case(T, "account", "-1", 404, ACCOUNT_NOT_FOUND, "negative"),
    case(T, "account", "Готівка", 404, ACCOUNT_NOT_FOUND, "cyrillic-unknown"),
    # transactions/create: category
    case(T, "category", "", 400, "category parameter is required", "empty"),
    case(T, "category", HUGE, 400, too_long("Category", 100), "huge"),
    case(T, "category", "ho\x00me", 400, control("Category"), "nul"),
    case(T, "category", "home' OR '1'='1", 404, CATEGORY_NOT_FOUND, "sql"),
    case(T, "category", "-1", 404, CATEGORY_NOT_FOUND, "negative"),
    # transactions/create: amount
    case(T, "amount", "", 400, "amount parameter is required", "empty"),
    case(T, "amount", "-1", 400, "Amount must not be negative.", "negative"),
    case(T, "amount", "-0.01", 400, "Amount must not be negative.", "negative-cent"),
    case(T, "amount", "0", 400, "Amount must not be zero.", "zero"),
    case(T, "amount", "1e30", 400, AMOUNT_FORMAT_ERROR, "1e30"),
    case(T, "amount", "9" * 40, 400, "Amount is too large.", "40-nines"),
    case(T, "amount", "-" + "9" * 40, 400, "Amount is too large.", "negative-40-nines"),
    case(T, "amount", "NaN", 400, AMOUNT_FORMAT_ERROR, "nan"),
    case(T, "amount", "-Infinity", 400, AMOUNT_FORMAT_ERROR, "negative-infinity"),
    case(T, "amount", SQL, 400, AMOUNT_FORMAT_ERROR, "sql"),
    case(T, "amount", HUGE, 400, AMOUNT_FORMAT_ERROR, "huge"),
    case(T, "amount", "1.001", 400, "Amount has more decimals than EUR allows (2).", "decimals"),
    # transactions/create: date and description (extensions)
    case(T, "date", "-1", 400, DATE_ERROR, "negative"),
    case(T, "date", "-2024-06-01", 400, DATE_ERROR, "negative-year"),
    case(T, "date", HUGE, 400, DATE_ERROR, "huge"),
    case(T, "date", "9" * 40, 400, DATE_ERROR, "40-nines"),
    case(T, "date", "1e30", 400, DATE_ERROR, "1e30"),
    case(T, "date", "2024-06-01\x00", 400, DATE_ERROR, "nul"),
    case(T, "date", "2024-06-01'; --", 400, DATE_ERROR, "sql"),
    case(T, "date", "0001-01-01", 400, DATE_ERROR, "year-1"),
    case(T, "description", HUGE, 400, too_long("Description", 500), "huge"),
    case(T, "description", "a\x00b", 400, control("Description"), "nul"),
    case(T, "description", "bell\x07", 400, control("Description"), "bell"),
    # categories/create
    case(C, "type", "", 400, TYPE_ERROR, "empty"),
    case(C, "type", "-1", 400, TYPE_ERROR, "negative"),
    case(C, "type", HUGE, 400, TYPE_ERROR, "huge"),
    case(C, "type", SQL, 400, TYPE_ERROR, "sql"),
    case(C, "name", "", 400, "name parameter is required", "empty"),
    case(C, "name", HUGE, 400, too_long("Name", 100), "huge"),
    case(C, "name", "Fre\x00sh", 400, control("Name"), "nul"),
    case(C, "name", "-", 400, "Name must contain a letter or a digit.", "minus"),
    case(C, "name", "🆕🆕", 400, "Name must contain a letter or a digit.", "emoji-only"),
    case(C, "name", "coffee shops", 400, DUPLICATE_CATEGORY, "duplicate"),
    case(C, "icon", "", 400, ICON_ERROR, "empty"),
    case(C, "icon", "-1", 400, ICON_ERROR, "negative"),
    case(C, "icon", HUGE, 400, ICON_ERROR, "huge"),
    case(C, "icon", "🆕" * 10_000, 400, ICON_ERROR, "huge-emoji"),
    case(C, "icon", "\x00", 400, ICON_ERROR, "nul"),
    case(C, "icon", SQL, 400, ICON_ERROR, "sql"),
]

# The same through JSON, with values of the wrong JSON type.
JSON_TYPE_CASES = [
    case(A, "account", 123, 400, ACCOUNT_REQUIRED, "number"),
    case(A, "account", ["Fresh"], 400, ACCOUNT_REQUIRED, "list"),
    case(A, "account", None, 400, ACCOUNT_REQUIRED, "null"),
    case(A, "amount", True, 400, AMOUNT_FORMAT_ERROR, "bool"),
    case(A, "amount", [10], 400, AMOUNT_FORMAT_ERROR, "list"),
    case(A, "amount", {"value": 10}, 400, AMOUNT_FORMAT_ERROR, "object"),
    case(A, "amount", 1e30, 400, AMOUNT_FORMAT_ERROR, "1e30"),
    case(A, "currency", False, 400, "Currency must be a three-letter ISO 4217 code.", "bool"),
    case(A, "type", 5, 400, f"Account type must be one of: {ACCOUNT_TYPES}.", "number"),
    case(T, "type", ["spent"], 400, TYPE_ERROR, "list"),
    case(T, "account", 5, 400, "Account must be text.", "number"),
    case(T, "category", ["home"], 400, "Category must be text.", "list"),
    case(T, "amount", False, 400, AMOUNT_FORMAT_ERROR, "bool"),
    case(T, "amount", -5, 400, "Amount must not be negative.", "negative-number"),
    case(T, "amount", 0.001, 400, "Amount has more decimals than EUR allows (2).", "decimals"),
    case(T, "amount", 1e30, 400, AMOUNT_FORMAT_ERROR, "1e30"),
    case(T, "date", 20240601, 400, DATE_ERROR, "number"),
    case(T, "description", {"text": "x"}, 400, "Description must be text.", "object"),
    case(C, "type", None, 400, TYPE_ERROR, "null"),
    case(C, "name", 5, 400, "name parameter is required", "number"),
    case(C, "icon", ["🆕"], 400, ICON_ERROR, "list"),
]


@pytest.fixture
def world(api):
    """alice with an account "Main" holding a transaction, and a category of her own."""
    api.create_account("Main", "100.00")
    api.create_transaction("spent", "2.50")
    api.create_category("Coffee Shops", "☕")
    return api


@pytest.mark.parametrize("path, field, value, status, message", CREATE_CASES)
def test_rejected_create_changes_nothing(world, path, field, value, status, message):
    params = {**VALID[path], field: value}
    before = snapshot()
    for response in (world.get(path, params), world.post(path, data=params), world.post(path, json=params)):
        fails(response, status, message)
        assert snapshot() == before


@pytest.mark.parametrize("path, field, value, status, message", JSON_TYPE_CASES)
def test_wrong_json_types_are_rejected(world, path, field, value, status, message):
    before = snapshot()
    fails(world.post(path, json={**VALID[path], field: value}), status, message)
    assert snapshot() == before


@pytest.mark.parametrize("path", VALID)
def test_the_valid_requests_really_are_valid(world, path):
    """The baseline of the tables above: without a spoiled field, each create works."""
    assert ok(world.get(path, VALID[path]))["status"] == "ok"


@pytest.mark.parametrize("name", ["Готівка", "חשבון ראשי", "حساب", "💳 Card 🇺🇦", "Ω≈ç√∫", SQL, "-1",
                                  "1e30", "9" * 40, "z" * 100, "NULL", "<script>alert(1)</script>"])
def test_unusual_account_names_are_stored_as_given(world, name):
    world.create_account(name, "-0.01")
    assert world.balances() == {"Main": Decimal("97.50"), name: Decimal("-0.01")}
    world.create_transaction("earn", "0.01", account=name)  # and are found again by name
    assert world.balances()[name] == Decimal("0.00")


@pytest.mark.parametrize("description", ["'; DROP TABLE transactions; --", "שלום 🚀", "Кава з молоком",
                                         "d" * 500, "-1", "Robert'); DELETE FROM users;--"])
def test_unusual_descriptions_are_stored_as_given(world, description):
    world.create_transaction("spent", "1", description=description)
    assert world.transactions()[0]["description"] == description


# --- list filters ----------------------------------------------------------------------

LIST_CASES = [
    *[pytest.param("transactions/", {field: value}, DATE_ERROR, id=f"{field}-{name}")
      for field in ("from", "to")
      for name, value in (("negative", "-1"), ("huge", HUGE), ("40-nines", "9" * 40), ("1e30", "1e30"),
                          ("sql", "2024-01-01' OR '1'='1"), ("nul", "2024-01-01\x00"),
                          ("emoji", "📅"), ("negative-year", "-2024-01-01"))],
    pytest.param("transactions/", {"limit": "-1"}, "Limit must be between 1 and 10000.", id="limit-negative"),
    pytest.param("transactions/", {"limit": "1e30"}, "Limit must be a whole number.", id="limit-1e30"),
    pytest.param("transactions/", {"limit": "9" * 40}, "Limit must be a whole number.", id="limit-40-nines"),
    pytest.param("transactions/", {"limit": HUGE}, "Limit must be a whole number.", id="limit-huge"),
    pytest.param("transactions/", {"limit": ""}, "Limit must be a whole number.", id="limit-empty"),
    pytest.param("transactions/", {"limit": "1; DROP TABLE transactions"}, "Limit must be a whole number.",
                 id="limit-sql"),
    pytest.param("transactions/", {"offset": "-1"}, "Offset must be between 0 and 1000000000.",
                 id="offset-negative"),
    pytest.param("transactions/", {"offset": "1000000001"}, "Offset must be between 0 and 1000000000.",
                 id="offset-too-big"),
    pytest.param("transactions/", {"offset": "9" * 40}, "Offset must be a whole number.", id="offset-40-nines"),
    pytest.param("transactions/", {"offset": "1e30"}, "Offset must be a whole number.", id="offset-1e30"),
    pytest.param("transactions/", {"offset": "0 OR 1=1"}, "Offset must be a whole number.", id="offset-sql"),
    *[pytest.param("categories/", {"type": value}, LIST_TYPE_ERROR, id=f"type-{name}")
      for name, value in (("negative", "-1"), ("huge", HUGE), ("sql", "spent' OR '1'='1"),
                          ("nul", "spent\x00"), ("emoji", "💸"))],
    *[pytest.param("categories/", {"user": value}, USER_FILTER_ERROR, id=f"user-{name}")
      for name, value in (("negative", "-1"), ("huge", HUGE), ("sql", "true' OR '1'='1"),
                          ("nul", "true\x00"), ("emoji", "✅"))],
]


@pytest.mark.parametrize("path, params, message", LIST_CASES)
def test_bad_list_filters(world, path, params, message):
    fails(world.get(path, params), 400, message)


@pytest.mark.parametrize("params", [{"from": ""}, {"to": ""}, {"from": "", "to": ""}])
def test_empty_dates_mean_the_default_window(world, params):
    assert [row["amount"] for row in world.transactions(params)] == [Decimal("2.50")]


# --- malformed bodies ------------------------------------------------------------------

BODIES = [
    pytest.param("{bad", INVALID_JSON, id="malformed"),
    pytest.param('{"account": "Fresh",}', INVALID_JSON, id="trailing-comma"),
    pytest.param("{'account': 'Fresh'}", INVALID_JSON, id="single-quotes"),
    pytest.param(b"\xff\xfe{}", INVALID_JSON, id="not-utf8"),
    pytest.param("   ", INVALID_JSON, id="blank"),
    # Past jsonio.MAX_DEPTH the answer says so, before any parse (issue 13).
    pytest.param("[" * 100_000, TOO_DEEP, id="deep-open-arrays"),
    pytest.param("[" * 100_000 + "]" * 100_000, TOO_DEEP, id="deep-arrays"),
    pytest.param('{"a":' * 100_000, TOO_DEEP, id="deep-objects"),
    pytest.param('[{"account": "Fresh"}]', NOT_AN_OBJECT, id="array"),
    pytest.param("[]", NOT_AN_OBJECT, id="empty-array"),
    pytest.param('"Fresh"', NOT_AN_OBJECT, id="string"),
    pytest.param("42", NOT_AN_OBJECT, id="number"),
    pytest.param("null", NOT_AN_OBJECT, id="null"),
]


@pytest.mark.parametrize("body, message", BODIES)
def test_malformed_json_bodies(world, body, message):
    before = snapshot()
    for path in ("token/", "accounts/create/", "transactions/create/", "categories/create/"):
        fails(world.post(path, data=body, content_type="application/json"), 400, message)
    assert snapshot() == before


def test_json_body_on_a_list_is_read_too(world):
    response = world.client.get(BASE + "categories/", json={"type": "nope"}, headers=world.headers)
    fails(response, 400, LIST_TYPE_ERROR)


def test_unexpected_errors_answer_a_short_json_500(world, monkeypatch):
    def explode(_ledger_id):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.totals, "all_time_totals", explode)
    response = world.get("profile-data/")
    fails(response, 500, "Internal server error")
    assert "secret" not in response.get_data(as_text=True)
