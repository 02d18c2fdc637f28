"""Xpenser authentication: HTTP Basic with email or username and password, nothing
else, and failed attempts rate-limited per address."""

import pytest

from spendsense.extensions import db
from spendsense.services.auth import tokens
from spendsense.services.ledger import accounts
from tests.api.helpers import snapshot
from tests.api.xpenser_client import XClient, basic, error
from tests.conftest import PASSWORD, throttled_app
from tests.web.helpers import login

# Every route, with a request that succeeds for the right user.
ROUTES = [
    ("GET", "simple/", {"q": "lunch 5", "format": "json"}),
    ("POST", "simple/", {"q": "lunch 5", "format": "json"}),
    ("POST", "expense/", {"type": "food", "amount": "5"}),
    ("GET", "expense/1", {}),
    ("POST", "expense/1", {"amount": "7"}),
    ("DELETE", "expense/1", {}),
    ("GET", "expenses/", {"report": "*", "format": "json"}),
]


@pytest.fixture
def main(ledger):
    return accounts.create_account(ledger, "Main", currency="EUR").id


def call(client, method, path, params, headers):
    if method == "GET":
        return client.get("/api/" + path, query_string=params, headers=headers)
    if method == "DELETE":
        return client.delete("/api/" + path, headers=headers)
    return client.post("/api/" + path, data=params, headers=headers)


@pytest.mark.parametrize("method, path, params", ROUTES)
@pytest.mark.parametrize("headers", [
    {},
    basic("alice@example.com", "wrong password"),
    basic("nobody@example.com"),
    basic("", PASSWORD),
    {"Authorization": "Basic not-base64!"},
    {"Authorization": "Bearer abc"},
], ids=["none", "wrong-password", "unknown-user", "empty-login", "garbled", "bearer"])
def test_every_route_needs_basic_credentials(client, user, main, method, path, params, headers):
    before = snapshot()
    response = call(client, method, path, params, headers)
    error(response, 401, "HTTP Basic")
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    db.session.rollback()
    assert snapshot() == before


@pytest.mark.parametrize("login_name", ["alice@example.com", "ALICE@example.com", "alice", "Alice"])
def test_email_or_username_log_in(client, user, main, login_name):
    assert XClient(client, basic(login_name)).simple("tea 2")["status"] == 200


@pytest.mark.parametrize("method, path, params", ROUTES)
def test_every_route_answers_the_right_user(client, user, main, method, path, params):
    XClient(client, basic("alice")).create(type="seed", amount="1")
    response = call(client, method, path, params, basic("alice"))
    assert response.status_code == 200, response.get_data(as_text=True)


def test_an_api_token_or_a_browser_session_is_not_enough(client, user, main):
    _row, secret = tokens.issue(user.id, "tests")
    error(client.get("/api/expenses/", headers={"Authorization": f"Token {secret}"}), 401)
    assert login(client, "alice", PASSWORD).status_code == 302
    error(client.get("/api/expenses/"), 401)


@pytest.fixture
def limited(database_url, user, main):
    """A client of an app that allows 3 failed logins a minute per account."""
    with throttled_app(database_url, RATELIMIT_ACCOUNT="3 per minute") as app:
        yield app.test_client()


def test_failed_logins_are_throttled_across_routes_and_successes_do_not_count(limited):
    wrong = basic("alice", "wrong password")
    right = basic("alice")
    error(limited.get("/api/expenses/", headers=wrong), 401)
    error(limited.post("/api/expense/", headers=wrong), 401)
    for _ in range(5):
        assert limited.get("/api/expenses/", headers=right).status_code == 200
    error(limited.get("/api/simple/", headers=wrong), 401)
    throttled = limited.get("/api/expenses/", headers=wrong)
    assert "seconds" in error(throttled, 429, "Too many failed logins")["error"]
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    # The account waits, even with its right password (throttle.py: only a browser that
    # logged in before has a budget of its own); the email is the same account.
    error(limited.get("/api/expenses/", headers=right), 429)
    error(limited.get("/api/expenses/", headers=basic("ALICE@example.com")), 429)
