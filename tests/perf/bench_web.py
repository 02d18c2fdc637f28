"""Benchmark of the web UI pages on SQLite behind gunicorn (2 workers).

Not a pytest test (pytest collects only test_*.py). Run it directly:

    .venv/bin/python tests/perf/bench_web.py                         # 10,000 and 1,000,000
    .venv/bin/python tests/perf/bench_web.py --sizes 2000 --requests 50   # quick smoke run

The databases are built exactly as by bench_v1.py (whose functions this script
imports): ``flask db upgrade`` and ``flask seed``, one user with four accounts, the
transactions bulk-loaded with SQL (~300 in the last 30 days, the rest spread back to
1900), the caches filled and proved by ``flask check-balances``.

Each size is served by its own gunicorn (2 sync workers, 127.0.0.1 only) started with
``SPENDSENSE_SERVER_TIMING=1``, so every response carries ``Server-Timing: app;dur=<ms>,
cpu;dur=<ms>`` (spendsense/timing.py): the wall-clock and the CPU time the app itself
spent on the request. CPU time is what to compare when the machine is busy with other
work (each record shows the 1-minute load average next to the core count). The script logs
in through the /login form (GET for the CSRF token and session cookie, then POST), and
every client thread reuses that session. The pages are loaded one after another, in
chunks that alternate between the sizes (ABBA), as bench_v1 does.

Output: JSON lines on stdout (progress on stderr):
  {"event": "seed", ...} and {"event": "check-balances", ...}   as bench_v1
  {"event": "explain", ...}    with --explain: each SELECT a page runs, its plan and solo time
  {"size": N, "page": P, "path": ..., "p50_ms": ..., "p99_ms": ...,       client-observed
   "server_p50_ms": ..., "server_p99_ms": ...,                            Server-Timing app
   "server_cpu_p50_ms": ..., "server_cpu_p99_ms": ..., ...}               Server-Timing cpu
  {"event": "compare", "page": P, ...}   p50 of the largest size over the smallest (goal
                                          <= 1.5) and whether the largest size's p50 is
                                          under 50 ms, for client and server times
"""

