"""/transaction_accounts/{id} and /users/{id}/transaction_accounts: each account's one
transaction account (same id), whose starting balance is the account's opening balance."""

from decimal import Decimal

import pytest

from spendsense.extensions import db
from spendsense.models import Account
from spendsense.services.ledger import accounts, institutions
from spendsense.services.scope import ledger_for
from tests.api.v2.helpers import decimal_json, error_of, no_nulls
from tests.factories import create_transaction

HUGE = "99999999999999999999"


@pytest.fixture
def bank(ledger):
    return institutions.create_institution(ledger, "Bank of Foo", "NZD")


@pytest.fixture
def cheque(ledger, bank):
    account = accounts.create_account(ledger, "Cheque", currency="EUR", opening_balance="10.00",
                                      opening_date="2024-01-31", institution_id=bank.id)
    create_transaction(ledger, account_id=account.id, amount="-0.30", payee="Shop")
    return account


def check_held(body):
    no_nulls(body)
    assert body["currency_code"] == body["currency_code"].lower()
    for stamp in ("created_at", "updated_at"):
        assert body[stamp].endswith("Z") and len(body[stamp]) == 20
    assert body["type"] in ("bank", "credits", "stocks", "mortgage", "loans", "vehicle", "property",
                            "other_liability")


def test_get_transaction_account(v2, cheque, bank):
    response = v2.get(f"/transaction_accounts/{cheque.id}")
    assert response.status_code == 200
    body = decimal_json(response)
    check_held(body)
    assert body["id"] == cheque.id and body["name"] == "Cheque" and body["currency_code"] == "eur"
    assert body["current_balance"] == Decimal("9.70")
    assert body["starting_balance"] == Decimal("10.00")
    assert body["starting_balance_date"] == "2024-01-31"
    assert body["institution"]["id"] == bank.id and body["institution"]["currency_code"] == "nzd"
    assert decimal_json(v2.get(f"/accounts/{cheque.id}"))["primary_transaction_account"] == body


def test_list_transaction_accounts_in_account_order(v2, user, ledger, cheque, other_user):
    first = accounts.create_account(ledger, "First")
    accounts.update_account(ledger, first.id, position=0)
    accounts.update_account(ledger, cheque.id, position=1)
    accounts.create_account(ledger_for(other_user), "Bob's")
    response = v2.get(f"/users/{user.id}/transaction_accounts")
    assert response.status_code == 200
    body = decimal_json(response)
    for item in body:
        check_held(item)
    assert [item["id"] for item in body] == [first.id, cheque.id]
    assert "institution" not in body[0] and "starting_balance_date" not in body[0]


def test_changing_the_starting_balance_moves_the_current_balance_exactly(v2, cheque):
    response = v2.put(f"/transaction_accounts/{cheque.id}", json={"starting_balance": 3547.45})
    assert response.status_code == 200, response.get_json()
    body = decimal_json(response)
    check_held(body)
    assert body["starting_balance"] == Decimal("3547.45")
    assert body["current_balance"] == Decimal("3547.15")
    body = decimal_json(v2.put(f"/transaction_accounts/{cheque.id}", json={"starting_balance": -0.01}))
    assert body["current_balance"] == Decimal("-0.31")
    row = db.session.get(Account, cheque.id)
    assert (row.opening_balance, row.balance) == (-1, -31)
    # The answer's date and institution were kept.
    assert body["starting_balance_date"] == "2024-01-31" and body["institution"]["title"] == "Bank of Foo"


def test_starting_balance_of_a_whole_number_currency(v2, ledger):
    account = accounts.create_account(ledger, "Yen", currency="JPY")
    body = decimal_json(v2.put(f"/transaction_accounts/{account.id}", json={"starting_balance": 1200}))
    assert body["starting_balance"] == Decimal("1200") and body["current_balance"] == Decimal("1200")
    error_of(v2.put(f"/transaction_accounts/{account.id}", json={"starting_balance": 1.5}), 422)


def test_starting_balance_date_set_and_cleared(v2, cheque):
    body = v2.put(f"/transaction_accounts/{cheque.id}", json={"starting_balance_date": "2015-03-15"}).get_json()
    assert body["starting_balance_date"] == "2015-03-15"
    assert body["starting_balance"] == Decimal("10.00")
    body = v2.put(f"/transaction_accounts/{cheque.id}", json={"starting_balance_date": None}).get_json()
    assert "starting_balance_date" not in body


