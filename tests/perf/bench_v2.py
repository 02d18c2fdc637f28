"""Benchmark of the v2 (PocketSmith-compatible) API on SQLite behind gunicorn (2 workers).

Not a pytest test (pytest collects only test_*.py). Run it directly:

    .venv/bin/python tests/perf/bench_v2.py                                # 10,000 and 1,000,000
    .venv/bin/python tests/perf/bench_v2.py --sizes 2000 --requests 50     # quick smoke run

The databases are built exactly as by bench_v1.py (whose functions this script
imports): ``flask db upgrade`` and ``flask seed``, one user with four EUR accounts, the
transactions bulk-loaded with SQL (~300 in the last 30 days, the rest spread back to
1900, 1% transfer pairs, an eighth of the notes "coffee"), the caches (balances,
all-time totals, monthly totals) filled by SQL and proved by ``flask check-balances``.

Each size is served by its own gunicorn started with ``SPENDSENSE_SERVER_TIMING=1``, so
every answer carries the app's own wall-clock and CPU time (spendsense/timing.py). The
requests send the key as ``X-Developer-Key`` and run endpoint by endpoint, in chunks
that alternate between the sizes (ABBA), as bench_v1 does; the write comes last, so
its rows never change what the reads see.

The lists are read with ``per_page=100`` (every row with its closing balance). "deep"
is page 1000, or the last page when the list has fewer (10,000 rows are 100 pages; the
search matches an eighth of them): the page number used is in each record.

Output: JSON lines on stdout (progress on stderr):
  {"event": "seed", ...} and {"event": "check-balances", ...}   as bench_v1
  {"event": "explain", ...}   with --explain: every statement of each read, its plan and solo time
  {"size": N, "endpoint": E, "path": ..., "p50_ms": ..., "p99_ms": ..., "server_p50_ms": ...,
   "server_cpu_p50_ms": ..., ...}                                  per endpoint and size
  {"event": "skipped", ...}   an endpoint the server does not have (the create, before it exists)
  {"event": "compare", ...}   p50 and p99 of the largest size over the smallest (goal <= 1.5)
  {"event": "deep-vs-first", ...}   per size: the deep page over page 1 (goal <= 1.5)
"""

import http.client
import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_v1  # noqa: E402  (the shared seeding, server and statistics code)
from bench_v1 import (  # noqa: E402
    Deadline,
    Emitter,
    Server,
    Stats,
    capture_selects,
    cleaned_up,
    load_schedule,
    log,
    plan_and_time,
    prepare_database,
    run_threads,
)
from bench_v1 import parse_args as bench_parse_args  # noqa: E402
from bench_web import SERVER_ENV, SERVER_TIMING, _ratio  # noqa: E402

PER_PAGE = 100
DEEP_PAGE = 1000
SEARCH = "coffee"  # one of bench_v1's notes: an eighth of the rows
GOAL = 1.5
CREATE = "create"