import http.client
import os
import re
import signal
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_v1  # noqa: E402  (the shared seeding, server and statistics code)
from bench_v1 import (  # noqa: E402
    PASSWORD,
    USERNAME,
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
from bench_v1 import (
    parse_args as bench_parse_args,
)

# (name in the output, path)
PAGES = (
    ("dashboard", "/dashboard"),
    ("transactions", "/transactions"),  # default period: this month
    ("transactions?period=all", "/transactions?period=all"),  # first page, 50 rows
    ("reports", "/reports"),  # default period: month to date
    ("reports?period=year", "/reports?period=year"),
)
GOAL_MS = 50.0  # p50 of every page at the largest size
RATIO_GOAL = 1.5  # p50 at the largest size over p50 at the smallest
SERVER_ENV = {"SPENDSENSE_SERVER_TIMING": "1"}
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
SERVER_TIMING = {metric: re.compile(rf"(?:^|,)\s*{metric};dur=([0-9.]+)") for metric in ("app", "cpu")}
TXN_ROW = b'<li class="txn"'


# --------------------------------------------------------------------------- browser session


def fetch(conn, method, path, jar, body=None):
    """One request with the jar's cookies; Set-Cookie answers update the jar.
    Returns (status, response, body bytes)."""
    headers = {"Connection": "keep-alive"}
    if jar:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    for header in response.msg.get_all("Set-Cookie") or ():
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel.value == "" or morsel["max-age"] == "0":
                jar.pop(name, None)  # the server deleted it
            else:
                jar[name] = morsel.value
    return response.status, response, data


def login(port):
    """A logged-in session's cookies, through the real /login form with its CSRF token."""
    jar = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        status, _response, body = fetch(conn, "GET", "/login", jar)
        match = CSRF_INPUT.search(body.decode("utf-8", "replace"))
        if status != 200 or not match:
            raise RuntimeError(f"GET /login gave {status} without a csrf_token field")
        form = urlencode({"csrf_token": match.group(1) or match.group(2), "username": USERNAME,
                          "password": PASSWORD})
        status, response, _body = fetch(conn, "POST", "/login", jar, body=form)
        if status != 302:
            raise RuntimeError(f"POST /login gave {status}, not a redirect: the login failed")
        status, _response, _body = fetch(conn, "GET", "/dashboard", jar)
        if status != 200:
            raise RuntimeError(f"GET /dashboard after logging in gave {status}")
    finally:
        conn.close()
    return jar


# --------------------------------------------------------------------------- load


class PageStats:
    def __init__(self):
        self.client = Stats()
        self.server = Stats()  # latencies from the Server-Timing header: app (wall clock)
        self.cpu = Stats()  # and cpu
        self.missing_timing = 0
        self.loadavg = []
        self.bytes = None
        self.rows = None

    def record(self, size, name, path, threads):
        summary = self.client.summary()
        server = self.server.summary()
        cpu = self.cpu.summary()
        record = {"size": size, "page": name, "path": path, **summary,
                  "server_p50_ms": server["p50_ms"], "server_p99_ms": server["p99_ms"],
                  "server_mean_ms": server["mean_ms"], "server_max_ms": server["max_ms"],
                  "server_cpu_p50_ms": cpu["p50_ms"], "server_cpu_p99_ms": cpu["p99_ms"],
                  "threads": threads, "html_kb": round(self.bytes / 1024, 1) if self.bytes else None,
                  "txn_rows": self.rows,
                  "loadavg_1m": round(sum(self.loadavg) / len(self.loadavg), 2) if self.loadavg else None,
                  "cpus": os.cpu_count()}
        if self.missing_timing:
            record["missing_server_timing"] = self.missing_timing
        if summary["errors"]:
            record["statuses"] = self.client.statuses
        return record


def run_chunk(server, jar, path, count, threads, stats, deadline):
    """``count`` GETs of ``path`` from ``threads`` client threads, each with its own copy of
    the session's cookies and its own keep-alive connection (gunicorn's sync workers close
    it after each answer; http.client then reconnects). ``stats`` None: warm-up only."""
    lock = threading.Lock()
    shares = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]

    def worker(share):
        cookies = dict(jar)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            for _ in range(share):
                if time.monotonic() > deadline.end:
                    return
                started = time.perf_counter()
                try:
                    status, response, body = fetch(conn, "GET", path, cookies)
                    timing = response.getheader("Server-Timing") or ""
                except (OSError, http.client.HTTPException):
                    conn.close()
                    status, body, timing = None, b"", ""
                elapsed = time.perf_counter() - started
                if stats is None:
                    continue
                wall = SERVER_TIMING["app"].search(timing)
                cpu = SERVER_TIMING["cpu"].search(timing)
                with lock:
                    stats.client.statuses[str(status)] = stats.client.statuses.get(str(status), 0) + 1
                    if status != 200:  # a 302 here would mean the session was lost
                        stats.client.errors += 1
                        continue
                    stats.client.latencies.append(elapsed)
                    if wall and cpu:
                        stats.server.latencies.append(float(wall.group(1)) / 1000)
                        stats.cpu.latencies.append(float(cpu.group(1)) / 1000)
                    else:
                        stats.missing_timing += 1
                    if stats.bytes is None:
                        stats.bytes = len(body)
                        stats.rows = body.count(TXN_ROW)
        finally:
            conn.close()

    started = run_threads(worker, shares, deadline)
    if stats is not None:
        stats.client.busy += time.perf_counter() - started
        stats.loadavg.append(os.getloadavg()[0])


def run_load(sizes, servers, jars, args, deadline, emit):
    results = {}
    for name, path in PAGES:
        for size in sizes:
            run_chunk(servers[size], jars[size], path, args.warmup, args.threads, None, deadline)
        stats = {size: PageStats() for size in sizes}
        log(f"{name}: {args.requests} requests per size, {args.threads} client threads")
        for size, count in load_schedule(sizes, args.requests, args.chunk, args.sequential):
            run_chunk(servers[size], jars[size], path, count, args.threads, stats[size], deadline)
        for size in sizes:
            record = stats[size].record(size, name, path, args.threads)
            results[(size, name)] = record
            emit(record)
    return results


def _ratio(large, small):
    return round(large / small, 3) if large and small else None


