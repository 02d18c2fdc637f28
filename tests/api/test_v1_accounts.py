"""v1 accounts: listing (both paths), creating by GET query, POST form and POST JSON,
and balances moving with transactions."""

from decimal import Decimal

import pytest

from tests.api.helpers import (
    ACCOUNT_REQUIRED,
    AMOUNT_FORMAT_ERROR,
    DUPLICATE_ACCOUNT,
    SCHEMES,
    fails,
    ok,
    raw_number,
    snapshot,
)


@SCHEMES
@pytest.mark.parametrize("path", ["accounts/", "accounts/get/", "accounts", "accounts/get"])
def test_list_accounts(api, path):
    main = api.create_account("Main", "12.34")
    cash = api.create_account("Cash")
    response = api.get(path)
    assert ok(response) == {"user": "alice", "accounts": [
        {"name": "Main", "account": "Main", "balance": Decimal("12.34"), "id": main, "currency": "EUR", "type": "bank",
         "archived": False},
        {"name": "Cash", "account": "Cash", "balance": Decimal("0.00"), "id": cash, "currency": "EUR", "type": "bank",
         "archived": False},
    ]}
    assert raw_number(response, "balance", "12.34")
    assert raw_number(response, "balance", "0.00")


@SCHEMES
@pytest.mark.parametrize("path", ["accounts/", "accounts/get/"])
def test_no_accounts_is_404(api, path):
    fails(api.get(path), 404, "Accounts cannot be found")


@SCHEMES
def test_create_by_get_query(api):
    response = api.get("accounts/create/", {"account": "Main", "amount": "1000"})
    body = ok(response)
    assert body == {"status": "ok", "id": body["id"]}
    assert api.balances() == {"Main": Decimal("1000.00")}


@SCHEMES
def test_create_by_post_form(api):
    body = ok(api.post("accounts/create/", data={"account": "Wallet", "amount": "7.05"}))
    assert body["status"] == "ok"
    assert api.balances() == {"Wallet": Decimal("7.05")}


@SCHEMES
def test_create_by_post_json_with_a_number(api):
    ok(api.post("accounts/create/", json={"account": "Wallet", "amount": 12.5}))
    response = api.get("accounts/")
    assert ok(response)["accounts"][0]["balance"] == Decimal("12.50")
    assert raw_number(response, "balance", "12.50")


def test_create_without_trailing_slash(api):
    response = api.post("accounts/create", json={"account": "Wallet"})
    assert ok(response)["status"] == "ok"
    assert api.balances() == {"Wallet": Decimal("0.00")}


@pytest.mark.parametrize("amount", [None, "", "0", "0.00", 0])
def test_amount_defaults_to_zero_and_zero_is_allowed(api, amount):
    body = {"account": "Empty"} if amount is None else {"account": "Empty", "amount": amount}
    ok(api.post("accounts/create/", json=body))
    response = api.get("accounts/")
    assert ok(response)["accounts"][0]["balance"] == Decimal("0.00")
    assert raw_number(response, "balance", "0.00")


@pytest.mark.parametrize("amount, balance", [
    ("-250.75", "-250.75"),  # a credit card or loan opens below zero
    ("+5", "5.00"),
    (" 42.1 ", "42.10"),
    (".5", "0.50"),
    ("999999999999.99", "999999999999.99"),
])
def test_opening_amounts_are_kept_exactly(api, amount, balance):
    api.create_account("Card", amount)
    assert api.balances() == {"Card": Decimal(balance)}


def test_later_sources_win_json_over_form_over_query(api):
    ok(api.post("accounts/create/", params={"account": "FromQuery"}, data={"account": "FromForm"}))
    ok(api.post("accounts/create/", params={"account": "Query2", "amount": "1"},
                json={"account": "FromJson", "amount": "2"}))
    assert api.balances() == {"FromForm": Decimal("0.00"), "FromJson": Decimal("2.00")}


def test_extra_currency_and_type(api):
    ok(api.get("accounts/create/", {"account": "Dollars", "amount": "3.5", "currency": "usd",
                                    "type": "cash"}))
    ok(api.get("accounts/create/", {"account": "Yen", "amount": "150", "currency": "JPY"}))
    accounts = ok(api.get("accounts/"))["accounts"]
    assert [(a["name"], a["balance"], a["currency"], a["type"]) for a in accounts] == [
        ("Dollars", Decimal("3.50"), "USD", "cash"),
        ("Yen", Decimal("150"), "JPY", "bank"),
    ]


@pytest.mark.parametrize("params", [{}, {"account": ""}, {"account": "   "}, {"amount": "5"}])
def test_account_parameter_is_required(api, params):
    fails(api.get("accounts/create/", params), 400, ACCOUNT_REQUIRED)
    fails(api.post("accounts/create/", json=params), 400, ACCOUNT_REQUIRED)


@pytest.mark.parametrize("amount", ["abc", "12,50", "1e3", "NaN", "Infinity", "0x10", "1_000",
                                    "12.5.1", "--5", "€5", "5€", "١٢", True, [5], {"v": 5}])
def test_bad_amount(api, amount):
    fails(api.post("accounts/create/", json={"account": "Main", "amount": amount}), 400,
          AMOUNT_FORMAT_ERROR)
    assert snapshot()[0]["accounts"] == 0


def test_amount_with_too_many_decimals(api):
    fails(api.get("accounts/create/", {"account": "Main", "amount": "1.005"}), 400,
          "Amount has more decimals than EUR allows (2).")
    fails(api.get("accounts/create/", {"account": "Yen", "amount": "1.5", "currency": "JPY"}), 400,
          "Amount has more decimals than JPY allows (0).")


@pytest.mark.parametrize("existing, duplicate", [
    ("Main", "Main"), ("Main", "main"), ("Main", " MAIN "), ("Готівка", "ГОТІВКА"), ("Ölkonto", "ölkonto"),
])
def test_duplicate_name(api, existing, duplicate):
    api.create_account(existing, "10")
    before = snapshot()
    fails(api.get("accounts/create/", {"account": duplicate, "amount": "99"}), 400, DUPLICATE_ACCOUNT)
    assert snapshot() == before
    assert api.balances() == {existing: Decimal("10.00")}


@SCHEMES
def test_spent_lowers_and_earn_raises_the_balance(api, main_account):
    api.create_account("Other", "1.00")
    api.create_transaction("spent", "12.34")
    assert api.balances() == {"Main": Decimal("87.66"), "Other": Decimal("1.00")}
    api.create_transaction("earn", "0.10")
    api.create_transaction("earn", "0.20")
    response = api.get("accounts/")
    assert ok(response)["accounts"][0]["balance"] == Decimal("87.96")
    assert raw_number(response, "balance", "87.96")
    api.create_transaction("spent", "187.96")
    assert api.balances() == {"Main": Decimal("-100.00"), "Other": Decimal("1.00")}


def test_accounts_are_listed_in_creation_order(api):
    for name in ("Zeta", "Alpha", "Mu"):
        api.create_account(name)
    assert list(api.balances()) == ["Zeta", "Alpha", "Mu"]
