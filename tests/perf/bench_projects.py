"""Benchmark of the ihatemoney dialect on SQLite behind gunicorn (2 workers).

Not a pytest test. Run it directly:

    .venv/bin/python tests/perf/bench_projects.py                        # 10,000 and 100,000 bills
    .venv/bin/python tests/perf/bench_projects.py --sizes 2000 --requests 40   # quick smoke run

For every size: a fresh SQLite database (``flask db upgrade``), one project "bench" with
50 members made through the services, then the bills bulk-loaded with plain SQL (each
with 2-8 owers, 5% reimbursements, shares split by services.bill_shares.split exactly as
the app splits them), the members' cached totals recomputed by the service and checked
against the GROUP BY aggregates. Each size gets its own gunicorn; the clients use HTTP
Basic auth with the private code, as MoneyBuster does. Server-side gunicorn reuse
(Server, Stats, Deadline, flask_env, run_flask) comes from bench_v1.

Endpoints: GET project, GET statistics (goal: p50 at 100,000 bills within 1.5x of
10,000), GET bills (the whole list, as ihatemoney answers it) and POST bill. Then the
time to compute a settle-up plan, in process: the 50-member project's own (greedy
beyond 15 non-zero balances) and the exact DP on 15 members.

Output: JSON lines on stdout ({"size", "endpoint", "rps", "p50_ms", "p99_ms", ...},
{"event": "compare", ...}, {"event": "settle", ...}); progress on stderr.
"""

import argparse
import base64
import http.client
import random
import sqlite3
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf.bench_v1 import Deadline, Emitter, Server, Stats, log, run_flask  # noqa: E402

PROJECT = "bench"
CODE = "bench-code"
MEMBERS = 50
GOAL = 1.5
POST_BODY = "what=coffee&payer=1&payed_for=1&payed_for=2&payed_for=3&amount=4.5%2B1&date=2024-06-01"
ENDPOINTS = (  # name, method, path, requests factor (GET bills sends megabytes per answer)
    ("project", "GET", f"/api/projects/{PROJECT}", 1.0),
    ("statistics", "GET", f"/api/projects/{PROJECT}/statistics", 1.0),
    ("bills", "GET", f"/api/projects/{PROJECT}/bills", 0.05),
    ("bills/create", "POST", f"/api/projects/{PROJECT}/bills", 1.0),
)
INSERT_BILL = ("INSERT INTO bills (id, project_id, payer_id, amount, original_currency, converted_amount, date, "
               "creation_date, created_at, what, bill_type, external_link) VALUES (?,?,?,?,?,?,?,?,?,?,?,'')")
INSERT_OWER = "INSERT INTO bill_owers (bill_id, member_id, share) VALUES (?,?,?)"
WHATS = ("groceries", "rent", "pizza", "train", "cinema", "wine", "fuel", "museum")


def prepare(db_path, size, seed, deadline):
    result, _ = run_flask(["db", "upgrade"], db_path, deadline, cap=300)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    from spendsense import create_app
    from spendsense.extensions import db
    from spendsense.services.bills import members as project_members
    from spendsense.services.bills import projects as shared_bills
    from spendsense.services.bills import splits as bill_shares

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "RATELIMIT_ENABLED": False})
    with app.app_context():
        shared_bills.create_project(name="Bench", project_id=PROJECT, password=CODE,
                                    contact_email="bench@example.com", default_currency="EUR")
        weights = {}
        for index in range(MEMBERS):
            weight = "1" if index % 5 else "2"
            weights[project_members.add_member(PROJECT, f"member {index:02d}", weight).id] = int(weight) * 1000
        db.session.remove()
        started = time.perf_counter()
        bulk_bills(db_path, size, weights, random.Random(seed))
        loaded = time.perf_counter() - started
        with db.session.begin():
            bill_shares.recompute_totals(PROJECT)
        wrong = bill_shares.inconsistencies(PROJECT)
        db.session.remove()
        db.engine.dispose()
    if wrong:
        raise RuntimeError(f"cached totals differ from the bills: {wrong[:3]}")
    return {"event": "seed", "size": size, "seconds": round(loaded, 2), "db_mb": round(db_path.stat().st_size / 2**20, 1)}