def compare(sizes, results, emit):
    small, large = min(sizes), max(sizes)
    for name, _path in PAGES:
        a, b = results.get((small, name)), results.get((large, name))
        if not a or not b or not b["p50_ms"]:
            continue
        record = {"event": "compare", "page": name, "small": small, "large": large,
                  "p50_small_ms": a["p50_ms"], "p50_large_ms": b["p50_ms"],
                  "p99_small_ms": a["p99_ms"], "p99_large_ms": b["p99_ms"],
                  "server_p50_small_ms": a["server_p50_ms"], "server_p50_large_ms": b["server_p50_ms"],
                  "server_p99_small_ms": a["server_p99_ms"], "server_p99_large_ms": b["server_p99_ms"],
                  "server_cpu_p50_small_ms": a["server_cpu_p50_ms"],
                  "server_cpu_p50_large_ms": b["server_cpu_p50_ms"]}
        if small != large:
            record.update({"p50_ratio": _ratio(b["p50_ms"], a["p50_ms"]),
                           "p99_ratio": _ratio(b["p99_ms"], a["p99_ms"]),
                           "server_p50_ratio": _ratio(b["server_p50_ms"], a["server_p50_ms"]),
                           "server_p99_ratio": _ratio(b["server_p99_ms"], a["server_p99_ms"]),
                           "server_cpu_p50_ratio": _ratio(b["server_cpu_p50_ms"], a["server_cpu_p50_ms"])})
        record.update({"goal_ms": GOAL_MS, "goal_ratio": RATIO_GOAL, "under_goal_ms": b["p50_ms"] < GOAL_MS})
        for prefix in ("server_", "server_cpu_"):
            value = b[f"{prefix}p50_ms"]
            record[f"{prefix}under_goal_ms"] = value is not None and value < GOAL_MS
        if small != large:
            for prefix in ("", "server_", "server_cpu_"):
                ratio = record[f"{prefix}p50_ratio"]
                record[f"{prefix}ratio_ok"] = ratio is not None and ratio <= RATIO_GOAL
                record[f"{prefix}ok"] = record[f"{prefix}under_goal_ms"] and record[f"{prefix}ratio_ok"]
        emit(record)


# --------------------------------------------------------------------------- explain


def explain_pages(app, db_path):
    """Each SELECT one request of every page runs (in-process test client, logged in
    through the form): its plan and how long it takes alone."""
    from spendsense.extensions import db

    records = []
    with app.app_context():
        client = app.test_client()
        match = CSRF_INPUT.search(client.get("/login").get_data(as_text=True))
        if not match:
            raise RuntimeError("no csrf_token field on /login")
        response = client.post("/login", data={"csrf_token": match.group(1) or match.group(2),
                                               "username": USERNAME, "password": PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(f"in-process login failed with {response.status_code}")
        for name, path in PAGES:
            client.get(path)  # warm
            with capture_selects(db.engine) as captured:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
            queries = plan_and_time(db_path, captured, sql_chars=400)
            records.append({"page": name, "status": response.status_code, "in_process_ms": round(elapsed * 1000, 2),
                            "sql_ms": round(sum(q["ms"] for q in queries), 3), "queries": queries})
        db.session.remove()
        db.engine.dispose()
    return records


# --------------------------------------------------------------------------- main


def parse_args(argv):
    return bench_parse_args(argv, description=__doc__.split("\n\n")[0], measured="page")


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, bench_v1._terminate)
    deadline = Deadline(args.time_limit)
    emit = Emitter(args.out)
    workdir = tempfile.mkdtemp(prefix="spendsense-bench-web-")
    servers = {}
    sizes = args.size_list
    with cleaned_up(servers, workdir, emit, args.keep):
        log(f"working in {workdir}")
        for size in sizes:
            db_path = Path(workdir) / f"bench-{size}.sqlite3"
            app, _ids = prepare_database(db_path, size, args.span, args.seed, deadline, emit)
            if args.explain:
                for entry in explain_pages(app, db_path):
                    emit({"event": "explain", "size": size, **entry})
        for size in sizes:
            servers[size] = Server(Path(workdir) / f"bench-{size}.sqlite3", workdir, args.workers,
                                   extra_env=SERVER_ENV)
        for size in sizes:
            servers[size].wait_ready(deadline)
        log("gunicorn ready: " + ", ".join(f"{s} on :{srv.port}" for s, srv in servers.items()))
        jars = {size: login(servers[size].port) for size in sizes}
        results = run_load(sizes, servers, jars, args, deadline, emit)
        compare(sizes, results, emit)
        return 0


if __name__ == "__main__":
    sys.exit(main())
