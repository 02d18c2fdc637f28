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
10,000), GET bills (the whole list, as ihatemoney answers it; with Basic auth and with
the project's token) and POST bill. After the load, the peak resident memory of the
largest gunicorn worker (goal: flat in the number of bills, the list is streamed).
In process: the project's CSV export through its web route (goal: 100,000 rows/s),
and the time to compute a settle-up plan: the 50-member project's own (greedy beyond
15 non-zero balances) and the exact DP on 15 members.

ihatemoney 7.2.1 (tests/perf/ihatemoney_server.py; its own venv, ``--ihm-venv``, never
in setup.cfg) gets the same project at ``--ihm-size`` bills under the same gunicorn
flags, and GET bills with its token is measured beside SpendSense's (goal: SpendSense
at least 10x ihatemoney's requests/s). Without it: "ihatemoney: not installed".

Output: JSON lines on stdout ({"size", "endpoint", "rps", "p50_ms", "p99_ms", ...},
{"event": "memory", ...}, {"event": "csv_export", ...}, {"event": "compare", ...},
{"event": "ihatemoney", ...}, {"event": "settle", ...}); progress on stderr.
"""

import argparse
import base64
import http.client
import json
import random
import sqlite3
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf import ihatemoney_server  # noqa: E402
from tests.perf.bench_v1 import Deadline, Emitter, Server, Stats, log, run_flask  # noqa: E402

PROJECT = "bench"
CODE = "bench-code"
MEMBERS = 50
GOAL = 1.5
IHATEMONEY_GOAL = 10
CSV_GOAL = 100_000
POST_BODY = "what=coffee&payer=1&payed_for=1&payed_for=2&payed_for=3&amount=4.5%2B1&date=2024-06-01"
BILLS = f"/api/projects/{PROJECT}/bills"
ENDPOINTS = (  # name, method, path, requests factor (GET bills sends megabytes per answer), auth
    ("project", "GET", f"/api/projects/{PROJECT}", 1.0, "basic"),
    ("statistics", "GET", f"/api/projects/{PROJECT}/statistics", 1.0, "basic"),
    ("bills", "GET", BILLS, 0.1, "basic"),
    ("bills (token)", "GET", BILLS, 0.1, "token"),
    ("bills/create", "POST", BILLS, 1.0, "basic"),
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
        plan = bulk_bills(db_path, size, weights, random.Random(seed))
        loaded = time.perf_counter() - started
        with db.session.begin():
            bill_shares.recompute_totals(PROJECT)
        wrong = bill_shares.inconsistencies(PROJECT)
        db.session.remove()
        db.engine.dispose()
    if wrong:
        raise RuntimeError(f"cached totals differ from the bills: {wrong[:3]}")
    return {"event": "seed", "size": size, "seconds": round(loaded, 2),
            "db_mb": round(db_path.stat().st_size / 2**20, 1)}, plan


def bulk_bills(db_path, size, weights, rng):
    """Write the bills; return them as (payer index, [ower indexes], amount, day, what,
    kind), members counted from 0 in id order, for ihatemoney's copy."""
    from spendsense.services.bills.splits import split

    members = sorted(weights)
    index = {member: position for position, member in enumerate(members)}
    first = date(2015, 1, 1)
    bills, owers, plan = [], [], []
    for bill_id in range(1, size + 1):
        payer = rng.choice(members)
        chosen = rng.sample(members, rng.randint(2, 8))
        amount = rng.randint(100, 30_000)
        kind = "Reimbursement" if rng.random() < 0.05 else "Expense"
        day = first + timedelta(days=bill_id * 3650 // size)
        bills.append((bill_id, PROJECT, payer, amount, "EUR", amount, day.isoformat(), day.isoformat(),
                      f"{day.isoformat()} 12:00:00.000000", rng.choice(WHATS), kind))
        owers.extend((bill_id, member, share) for member, share in split(amount, {m: weights[m] for m in chosen}).items())
        plan.append((index[payer], sorted(index[m] for m in chosen), amount, day.isoformat(), bills[-1][9], kind))
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
    return plan


BASIC = "Basic " + base64.b64encode(f"{PROJECT}:{CODE}".encode()).decode()


def project_token(server):
    """The project's token (ihatemoney's and SpendSense's GET .../token), for the
    "token" runs: a request then costs no password hash."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("GET", f"/api/projects/{PROJECT}/token", headers={"Authorization": BASIC})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"no project token: {response.status} {body[:200]!r}")
        return json.loads(body)["token"]
    finally:
        conn.close()


def load(server, method, path, count, threads, deadline, stats=None, authorization=BASIC):
    headers = {"Authorization": authorization,
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


def csv_export_rate(db_path, size):
    """The project's CSV export through its web route, in process, read chunk by chunk."""
    from spendsense import create_app
    from spendsense.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        client = app.test_client()
        answer = client.post("/projects/login", data={"id": PROJECT, "password": CODE})
        if answer.status_code != 302:
            raise RuntimeError(f"project login failed: {answer.status_code}")
        for _run in ("warm-up", "measured"):  # the first one also compiles queries, loads templates...
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(f"/projects/{PROJECT}/export/bills.csv", buffered=False)
            lines = chunks = 0
            for chunk in response.response:
                lines += chunk.count(b"\n" if isinstance(chunk, bytes) else "\n")
                chunks += 1
            response.close()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        db.session.remove()
        db.engine.dispose()
    rows = lines - 1  # the header
    return {"event": "csv_export", "size": size, "rows": rows, "seconds": round(seconds, 3),
            "rows_per_s": round(rows / seconds), "rows_per_cpu_s": round(rows / cpu), "chunks": chunks,
            "goal_rows_per_s": CSV_GOAL, "ok": rows / seconds >= CSV_GOAL}


def measure(server, name, method, path, count, threads, deadline, authorization):
    load(server, method, path, max(2, count // 10), threads, deadline, authorization=authorization)  # warm-up
    stats = Stats()
    load(server, method, path, count, threads, deadline, stats, authorization=authorization)
    # Unrounded too: a slow server's 0.06 req/s would read 0.1 and skew a ratio.
    return {**stats.summary(), "rps_exact": round(len(stats.latencies) / stats.busy, 4) if stats.busy else None}


def run_ihatemoney(args, workdir, plan, emit, deadline):
    """ihatemoney's GET bills (token) and worker memory at ``--ihm-size`` bills, or None."""
    if ihatemoney_server.venv_python(args.ihm_venv) is None:
        log("ihatemoney: not installed")
        emit({"event": "ihatemoney", "installed": False, "venv": args.ihm_venv,
              "note": "ihatemoney: not installed"})
        return None
    members = [(f"member {index:02d}", 1 if index % 5 else 2) for index in range(MEMBERS)]
    log(f"ihatemoney {ihatemoney_server.VERSION}: seeding {len(plan)} bills")
    settings = ihatemoney_server.prepare(args.ihm_venv, workdir, PROJECT, CODE, members, plan)
    server = ihatemoney_server.IhatemoneyServer(args.ihm_venv, settings, workdir, args.workers, PROJECT)
    try:
        server.wait_ready(deadline)
        token = "Bearer " + project_token(server)
        count = max(4, int(args.requests * 0.1))
        log(f"ihatemoney: {count} GET bills at {len(plan)} bills")
        result = measure(server, "bills (token)", "GET", BILLS, count, args.threads, deadline, token)
        peak, current = ihatemoney_server.worker_memory(server)
    finally:
        server.stop()
    record = {"event": "ihatemoney", "version": ihatemoney_server.VERSION, "size": len(plan),
              "endpoint": "bills (token)", **result, "threads": args.threads, "workers": args.workers,
              "worker_peak_rss_mb": peak, "worker_rss_mb": current}
    emit(record)
    return record


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per endpoint and size")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--time-limit", type=float, default=3000)
    parser.add_argument("--ihm-venv", default="/tmp/ihm-venv", help="a venv with ihatemoney==7.2.1 and gunicorn")
    parser.add_argument("--ihm-size", type=int, default=10_000, help="bills of ihatemoney's project (0: skip)")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    sizes = sorted(int(part) for part in args.sizes.split(","))
    deadline = Deadline(args.time_limit)
    emit = Emitter(args.out)
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-projects-") as workdir:
        ihm_plan = None
        try:
            for size in sizes:
                db_path = Path(workdir) / f"bench-{size}.sqlite3"
                log(f"size {size}: seeding")
                seeded, plan = prepare(db_path, size, args.seed, deadline)
                emit(seeded)
                if size == args.ihm_size:
                    ihm_plan = plan
                project_settle_timing(db_path, size, emit)
                emit(csv_export_rate(db_path, size))
                # One size at a time: each server's workers start afresh, so their peak
                # memory is this size's alone.
                server = Server(db_path, workdir, args.workers)
                try:
                    server.wait_ready(deadline)
                    token = "Bearer " + project_token(server)
                    for name, method, path, factor, auth in ENDPOINTS:
                        count = max(4, int(args.requests * factor))
                        log(f"{name}: {count} requests at {size} bills")
                        results[(size, name)] = measure(server, name, method, path, count, args.threads, deadline,
                                                        token if auth == "token" else BASIC)
                        emit({"size": size, "endpoint": name, **results[(size, name)], "threads": args.threads})
                    peak, current = ihatemoney_server.worker_memory(server)
                    results[(size, "memory")] = peak
                    emit({"event": "memory", "size": size, "worker_peak_rss_mb": peak, "worker_rss_mb": current})
                finally:
                    server.stop()
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
            emit({"event": "compare", "what": "worker_peak_rss_mb",
                  "by_size": {size: results[(size, "memory")] for size in sizes}})
            if ihm_plan is not None:
                theirs = run_ihatemoney(args, workdir, ihm_plan, emit, deadline)
                ours = results[(args.ihm_size, "bills (token)")]
                if theirs and theirs["rps_exact"] and ours["rps_exact"]:
                    ratio = round(ours["rps_exact"] / theirs["rps_exact"], 1)
                    emit({"event": "compare", "endpoint": "bills (token)", "size": args.ihm_size,
                          "spendsense_rps": ours["rps_exact"], "ihatemoney_rps": theirs["rps_exact"],
                          "ratio": ratio, "mean_ms_ratio": round(theirs["mean_ms"] / ours["mean_ms"], 1),
                          "goal": IHATEMONEY_GOAL, "ok": ratio >= IHATEMONEY_GOAL})
            settle_timings(emit)
        finally:
            emit.close()


if __name__ == "__main__":
    main()
