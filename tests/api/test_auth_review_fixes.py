"""Issue 13's review fixes over the APIs: an API key as the Xpenser Basic password is
never throttled and never hashed; wrong passwords at Xpenser Basic and the v1 token
endpoint are in the account's security log, at most one a minute per address."""

import pytest
from sqlalchemy import select

from spendsense.extensions import db, limiter
from spendsense.models import SecurityEvent
from spendsense.services.auth import passwords, tokens
from tests.api.xpenser_client import basic, error
from tests.conftest import PASSWORD, make_app
from tests.web.helpers import fresh

AGENT = "sync-script/1.0"


def failures(user_id):
    fresh()
    return db.session.scalars(select(SecurityEvent).where(SecurityEvent.user_id == user_id,
                                                          SecurityEvent.action == "login_failed")
                              .order_by(SecurityEvent.id)).all()


def at(address):
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def bobs_key(other_user):
    return tokens.issue(other_user.id, "sync")[1]


@pytest.fixture
def limited(database_url, bobs_key):
    """A client of an app with the rate limits on (5 wrong passwords a minute per account)."""
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_ACCOUNT="5 per minute")
    limiter.reset()
    with app.app_context():
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()
    limiter.reset()


def test_a_right_api_key_is_never_throttled(limited, bobs_key):
    key = bobs_key
    # Six wrong passwords from six addresses: the sixth is over the account's limit.
    for i in range(6):
        error(limited.get("/api/expenses/", headers=basic("bob", "wrong password"), **at(f"203.0.113.{i}")),
              401 if i < 5 else 429)
    error(limited.get("/api/expenses/", headers=basic("bob", PASSWORD)), 429)
    assert limited.get("/api/expenses/", headers=basic("bob", key)).status_code == 200
    # A wrong "key" is a wrong password: throttled like one.
    error(limited.get("/api/expenses/", headers=basic("bob", "0" * 40)), 429)


def test_a_right_api_key_is_not_hashed(client, other_user, monkeypatch):
    _row, key = tokens.issue(other_user.id, "sync")

    def no_hash(*_args):
        raise AssertionError("a password hash was checked")

    monkeypatch.setattr(passwords, "verify", no_hash)
    assert client.get("/api/expenses/", headers=basic("bob", key)).status_code == 200


def test_wrong_xpenser_passwords_are_logged_once_a_minute_per_address(client, other_user):
    headers = {**basic("bob", "wrong password"), "User-Agent": AGENT}
    for _ in range(3):
        error(client.get("/api/expenses/", headers=headers, **at("203.0.113.20")), 401)
    error(client.get("/api/expenses/", headers=headers, **at("203.0.113.21")), 401)
    logged = failures(other_user.id)
    assert [(e.detail, e.address, e.user_agent) for e in logged] == [
        ("Xpenser API", "203.0.113.20", AGENT), ("Xpenser API", "203.0.113.21", AGENT)]
    # The right password, and an unknown account, log nothing.
    assert client.get("/api/expenses/", headers=basic("bob", PASSWORD)).status_code == 200
    error(client.get("/api/expenses/", headers=basic("nobody", "wrong password")), 401)
    assert len(failures(other_user.id)) == 2


def test_a_wrong_password_at_the_v1_token_endpoint_is_logged(client, other_user):
    response = client.post("/api/v1/token/", json={"username": "bob", "password": "wrong password"},
                           headers={"User-Agent": AGENT}, **at("203.0.113.30"))
    assert response.status_code == 400
    [event] = failures(other_user.id)
    assert (event.detail, event.address, event.user_agent) == ("v1 token endpoint", "203.0.113.30", AGENT)
    assert client.post("/api/v1/token/", json={"username": "nobody", "password": "x"}).status_code == 400
    assert len(failures(other_user.id)) == 1
