"""v1 authentication: obtaining a key, checking it, both scheme words, the 401 bodies,
and the rate limit on failed logins."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from spendsense.services.auth import tokens
from tests.api.helpers import (
    BAD_CREDENTIALS,
    BASE,
    INVALID_TOKEN,
    NOT_PROVIDED,
    SCHEMES,
    V1Client,
    ok,
    snapshot,
    unauthorised,
)
from tests.conftest import PASSWORD, throttled_app

# Every route that needs a key, with parameters that make a valid request.
PROTECTED = [
    ("GET", "token/check/", {}),
    ("GET", "accounts/", {}),
    ("GET", "accounts/get/", {}),
    ("GET", "accounts/create/", {"account": "Savings", "amount": "5"}),
    ("POST", "accounts/create/", {"account": "Savings", "amount": "5"}),
    ("GET", "transactions/", {}),
    ("GET", "transactions/create/", {"type": "spent", "account": "Main", "category": "home", "amount": "1"}),
    ("POST", "transactions/create/", {"type": "earn", "account": "Main", "category": "gifts", "amount": "1"}),
    ("GET", "categories/", {}),
    ("GET", "categories/get/", {}),
    ("GET", "categories/create/", {"type": "spent", "name": "Books", "icon": "📚"}),
    ("POST", "categories/create/", {"type": "earn", "name": "Bonus", "icon": "💶"}),
    ("GET", "profile-data/", {}),
]
ROUTE_IDS = [f"{method} {path}" for method, path, _params in PROTECTED]


def call(v1, method, path, params):
    return v1.get(path, params) if method == "GET" else v1.post(path, data=params)


@pytest.fixture
def funded(api, main_account):
    """alice has an account "Main" with one transaction, so every list answers 200."""
    api.create_transaction("spent", "2.50")


# --- obtaining a token -----------------------------------------------------------------

def obtain(client, **kwargs):
    return client.post(BASE + "token/", **kwargs)


@pytest.mark.parametrize("body", ["form", "json"])
def test_obtain_token_returns_a_working_key(client, user, body):
    credentials = {"username": "alice", "password": PASSWORD}
    response = obtain(client, **{"data" if body == "form" else "json": credentials})
    data = ok(response)
    assert list(data) == ["token"]
    assert re.fullmatch(r"[0-9a-f]{40}", data["token"])
    check = client.get(BASE + "token/check/", headers={"Authorization": f"Token {data['token']}"})
    assert ok(check) == {"status": "valid", "user": "alice"}


def test_every_login_issues_a_new_key_and_old_ones_keep_working(client, user):
    first = ok(obtain(client, data={"username": "alice", "password": PASSWORD}))["token"]
    second = ok(obtain(client, data={"username": "alice", "password": PASSWORD}))["token"]
    assert first != second
    for key in (first, second):
        assert ok(client.get(BASE + "token/check/", headers={"Authorization": f"Bearer {key}"}))["user"] == "alice"


@pytest.mark.parametrize("login", ["alice", "ALICE", "Alice", "aLiCe", "  alice  "])
def test_login_by_username_in_any_case(client, user, login):
    response = obtain(client, json={"username": login, "password": PASSWORD})
    key = ok(response)["token"]
    assert tokens.verify(key).username == "alice"


@pytest.mark.parametrize("body", ["form", "json"])
@pytest.mark.parametrize("username, password", [
    ("alice", "wrong password"),
    ("alice", PASSWORD.upper()),
    ("alice", PASSWORD + " "),
    ("nobody", PASSWORD),
    ("alice", "x" * 10_000),
    ("a" * 10_000, PASSWORD),
    ("al\x00ice", PASSWORD),
    ("alice'; DROP TABLE users; --", PASSWORD),
    (123, PASSWORD),
    ("alice", 12345678),
], ids=["wrong", "case", "trailing-space", "unknown-user", "huge-password", "huge-username",
        "nul", "sql", "number-username", "number-password"])
def test_bad_credentials(client, user, body, username, password):
    credentials = {"username": username, "password": password}
    response = obtain(client, **{"data" if body == "form" else "json": credentials})
    assert response.status_code == 400
    assert response.get_json() == BAD_CREDENTIALS


@pytest.mark.parametrize("credentials, missing", [
    ({}, ["username", "password"]),
    ({"username": "alice"}, ["password"]),
    ({"password": PASSWORD}, ["username"]),
    ({"username": "", "password": ""}, ["username", "password"]),
    ({"username": "   ", "password": PASSWORD}, ["username"]),
    ({"username": None, "password": PASSWORD}, ["username"]),
])
def test_missing_fields(client, user, credentials, missing):
    response = obtain(client, json=credentials)
    assert response.status_code == 400
    assert response.get_json() == {field: ["This field is required."] for field in missing}


def test_obtain_needs_no_key(client, user):
    response = obtain(client, data={"username": "alice", "password": PASSWORD},
                      headers={"Authorization": "Token not-a-key"})
    assert ok(response)["token"]


def test_obtain_is_post_only(client, user):
    response = client.get(BASE + "token/")
    assert response.status_code == 405
    assert response.get_json() == {"error": "Method not allowed"}


# --- rate limit ------------------------------------------------------------------------

@pytest.fixture
def limited_client(database_url, auth):
    """A client of an app that limits failed logins to 3 a minute. alice and her key
    (``auth``) are made first, in the test app's context, never in this one's."""
    with throttled_app(database_url, RATELIMIT_ACCOUNT="3 per minute") as limited:
        yield limited.test_client()


def test_failed_logins_are_throttled_and_successes_do_not_count(limited_client):
    wrong = {"username": "alice", "password": "wrong password"}
    right = {"username": "alice", "password": PASSWORD}
    for _ in range(2):
        assert obtain(limited_client, data=wrong).get_json() == BAD_CREDENTIALS
    for _ in range(5):  # successful logins leave the budget alone
        assert ok(obtain(limited_client, json=right))["token"]
    assert obtain(limited_client, data=wrong).get_json() == BAD_CREDENTIALS  # the third failure

    throttled = obtain(limited_client, data=wrong)
    assert throttled.status_code == 429
    assert throttled.is_json
    match = re.fullmatch(r"Request was throttled\. Expected available in (\d+) seconds\.",
                         throttled.get_json()["detail"])
    assert match and int(match[1]) <= 60
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    # Once the account's budget is spent, even its right password waits, by username or email.
    assert obtain(limited_client, json=right).status_code == 429
    assert obtain(limited_client, json={"username": "ALICE@example.com", "password": PASSWORD}).status_code == 429


def test_rate_limit_leaves_other_endpoints_alone(limited_client, auth):
    for _ in range(4):
        obtain(limited_client, data={"username": "alice", "password": "wrong"})
    check = limited_client.get(BASE + "token/check/", headers=auth)
    assert ok(check) == {"status": "valid", "user": "alice"}


# --- using a key -----------------------------------------------------------------------

@SCHEMES
def test_token_check(api):
    assert ok(api.get("token/check/")) == {"status": "valid", "user": "alice"}


@SCHEMES
@pytest.mark.parametrize("method, path, params", PROTECTED, ids=ROUTE_IDS)
def test_every_endpoint_accepts_both_schemes(api, funded, method, path, params):
    body = ok(call(api, method, path, params))
    if "create" in path:
        assert body["status"] == "ok" and isinstance(body["id"], int)
    else:
        assert body["user"] == "alice"


@pytest.mark.parametrize("word", ["token", "TOKEN", "bearer", "BEARER"])
def test_scheme_word_ignores_case(client, token, word):
    v1 = V1Client(client, {"Authorization": f"{word} {token}"})
    assert ok(v1.get("token/check/"))["user"] == "alice"


@pytest.mark.parametrize("method, path, params", PROTECTED, ids=ROUTE_IDS)
def test_no_credentials(anonymous, method, path, params):
    response = call(anonymous, method, path, params)
    unauthorised(response, NOT_PROVIDED)
    assert response.headers["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize("header", ["Basic YWxpY2U6cGFzc3dvcmQ=", "Digest x", "", "Tokenabc"])
def test_unknown_scheme_is_no_credentials(client, user, header):
    unauthorised(V1Client(client, {"Authorization": header}).get("token/check/"), NOT_PROVIDED)


@SCHEMES
@pytest.mark.parametrize("method, path, params", PROTECTED, ids=ROUTE_IDS)
def test_unknown_key(client, user, scheme, method, path, params):
    v1 = V1Client(client, {"Authorization": f"{scheme} 0123456789abcdef0123456789abcdef01234567"})
    before = snapshot()
    unauthorised(call(v1, method, path, params), INVALID_TOKEN)
    assert snapshot() == before


@pytest.mark.parametrize("key", ["", "x" * 10_000, "'; DROP TABLE api_tokens; --", "🔑"],
                         ids=["empty", "huge", "sql", "emoji"])
def test_malformed_key_is_invalid(client, user, key):
    unauthorised(V1Client(client, {"Authorization": f"Token {key}"}).get("token/check/"), INVALID_TOKEN)


@SCHEMES
def test_revoked_key_is_invalid(client, user, scheme):
    row, key = tokens.issue(user.id, "laptop")
    v1 = V1Client(client, {"Authorization": f"{scheme} {key}"})
    assert ok(v1.get("token/check/"))["user"] == "alice"
    tokens.revoke(user.id, row.id)
    unauthorised(v1.get("token/check/"), INVALID_TOKEN)
    unauthorised(v1.get("accounts/create/", {"account": "Sneaky"}), INVALID_TOKEN)


def test_expired_key_is_invalid(client, user):
    yesterday = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=1)
    _row, key = tokens.issue(user.id, "old", expires_at=yesterday)
    unauthorised(V1Client(client, {"Authorization": f"Token {key}"}).get("token/check/"), INVALID_TOKEN)


def test_each_key_names_its_own_user(api, bob):
    assert ok(api.get("token/check/"))["user"] == "alice"
    assert ok(bob.get("token/check/"))["user"] == "bob"


@pytest.mark.parametrize("method, path, params", PROTECTED, ids=ROUTE_IDS)
def test_browser_session_never_authenticates(client, user, method, path, params):
    with client.session_transaction() as session:  # what Flask-Login stores at sign-in
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    before = snapshot()
    unauthorised(call(V1Client(client, {}), method, path, params), NOT_PROVIDED)
    assert snapshot() == before
