"""Throttling wrong credentials (throttle.py): per account and per address, never the
right credential of another account, never a request without credentials; creating
accounts and projects limited per address; Redis as the storage."""

import os

import pytest
import redis

from spendsense import throttle
from spendsense.extensions import db
from spendsense.services.auth import users
from tests.api.projects_helpers import basic as project_basic
from tests.api.projects_helpers import create_project
from tests.api.xpenser_client import basic
from tests.conftest import PASSWORD, make_app, throttled_app

GUESSER = {"REMOTE_ADDR": "192.0.2.7"}  # the same address for the guesser and the neighbour
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.9"}
REDIS_URL = "redis://127.0.0.1:6379/13"


def _limited_app(database_url, **overrides):
    settings = {"RATELIMIT_ACCOUNT": "3 per minute; 5 per hour", "RATELIMIT_ADDRESS": "50 per minute", **overrides}
    return throttled_app(database_url, **settings)


@pytest.fixture
def people(make_user):
    make_user("alice")
    make_user("bob")


@pytest.fixture
def limited(database_url, people):
    with _limited_app(database_url) as app:
        yield app.test_client()


def _xpenser(client, login_, password, environ=GUESSER):
    return client.get("/api/expenses/", query_string={"format": "json", "report": "*"},
                      headers=basic(login_, password), environ_base=environ)


def _web_login(client, username, password, environ=GUESSER):
    return client.post("/login", data={"username": username, "password": password}, environ_base=environ)


# --- two users behind one address, one guessing, the other logging in fine -----------

def test_web_guesser_is_stopped_and_the_neighbour_logs_in(limited):
    guesser = limited
    for _ in range(3):
        assert _web_login(guesser, "alice", "guess").status_code == 401
    assert _web_login(guesser, "alice", "guess").status_code == 429
    assert _web_login(guesser, "alice", PASSWORD).status_code == 429  # the account waits
    neighbour = limited.application.test_client()
    assert _web_login(neighbour, "bob", PASSWORD).status_code == 302


def test_a_known_browser_is_not_locked_out_by_a_guesser(limited):
    alices = limited.application.test_client()
    assert _web_login(alices, "alice", PASSWORD, ELSEWHERE).status_code == 302
    assert alices.get_cookie(throttle.DEVICE_COOKIE) is not None
    alices.post("/logout")
    guesser = limited
    for _ in range(3):
        assert _web_login(guesser, "ALICE", "guess").status_code == 401
    assert _web_login(guesser, "alice@example.com", PASSWORD).status_code == 429
    assert _web_login(alices, "alice", PASSWORD, ELSEWHERE).status_code == 302
    # A forged or foreign cookie is no known device.
    guesser.set_cookie(throttle.DEVICE_COOKIE, "forged")
    assert _web_login(guesser, "alice", PASSWORD).status_code == 429


def test_xpenser_guesser_is_stopped_and_the_neighbour_is_answered(limited):
    for _ in range(3):
        assert _xpenser(limited, "alice", "guess").status_code == 401
    throttled = _xpenser(limited, "alice", "guess")
    assert throttled.status_code == 429
    assert throttled.get_json()["status"] == 429 and "Too many failed logins" in throttled.get_json()["error"]
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert _xpenser(limited, "Alice", PASSWORD, ELSEWHERE).status_code == 429  # the account, from anywhere
    assert _xpenser(limited, "bob", PASSWORD).status_code == 200


def test_ihatemoney_guesser_is_stopped_and_the_other_project_is_answered(limited):
    for project_id in ("raclette", "fondue"):
        assert create_project(limited, name=project_id, project_id=project_id).status_code == 201
    for _ in range(3):
        response = limited.get("/api/projects/raclette", headers=project_basic("raclette", "guess"),
                               environ_base=GUESSER)
        assert response.status_code == 401
    throttled = limited.get("/api/projects/RACLETTE", headers=project_basic("raclette", "secret"),
                            environ_base=GUESSER)
    assert throttled.status_code == 429
    assert "Try again in" in throttled.get_json()["message"]
    assert limited.get("/api/projects/fondue", headers=project_basic("fondue", "secret"),
                       environ_base=GUESSER).status_code == 200