def endpoints(user_id, account_id, totals):
    """(name, method, path, body) of every measured request; ``totals`` are the list's
    and the search's row counts, which say how deep the deep page can go."""
    listed = f"/v2/users/{user_id}/transactions"

    def page(total, query):
        number = min(DEEP_PAGE, max(1, -(-total // PER_PAGE)))
        return f"{listed}?{urlencode({**query, 'per_page': PER_PAGE, 'page': number})}"

    return [
        ("me", "GET", "/v2/me", None),
        ("accounts", "GET", f"/v2/users/{user_id}/accounts", None),
        ("transactions p1", "GET", f"{listed}?per_page={PER_PAGE}", None),
        ("transactions deep", "GET", page(totals["all"], {}), None),
        ("search p1", "GET", f"{listed}?{urlencode({'search': SEARCH, 'per_page': PER_PAGE})}", None),
        ("search deep", "GET", page(totals["search"], {"search": SEARCH}), None),
        (CREATE, "POST", f"/v2/transaction_accounts/{account_id}/transactions",
         {"payee": "Bench cafe", "amount": -4.5, "date": time.strftime("%Y-%m-%d")}),
    ]


class EndpointStats:
    def __init__(self):
        self.client = Stats()
        self.server = Stats()  # the app's wall clock, from Server-Timing
        self.cpu = Stats()  # and its CPU time
        self.rows = None

    def record(self, size, name, path, threads):
        summary, server, cpu = self.client.summary(), self.server.summary(), self.cpu.summary()
        record = {"size": size, "endpoint": name, "path": path, **summary,
                  "server_p50_ms": server["p50_ms"], "server_p99_ms": server["p99_ms"],
                  "server_cpu_p50_ms": cpu["p50_ms"], "server_cpu_p99_ms": cpu["p99_ms"],
                  "rows": self.rows, "threads": threads, "loadavg_1m": round(os.getloadavg()[0], 2),
                  "cpus": os.cpu_count()}
        if summary["errors"]:
            record["statuses"] = self.client.statuses
        return record


def call(conn, method, path, token, body=None):
    headers = {"X-Developer-Key": token, "Connection": "keep-alive"}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    return response.status, response, response.read()


def one(server, token, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        return call(conn, method, path, token, body)
    finally:
        conn.close()


def run_chunk(server, token, request, count, threads, stats, deadline):
    """``count`` requests from ``threads`` client threads on keep-alive connections;
    ``stats`` None: warm-up only."""
    _name, method, path, body = request
    expected = 201 if method == "POST" else 200
    lock = threading.Lock()
    shares = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]

    def worker(share):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            for _ in range(share):
                if time.monotonic() > deadline.end:
                    return
                started = time.perf_counter()
                try:
                    status, response, data = call(conn, method, path, token, body)
                    timing = response.getheader("Server-Timing") or ""
                except (OSError, http.client.HTTPException):
                    conn.close()
                    status, data, timing = None, b"", ""
                elapsed = time.perf_counter() - started
                if stats is None:
                    continue
                wall, cpu = SERVER_TIMING["app"].search(timing), SERVER_TIMING["cpu"].search(timing)
                with lock:
                    stats.client.statuses[str(status)] = stats.client.statuses.get(str(status), 0) + 1
                    if status != expected:
                        stats.client.errors += 1
                        continue
                    stats.client.latencies.append(elapsed)
                    if wall and cpu:
                        stats.server.latencies.append(float(wall.group(1)) / 1000)
                        stats.cpu.latencies.append(float(cpu.group(1)) / 1000)
                    if stats.rows is None and method == "GET":
                        parsed = json.loads(data)
                        stats.rows = len(parsed) if isinstance(parsed, list) else 1
        finally:
            conn.close()

    started = run_threads(worker, shares, deadline)
    if stats is not None:
        stats.client.busy += time.perf_counter() - started


def discover(server, token):
    """The user's id, an account's id and the row counts of the two lists read."""
    status, _response, data = one(server, token, "GET", "/v2/me")
    if status != 200:
        raise RuntimeError(f"GET /v2/me answered {status}: {data[:300]!r}")
    user_id = json.loads(data)["id"]
    _status, _response, data = one(server, token, "GET", f"/v2/users/{user_id}/accounts")
    account_id = json.loads(data)[0]["id"]
    totals = {}
    for key, query in (("all", ""), ("search", f"&search={SEARCH}")):
        status, response, data = one(server, token, "GET", f"/v2/users/{user_id}/transactions?per_page=10{query}")
        if status != 200:
            raise RuntimeError(f"the transactions list answered {status}: {data[:300]!r}")
        totals[key] = int(response.getheader("Total"))
    return user_id, account_id, totals


def run_load(sizes, servers, tokens, plans, args, deadline, emit):
    results = {}
    for index, (name, *_request) in enumerate(plans[sizes[0]]):
        requests = {size: plans[size][index] for size in sizes}
        if name == CREATE:
            missing = [size for size in sizes
                       if one(servers[size], tokens[size], *requests[size][1:])[0] in (404, 405)]
            if missing:
                emit({"event": "skipped", "endpoint": name, "path": requests[sizes[0]][2],
                      "reason": "the server has no such route yet"})
                continue
        for size in sizes:
            run_chunk(servers[size], tokens[size], requests[size], args.warmup, args.threads, None, deadline)
        stats = {size: EndpointStats() for size in sizes}
        log(f"{name}: {args.requests} requests per size, {args.threads} client threads")
        for size, count in load_schedule(sizes, args.requests, args.chunk, args.sequential):
            run_chunk(servers[size], tokens[size], requests[size], count, args.threads, stats[size], deadline)
        for size in sizes:
            record = stats[size].record(size, name, requests[size][2], args.threads)
            results[(size, name)] = record
            emit(record)
    return results


def compare(sizes, results, emit):
    small, large = min(sizes), max(sizes)
    if small != large:
        for (size, name), big in sorted(results.items()):
            base = results.get((small, name))
            if size != large or not base:
                continue
            record = {"event": "compare", "endpoint": name, "small": small, "large": large,
                      "p50_small_ms": base["p50_ms"], "p50_large_ms": big["p50_ms"],
                      "p99_small_ms": base["p99_ms"], "p99_large_ms": big["p99_ms"],
                      "p50_ratio": _ratio(big["p50_ms"], base["p50_ms"]),
                      "p99_ratio": _ratio(big["p99_ms"], base["p99_ms"]),
                      "server_cpu_p50_ratio": _ratio(big["server_cpu_p50_ms"], base["server_cpu_p50_ms"]),
                      "goal": GOAL}
            if name != CREATE:
                record["ok"] = record["p50_ratio"] is not None and record["p50_ratio"] <= GOAL
            emit(record)
    for size in sizes:
        for first, deep in (("transactions p1", "transactions deep"), ("search p1", "search deep")):
            a, b = results.get((size, first)), results.get((size, deep))
            if not a or not b:
                continue
            ratio = _ratio(b["p50_ms"], a["p50_ms"])
            emit({"event": "deep-vs-first", "size": size, "first": first, "deep": deep, "deep_path": b["path"],
                  "p50_first_ms": a["p50_ms"], "p50_deep_ms": b["p50_ms"], "p50_ratio": ratio,
                  "p99_ratio": _ratio(b["p99_ms"], a["p99_ms"]),
                  "server_cpu_p50_ratio": _ratio(b["server_cpu_p50_ms"], a["server_cpu_p50_ms"]),
                  "goal": GOAL, "ok": ratio is not None and ratio <= GOAL})


def explain_reads(app, db_path, token, plan):
    """Every statement one request of each read runs (in-process): plan and solo time."""
    from spendsense.extensions import db

    records = []
    with app.app_context():
        client = app.test_client()
        headers = {"X-Developer-Key": token}
        for name, method, path, _body in plan:
            if method != "GET":
                continue
            client.get(path, headers=headers)  # warm: the key's last-used time is written here
            with capture_selects(db.engine, prefixes=("SELECT", "WITH")) as captured:
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                elapsed = time.perf_counter() - started
            queries = plan_and_time(db_path, captured, sql_chars=300)
            records.append({"endpoint": name, "path": path, "status": response.status_code,
                            "in_process_ms": round(elapsed * 1000, 2), "statements": len(captured),
                            "sql_ms": round(sum(q["ms"] for q in queries), 3), "queries": queries})
        db.session.remove()
        db.engine.dispose()
    return records


def main(argv=None):
    args = bench_parse_args(argv, description=__doc__.split("\n\n")[0])
    signal.signal(signal.SIGTERM, bench_v1._terminate)
    deadline = Deadline(args.time_limit)
    emit = Emitter(args.out)
    workdir = tempfile.mkdtemp(prefix="spendsense-bench-v2-")
    servers, tokens, apps, plans = {}, {}, {}, {}
    sizes = args.size_list
    with cleaned_up(servers, workdir, emit, args.keep):
        log(f"working in {workdir}")
        for size in sizes:
            db_path = Path(workdir) / f"bench-{size}.sqlite3"
            apps[size], ids = prepare_database(db_path, size, args.span, args.seed, deadline, emit)
            tokens[size] = ids["token"]
        for size in sizes:
            servers[size] = Server(Path(workdir) / f"bench-{size}.sqlite3", workdir, args.workers,
                                   extra_env=SERVER_ENV)
        for size in sizes:
            servers[size].wait_ready(deadline)
            plans[size] = endpoints(*discover(servers[size], tokens[size]))
        log("gunicorn ready: " + ", ".join(f"{s} on :{srv.port}" for s, srv in servers.items()))
        if args.explain:
            for size in sizes:
                for entry in explain_reads(apps[size], Path(workdir) / f"bench-{size}.sqlite3", tokens[size],
                                           plans[size]):
                    emit({"event": "explain", "size": size, **entry})
        results = run_load(sizes, servers, tokens, plans, args, deadline, emit)
        compare(sizes, results, emit)
        for server in servers.values():
            server.stop()
        for size in sizes:
            log(f"size {size}: flask check-balances after the load")
            emit({"event": "check-balances", "size": size, "after_load": True,
                  **bench_v1.check_balances(Path(workdir) / f"bench-{size}.sqlite3", deadline)})
        return 0


if __name__ == "__main__":
    sys.exit(main())
