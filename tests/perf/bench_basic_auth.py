"""What HTTP Basic costs per request, with and without the verified-credential cache
(services/auth/credential_cache.py).

Not a pytest test (pytest collects only test_*.py). Run it directly:

    .venv/bin/python tests/perf/bench_basic_auth.py                  # 40 requests a case
    .venv/bin/python tests/perf/bench_basic_auth.py --requests 100 --port 5163

It builds a fresh SQLite database (``flask db upgrade`` and ``flask seed``), one user
with the production password hash (scrypt, werkzeug's default parameters), an API key,
an account with one expense, and one ihatemoney project, then serves it with gunicorn
(one sync worker, 127.0.0.1) twice: with the cache off (SPENDSENSE_CREDENTIAL_CACHE_SECONDS=0,
every request pays the hash: the code before the cache) and on (the default, 300 s).
Requests are sequential, on one kept-alive connection, after two warm-up requests.

Output: one JSON line per case on stdout, then a table on stderr:
  {"cache": "off"|"on", "case": ..., "requests": N, "p50_ms": ..., "p90_ms": ..., "max_ms": ...}
Cases: Xpenser ``GET /api/expense/<id>`` with Basic login + password, the same
with an API key as the Basic password, v1 ``GET /api/v1/token/check/`` with the key
(the token baseline), and ihatemoney ``GET /api/projects/<id>`` with Basic id + code.
"""

import argparse
import base64
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "a long benchmark password"
CODE = "a long project code"


def env_for(db_path, cache_seconds):
    env = dict(os.environ)
    env.update({"FLASK_APP": "spendsense", "DATABASE_URL": f"sqlite:///{db_path}", "SPENDSENSE_ENV": "development",
                "SPENDSENSE_RATELIMIT_ENABLED": "false", "SPENDSENSE_CREDENTIAL_CACHE_SECONDS": str(cache_seconds),
                "SPENDSENSE_CREDENTIAL_CACHE_URI": "memory://", "PYTHONUNBUFFERED": "1"})
    return env


def build(db_path):
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env_for(db_path, 0), check=True,
                       capture_output=True)
    sys.path.insert(0, str(ROOT))
    from spendsense import create_app
    from spendsense.extensions import db
    from spendsense.services.auth import tokens, users
    from spendsense.services.bills import projects
    from spendsense.services.ledger import accounts
    from spendsense.services.ledger.commands import NewTransaction
    from spendsense.services.ledger.transactions import record
    from spendsense.services.scope import ledger_for

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "RATELIMIT_ENABLED": False})
    with app.app_context():
        user = users.register("bench", "bench@example.com", PASSWORD)
        ledger_id = ledger_for(user, write=True)
        account = accounts.create_account(ledger_id, "Main", currency="EUR")
        expense = record(ledger_id, NewTransaction(account_id=account.id, amount=Decimal("-4.50"), payee="shop"))
        _token, key = tokens.issue(user.id, "bench")
        projects.create_project(name="Bench", project_id="bench", password=CODE, contact_email="b@example.com",
                                default_currency="EUR")
        expense_id = expense.id
        db.session.remove()
        db.engine.dispose()
    return key, expense_id


def basic(login, password):
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def wait_for(port, deadline=30):
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/currencies")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def measure(port, path, authorization, count):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for n in range(count + 2):
        started = time.perf_counter()
        connection.request("GET", path, headers={"Authorization": authorization})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
        if n >= 2:
            times.append((time.perf_counter() - started) * 1000)
    connection.close()
    times.sort()
    return {"requests": count, "p50_ms": round(statistics.median(times), 2),
            "p90_ms": round(times[int(len(times) * 0.9) - 1], 2), "max_ms": round(times[-1], 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--port", type=int, default=5163)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.sqlite3"
        key, expense_id = build(db_path)
        cases = [("xpenser basic password", f"/api/expense/{expense_id}", basic("bench", PASSWORD)),
                 ("xpenser basic api key", f"/api/expense/{expense_id}", basic("bench", key)),
                 ("v1 token (baseline)", "/api/v1/token/check/", f"Token {key}"),
                 ("ihatemoney basic code", "/api/projects/bench", basic("bench", CODE))]
        for cache, seconds in (("off", 0), ("on", 300)):
            server = subprocess.Popen([str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{args.port}", "wsgi:app"],
                                      cwd=ROOT, env=env_for(db_path, seconds), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            try:
                wait_for(args.port)
                for case, path, authorization in cases:
                    record = {"cache": cache, "case": case, **measure(args.port, path, authorization, args.requests)}
                    results.append(record)
                    print(json.dumps(record), flush=True)
            finally:
                server.terminate()
                server.wait(timeout=30)
    print(f"{'case':28} {'cache':5} {'p50 ms':>8} {'p90 ms':>8}", file=sys.stderr)
    for record in results:
        print(f"{record['case']:28} {record['cache']:5} {record['p50_ms']:8.2f} {record['p90_ms']:8.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