def test_project_login_page_counts_per_project(limited):
    for project_id in ("raclette", "fondue"):
        assert create_project(limited, name=project_id, project_id=project_id).status_code == 201
    for _ in range(3):
        limited.post("/projects/login", data={"id": "raclette", "password": "guess"}, environ_base=GUESSER)
    refused = limited.post("/projects/login", data={"id": "Raclette", "password": "secret"}, environ_base=GUESSER)
    assert refused.status_code == 429
    other = limited.application.test_client()
    assert other.post("/projects/login", data={"id": "fondue", "password": "secret"},
                      environ_base=GUESSER).status_code == 302


def test_v1_token_guesser_is_stopped_and_the_neighbour_gets_a_key(limited):
    for _ in range(3):
        assert limited.post("/api/v1/token/", data={"username": "alice", "password": "guess"},
                            environ_base=GUESSER).status_code == 400
    assert limited.post("/api/v1/token/", data={"username": "alice", "password": PASSWORD},
                        environ_base=GUESSER).status_code == 429
    assert limited.post("/api/v1/token/", data={"username": "bob", "password": PASSWORD},
                        environ_base=GUESSER).status_code == 200


def test_every_account_limit_applies(database_url, people):
    with _limited_app(database_url, RATELIMIT_ACCOUNT="100 per minute; 4 per hour") as app:
        client = app.test_client()
        for _ in range(4):
            assert _xpenser(client, "alice", "guess").status_code == 401
        throttled = _xpenser(client, "alice", PASSWORD)
        assert throttled.status_code == 429
        assert 60 < int(throttled.headers["Retry-After"]) <= 3600


# --- no credentials: a plain 401, never counted ------------------------------------

def test_requests_without_credentials_are_not_counted(limited):
    assert create_project(limited).status_code == 201
    for _ in range(30):
        assert limited.get("/api/expenses/", environ_base=GUESSER).status_code == 401
        assert limited.get("/api/projects/raclette", environ_base=GUESSER).status_code == 401
        assert limited.post("/api/v1/token/", data={}, environ_base=GUESSER).status_code == 400
        assert limited.post("/login", data={}, environ_base=GUESSER).status_code == 422
    assert _xpenser(limited, "alice", PASSWORD).status_code == 200
    assert limited.get("/api/projects/raclette", headers=project_basic("raclette", "secret"),
                       environ_base=GUESSER).status_code == 200
    # And the whole budget for wrong ones is still there.
    for _ in range(3):
        assert _xpenser(limited, "alice", "guess").status_code == 401
    assert _xpenser(limited, "alice", "guess").status_code == 429


# --- the address limit -------------------------------------------------------------

def test_an_address_guessing_many_accounts_is_stopped_but_not_a_known_browser(database_url, people):
    with _limited_app(database_url, RATELIMIT_ACCOUNT="100 per minute", RATELIMIT_ADDRESS="4 per minute") as app:
        bobs = app.test_client()
        assert _web_login(bobs, "bob", PASSWORD).status_code == 302
        bobs.post("/logout")
        guesser = app.test_client()
        for name in ("alice", "carol", "dave", "erin"):
            assert _web_login(guesser, name, "guess").status_code == 401
        assert _web_login(guesser, "frank", "guess").status_code == 429
        assert _xpenser(guesser, "bob", PASSWORD).status_code == 429  # a script has no cookie: it waits
        assert _web_login(bobs, "bob", PASSWORD).status_code == 302  # bob's browser is known
        assert _web_login(app.test_client(), "alice", PASSWORD, ELSEWHERE).status_code == 302


# --- creating accounts and projects ------------------------------------------------

def test_registering_is_limited_per_address_and_only_creations_count(database_url, app):
    with _limited_app(database_url, RATELIMIT_SIGNUP="2 per hour") as limited_app:
        client = limited_app.test_client()

        def register(name, password="a long enough password 1"):
            return client.post("/register", data={"username": name, "email": f"{name}@example.com",
                                                  "password": password, "confirm": password},
                               environ_base=GUESSER)

        for _ in range(3):
            assert register("x", password="short").status_code != 302  # refused forms are free
        for name in ("one", "two"):
            assert register(name).status_code == 302
            client.post("/logout")
        assert register("three").status_code == 429
        assert users.find_by_login("three") is None