def bulk_bills(db_path, size, weights, rng):
    from spendsense.services.bills.splits import split

    members = sorted(weights)
    first = date(2015, 1, 1)
    bills, owers = [], []
    for bill_id in range(1, size + 1):
        payer = rng.choice(members)
        chosen = rng.sample(members, rng.randint(2, 8))
        amount = rng.randint(100, 30_000)
        kind = "Reimbursement" if rng.random() < 0.05 else "Expense"
        day = first + timedelta(days=bill_id * 3650 // size)
        bills.append((bill_id, PROJECT, payer, amount, "EUR", amount, day.isoformat(), day.isoformat(),
                      f"{day.isoformat()} 12:00:00.000000", rng.choice(WHATS), kind))
        owers.extend((bill_id, member, share) for member, share in split(amount, {m: weights[m] for m in chosen}).items())
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(INSERT_BILL, bills)
        connection.executemany(INSERT_OWER, owers)
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def load(server, method, path, count, threads, deadline, stats=None):
    headers = {"Authorization": "Basic " + base64.b64encode(f"{PROJECT}:{CODE}".encode()).decode(),
               "Connection": "keep-alive", "Content-Type": "application/x-www-form-urlencoded"}
    lock = threading.Lock()

    def worker(share):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            for _ in range(share):
                started = time.perf_counter()
                try:
                    conn.request(method, path, body=POST_BODY if method == "POST" else None, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    status = None
                elapsed = time.perf_counter() - started
                if stats is not None:
                    with lock:
                        stats.statuses[str(status)] = stats.statuses.get(str(status), 0) + 1
                        if status in (200, 201):
                            stats.latencies.append(elapsed)
                        else:
                            stats.errors += 1
                if time.monotonic() > deadline.end:
                    return
        finally:
            conn.close()

    shares = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]
    pool = [threading.Thread(target=worker, args=(share,), daemon=True) for share in shares if share]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=deadline.left())
    if stats is not None:
        stats.busy += time.perf_counter() - started


def settle_timings(emit):
    from spendsense.services.bills import settle

    rng = random.Random(7)
    for people in (15, 50):
        values = [rng.randint(-50_000, 50_000) for _ in range(people - 1)]
        balances = dict(enumerate([*values, -sum(values)]))
        started = time.perf_counter()
        plan = settle.settle(balances)
        emit({"event": "settle", "members": people, "exact": people <= settle.EXACT_LIMIT,
              "transfers": len(plan), "ms": round((time.perf_counter() - started) * 1000, 2)})


def project_settle_timing(db_path, size, emit):
    from spendsense import create_app
    from spendsense.extensions import db
    from spendsense.services.bills import stats as project_stats

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "RATELIMIT_ENABLED": False})
    with app.app_context():
        started = time.perf_counter()
        plan = project_stats.settle_plan(PROJECT)
        elapsed = time.perf_counter() - started
        nonzero = sum(1 for value in project_stats.balances(PROJECT).values() if value)
        db.session.remove()
        db.engine.dispose()
    emit({"event": "settle", "size": size, "members": MEMBERS, "nonzero": nonzero, "transfers": len(plan),
          "ms": round(elapsed * 1000, 2), "note": "balances read + plan, in process"})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per endpoint and size")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--time-limit", type=float, default=3000)
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    sizes = sorted(int(part) for part in args.sizes.split(","))
    deadline = Deadline(args.time_limit)
    emit = Emitter(args.out)
    servers = {}
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-projects-") as workdir:
        try:
            for size in sizes:
                db_path = Path(workdir) / f"bench-{size}.sqlite3"
                log(f"size {size}: seeding")
                emit(prepare(db_path, size, args.seed, deadline))
                project_settle_timing(db_path, size, emit)
                servers[size] = Server(db_path, workdir, args.workers)
                servers[size].wait_ready(deadline)
            for name, method, path, factor in ENDPOINTS:
                count = max(4, int(args.requests * factor))
                for size in sizes:
                    load(servers[size], method, path, max(2, count // 10), args.threads, deadline)  # warm-up
                    stats = Stats()
                    log(f"{name}: {count} requests at {size} bills")
                    load(servers[size], method, path, count, args.threads, deadline, stats)
                    results[(size, name)] = stats.summary()
                    emit({"size": size, "endpoint": name, **results[(size, name)], "threads": args.threads})
            small, large = sizes[0], sizes[-1]
            for name, *_rest in ENDPOINTS:
                a, b = results[(small, name)], results[(large, name)]
                if a["p50_ms"] and b["p50_ms"] and small != large:
                    ratio = round(b["p50_ms"] / a["p50_ms"], 3)
                    record = {"event": "compare", "endpoint": name, "small": small, "large": large,
                              "p50_small_ms": a["p50_ms"], "p50_large_ms": b["p50_ms"], "p50_ratio": ratio}
                    if name in ("project", "statistics"):
                        record.update(goal=GOAL, ok=ratio <= GOAL)
                    emit(record)
            settle_timings(emit)
        finally:
            for server in servers.values():
                server.stop()
            emit.close()


if __name__ == "__main__":
    main()
