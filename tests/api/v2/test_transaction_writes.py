"""POST /transaction_accounts/{id}/transactions, PUT and DELETE /transactions/{id}:
exact amounts and balances, labels in both forms, category rules, transfers' legs, and
every refusal (401, 403, 404, 422) leaving the ledger as it was."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import CategoryRule, Label, Transaction
from spendsense.services.ledger import accounts, categories
from spendsense.services.scope import ledger_for
from tests import factories
from tests.api.v2.helpers import Decimal, decimal_json, error_of, no_nulls
from tests.statements import recorded
from tests.unit.helpers import balance, row

BODY = {"payee": "Tex Otago", "amount": -11.5, "date": "2018-02-27"}


@pytest.fixture
def account(ledger):
    """Alice's EUR account, opening balance 100.00."""
    return accounts.create_account(ledger, "Current", currency="EUR", opening_balance="100").id


@pytest.fixture
def groceries(ledger):
    return categories.create_category(ledger, "Groceries", "🛒", "spent").id


@pytest.fixture
def bob_ledger(other_user):
    return ledger_for(other_user)


@pytest.fixture
def bob_category(bob_ledger):
    return categories.create_category(bob_ledger, "Bob's", "🎲", "spent").id


@pytest.fixture
def txn(ledger, account, groceries):
    """-20.00 at Market on 2024-03-10 14:30, in Groceries, labelled "weekly"."""
    return factories.create_transaction(
        ledger, account_id=account, amount="-20", occurred_at="2024-03-10T14:30:00", payee="Market",
        description="big shop", memo="POS 4417", cheque_number="000123", category_id=groceries,
        labels=("weekly",)).id


def create(v2, account, **fields):
    return v2.post(f"/transaction_accounts/{account}/transactions", json={**BODY, **fields})


def live_rows(account):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Transaction).where(
        Transaction.account_id == account, Transaction.deleted_at.is_(None)))


def snapshot(txn_id):
    """What a write could have changed on a row."""
    saved = row(txn_id)
    return (saved.amount, saved.occurred_at, saved.payee, saved.description, saved.memo, saved.cheque_number,
            saved.category_id, saved.needs_review, saved.deleted_at, [label.name for label in saved.labels])


def test_create_answers_the_transaction(v2, account, groceries):
    response = create(v2, account, category_id=groceries, note="loaded corn chips", memo="POS 4417 ÜBER*1",
                      cheque_number="000123", labels="lunch,mexican", needs_review=True, is_transfer=False)
    assert response.status_code == 201, response.get_json()
    body = decimal_json(response)
    no_nulls(body)
    assert body["payee"] == "Tex Otago"
    assert str(body["amount"]) == "-11.50" and body["type"] == "debit"
    assert body["date"] == "2018-02-27"
    assert body["category"]["id"] == groceries
    assert body["note"] == "loaded corn chips"
    assert (body["memo"], body["cheque_number"]) == ("POS 4417 ÜBER*1", "000123")
    assert body["labels"] == ["lunch", "mexican"]
    assert body["needs_review"] is True and body["is_transfer"] is False
    assert body["transaction_account"]["id"] == account
    assert body["closing_balance"] == Decimal("88.50")
    assert balance(account) == 8850
    saved = row(body["id"])
    assert (saved.source, saved.description, saved.amount) == ("api", "loaded corn chips", -1150)
    assert saved.occurred_at == datetime.fromisoformat("2018-02-27T00:00:00")


@pytest.mark.parametrize("currency, amount, text, minor", [
    ("JPY", -1500, "-1500", -1500), ("BHD", -2.005, "-2.005", -2005), ("BHD", 12, "12.000", 12000),
    ("EUR", 0.01, "0.01", 1),
])
def test_create_keeps_the_currencys_decimals(v2, ledger, currency, amount, text, minor):
    account = accounts.create_account(ledger, currency, currency=currency).id
    response = create(v2, account, amount=amount)
    assert response.status_code == 201, response.get_json()
    body = decimal_json(response)
    assert str(body["amount"]) == text
    assert str(body["closing_balance"]) == text
    assert balance(account) == minor


@pytest.mark.parametrize("labels", ["eating out, lunch,,lunch", ["lunch", "eating out"]])
def test_labels_as_a_string_or_a_list(v2, account, labels):
    body = create(v2, account, labels=labels).get_json()
    assert body["labels"] == ["eating out", "lunch"]
    assert [label.name for label in row(body["id"]).labels] == ["eating out", "lunch"]


