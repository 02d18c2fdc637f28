"""PUT /transactions/{id} with ``splits``: the transaction keeps the remainder, each split
becomes a row of its account, the balance does not move, and a split that does not add
up or breaks a rule saves nothing at all (the transaction's other changes included)."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import CategoryRule, Transaction
from spendsense.services.ledger import accounts, categories
from spendsense.services.scope import ledger_for
from tests import factories
from tests.api.v2.helpers import decimal_json, error_of, no_nulls
from tests.unit.helpers import balance, row


@pytest.fixture
def account(ledger):
    return accounts.create_account(ledger, "Current", currency="EUR", opening_balance="100").id


@pytest.fixture
def groceries(ledger):
    return categories.create_category(ledger, "Groceries", "🛒", "spent").id


@pytest.fixture
def dining(ledger):
    return categories.create_category(ledger, "Dining", "🍽", "spent").id


@pytest.fixture
def txn(ledger, account, groceries):
    """-100.00 at Market on 2024-03-10 14:30, in Groceries."""
    return factories.create_transaction(ledger, account_id=account, amount="-100", payee="Market",
                                        occurred_at="2024-03-10T14:30:00", category_id=groceries,
                                        memo="POS 1", labels=("weekly",)).id


def rows_of(account):
    """(id, amount, payee, category, occurred_at, description, source) of the live rows, by id."""
    db.session.rollback()
    return db.session.execute(select(
        Transaction.id, Transaction.amount, Transaction.payee, Transaction.category_id, Transaction.occurred_at,
        Transaction.description, Transaction.source)
        .where(Transaction.account_id == account, Transaction.deleted_at.is_(None))
        .order_by(Transaction.id)).all()


def split(v2, txn, amount, splits, **fields):
    return v2.put(f"/transactions/{txn}", json={"amount": amount, "splits": splits, **fields})


def test_split_keeps_the_remainder_and_adds_the_parts(v2, account, txn, groceries, dining):
    response = split(v2, txn, -60, [
        {"amount": -30.5, "category_id": dining, "payee": "Restaurant ABC", "note": "Lunch portion"},
        {"amount": -9.5, "date": "2024-03-12"},
    ])
    assert response.status_code == 200, response.get_json()
    body = decimal_json(response)
    no_nulls(body)
    assert set(body) == {"transaction", "split_transactions"}
    kept, parts = body["transaction"], body["split_transactions"]
    assert (kept["id"], str(kept["amount"]), kept["payee"], kept["category"]["id"]) == (txn, "-60.00", "Market",
                                                                                       groceries)
    assert [str(part["amount"]) for part in parts] == ["-30.50", "-9.50"]
    first, second = parts
    assert (first["payee"], first["category"]["id"], first["note"], first["date"]) == (
        "Restaurant ABC", dining, "Lunch portion", "2024-03-10")
    # The second inherits the payee and the category; its date is its own.
    assert (second["payee"], second["category"]["id"], second["date"]) == ("Market", groceries, "2024-03-12")
    assert "memo" not in second and second["labels"] == []
    assert balance(account) == 0  # 100.00 - 100.00, as before the split
    stored = rows_of(account)
    assert [(r.amount, r.source) for r in stored] == [(-6000, "web"), (-3050, "api"), (-950, "api")]
    assert stored[2].occurred_at == datetime.fromisoformat("2024-03-12T14:30:00")
    assert [r.id for r in stored[1:]] == [part["id"] for part in parts]


def test_split_parts_inherit_the_changed_transaction(v2, account, txn, dining):
    response = split(v2, txn, -75, [{"amount": -25}], payee="Farmers market", category_id=dining,
                     date="2024-03-11")
    assert response.status_code == 200, response.get_json()
    part = response.get_json()["split_transactions"][0]
    assert (part["payee"], part["category"]["id"], part["date"]) == ("Farmers market", dining, "2024-03-11")
    assert balance(account) == 0


def test_a_split_told_to_have_no_category_has_none(v2, ledger, account, txn):
    other = categories.create_category(ledger, "Sundries", "❓", "spent").id
    db.session.add(CategoryRule(ledger_id=ledger, category_id=other, payee_pattern="market"))
    db.session.commit()
    parts = split(v2, txn, -80, [{"amount": -10, "category_id": ""}, {"amount": -10, "category_id": None}]
                  ).get_json()["split_transactions"]
    assert all("category" not in part for part in parts)


def test_split_exact_in_jpy(v2, ledger):
    yen = accounts.create_account(ledger, "Yen", currency="JPY").id
    txn = factories.create_transaction(ledger, account_id=yen, amount="-1500", payee="Konbini").id
    body = decimal_json(split(v2, txn, -1001, [{"amount": -499}]))
    assert (str(body["transaction"]["amount"]), str(body["split_transactions"][0]["amount"])) == ("-1001", "-499")
    assert balance(yen) == -1500


BAD_SPLITS = [
    (-60, [{"amount": -30}], "-90.00"),  # adds up to -90, not -100
    (-60, [{"amount": -50}], "-110.00"),
    (None, [{"amount": -40}], "amount"),  # no remainder: checked below without the key
    (-100, [{"amount": 0}], "zero"),
    (-100.001, [{"amount": 0.001}], "decimal"),
    (-60, [{"amount": -40.001}], "decimal"),
    (-60, [{"amount": "-40"}], "number"),
    (-60, [{"amount": -20}, {"amount": -20, "category_id": 999999}], "not found"),
    (-110, [{"amount": 10}], "expense category"),  # inherits Groceries, but takes money in
    (-60, [{"amount": -40, "is_transfer": True}], "two linked transactions"),
    (-60, [{"amount": -40, "payee": ""}], "payee"),
    (-60, [{"amount": -40, "date": "2024-02-30"}], "date"),
    (-60, [{"payee": "no amount"}], "amount"),
    (-60, [], "at least 1"),
    (-60, {"amount": -40}, "list"),
    (-60, [-40], "splits"),
]


@pytest.mark.parametrize("amount, splits, says", BAD_SPLITS)
def test_a_bad_split_is_422_and_saves_nothing(v2, account, txn, amount, splits, says):
    before = rows_of(account)
    body = {"splits": splits, "payee": "Changed", "labels": "new"}
    if amount is not None:
        body["amount"] = amount
    message = error_of(v2.put(f"/transactions/{txn}", json=body), 422)
    assert says.lower() in message.lower(), message
    assert rows_of(account) == before
    assert balance(account) == 0
    assert [label.name for label in row(txn).labels] == ["weekly"]


def test_too_many_splits_are_422(v2, account, txn):
    parts = [{"amount": -0.01}] * 101
    error_of(split(v2, txn, round(-100 + 1.01, 2), parts), 422)
    assert len(rows_of(account)) == 1


def test_a_transfer_leg_is_not_split(v2, ledger, account):
    savings = accounts.create_account(ledger, "Savings", currency="EUR").id
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=account, to_account_id=savings,
                                                amount="30")
    assert "transfer" in error_of(split(v2, out_leg.id, -20, [{"amount": -10}]), 422)
    assert (row(out_leg.id).amount, row(in_leg.id).amount) == (-3000, 3000)
    assert len(rows_of(account)) == 1 and len(rows_of(savings)) == 1


def test_another_users_category_in_a_split_is_422(v2, other_user, account, txn):
    bobs = categories.create_category(ledger_for(other_user), "Bob's", "🎲", "spent").id
    before = rows_of(account)
    assert "not found" in error_of(split(v2, txn, -60, [{"amount": -40, "category_id": bobs}]), 422).lower()
    assert rows_of(account) == before


def test_bob_cannot_split_alices_transaction(v2_bob, account, txn):
    before = rows_of(account)
    error_of(split(v2_bob, txn, -60, [{"amount": -40}]), 403)
    assert rows_of(account) == before


def test_the_document_says_an_update_answers_either_shape(v2):
    document = v2.get("/openapi.json").get_json()
    answer = document["paths"]["/transactions/{id}"]["put"]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]
    refs = {branch["$ref"] for branch in schema["anyOf"]}
    assert refs == {"#/components/schemas/Transaction", "#/components/schemas/SplitAnswer"}
    split_answer = document["components"]["schemas"]["SplitAnswer"]
    assert set(split_answer["required"]) == {"transaction", "split_transactions"}
    body = document["paths"]["/transactions/{id}"]["put"]["requestBody"]["content"]["application/json"]
    assert "splits" in document["components"]["schemas"][body["schema"]["$ref"].rpartition("/")[2]]["properties"]


def test_split_ids_follow_in_order(v2, account, txn):
    parts = split(v2, txn, -97, [{"amount": -1}, {"amount": -1}, {"amount": -1}]).get_json()["split_transactions"]
    ids = [part["id"] for part in parts]
    assert ids == sorted(ids) and len(set(ids)) == 3
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Transaction).where(
        Transaction.account_id == account)) == 4