def test_institution_linked_moved_and_unlinked(v2, ledger, cheque):
    other = institutions.create_institution(ledger, "Other", "EUR")
    body = v2.put(f"/transaction_accounts/{cheque.id}", json={"institution_id": other.id}).get_json()
    assert body["institution"]["id"] == other.id
    assert [a["id"] for a in v2.get(f"/institutions/{other.id}/accounts").get_json()] == [cheque.id]
    body = v2.put(f"/transaction_accounts/{cheque.id}", json={"institution_id": None}).get_json()
    assert "institution" not in body
    assert db.session.get(Account, cheque.id).institution_id is None


def test_an_empty_change_changes_nothing(v2, cheque):
    before = decimal_json(v2.get(f"/transaction_accounts/{cheque.id}"))
    response = v2.put(f"/transaction_accounts/{cheque.id}", json={})
    assert response.status_code == 200
    after = decimal_json(response)
    assert {k: v for k, v in after.items() if k != "updated_at"} == \
        {k: v for k, v in before.items() if k != "updated_at"}


@pytest.mark.parametrize("payload", [
    {"starting_balance": "10.00"}, {"starting_balance": True}, {"starting_balance": [1]},
    {"starting_balance": 1.005}, {"starting_balance": 1e20}, {"starting_balance": 10**18},
    {"starting_balance_date": "15/03/2015"}, {"starting_balance_date": "2015-02-30"},
    {"starting_balance_date": "1800-01-01"}, {"starting_balance_date": 1426377600},
    {"starting_balance_date": "2015-03-15T10:00:00"},
    {"institution_id": "bank"}, {"institution_id": True}, {"institution_id": 999999},
    {"institution_id": int(HUGE)}, {"institution_id": -4},
])
def test_bad_change_is_422_and_changes_nothing(v2, cheque, payload):
    error_of(v2.put(f"/transaction_accounts/{cheque.id}", json=payload), 422)
    row = db.session.get(Account, cheque.id)
    assert (row.opening_balance, row.balance, str(row.opening_date)) == (1000, 970, "2024-01-31")


def test_another_users_institution_in_the_body_is_422(v2, cheque, other_user, bank):
    bobs_bank = institutions.create_institution(ledger_for(other_user), "Bob's Bank", "EUR")
    error_of(v2.put(f"/transaction_accounts/{cheque.id}", json={"institution_id": bobs_bank.id}), 422)
    assert db.session.get(Account, cheque.id).institution_id == bank.id


def test_malformed_body_is_422(v2, cheque):
    error_of(v2.put(f"/transaction_accounts/{cheque.id}", data="{", content_type="application/json"), 422)
    error_of(v2.put(f"/transaction_accounts/{cheque.id}", data="3", content_type="application/json"), 422)


def test_no_key_is_401(v2_anonymous, user, cheque):
    error_of(v2_anonymous.get(f"/transaction_accounts/{cheque.id}"), 401)
    error_of(v2_anonymous.put(f"/transaction_accounts/{cheque.id}", json={"starting_balance": 1}), 401)
    error_of(v2_anonymous.get(f"/users/{user.id}/transaction_accounts"), 401)


def test_another_users_transaction_account_is_403(v2_bob, user, cheque):
    error_of(v2_bob.get(f"/transaction_accounts/{cheque.id}"), 403)
    error_of(v2_bob.put(f"/transaction_accounts/{cheque.id}", json={"starting_balance": 1}), 403)
    error_of(v2_bob.get(f"/users/{user.id}/transaction_accounts"), 403)
    assert db.session.get(Account, cheque.id).opening_balance == 1000


@pytest.mark.parametrize("ident", ["999999", HUGE, "abc", "-1", "0"])
def test_missing_or_malformed_id_is_404(v2, ident):
    error_of(v2.get(f"/transaction_accounts/{ident}"), 404)
    error_of(v2.put(f"/transaction_accounts/{ident}", json={"starting_balance": 1}), 404)
    error_of(v2.get(f"/users/{ident}/transaction_accounts"), 404)


def test_a_deleted_account_has_no_transaction_account(v2, ledger):
    account = accounts.create_account(ledger, "Gone")
    account_id = account.id
    accounts.delete_account(ledger, account_id)
    error_of(v2.get(f"/transaction_accounts/{account_id}"), 404)
    error_of(v2.put(f"/transaction_accounts/{account_id}", json={"starting_balance": 1}), 404)
