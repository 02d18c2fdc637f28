"""/users/{id}/category_rules and /categories/{id}/category_rules: list and create, with
the rule applied on request to the transactions there are."""

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Category, CategoryRule, Transaction
from spendsense.services.ledger import accounts, categories, rules
from spendsense.services.scope import ledger_for
from tests import factories
from tests.api.v2.helpers import error_of, no_nulls


def system(value, kind="spent"):
    return db.session.scalars(select(Category).where(Category.ledger_id.is_(None), Category.value == value,
                                                     Category.kind == kind)).one()


@pytest.fixture
def account(ledger):
    return accounts.create_account(ledger, "Main", currency="EUR").id


@pytest.fixture
def food(ledger):
    return categories.create_category(ledger, "Food", "🍔", "spent")


@pytest.fixture
def bobs(other_user):
    return categories.create_category(ledger_for(other_user), "Bob's", "🎸", "spent")


def spend(ledger, account, payee, amount="-5", **fields):
    return factories.create_transaction(ledger, account_id=account, amount=amount, payee=payee, apply_rules=False,
                                        **fields).id


def category_of(txn_id):
    db.session.expire_all()
    return db.session.get(Transaction, txn_id).category_id


def test_create_answers_200_with_the_full_category(v2, ledger, food):
    snacks = categories.create_category(ledger, "Snacks", "🍿", "spent", parent_id=food.id)
    response = v2.post(f"/categories/{food.id}/category_rules", json={"payee_matches": "Countdown"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    no_nulls(body)
    assert set(body) == {"id", "category", "payee_matches", "created_at", "updated_at"}
    assert body["payee_matches"] == "Countdown"
    assert body["category"]["id"] == food.id and body["category"]["title"] == "Food"
    assert [c["id"] for c in body["category"]["children"]] == [snacks.id]
    rule = db.session.get(CategoryRule, body["id"])
    assert (rule.ledger_id, rule.category_id, rule.match_mode) == (ledger, food.id, "contains")


def test_a_rule_may_file_under_a_system_category(v2, ledger):
    supermarket = system("supermarket")
    body = v2.post(f"/categories/{supermarket.id}/category_rules", json={"payee_matches": "Countdown",
                                                                        "match": "exact"}).get_json()
    assert body["category"]["title"] == "Supermarket"
    assert db.session.get(CategoryRule, body["id"]).match_mode == "exact"


def test_lists_in_order(v2, user, ledger, food):
    supermarket = system("supermarket")
    first = rules.create_rule(ledger, supermarket.id, "Countdown")
    second = rules.create_rule(ledger, food.id, "Burger")
    third = rules.create_rule(ledger, supermarket.id, "Pak'nSave")
    rules.move_rule(ledger, third.id, -1)
    everything = v2.get(f"/users/{user.id}/category_rules")
    assert everything.status_code == 200
    listed = everything.get_json()
    no_nulls(listed)
    assert [r["id"] for r in listed] == [first.id, third.id, second.id]
    assert [r["category"]["title"] for r in listed] == ["Supermarket", "Supermarket", "Food"]
    of_supermarket = v2.get(f"/categories/{supermarket.id}/category_rules").get_json()
    assert [r["id"] for r in of_supermarket] == [first.id, third.id]
    assert v2.get(f"/categories/{system('transport').id}/category_rules").get_json() == []


def test_apply_to_uncategorised(v2, ledger, account, food):
    loose = spend(ledger, account, "COUNTDOWN 42")
    filed = spend(ledger, account, "Countdown", category_id=system("supermarket").id)
    refund = spend(ledger, account, "Countdown refund", amount="3")
    response = v2.post(f"/categories/{food.id}/category_rules",
                       json={"payee_matches": "countdown", "apply_to_uncategorised": True})
    assert response.status_code == 200
    assert (category_of(loose), category_of(filed), category_of(refund)) == (food.id, system("supermarket").id,
                                                                            None)


def test_apply_to_all(v2, ledger, account, food, other_user):
    loose = spend(ledger, account, "Countdown")
    filed = spend(ledger, account, "Countdown", category_id=system("supermarket").id)
    bob_ledger = ledger_for(other_user)
    bobs_row = spend(bob_ledger, accounts.create_account(bob_ledger, "Bob's", currency="EUR").id, "Countdown")
    v2.post(f"/categories/{food.id}/category_rules", json={"payee_matches": "countdown", "apply_to_all": True})
    assert category_of(loose) == category_of(filed) == food.id
    assert category_of(bobs_row) is None


def test_without_apply_nothing_is_filed(v2, ledger, account, food):
    loose = spend(ledger, account, "Countdown")
    v2.post(f"/categories/{food.id}/category_rules", json={"payee_matches": "countdown"})
    assert category_of(loose) is None
    txn = factories.create_transaction(ledger, account_id=account, amount="-2", payee="Countdown Ponsonby")
    assert category_of(txn.id) == food.id  # new rows take the rule


@pytest.mark.parametrize("body, words", [
    ({}, "payee_matches"),
    ({"payee_matches": ""}, "required"),
    ({"payee_matches": "   "}, "required"),
    ({"payee_matches": None}, "payee_matches"),
    ({"payee_matches": 42}, "payee_matches"),
    ({"payee_matches": "x" * 201}, "payee_matches"),
    ({"payee_matches": "Shop", "match": "regex"}, "match"),
    ({"payee_matches": "Shop", "apply_to_all": "sometimes"}, "apply_to_all"),
])
def test_bad_rule_is_422(v2, food, body, words):
    assert words in error_of(v2.post(f"/categories/{food.id}/category_rules", json=body), 422)
    assert db.session.scalars(select(CategoryRule)).all() == []


def test_a_duplicate_rule_is_422(v2, food):
    v2.post(f"/categories/{food.id}/category_rules", json={"payee_matches": "Shop"})
    assert "already a rule" in error_of(v2.post(f"/categories/{food.id}/category_rules",
                                                json={"payee_matches": "shop"}), 422)


def test_another_users_rules_and_categories_are_403(v2_bob, v2, user, other_user, ledger, food, bobs):
    rules.create_rule(ledger, food.id, "Shop")
    error_of(v2_bob.get(f"/users/{user.id}/category_rules"), 403)
    error_of(v2_bob.get(f"/categories/{food.id}/category_rules"), 403)
    error_of(v2_bob.post(f"/categories/{food.id}/category_rules", json={"payee_matches": "Mine"}), 403)
    error_of(v2.post(f"/categories/{bobs.id}/category_rules", json={"payee_matches": "Guitar"}), 403)
    assert [r.payee_pattern for r in db.session.scalars(select(CategoryRule))] == ["Shop"]
    # bob's list holds only his own rules: none
    assert v2_bob.get(f"/users/{other_user.id}/category_rules").get_json() == []


@pytest.mark.parametrize("path", ["/categories/999999/category_rules", "/categories/0/category_rules",
                                  "/categories/99999999999999999999/category_rules"])
def test_a_missing_category_is_404(v2, path):
    error_of(v2.get(path), 404)
    error_of(v2.post(path, json={"payee_matches": "x"}), 404)


def test_an_unknown_user_is_404(v2):
    error_of(v2.get("/users/999999/category_rules"), 404)


@pytest.mark.parametrize("method, path", [("GET", "/users/1/category_rules"), ("GET", "/categories/1/category_rules"),
                                          ("POST", "/categories/1/category_rules")])
def test_no_key_is_401(v2_anonymous, method, path):
    error_of(v2_anonymous._call(method, path, json={"payee_matches": "x"}), 401)
