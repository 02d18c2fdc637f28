"""/accounts/{id}, /users/{id}/accounts (list, create, reorder) and
/institutions/{id}/accounts: one SpendSense account is one PocketSmith account whose
one transaction account shares its id."""

from datetime import date
from decimal import Decimal

import pytest

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Transaction
from spendsense.services import exchange
from spendsense.services.ledger import accounts, institutions
from spendsense.services.scope import ledger_for
from tests.api.v2.helpers import decimal_json, error_of, no_nulls
from tests.factories import create_transaction
from tests.statements import recorded

HUGE = "99999999999999999999"


@pytest.fixture
def bank(ledger):
    return institutions.create_institution(ledger, "Bank of Foo", "EUR")


@pytest.fixture
def cheque(ledger, bank):
    account = accounts.create_account(ledger, "Cheque", currency="EUR", opening_balance="100.10",
                                      institution_id=bank.id)
    create_transaction(ledger, account_id=account.id, amount="-20.05", payee="Shop")
    create_transaction(ledger, account_id=account.id, amount="0.01", payee="Interest")
    return account


@pytest.fixture
def bobs_account(other_user):
    return accounts.create_account(ledger_for(other_user), "Bob's", currency="EUR")


def check_account(body):
    no_nulls(body)
    assert body["currency_code"] == body["currency_code"].lower()
    for stamp in ("created_at", "updated_at"):
        assert body[stamp].endswith("Z") and len(body[stamp]) == 20
    held = body["primary_transaction_account"]
    assert body["transaction_accounts"] == [held]
    assert held["id"] == body["id"] and held["name"] == body["title"]
    assert held["current_balance"] == body["current_balance"]
    assert held["currency_code"] == body["currency_code"] and held["type"] == body["type"]
    date.fromisoformat(body["current_balance_date"])


def test_get_account(v2, cheque, bank):
    response = v2.get(f"/accounts/{cheque.id}")
    assert response.status_code == 200
    body = decimal_json(response)
    check_account(body)
    assert body["title"] == "Cheque" and body["type"] == "bank" and body["is_net_worth"] is True
    assert body["currency_code"] == "eur"
    assert body["current_balance"] == Decimal("80.06")
    # Same currency as the base one: the converted balance is the balance, and no rate.
    assert body["current_balance_in_base_currency"] == Decimal("80.06")
    assert "current_balance_exchange_rate" not in body
    held = body["primary_transaction_account"]
    assert held["starting_balance"] == Decimal("100.10")
    assert held["institution"]["id"] == bank.id and held["institution"]["currency_code"] == "eur"


def test_account_in_another_currency_is_converted_at_the_days_rate(v2, ledger):
    account = accounts.create_account(ledger, "Yen", currency="JPY", opening_balance="123457")
    body = decimal_json(v2.get(f"/accounts/{account.id}"))
    check_account(body)
    today = date.fromisoformat(body["current_balance_date"])
    rate, _published = exchange.rate("JPY", "EUR", today)
    assert body["current_balance"] == Decimal("123457")
    assert body["current_balance_exchange_rate"] == rate
    assert body["current_balance_in_base_currency"] == money.quantize(Decimal("123457") * rate, "EUR")
    assert "institution" not in body["primary_transaction_account"]


def test_a_currency_without_a_reference_rate_leaves_the_conversion_out(v2, ledger):
    account = accounts.create_account(ledger, "Francs", currency="XAF")
    body = v2.get(f"/accounts/{account.id}").get_json()
    check_account(body)
    assert "current_balance_in_base_currency" not in body and "current_balance_exchange_rate" not in body


def test_list_accounts_in_display_order(v2, user, ledger, cheque, bobs_account):
    savings = accounts.create_account(ledger, "Savings")
    accounts.update_account(ledger, cheque.id, position=5)
    response = v2.get(f"/users/{user.id}/accounts")
    assert response.status_code == 200
    body = decimal_json(response)
    for item in body:
        check_account(item)
    assert [item["id"] for item in body] == [savings.id, cheque.id]
    assert body[1]["current_balance"] == Decimal("80.06")


def test_listing_costs_the_same_statements_however_many_accounts(v2, user, ledger):
    def count():
        with recorded() as statements:
            assert v2.get(f"/users/{user.id}/accounts").status_code == 200
        return len(statements)

    bank = institutions.create_institution(ledger, "Bank", "EUR")
    accounts.create_account(ledger, "First", institution_id=bank.id)
    count()  # the key's first use also records when it was used
    few = count()
    for number in range(10):
        accounts.create_account(ledger, f"More {number}", institution_id=bank.id if number % 2 else None)
    assert count() == few


def test_create_account(v2, user, bank):
    response = v2.post(f"/users/{user.id}/accounts", json={
        "institution_id": bank.id, "title": "Visa", "currency_code": "NZD", "type": "credits"})
    assert response.status_code == 201, response.get_json()
    body = decimal_json(response)
    check_account(body)
    assert (body["title"], body["currency_code"], body["type"]) == ("Visa", "nzd", "credits")
    assert body["current_balance"] == Decimal("0.00")
    assert body["primary_transaction_account"]["institution"]["id"] == bank.id
    assert v2.get(f"/accounts/{body['id']}").status_code == 200


