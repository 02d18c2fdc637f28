"""What every v1 request pays, and what it no longer pays: one Core SELECT for the key
and the personal ledger (revoking still takes effect at once), no session cookie, no
rate-limiter hook on the views that have no limit; the accounts and transactions lists
from Core rows, with the same bytes as before."""

import pytest
from flask import jsonify

from spendsense.api.v1 import serializers
from spendsense.extensions import db, limiter
from spendsense.models import LedgerMember
from spendsense.services.auth import tokens
from spendsense.services.errors import Forbidden, NotFound
from spendsense.services.ledger import accounts
from spendsense.services.scope import ledger_for
from tests import factories, statements
from tests.api.helpers import ok
from tests.conftest import throttled_app

JUNE = {"from": "2024-06-01T00:00:00", "to": "2024-06-30T23:59:59"}


def test_a_revoked_key_stops_working_at_once(client, user):
    token, secret = tokens.issue(user.id, "cli")
    headers = {"Authorization": f"Token {secret}"}
    assert ok(client.get("/api/v1/token/check/", headers=headers)) == {"status": "valid", "user": "alice"}
    tokens.revoke(user.id, token.id)
    response = client.get("/api/v1/token/check/", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {"detail": "Invalid token."}


def test_the_key_check_is_one_select(client, auth):
    client.get("/api/v1/token/check/", headers=auth)  # writes last_used_at once
    with statements.recorded() as seen:
        assert client.get("/api/v1/token/check/", headers=auth).status_code == 200
    assert len(seen) == 1 and seen[0].lstrip().startswith("SELECT"), seen


def test_the_account_list_is_two_selects(client, auth, ledger):
    """The key's SELECT brings the personal ledger along (ledger_for asks nothing more),
    then one for the accounts."""
    accounts.create_account(ledger, "Main")
    client.get("/api/v1/token/check/", headers=auth)  # writes last_used_at once
    with statements.recorded() as seen:
        assert client.get("/api/v1/accounts/", headers=auth).status_code == 200
    assert len(seen) == 2, seen


def test_a_key_user_brings_its_personal_ledger_and_other_ledgers_are_still_checked(user, other_user, ledger):
    _token, secret = tokens.issue(other_user.id, "cli")
    bob = tokens.verify(secret)
    bobs = ledger_for(other_user)
    assert bob.personal_membership == (bobs, "owner")
    assert ledger_for(bob) == ledger_for(bob, write=True) == bobs
    with pytest.raises(NotFound):
        ledger_for(bob, ledger)
    db.session.add(LedgerMember(ledger_id=ledger, user_id=other_user.id, role="viewer", is_personal=False))
    db.session.commit()
    bob = tokens.verify(secret)
    assert bob.personal_membership == (bobs, "owner")  # a shared ledger is not the personal one
    assert ledger_for(bob, ledger) == ledger
    with pytest.raises(Forbidden):
        ledger_for(bob, ledger, write=True)


def test_api_answers_carry_no_session_cookie(client, auth):
    client.set_cookie("session", "not-a-valid-signed-cookie")
    response = client.get("/api/v1/token/check/", headers=auth)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


@pytest.fixture
def limited_client(database_url, auth):
    with throttled_app(database_url, RATELIMIT_ACCOUNT="3 per minute") as limited:
        yield limited.test_client()


def test_only_limited_views_use_the_rate_limit_storage(limited_client, auth, monkeypatch):
    calls = []
    strategy = limiter.limiter
    for name in ("hit", "test"):
        original = getattr(strategy, name)
        monkeypatch.setattr(strategy, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k))
    for path in ("token/check/", "accounts/", "profile-data/", "transactions/"):
        response = limited_client.get(f"/api/v1/{path}", headers=auth)
        assert response.status_code in (200, 404)
        assert "X-RateLimit-Limit" not in response.headers
    assert calls == []
    response = limited_client.post("/api/v1/token/", data={"username": "alice", "password": "wrong"})
    assert response.status_code == 400
    assert calls == ["test", "test", "hit", "hit"]  # account and address limits (throttle.py) still are


def test_labels_are_listed_in_name_order(api, ledger, main_account):
    first = factories.create_transaction(ledger, account_id=main_account, amount="-3", occurred_at="2024-06-02",
                                         labels=["zeta", "Alpha", "mid"])
    second = factories.create_transaction(ledger, account_id=main_account, amount="4", occurred_at="2024-06-03",
                                          labels=["mid"])
    rows = ok(api.get("transactions/", JUNE))["transactions"]
    assert [(row["id"], row["labels"]) for row in rows] == [
        (second.id, ["mid"]), (first.id, ["Alpha", "mid", "zeta"])]


def test_the_account_list_from_core_rows_is_the_orm_answer_byte_for_byte(client, auth, other_user, ledger):
    """accounts/ reads Core rows (accounts.listed_rows); the answer is what the ORM
    objects of accounts.list_accounts serialize to: same order, same digits, archived
    accounts in, deleted ones and another ledger's out."""
    main = accounts.create_account(ledger, "Main", opening_balance="12.30").id
    yen = accounts.create_account(ledger, "Yen", currency="JPY", opening_balance="1500", type="cash").id
    dinar = accounts.create_account(ledger, "Dinar", currency="BHD", opening_balance="-0.125").id
    gone = accounts.create_account(ledger, "Gone").id
    accounts.create_account(ledger_for(other_user), "Bob's")
    accounts.archive_account(ledger, yen)
    accounts.update_account(ledger, main, position=5)
    accounts.delete_account(ledger, gone)
    factories.create_transaction(ledger, account_id=dinar, amount="-1.005", occurred_at="2024-06-02")
    db.session.expire_all()  # the balances moved in SQL
    expected = jsonify({"user": "alice",
                        "accounts": [serializers.account(a) for a in accounts.list_accounts(ledger)]}).get_data()
    response = client.get("/api/v1/accounts/", headers=auth)
    assert response.status_code == 200
    assert response.get_data() == expected
    assert [a["name"] for a in response.get_json()["accounts"]] == ["Yen", "Dinar", "Main"]


def test_the_rate_limiter_leaves_v1_requests_alone(limited_client, auth, monkeypatch):
    """Not one of Flask-Limiter's hooks gets past the request filter for a v1 view: no
    per-request state is even made for it. The token view counts wrong passwords through
    throttle.py, which needs none of it either."""
    touched = []
    context = type(limiter).context
    monkeypatch.setattr(type(limiter), "context", property(lambda self: touched.append(1) or context.fget(self)))
    for path in ("token/check/", "accounts/", "profile-data/", "transactions/"):
        assert limited_client.get(f"/api/v1/{path}", headers=auth).status_code in (200, 404)
    assert limited_client.post("/api/v1/token/", data={"username": "alice", "password": "wrong"}).status_code == 400
    assert touched == []
