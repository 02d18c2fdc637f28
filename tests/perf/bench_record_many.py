"""Benchmark of the transaction command's write paths, in process (no HTTP).

Prints JSON lines: ``record_many`` rows/s for ROWS rows into one account (the write path
imports use) and, for comparison, ``record`` (one command, one write transaction) per
second. Runs on a fresh SQLite file by default, or on an empty PostgreSQL database:

    .venv/bin/python tests/perf/bench_record_many.py [--rows 100000] [--database-url URL]

The database at ``--database-url`` is wiped first (its public schema is dropped).
"""

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from spendsense import create_app  # noqa: E402
from spendsense.extensions import db  # noqa: E402
from spendsense.services.auth import users  # noqa: E402
from spendsense.services.ledger import accounts, balances, seed, transactions  # noqa: E402
from spendsense.services.ledger.commands import NewTransaction  # noqa: E402
from spendsense.services.scope import ledger_for  # noqa: E402

START = datetime(2015, 1, 1, 8, 0)  # noqa: DTZ001  (wall-clock times, as transactions store them)


def emit(**record):
    print(json.dumps(record), flush=True)


def commands(account_id, count, rng, offset=0):
    return [NewTransaction(amount=Decimal(-rng.randint(1, 50_000)) / 100 if rng.random() < 0.8
                           else Decimal(rng.randint(1, 500_000)) / 100,
                           account_id=account_id, occurred_at=START + timedelta(minutes=37 * (n + offset)),
                           payee=f"Shop {n % 200}", description="bench", external_id=f"fitid-{n + offset}",
                           source="import")
            for n in range(count)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--singles", type=int, default=2_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    workdir = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{workdir.name}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    rng = random.Random(7)
    with app.app_context():
        backend = db.engine.dialect.name
        if backend == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        seed.seed_system_categories()
        user = users.register("bench", "bench@example.com", "bench password 1", base_currency="EUR")
        ledger_id = ledger_for(user, write=True)
        bulk_account = accounts.create_account(ledger_id, "Bulk").id
        single_account = accounts.create_account(ledger_id, "Single").id

        batch = commands(bulk_account, args.rows, rng)
        started = time.perf_counter()
        ids = transactions.record_many(ledger_id, batch)
        seconds = time.perf_counter() - started
        emit(bench="record_many", backend=backend, rows=len(ids), seconds=round(seconds, 3),
             rows_per_s=round(len(ids) / seconds))

        singles = commands(single_account, args.singles, rng, offset=args.rows)
        started = time.perf_counter()
        for cmd in singles:
            transactions.record(ledger_id, cmd)
            db.session.remove()  # a request's session ends with the request
        seconds = time.perf_counter() - started
        emit(bench="record", backend=backend, rows=len(singles), seconds=round(seconds, 3),
             rows_per_s=round(len(singles) / seconds))

        problems = balances.recompute(db.session)
        emit(bench="check_balances", backend=backend, problems=len(problems))
        db.session.remove()
        db.engine.dispose()
    workdir.cleanup()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
