"""The verified-credential cache (services/auth/credential_cache.py): the second request
with the same Basic credentials skips the password hash, a password or private-code
change (or a bumped session version) ends the entry at once, and it works in Redis."""

import os
import sys

import pytest
import redis
from werkzeug.security import generate_password_hash

from spendsense.extensions import db
from spendsense.models import User
from spendsense.services.auth import credential_cache
from spendsense.services.bills import projects as shared_bills
from spendsense.services.ledger import accounts
from tests.api.projects_helpers import basic as project_basic
from tests.api.projects_helpers import create_project
from tests.api.xpenser_client import basic, error
from tests.conftest import PASSWORD, make_app

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture(autouse=True)
def _empty_cache(app):
    credential_cache.clear()
    yield
    credential_cache.clear()


@pytest.fixture
def hashes(monkeypatch):
    """Every password hash checked, by whichever module of the app checks it."""
    checked = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("spendsense.") or not hasattr(module, "check_password_hash"):
            continue
        original = module.check_password_hash

        def counting(pwhash, password, _original=original):
            checked.append(password)
            return _original(pwhash, password)

        monkeypatch.setattr(module, "check_password_hash", counting)
    return checked


@pytest.fixture
def main(ledger):
    return accounts.create_account(ledger, "Main", currency="EUR").id


def xpenser(client, login=("alice", PASSWORD)):
    return client.get("/api/expenses/", query_string={"format": "json", "report": "*"}, headers=basic(*login))


def test_the_second_request_skips_the_hash(client, main, hashes):
    assert xpenser(client).status_code == 200
    assert hashes == [PASSWORD]
    for _ in range(3):
        assert xpenser(client).status_code == 200
    assert xpenser(client, ("ALICE@example.com", PASSWORD)).status_code == 200
    assert hashes == [PASSWORD, PASSWORD]  # another spelling of the login is verified once too


def test_a_wrong_password_is_never_remembered(client, main, hashes):
    for _ in range(2):
        error(xpenser(client, ("alice", "wrong")), 401)
    assert hashes == ["wrong", "wrong"]


def _set_password(user_id, password):
    db.session.get(User, user_id).password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")
    db.session.commit()


def test_a_password_change_ends_the_entry_at_once(client, user, main, hashes):
    assert xpenser(client).status_code == 200
    _set_password(user.id, "a brand new password")
    error(xpenser(client), 401)
    assert xpenser(client, ("alice", "a brand new password")).status_code == 200


def test_ending_every_session_ends_the_entry(client, user, main, hashes):
    assert xpenser(client).status_code == 200
    db.session.get(User, user.id).session_version += 1
    db.session.commit()
    assert xpenser(client).status_code == 200
    assert hashes == [PASSWORD, PASSWORD]


def test_an_entry_opens_only_the_account_it_was_made_for(client, user, other_user, main, hashes):
    assert xpenser(client).status_code == 200
    _set_password(other_user.id, PASSWORD)
    assert client.get("/api/expenses/", headers=basic("bob")).status_code == 200
    assert len(hashes) == 2


def test_project_codes_are_remembered_until_the_code_changes(client, hashes):
    assert create_project(client).status_code == 201
    good = project_basic("raclette", "secret")
    for _ in range(3):
        assert client.get("/api/projects/raclette", headers=good).status_code == 200
    assert hashes == ["secret"]
    shared_bills.update_project("raclette", current_password="secret", password="another code")
    assert client.get("/api/projects/raclette", headers=good).status_code == 401
    assert client.get("/api/projects/raclette", headers=project_basic("raclette", "another code")).status_code == 200


def test_a_project_made_again_with_the_same_id_and_code_is_verified_again(client, hashes):
    assert create_project(client).status_code == 201
    good = project_basic("raclette", "secret")
    assert client.get("/api/projects/raclette", headers=good).status_code == 200
    shared_bills.delete_project("raclette")
    assert create_project(client).status_code == 201
    assert client.get("/api/projects/raclette", headers=good).status_code == 200
    assert hashes == ["secret", "secret"]


def test_no_cache_when_its_lifetime_is_zero(database_url, user, main, hashes):
    app = make_app(database_url, CREDENTIAL_CACHE_SECONDS=0)
    with app.app_context():
        client = app.test_client()
        for _ in range(2):
            assert xpenser(client).status_code == 200
        db.session.remove()
        db.engine.dispose()
    assert len(hashes) == 2


def test_the_memory_cache_is_bounded(database_url, make_user, hashes):
    app = make_app(database_url, CREDENTIAL_CACHE_SIZE=2)
    for name in ("ann", "ben", "cat"):
        make_user(name)
    with app.app_context():
        client = app.test_client()
        for name in ("ann", "ben", "cat", "ann"):
            assert client.get("/api/expenses/", headers=basic(name)).status_code == 200
        db.session.remove()
        db.engine.dispose()
    assert len(hashes) == 4  # ann was dropped when cat came


def test_entries_live_in_redis_when_configured(database_url, user, main, hashes):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    first, second = (make_app(database_url, CREDENTIAL_CACHE_URI=REDIS_URL, SECRET_KEY=f"k{os.getpid()}")
                     for _ in range(2))
    try:
        for app in (first, second):  # two processes, as it were: one hash for both
            with app.app_context():
                assert xpenser(app.test_client()).status_code == 200
                db.session.remove()
                db.engine.dispose()
        assert len(hashes) == 1
        stored = redis.Redis.from_url(REDIS_URL).keys(credential_cache.REDIS_PREFIX + "*")
        assert stored and not any(PASSWORD.encode() in key for key in stored)
    finally:
        with first.app_context():
            credential_cache.clear()
