"""Scale-out: two gunicorn instances (2 workers each) on one PostgreSQL database, 8
writers posting through both at once, some into the same account: every balance is
exact afterwards.

The database is this test's own (``<suite database>_scale_out``), made, migrated and
dropped here; the servers are real processes on free ports, stopped whatever happens.
"""

import http.client
import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, make_url, select, text

from spendsense import money
from spendsense.config import normalise_database_url
from spendsense.extensions import db
from spendsense.models import Account, Transaction
from spendsense.services.auth import tokens, users
from spendsense.services.ledger import accounts, balances
from spendsense.services.scope import ledger_for
from tests.conftest import PASSWORD, make_app
from tests.perf.bench_v1 import Deadline, Server, free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("SPENDSENSE_TEST_DATABASE_URL"), reason="needs PostgreSQL"),
]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
WRITERS = 8
PER_WRITER = 30


@pytest.fixture
def database():
    """A PostgreSQL database of this test's own, migrated, with alice, her key and
    three accounts; dropped afterwards."""
    base = make_url(normalise_database_url(os.environ["SPENDSENSE_TEST_DATABASE_URL"]))
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = base.set(database=f"{base.database}_scale_out" + (f"_{worker}" if worker else ""))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")

    def recreate(drop_only=False):
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            if not drop_only:
                conn.execute(text(f'CREATE DATABASE "{url.database}"'))

    recreate()
    app = make_app(url.render_as_string(hide_password=False))
    try:
        with app.app_context():
            upgrade()
            user = users.register("alice", "alice@example.com", PASSWORD)
            ledger = ledger_for(user)
            opened = {name: accounts.create_account(ledger, name, currency="EUR", opening_balance=opening).id
                      for name, opening in (("Shared", "100.00"), ("Left", "0"), ("Right", "-20.50"))}
            _row, secret = tokens.issue(user.id, "scale-out")
            db.session.remove()
        with app.app_context():
            db.engine.dispose()
        yield {"url": url.render_as_string(hide_password=False), "app": app, "token": secret,
               "accounts": opened}
    finally:
        with app.app_context():
            db.engine.dispose()
        recreate(drop_only=True)
        admin.dispose()


class Gunicorn(Server):
    """``gunicorn -w 2 wsgi:app`` on PostgreSQL: the benchmarks' server process (waiting
    until ready, its log's tail, stopping its whole process group), with this test's
    database and environment."""

    def __init__(self, database_url, log_path):
        self.port = free_port()
        self.ready_path, self.ready_status = "/api/v1/token/check/", 401
        self.log_path = log_path
        self.log = open(log_path, "w", encoding="utf-8")
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "scale-out-test-secret-key",
               "SPENDSENSE_ENV": "development", "SPENDSENSE_RATELIMIT_ENABLED": "0",
               "SPENDSENSE_POST_DUE_ON_REQUEST": "0", "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "5",
             "wsgi:app"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)


def request(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def postings(index):
    """A writer's (account, type, amount): every other one into the shared account, the
    rest into its side's own; 0.01 to 99.99, earns and spends."""
    side = "Left" if index % 2 else "Right"
    return [("Shared" if number % 2 == 0 else side, "spent" if (index + number) % 3 else "earn",
             Decimal((index * 7919 + number * 104729) % 9999 + 1).scaleb(-2)) for number in range(PER_WRITER)]


def test_two_instances_eight_writers_exact_balances(database, tmp_path):
    servers = []
    try:
        servers = [Gunicorn(database["url"], tmp_path / f"gunicorn-{n}.log") for n in range(2)]
        for server in servers:
            # Booting a worker imports the whole app: seconds, more on a loaded CI machine.
            server.wait_ready(Deadline(120), cap=120)
        headers = {"Authorization": f"Token {database['token']}"}
        barrier = threading.Barrier(WRITERS)
        failures = []

        def writer(index):
            port = servers[index % 2].port
            try:
                barrier.wait(timeout=30)
                for number, (account, kind, amount) in enumerate(postings(index)):
                    query = urlencode({"type": kind, "account": account, "amount": str(amount),
                                       "category": "supermarket" if kind == "spent" else "salary",
                                       "description": f"writer {index} #{number}"})
                    status, body = request(port, f"/api/v1/transactions/create/?{query}", headers)
                    if status not in (200, 201) or "id" not in json.loads(body):
                        failures.append((index, number, status, body[:200]))
            except Exception as exc:  # reported in the main thread
                failures.append((index, repr(exc)))

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a writer hung"
        assert failures == []
    finally:
        for server in servers:
            server.stop()

    expected = {"Shared": Decimal("100.00"), "Left": Decimal("0"), "Right": Decimal("-20.50")}
    for index in range(WRITERS):
        for account, kind, amount in postings(index):
            expected[account] += amount if kind == "earn" else -amount
    with database["app"].app_context():
        stored = dict(db.session.execute(select(Account.name, Account.balance)).all())
        live = dict(db.session.execute(
            select(Account.name, Account.opening_balance + func.coalesce(func.sum(Transaction.amount), 0))
            .outerjoin(Transaction, (Transaction.account_id == Account.id) & Transaction.deleted_at.is_(None))
            .group_by(Account.id)).all())
        count = db.session.scalar(select(func.count()).select_from(Transaction))
        problems = balances.recompute(db.session)
        db.session.remove()
    assert count == WRITERS * PER_WRITER
    assert stored == live == {name: money.to_minor(value, "EUR") for name, value in expected.items()}
    assert problems == []