def test_a_create_without_a_category_takes_the_rules_one(v2, ledger, account, groceries):
    db.session.add(CategoryRule(ledger_id=ledger, category_id=groceries, payee_pattern="otago"))
    db.session.commit()
    assert create(v2, account).get_json()["category"]["id"] == groceries
    assert "category" not in create(v2, account, payee="Elsewhere").get_json()
    other = categories.create_category(ledger, "Eating out", "🍔", "spent").id
    assert create(v2, account, category_id=other).get_json()["category"]["id"] == other


def test_update_changes_only_the_fields_sent(v2, account, txn):
    before = snapshot(txn)
    response = v2.put(f"/transactions/{txn}", json={"amount": -25.75})
    assert response.status_code == 200, response.get_json()
    body = decimal_json(response)
    no_nulls(body)
    assert str(body["amount"]) == "-25.75"
    assert balance(account) == 10000 - 2575
    assert body["closing_balance"] == Decimal("74.25")
    assert snapshot(txn)[1:] == before[1:]
    assert (body["payee"], body["note"], body["memo"], body["cheque_number"], body["labels"]) == (
        "Market", "big shop", "POS 4417", "000123", ["weekly"])


def test_update_every_field(v2, ledger, account, txn):
    other = categories.create_category(ledger, "Eating out", "🍔", "spent").id
    response = v2.put(f"/transactions/{txn}", json={
        "payee": "Café", "amount": -3, "date": "2024-04-02", "category_id": other, "note": "flat white",
        "memo": "CARD 0042  REF 7", "cheque_number": "0007", "needs_review": True, "labels": ["coffee", "work"],
        "is_transfer": False})
    assert response.status_code == 200, response.get_json()
    body = decimal_json(response)
    assert (body["payee"], str(body["amount"]), body["date"], body["category"]["id"], body["note"]) == (
        "Café", "-3.00", "2024-04-02", other, "flat white")
    assert (body["memo"], body["cheque_number"], body["needs_review"], body["labels"]) == (
        "CARD 0042  REF 7", "0007", True, ["coffee", "work"])
    # The date moved; the time of day stayed, so the day's rows keep their order.
    assert row(txn).occurred_at == datetime.fromisoformat("2024-04-02T14:30:00")
    assert balance(account) == 10000 - 300


def test_update_labels_as_a_string_and_clearing_them(v2, txn):
    assert v2.put(f"/transactions/{txn}", json={"labels": "a,b"}).get_json()["labels"] == ["a", "b"]
    assert v2.put(f"/transactions/{txn}", json={"labels": ""}).get_json()["labels"] == []
    assert v2.put(f"/transactions/{txn}", json={"labels": None}).get_json()["labels"] == []


def test_update_labels_in_the_query_string_as_the_official_client_sends_them(v2, txn):
    assert v2.put(f"/transactions/{txn}?labels=x,y", json={"note": "n"}).get_json()["labels"] == ["x", "y"]
    # A body's labels win over the query's.
    assert v2.put(f"/transactions/{txn}?labels=x", json={"labels": ["z"]}).get_json()["labels"] == ["z"]
    # Without labels anywhere they stay.
    assert v2.put(f"/transactions/{txn}", json={"note": "m"}).get_json()["labels"] == ["z"]


@pytest.mark.parametrize("nothing", [None, ""])
def test_null_or_empty_category_id_uncategorises(v2, txn, nothing):
    body = v2.put(f"/transactions/{txn}", json={"category_id": nothing}).get_json()
    assert "category" not in body
    assert row(txn).category_id is None


def test_null_memo_and_cheque_number_clear_them(v2, txn):
    body = v2.put(f"/transactions/{txn}", json={"memo": None, "cheque_number": ""}).get_json()
    assert "memo" not in body and "cheque_number" not in body
    assert (row(txn).memo, row(txn).cheque_number) == (None, None)


def test_delete(v2, account, txn):
    response = v2.delete(f"/transactions/{txn}")
    assert response.status_code == 204 and response.get_data() == b""
    assert row(txn).deleted_at is not None
    assert balance(account) == 10000
    error_of(v2.delete(f"/transactions/{txn}"), 404)
    error_of(v2.put(f"/transactions/{txn}", json={"amount": -1}), 404)


@pytest.fixture
def savings(ledger):
    return accounts.create_account(ledger, "Savings", currency="EUR").id


@pytest.fixture
def transfer(ledger, account, savings):
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=account, to_account_id=savings,
                                                amount="30", occurred_at="2024-03-05T09:00:00")
    return out_leg.id, in_leg.id


