"""Fixtures: an app on a migrated database, emptied before every test.

The suite runs on SQLite by default and on PostgreSQL when
SPENDSENSE_TEST_DATABASE_URL is set. The schema is built once per run by the real
Alembic migrations (so they are tested too); each test then starts from empty
tables plus the seeded system categories.
"""

import os
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, text

from spendsense import create_app
from spendsense.config import TestingConfig, normalise_database_url
from spendsense.extensions import db, limiter
from spendsense.services.auth import tokens, users
from spendsense.services.ledger import balances, seed

PASSWORD = "correct horse battery"


def _database_url(tmp_path_factory):
    url = os.environ.get("SPENDSENSE_TEST_DATABASE_URL")
    if url:
        return _worker_database(normalise_database_url(url))
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def _worker_database(url):
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (``test_gw0``,
    ``test_gw1`` ... beside the given one, made on first use): tests empty and rebuild
    their tables, so two workers must never share one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


class RequestIsolatedClient(FlaskClient):
    """A test client whose every request runs in an app context of its own.

    The ``app`` fixture keeps an app context pushed for the whole test, and Flask
    reuses an active context for a request: ``g`` (Flask-Login's cached user, the
    per-request caches) and the database session would then leak from one request,
    or one logged-in client, into the next. Production gives each request a fresh
    context; so does this client.
    """

    def open(self, *args, **kwargs):
        # The test's own session (outer context) ends its transaction before and after,
        # so the request sees what the test wrote and the test then reads afresh.
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
            response.get_data()  # read streamed bodies while the context is alive
        db.session.commit()
        return response


def make_app(database_url, **overrides):
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        # scrypt is deliberately slow; tests hash many passwords.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WTF_CSRF_ENABLED": False,
    }
    settings.update(overrides)
    config = type("Config", (TestingConfig,), settings)
    app = create_app(config)
    app.test_client_class = RequestIsolatedClient
    return app


@contextmanager
def throttled_app(database_url, **overrides):
    """An app with the rate limits on (TestingConfig turns them off), inside its own app
    context, its counts emptied before and after so that no test sees another's."""
    app = make_app(database_url, RATELIMIT_ENABLED=True, **overrides)
    limiter.reset()
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        limiter.reset()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    app = make_app(url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    yield url
    with app.app_context():
        downgrade(revision="base")
        db.engine.dispose()


def empty_database():
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]  # dependants first
    if db.engine.dialect.name == "postgresql":
        # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE makes every table a
        # new file and syncs it to disk (0.1-0.2 s a test, where DELETE takes 2-10 ms).
        # The id sequences restart, as TRUNCATE's RESTART IDENTITY would.
        with_ids = [t.name for t in reversed(db.metadata.sorted_tables) if "id" in t.c]
        db.session.connection().exec_driver_sql("; ".join(
            [f"DELETE FROM {name}" for name in tables]
            + [f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), 1, false)" for name in with_ids]))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
        db.session.execute(text("DELETE FROM sqlite_sequence")) if db.session.execute(
            text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first() else None
    db.session.commit()


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        empty_database()
        seed.seed_system_categories()
        if app.config["RATELIMIT_ENABLED"]:
            limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def attachment_folder(app, tmp_path):
    """Attached files go to a folder of the test's own."""
    app.config["ATTACHMENT_FOLDER"] = str(tmp_path / "files")
    return tmp_path / "files"


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    def _make(username="alice", email=None, password=PASSWORD, **kwargs):
        return users.register(username, email or f"{username.lower()}@example.com", password, **kwargs)

    return _make


@pytest.fixture
def user(make_user):
    return make_user("alice")


@pytest.fixture
def other_user(make_user):
    return make_user("bob")


@pytest.fixture
def token(user):
    _row, secret = tokens.issue(user.id, "tests")
    return secret


@pytest.fixture
def other_token(other_user):
    _row, secret = tokens.issue(other_user.id, "tests")
    return secret


@pytest.fixture
def auth(token):
    return {"Authorization": f"Token {token}"}


@pytest.fixture
def other_auth(other_token):
    return {"Authorization": f"Token {other_token}"}


@pytest.fixture
def ledger(user):
    from spendsense.services.scope import ledger_for

    return ledger_for(user)


@pytest.fixture(autouse=True)
def _balances_stay_consistent(request):
    """Whatever a test did, cached balances, the accounts' all-time totals and monthly
    totals match the transactions (balances.recompute checks all three)."""
    uses_app = "app" in request.fixturenames
    if uses_app:
        request.getfixturevalue("app")  # set up first, so torn down after this check
    yield
    if uses_app:
        db.session.rollback()
        assert balances.recompute(db.session) == []