def _create(client, project_id, environ=GUESSER):
    return client.post("/api/projects", data={"name": project_id, "id": project_id, "password": "secret",
                                              "contact_email": "p@example.com"}, environ_base=environ)


def test_creating_projects_is_limited_per_address_in_the_api_and_the_web(database_url, app):
    with _limited_app(database_url, RATELIMIT_SIGNUP="2 per hour") as limited_app:
        client = limited_app.test_client()
        assert _create(client, "one").status_code == 201
        assert client.post("/projects/new", data={"name": "Two", "id": "two", "password": "secret",
                                                  "contact_email": "t@example.com", "default_currency": "XXX"},
                           environ_base=GUESSER).status_code == 302
        refused = _create(client, "three")
        assert refused.status_code == 429
        assert refused.get_data(as_text=True).endswith("\n") and "message" in refused.get_json()
        assert int(refused.headers["Retry-After"]) > 0
        assert _create(client, "four", ELSEWHERE).status_code == 201


# --- keys ----------------------------------------------------------------------------

def test_account_keys_are_normalised_and_bounded(app, people):
    assert throttle.user_account("ALICE") == throttle.user_account(" alice@example.com ")
    assert throttle.user_account("") is None and throttle.project_account(None) is None
    assert throttle.project_account("Raclette") == "project:raclette"
    long = throttle.account_key("login", "x" * 100_000)
    assert long.startswith("login:sha256:") and len(long) < 100


@pytest.mark.parametrize(("address", "key"), [
    ("203.0.113.5", "203.0.113.5"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.5", "203.0.113.5"),
])
def test_address_keys(app, address, key):
    with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
        assert throttle.address_key() == key


def test_addresses_behind_a_proxy_come_from_x_forwarded_for(database_url, people):
    with _limited_app(database_url, PROXY_COUNT=1, RATELIMIT_ACCOUNT="100 per minute",
                      RATELIMIT_ADDRESS="2 per minute") as app:
        client = app.test_client()
        for name in ("alice", "carol"):
            assert client.post("/api/v1/token/", data={"username": name, "password": "guess"},
                               headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 400
        assert client.post("/api/v1/token/", data={"username": "bob", "password": PASSWORD},
                           headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 429
        assert client.post("/api/v1/token/", data={"username": "bob", "password": PASSWORD},
                           headers={"X-Forwarded-For": "203.0.113.6"}).status_code == 200


# --- Redis ---------------------------------------------------------------------------

def _redis_or_skip():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")


def test_counts_live_in_redis_when_configured(database_url, people):
    _redis_or_skip()
    prefix = f"spendsense-test-{os.getpid()}"
    with _limited_app(database_url, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix) as app:
        client = app.test_client()
        for _ in range(3):
            assert _xpenser(client, "alice", "guess").status_code == 401
        assert _xpenser(client, "alice", PASSWORD).status_code == 429
        assert _xpenser(client, "bob", PASSWORD).status_code == 200
        keys = redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*")
        assert keys and all(b"credentials" in key for key in keys)


def test_an_unreachable_storage_lets_attempts_through_rather_than_answer_500(database_url, people):
    down = "redis://127.0.0.1:1/0"
    # Not throttled_app: emptying the counts needs the storage this test takes away.
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_ACCOUNT="3 per minute; 5 per hour",
                   RATELIMIT_STORAGE_URI=down, CREDENTIAL_CACHE_URI=down)
    with app.app_context():
        client = app.test_client()
        assert _xpenser(client, "alice", "guess").status_code == 401
        assert _xpenser(client, "alice", PASSWORD).status_code == 200
        assert _web_login(client, "bob", PASSWORD).status_code == 302
        assert _create(client, "raclette").status_code == 201
        db.session.remove()
        db.engine.dispose()