def test_a_transfer_leg_changes_with_its_partner(v2, account, savings, transfer):
    out_leg, in_leg = transfer
    response = v2.put(f"/transactions/{in_leg}", json={"amount": 45, "is_transfer": True})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["is_transfer"] is True
    assert (row(out_leg).amount, row(in_leg).amount) == (-4500, 4500)
    assert (balance(account), balance(savings)) == (10000 - 4500, 4500)


def test_a_transfer_leg_stays_one(v2, transfer):
    out_leg, _in_leg = transfer
    before = snapshot(out_leg)
    assert "transfer" in error_of(v2.put(f"/transactions/{out_leg}", json={"is_transfer": False, "amount": -1}),
                                  422)
    assert snapshot(out_leg) == before


def test_deleting_a_transfer_leg_deletes_both(v2, account, savings, transfer):
    out_leg, in_leg = transfer
    assert v2.delete(f"/transactions/{in_leg}").status_code == 204
    assert row(out_leg).deleted_at is not None and row(in_leg).deleted_at is not None
    assert (balance(account), balance(savings)) == (10000, 0)


def test_a_plain_transaction_is_not_made_a_transfer(v2, account, txn):
    before = snapshot(txn)
    assert "two linked transactions" in error_of(v2.put(f"/transactions/{txn}", json={"is_transfer": True}), 422)
    assert snapshot(txn) == before
    assert "two linked transactions" in error_of(create(v2, account, is_transfer=True), 422)
    assert live_rows(account) == 1


def test_without_a_key_every_write_is_401(v2_anonymous, account, txn):
    error_of(create(v2_anonymous, account), 401)
    error_of(v2_anonymous.put(f"/transactions/{txn}", json={"amount": -1}), 401)
    error_of(v2_anonymous.delete(f"/transactions/{txn}"), 401)
    assert snapshot(txn)[0] == -2000 and live_rows(account) == 1


def test_another_users_transaction_and_account_are_403(v2_bob, account, txn):
    before = snapshot(txn)
    error_of(create(v2_bob, account), 403)
    error_of(v2_bob.put(f"/transactions/{txn}", json={"amount": -1, "payee": "Bob"}), 403)
    error_of(v2_bob.put(f"/transactions/{txn}", json={"amount": -10, "splits": [{"amount": -10}]}), 403)
    error_of(v2_bob.delete(f"/transactions/{txn}"), 403)
    assert snapshot(txn) == before
    assert live_rows(account) == 1 and balance(account) == 8000


@pytest.mark.parametrize("missing", ["999999", "99999999999999999999999", "0"])
def test_missing_rows_are_404(v2, account, missing):
    error_of(create(v2, missing), 404)
    error_of(v2.put(f"/transactions/{missing}", json={"amount": -1}), 404)
    error_of(v2.delete(f"/transactions/{missing}"), 404)


def test_a_deleted_account_is_404(v2, ledger, account):
    accounts.delete_account(ledger, account)
    error_of(create(v2, account), 404)


BAD_CREATES = [
    ({"payee": None}, "payee"),
    ({"payee": "   "}, "payee"),
    ({"payee": 5}, "payee"),
    ({"amount": "12"}, "amount"),
    ({"amount": True}, "amount"),
    ({"amount": None}, "amount"),
    ({"amount": 0}, "zero"),
    ({"amount": -1.234}, "decimal"),
    ({"amount": 1e30}, "large"),
    ({"amount": 10}, "expense category"),  # Groceries is an expense category
    ({"date": "27/02/2018"}, "date"),
    ({"date": 1519689600}, "date"),
    ({"date": "2018-02-30"}, "date"),
    ({"date": "1066-10-14"}, "date"),
    ({"category_id": 999999}, "not found"),
    ({"category_id": True}, "category_id"),
    ({"labels": 5}, "labels"),
    ({"labels": [1, 2]}, "labels"),
    ({"labels": {"a": 1}}, "labels"),
    ({"needs_review": "perhaps"}, "needs_review"),
    ({"memo": 42}, "memo"),
    ({"note": "x" * 501}, "500"),
]


@pytest.mark.parametrize("fields, says", BAD_CREATES)
def test_bad_create_is_422_and_writes_nothing(v2, account, groceries, fields, says):
    body = {**BODY, "category_id": groceries, **fields}
    message = error_of(v2.post(f"/transaction_accounts/{account}/transactions", json=body), 422)
    assert says.lower() in message.lower()
    assert live_rows(account) == 0 and balance(account) == 10000
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Label)) == 0


