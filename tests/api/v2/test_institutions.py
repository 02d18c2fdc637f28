"""/institutions/{id} and /users/{id}/institutions: read, create, change and delete
(merging the accounts into another institution or leaving them without one)."""

import pytest

from spendsense.extensions import db
from spendsense.services.ledger import accounts, institutions
from spendsense.services.scope import ledger_for
from tests import factories
from tests.api.v2.helpers import error_of, no_nulls

HUGE = "99999999999999999999"


@pytest.fixture
def bank(ledger):
    return institutions.create_institution(ledger, "Bank of Foo", "NZD")


@pytest.fixture
def bobs_bank(other_user):
    return institutions.create_institution(ledger_for(other_user), "Bob's Bank", "EUR")


def check_institution(body):
    no_nulls(body)
    assert set(body) == {"id", "title", "currency_code", "created_at", "updated_at"}
    assert body["currency_code"] == body["currency_code"].lower()
    for stamp in ("created_at", "updated_at"):
        assert body[stamp].endswith("Z") and len(body[stamp]) == 20, body[stamp]


def test_get_institution(v2, bank):
    response = v2.get(f"/institutions/{bank.id}")
    assert response.status_code == 200
    body = response.get_json()
    check_institution(body)
    assert body["id"] == bank.id
    assert body["title"] == "Bank of Foo"
    assert body["currency_code"] == "nzd"


def test_list_institutions_in_creation_order(v2, user, ledger, bank, bobs_bank):
    second = institutions.create_institution(ledger, "Another", "usd")
    response = v2.get(f"/users/{user.id}/institutions")
    assert response.status_code == 200
    body = response.get_json()
    for item in body:
        check_institution(item)
    assert [item["id"] for item in body] == [bank.id, second.id]