@pytest.mark.parametrize("change", [
    {"institution_id": None}, {"title": None}, {"currency_code": None}, {"type": None},
    {"institution_id": "x"}, {"institution_id": True}, {"institution_id": 1.5},
    {"title": ""}, {"title": "  "}, {"title": 7}, {"title": "x" * 101},
    {"currency_code": "zzz"}, {"currency_code": 5},
    {"type": "piggy_bank"}, {"type": "BANK"}, {"type": 1},
    {"title": "cheque"},  # another account's name, ignoring case
])
def test_bad_new_account_is_422(v2, user, bank, cheque, change):
    payload = {"institution_id": bank.id, "title": "Visa", "currency_code": "nzd", "type": "bank", **change}
    error_of(v2.post(f"/users/{user.id}/accounts", json=payload), 422)
    assert len(accounts.list_accounts(ledger_for(user))) == 1


def test_missing_fields_of_a_new_account_are_422(v2, user, bank):
    full = {"institution_id": bank.id, "title": "Visa", "currency_code": "nzd", "type": "bank"}
    for name in full:
        payload = {key: value for key, value in full.items() if key != name}
        assert name in error_of(v2.post(f"/users/{user.id}/accounts", json=payload), 422)


def test_new_account_in_a_missing_or_another_users_institution_is_422(v2, user, other_user):
    bobs_bank = institutions.create_institution(ledger_for(other_user), "Bob's Bank", "EUR")
    for institution_id in (bobs_bank.id, 999999, int(HUGE), -1):
        payload = {"institution_id": institution_id, "title": "Visa", "currency_code": "nzd", "type": "bank"}
        error_of(v2.post(f"/users/{user.id}/accounts", json=payload), 422)
    assert accounts.list_accounts(ledger_for(user)) == []


def test_update_account(v2, ledger):
    account = accounts.create_account(ledger, "Wallet", currency="EUR", opening_balance="5")
    response = v2.put(f"/accounts/{account.id}", json={
        "title": "Purse", "currency_code": "gbp", "type": "cash", "is_net_worth": False})
    assert response.status_code == 200, response.get_json()
    body = decimal_json(response)
    check_account(body)
    # A cash account is said as "bank", which the official client knows; it stays cash.
    assert (body["title"], body["currency_code"], body["type"], body["is_net_worth"]) == \
        ("Purse", "gbp", "bank", False)
    assert accounts.get_account(ledger, account.id).type == "cash"
    assert body["current_balance"] == Decimal("5.00")
    # Fields not sent stay as they are.
    body = v2.put(f"/accounts/{account.id}", json={"type": "bank"}).get_json()
    assert (body["title"], body["currency_code"], body["is_net_worth"]) == ("Purse", "gbp", False)


@pytest.mark.parametrize("payload", [
    {"title": ""}, {"title": 3}, {"title": "Savings"}, {"title": "SAVINGS"}, {"currency_code": "zzz"},
    {"type": "piggy_bank"}, {"is_net_worth": "maybe"}, {"is_net_worth": [True]},
    {"currency_code": "usd"},  # an account with transactions keeps its currency
])
def test_bad_account_change_is_422(v2, ledger, cheque, payload):
    accounts.create_account(ledger, "Savings")
    error_of(v2.put(f"/accounts/{cheque.id}", json=payload), 422)
    row = db.session.get(Account, cheque.id)
    assert (row.name, row.currency, row.type) == ("Cheque", "EUR", "bank")


def test_malformed_bodies_are_422(v2, user, cheque):
    error_of(v2.put(f"/accounts/{cheque.id}", data="{bad", content_type="application/json"), 422)
    error_of(v2.post(f"/users/{user.id}/accounts", data='"text"', content_type="application/json"), 422)
    error_of(v2.put(f"/users/{user.id}/accounts", data="[1, 2]", content_type="application/json"), 422)


def test_delete_account_removes_it_and_its_transactions(v2, user, ledger, cheque):
    cheque_id = cheque.id
    other = accounts.create_account(ledger, "Other", opening_balance="1")
    response = v2.delete(f"/accounts/{cheque_id}")
    assert response.status_code == 204 and response.get_data() == b""
    error_of(v2.get(f"/accounts/{cheque_id}"), 404)
    error_of(v2.get(f"/transaction_accounts/{cheque_id}"), 404)
    assert [item["id"] for item in v2.get(f"/users/{user.id}/accounts").get_json()] == [other.id]
    assert db.session.scalar(db.select(db.func.count()).select_from(Transaction).where(
        Transaction.account_id == cheque_id, Transaction.deleted_at.is_(None))) == 0