@pytest.mark.parametrize("field", ["payee", "amount", "date"])
def test_create_needs_payee_amount_and_date(v2, account, field):
    body = {name: value for name, value in BODY.items() if name != field}
    assert field in error_of(v2.post(f"/transaction_accounts/{account}/transactions", json=body), 422)
    assert live_rows(account) == 0


def test_another_users_category_is_422(v2, account, txn, bob_category):
    assert "not found" in error_of(create(v2, account, category_id=bob_category), 422).lower()
    assert live_rows(account) == 1
    before = snapshot(txn)
    error_of(v2.put(f"/transactions/{txn}", json={"category_id": bob_category, "payee": "x"}), 422)
    assert snapshot(txn) == before


@pytest.mark.parametrize("raw, says", [("[1]", "object"), ("{nope", "JSON"), ('"text"', "object"),
                                       ("null", "object")])
def test_a_body_that_is_no_object_is_422(v2, account, txn, raw, says):
    assert says in error_of(v2.post(f"/transaction_accounts/{account}/transactions", data=raw,
                                    content_type="application/json"), 422)
    assert says in error_of(v2.put(f"/transactions/{txn}", data=raw, content_type="application/json"), 422)
    assert live_rows(account) == 1


BAD_UPDATES = [
    {"amount": "12"}, {"amount": True}, {"amount": None}, {"amount": 0}, {"amount": -1.001},
    {"amount": 1e30}, {"amount": 5},  # an income in an expense category
    {"date": "2024-13-01"}, {"date": None}, {"date": 20240301}, {"payee": None}, {"payee": ""},
    {"category_id": 999999}, {"category_id": "abc"}, {"labels": 5}, {"labels": [None]},
    {"needs_review": None}, {"is_transfer": None}, {"memo": ["x"]}, {"cheque_number": "1" * 31},
]


@pytest.mark.parametrize("fields", BAD_UPDATES)
def test_bad_update_is_422_and_changes_nothing(v2, account, txn, fields):
    before = snapshot(txn)
    # A valid change sent with the bad one is not saved either.
    error_of(v2.put(f"/transactions/{txn}", json={"note": "changed", "labels": "new", **fields}), 422)
    assert snapshot(txn) == before
    assert balance(account) == 8000
    db.session.rollback()
    assert db.session.scalars(select(Label.name)).all() == ["weekly"]


def test_an_archived_account_takes_no_new_rows(v2, ledger, account):
    accounts.archive_account(ledger, account)
    assert "archived" in error_of(create(v2, account), 422)
    assert live_rows(account) == 0


def _statements(call):
    with recorded() as seen:
        response = call()
    assert response.status_code < 300, response.get_json()
    return len(seen)


def test_a_writes_cost_does_not_grow_with_the_history(v2, ledger, account, groceries):
    def history(count):
        for day in range(count):
            factories.create_transaction(ledger, account_id=account, amount="-1", payee="Old",
                                         occurred_at=f"2023-01-{day % 28 + 1:02d}", category_id=groceries)

    def writes(label):
        created = create(v2, account, category_id=groceries)
        txn_id = created.get_json()["id"]
        # Each run makes a label of its own: finding one costs less than making it.
        return (_statements(lambda: create(v2, account, category_id=groceries)),
                _statements(lambda: v2.put(f"/transactions/{txn_id}", json={"amount": -2, "labels": label})),
                _statements(lambda: v2.delete(f"/transactions/{txn_id}")))

    history(2)
    small = writes("first")
    history(60)
    assert writes("second") == small


def test_memo_and_cheque_number_are_kept_exactly_as_sent(v2, account):
    body = v2.post(f"/transaction_accounts/{account}/transactions", json={
        "payee": "CARD4083 ST MARTINS", "amount": -34.6, "date": "2024-09-01", "memo": " POS 1234  ",
        "cheque_number": "000123 "}).get_json()
    assert (body["memo"], body["cheque_number"]) == (" POS 1234  ", "000123 ")
    assert "memo" not in v2.put(f"/transactions/{body['id']}", json={"memo": "   "}).get_json()


def test_original_payee_is_the_payee_a_transaction_was_created_with(v2, account):
    created = v2.post(f"/transaction_accounts/{account}/transactions", json={
        "payee": "CARD4083 ST MARTINS", "amount": -1, "date": "2024-09-01"}).get_json()
    changed = v2.put(f"/transactions/{created['id']}", json={"payee": "St Martins"}).get_json()
    assert (changed["payee"], changed["original_payee"]) == ("St Martins", "CARD4083 ST MARTINS")
