"""One user's key never reads or changes another user's rows, on any v1 endpoint."""

from decimal import Decimal

import pytest

from tests.api.helpers import ACCOUNT_NOT_FOUND, CATEGORY_NOT_FOUND, fails, ok, snapshot

ALICE_BALANCES = {"Alice Savings": Decimal("987.65"), "Shared Name": Decimal("10.00")}


@pytest.fixture
def alice_data(api):
    """alice: two accounts, a transaction in each and two categories of her own."""
    api.create_account("Alice Savings", "1000")
    api.create_account("Shared Name", "10")
    api.create_category("Alice Hobby", "🎨")
    api.create_category("Alice Bonus", "💶", kind="earn")
    api.create_transaction("spent", "12.35", account="Alice Savings", category="alice_hobby")
    api.create_transaction("earn", "7.77", account="Shared Name", category="alice_bonus")
    api.create_transaction("spent", "7.77", account="Shared Name", category="home")
    assert api.balances() == ALICE_BALANCES
    return api


def test_token_check_names_the_key_owner(alice_data, bob):
    assert ok(bob.get("token/check/")) == {"status": "valid", "user": "bob"}


@pytest.mark.parametrize("path", ["accounts/", "accounts/get/"])
def test_accounts_list(alice_data, bob, path):
    fails(bob.get(path), 404, "Accounts cannot be found")
    wallet = bob.create_account("Bob Wallet", "3")
    assert ok(bob.get(path)) == {"user": "bob", "accounts": [
        {"name": "Bob Wallet", "account": "Bob Wallet", "balance": Decimal("3.00"), "id": wallet, "currency": "EUR",
         "type": "bank", "archived": False}]}


def test_transactions_list(alice_data, bob):
    fails(bob.get("transactions/"), 404, "Transactions cannot be found")
    fails(bob.get("transactions/", {"from": "2000-01-01", "to": "2999-12-31"}), 404,
          "Transactions cannot be found")
    bob.create_account("Bob Wallet", "3")
    bob.create_transaction("spent", "1", account="Bob Wallet")
    [row] = ok(bob.get("transactions/"))["transactions"]
    assert (row["account"], row["amount"]) == ("Bob Wallet", Decimal("1.00"))


@pytest.mark.parametrize("name", ["Alice Savings", "alice savings", "ALICE SAVINGS"])
def test_transaction_into_alices_account(alice_data, bob, name):
    before = snapshot()
    for kind, category in (("spent", "home"), ("earn", "salary")):
        fails(bob.get("transactions/create/", {"type": kind, "account": name, "category": category,
                                               "amount": "500"}), 404, ACCOUNT_NOT_FOUND)
        fails(bob.post("transactions/create/", json={"type": kind, "account": name, "category": category,
                                                     "amount": 500}), 404, ACCOUNT_NOT_FOUND)
    assert snapshot() == before
    assert alice_data.balances() == ALICE_BALANCES


def test_same_account_name_is_separate(alice_data, bob):
    bob.create_account("Shared Name", "1")
    bob.create_transaction("spent", "0.50", account="Shared Name")
    assert bob.balances() == {"Shared Name": Decimal("0.50")}
    assert alice_data.balances() == ALICE_BALANCES


def test_categories_list(alice_data, bob):
    values = {c["value"] for c in ok(bob.get("categories/"))["categories"]}
    assert len(values) == 16 and not values & {"alice_hobby", "alice_bonus"}  # "gifts" is in both types
    fails(bob.get("categories/", {"user": "true"}), 404, "Categories cannot be found")
    fails(bob.get("categories/get/", {"user": "true", "type": "earn"}), 404, "Categories cannot be found")
    assert len(ok(bob.get("categories/", {"user": "false"}))["categories"]) == 17


@pytest.mark.parametrize("kind, category", [("spent", "alice_hobby"), ("earn", "alice_bonus")])
def test_alices_category_value(alice_data, bob, kind, category):
    bob.create_account("Bob Wallet", "3")
    before = snapshot()
    fails(bob.get("transactions/create/", {"type": kind, "account": "Bob Wallet", "category": category,
                                           "amount": "1"}), 404, CATEGORY_NOT_FOUND)
    assert snapshot() == before


def test_same_category_name_is_separate(alice_data, bob):
    bob.create_category("Alice Hobby", "🧶")
    [own] = ok(bob.get("categories/", {"user": "true"}))["categories"]
    assert (own["value"], own["icon"]) == ("alice_hobby", "🧶")
    alice_own = {(c["value"], c["icon"]) for c in ok(alice_data.get("categories/", {"user": "true"}))["categories"]}
    assert alice_own == {("alice_hobby", "🎨"), ("alice_bonus", "💶")}


def test_profile_data(alice_data, bob):
    assert ok(bob.get("profile-data/")) == {
        "user": "bob", "total_all_spending": Decimal("0.00"), "total_all_earning": Decimal("0.00"),
        "total_all_diff": Decimal("0.00"), "currency": "EUR", "other_currencies": {}}
    bob.create_account("Bob Wallet")
    bob.create_transaction("earn", "2", account="Bob Wallet")
    body = ok(bob.get("profile-data/"))
    assert (body["total_all_spending"], body["total_all_earning"]) == (Decimal("0.00"), Decimal("2.00"))
    alice = ok(alice_data.get("profile-data/"))
    assert (alice["total_all_spending"], alice["total_all_earning"], alice["total_all_diff"]) == (
        Decimal("20.12"), Decimal("7.77"), Decimal("-12.35"))