def test_create_institution(v2, user):
    response = v2.post(f"/users/{user.id}/institutions", json={"title": " Kiwibank ", "currency_code": "NZD"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    check_institution(body)
    assert body["title"] == "Kiwibank" and body["currency_code"] == "nzd"
    assert v2.get(f"/institutions/{body['id']}").get_json() == body


def test_update_institution(v2, bank):
    response = v2.put(f"/institutions/{bank.id}", json={"title": "Bank of Bar", "currency_code": "aud"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    check_institution(body)
    assert (body["title"], body["currency_code"]) == ("Bank of Bar", "aud")
    # A field not sent (or sent as null) stays as it is.
    body = v2.put(f"/institutions/{bank.id}", json={"title": "Bank of Baz", "currency_code": None}).get_json()
    assert (body["title"], body["currency_code"]) == ("Bank of Baz", "aud")


@pytest.mark.parametrize("payload", [
    {}, {"title": "No currency"}, {"currency_code": "nzd"}, {"title": "", "currency_code": "nzd"},
    {"title": "   ", "currency_code": "nzd"}, {"title": 5, "currency_code": "nzd"},
    {"title": "x" * 101, "currency_code": "nzd"}, {"title": "Bad", "currency_code": "zzz"},
    {"title": "Bad", "currency_code": 12}, {"title": "Bad\x00", "currency_code": "nzd"},
])
def test_bad_new_institution_is_422(v2, user, payload):
    error_of(v2.post(f"/users/{user.id}/institutions", json=payload), 422)
    assert institutions.list_institutions(ledger_for(user)) == []


@pytest.mark.parametrize("payload", [{"title": ""}, {"title": 3}, {"currency_code": "zzz"},
                                     {"currency_code": ["nzd"]}])
def test_bad_institution_change_is_422(v2, bank, payload):
    error_of(v2.put(f"/institutions/{bank.id}", json=payload), 422)


def test_malformed_body_is_422(v2, user, bank):
    error_of(v2.post(f"/users/{user.id}/institutions", data="{no", content_type="application/json"), 422)
    error_of(v2.put(f"/institutions/{bank.id}", data="[]", content_type="application/json"), 422)


def test_delete_takes_all_data_within_it(v2, ledger, bank):
    """The spec: "Deletes an institution and all data within" (a merge keeps it)."""
    bank_id = bank.id
    account = accounts.create_account(ledger, "Cheque", institution_id=bank_id)
    other = accounts.create_account(ledger, "Elsewhere")
    txn = factories.create_transaction(ledger, account_id=account.id, amount="-5")
    response = v2.delete(f"/institutions/{bank_id}")
    assert response.status_code == 204 and response.get_data() == b""
    error_of(v2.get(f"/institutions/{bank_id}"), 404)
    error_of(v2.get(f"/accounts/{account.id}"), 404)
    error_of(v2.get(f"/transactions/{txn.id}"), 404)
    assert v2.get(f"/accounts/{other.id}").status_code == 200


def test_delete_merging_into_another_moves_the_accounts(v2, ledger, bank):
    other = institutions.create_institution(ledger, "Other", "nzd")
    moved = [accounts.create_account(ledger, name, institution_id=bank.id) for name in ("One", "Two")]
    kept = accounts.create_account(ledger, "Three", institution_id=other.id)
    response = v2.delete(f"/institutions/{bank.id}?merge_into_institution_id={other.id}")
    assert response.status_code == 204
    listed = v2.get(f"/institutions/{other.id}/accounts").get_json()
    assert [item["id"] for item in listed] == [moved[0].id, moved[1].id, kept.id]
    assert {item["primary_transaction_account"]["institution"]["id"] for item in listed} == {other.id}


@pytest.mark.parametrize("value", ["abc", "", "1.5", "-3", "0", HUGE])
def test_bad_merge_parameter_is_400(v2, bank, value):
    error_of(v2.delete(f"/institutions/{bank.id}?merge_into_institution_id={value}"), 400)
    assert v2.get(f"/institutions/{bank.id}").status_code == 200


def test_merge_into_a_missing_or_another_users_or_itself_is_422(v2, bank, bobs_bank):
    for target in (bank.id, bobs_bank.id, 999999):
        error_of(v2.delete(f"/institutions/{bank.id}?merge_into_institution_id={target}"), 422)
    assert v2.get(f"/institutions/{bank.id}").status_code == 200


def test_no_key_is_401(v2_anonymous, user, bank):
    for method, path in (("get", f"/institutions/{bank.id}"), ("put", f"/institutions/{bank.id}"),
                         ("delete", f"/institutions/{bank.id}"), ("get", f"/users/{user.id}/institutions"),
                         ("post", f"/users/{user.id}/institutions")):
        error_of(getattr(v2_anonymous, method)(path), 401)


def test_another_users_institution_is_403(v2_bob, user, bank):
    error_of(v2_bob.get(f"/institutions/{bank.id}"), 403)
    error_of(v2_bob.put(f"/institutions/{bank.id}", json={"title": "Mine now"}), 403)
    error_of(v2_bob.delete(f"/institutions/{bank.id}"), 403)
    error_of(v2_bob.get(f"/users/{user.id}/institutions"), 403)
    error_of(v2_bob.post(f"/users/{user.id}/institutions", json={"title": "X", "currency_code": "nzd"}), 403)
    assert db.session.get(type(bank), bank.id).title == "Bank of Foo"
    assert institutions.list_institutions(ledger_for(user)) == [bank]


@pytest.mark.parametrize("ident", ["999999", HUGE, "abc", "-1", "0"])
def test_missing_or_malformed_id_is_404(v2, ident):
    error_of(v2.get(f"/institutions/{ident}"), 404)
    error_of(v2.put(f"/institutions/{ident}", json={"title": "x"}), 404)
    error_of(v2.delete(f"/institutions/{ident}"), 404)
    error_of(v2.get(f"/users/{ident}/institutions"), 404)
    error_of(v2.post(f"/users/{ident}/institutions", json={"title": "x", "currency_code": "nzd"}), 404)


def test_openapi_describes_the_institution_routes(client):
    paths = client.get("/v2/openapi.json").get_json()["paths"]
    assert set(paths["/institutions/{id}"]) == {"get", "put", "delete"}
    assert set(paths["/users/{id}/institutions"]) == {"get", "post"}
    assert paths["/users/{id}/institutions"]["post"]["responses"].keys() >= {"201", "422"}
    params = {p["name"] for p in paths["/institutions/{id}"]["delete"]["parameters"]}
    assert "merge_into_institution_id" in params