def test_reorder_accounts(v2, user, ledger):
    first, second, third = (accounts.create_account(ledger, name) for name in ("A", "B", "C"))
    response = v2.put(f"/users/{user.id}/accounts", json={"accounts": [
        {"id": third.id, "title": "C"}, {"id": first.id}, {"id": second.id}]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    for item in body:
        check_account(item)
    assert [item["id"] for item in body] == [third.id, first.id, second.id]
    assert [item["id"] for item in v2.get(f"/users/{user.id}/accounts").get_json()] == \
        [third.id, first.id, second.id]
    # Accounts not listed follow the listed ones, in the order they had.
    body = v2.put(f"/users/{user.id}/accounts", json={"accounts": [{"id": second.id}]}).get_json()
    assert [item["id"] for item in body] == [second.id, third.id, first.id]


@pytest.mark.parametrize("payload", [
    lambda _id: {}, lambda _id: {"accounts": None}, lambda _id: {"accounts": []},
    lambda _id: {"accounts": "1,2"}, lambda account_id: {"accounts": [account_id]},
    lambda _id: {"accounts": [{"title": "A"}]}, lambda _id: {"accounts": [{"id": "x"}]},
    lambda _id: {"accounts": [{"id": True}]}, lambda _id: {"accounts": [{"id": 999999}]},
    lambda _id: {"accounts": [{"id": int(HUGE)}]},
    lambda account_id: {"accounts": [{"id": account_id}, {"id": account_id}]},
    lambda account_id: {"accounts": [{"id": account_id}] * 1001},
])
def test_bad_reorder_is_422(v2, user, ledger, payload):
    account = accounts.create_account(ledger, "A")
    error_of(v2.put(f"/users/{user.id}/accounts", json=payload(account.id)), 422)


def test_reorder_with_another_users_account_is_422_and_moves_nothing(v2, user, ledger, bobs_account):
    first, second = (accounts.create_account(ledger, name) for name in ("A", "B"))
    error_of(v2.put(f"/users/{user.id}/accounts",
                    json={"accounts": [{"id": second.id}, {"id": bobs_account.id}]}), 422)
    assert [item["id"] for item in v2.get(f"/users/{user.id}/accounts").get_json()] == [first.id, second.id]


def test_accounts_of_an_institution(v2, ledger, bank, cheque):
    accounts.create_account(ledger, "Elsewhere")
    response = v2.get(f"/institutions/{bank.id}/accounts")
    assert response.status_code == 200
    body = response.get_json()
    for item in body:
        check_account(item)
    assert [item["id"] for item in body] == [cheque.id]
    empty = institutions.create_institution(ledger, "Empty", "EUR")
    assert v2.get(f"/institutions/{empty.id}/accounts").get_json() == []


def _routes(user_id, account_id, institution_id):
    return [
        ("get", f"/accounts/{account_id}", None),
        ("put", f"/accounts/{account_id}", {"title": "Taken"}),
        ("delete", f"/accounts/{account_id}", None),
        ("get", f"/users/{user_id}/accounts", None),
        ("post", f"/users/{user_id}/accounts",
         {"institution_id": institution_id, "title": "New", "currency_code": "eur", "type": "bank"}),
        ("put", f"/users/{user_id}/accounts", {"accounts": [{"id": account_id}]}),
        ("get", f"/institutions/{institution_id}/accounts", None),
    ]


def test_no_key_is_401(v2_anonymous, user, bank, cheque):
    for method, path, payload in _routes(user.id, cheque.id, bank.id):
        kwargs = {"json": payload} if payload is not None else {}
        error_of(getattr(v2_anonymous, method)(path, **kwargs), 401)


def test_another_users_accounts_are_403(v2_bob, user, ledger, bank, cheque):
    for method, path, payload in _routes(user.id, cheque.id, bank.id):
        kwargs = {"json": payload} if payload is not None else {}
        error_of(getattr(v2_bob, method)(path, **kwargs), 403)
    row = db.session.get(Account, cheque.id)
    assert row.name == "Cheque" and row.deleted_at is None
    assert len(accounts.list_accounts(ledger)) == 1


@pytest.mark.parametrize("ident", ["999999", HUGE, "abc", "-1", "0"])
def test_missing_or_malformed_id_is_404(v2, user, bank, ident):
    for method, path, payload in _routes(ident, ident, ident):
        kwargs = {"json": payload} if payload is not None else {}
        error_of(getattr(v2, method)(path, **kwargs), 404)


def test_openapi_describes_the_account_routes(client):
    paths = client.get("/v2/openapi.json").get_json()["paths"]
    assert set(paths["/accounts/{id}"]) == {"get", "put", "delete"}
    assert set(paths["/users/{id}/accounts"]) == {"get", "post", "put"}
    assert "get" in paths["/institutions/{id}/accounts"]
    assert "201" in paths["/users/{id}/accounts"]["post"]["responses"]
    assert "204" in paths["/accounts/{id}"]["delete"]["responses"]


@pytest.mark.parametrize(("stored", "said"), [("cash", "bank"), ("insurance", "property"), ("other_asset", "property"),
                                              ("credits", "credits"), ("other_liability", "other_liability")])
def test_answers_name_only_the_types_the_official_client_accepts(v2, user, ledger, stored, said):
    accounts.create_account(ledger, "Kept", currency="EUR", type=stored)
    listed = v2.get(f"/users/{user.id}/accounts").get_json()
    assert [(a["type"], a["primary_transaction_account"]["type"]) for a in listed] == [(said, said)]
