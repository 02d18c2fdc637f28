"""Benchmark of the v1 API on SQLite behind gunicorn (2 workers).

Not a pytest test (pytest collects only test_*.py). Run it directly:

    .venv/bin/python tests/perf/bench_v1.py                         # 10,000 and 1,000,000
    .venv/bin/python tests/perf/bench_v1.py --sizes 2000 --requests 50   # quick smoke run

For every size it builds a fresh SQLite database in a temporary directory with
``flask db upgrade`` and ``flask seed``, creates one user (services.users.register), four
accounts and an API token through the app's services, then bulk-loads the transactions
with plain SQL in one database transaction: ~300 in the last 30 days (10 a day), the
rest spread over earlier years, 1% of them transfer pairs. The caches the app keeps
(monthly_totals, accounts.balance and the accounts' all-time totals) are filled by one
INSERT ... SELECT ... GROUP BY and one UPDATE, and ``flask check-balances`` proves them equal to the rows.

Each size is then served by its own gunicorn (2 sync workers, 127.0.0.1 only). The
load runs endpoint by endpoint in chunks that alternate between the sizes (ABBA
order), so that noise from the rest of the machine falls on both sizes alike; use
``--sequential`` to load one server completely before the next. Reads come first, the
write endpoint (transactions/create) last, so the created rows never change what the
reads see.

Output: JSON lines on stdout (progress on stderr):
  {"event": "seed", ...}            seeding time of each size (goal: 1,000,000 in < 60 s)
  {"event": "check-balances", ...}  whether the seeded caches match the rows
  {"event": "explain", ...}         with --explain: each SELECT of a read endpoint, its
                                    EXPLAIN QUERY PLAN and how long it takes alone
  {"size": N, "endpoint": E, "requests": R, "rps": ..., "p50_ms": ..., "p99_ms": ...}
  {"event": "compare", ...}         per endpoint: p50 and p99 of the largest size over
                                    the smallest (goal for reads: ratio <= 1.5)
  {"endpoint": "ceiling", "alongside": E, ...}   the ceiling (below) measured with E
  {"event": "ceiling-ratio", ...}   per read endpoint and size: its req/s over the
                                    ceiling's in the same chunks (goal for token/check
                                    and accounts: >= 0.6)
  {"event": "summary", ...}         the figures above in one record (also a table on stderr)

The ceiling is a bare Flask ``jsonify`` view (tests/perf/ceiling_app.py, not part of the
app) served by its own gunicorn with the same settings. Its chunks are interleaved with
each read endpoint's (ceiling, sizes..., then reversed), so both see the same machine;
``--no-ceiling`` leaves it out.
"""

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent if (Path(sys.executable).parent / "gunicorn").exists() else ROOT / ".venv" / "bin"

USERNAME = "bench"
PASSWORD = "bench-password-1"
ACCOUNTS = (("Main", 250_000), ("Savings", 1_000_000), ("Cash", 20_000), ("Card", 0))
RECENT_DAYS = 30
RECENT_PER_DAY = 10
HISTORY_FLOOR = datetime(1900, 1, 1)  # noqa: DTZ001  (naive wall-clock, as the app stores it)
TRANSFER_EVERY = 100  # one transfer pair per this many older rows
DESCRIPTIONS = ("", "weekly shop", "lunch", "bus ticket", "rent", "salary", "coffee", "gift")
CREATE_PATH = "/api/v1/transactions/create/?type=spent&account=Main&category=supermarket&amount=1.23"
# (name in the output, path, is a read)
ENDPOINTS = (
    ("token/check", "/api/v1/token/check/", True),
    ("accounts", "/api/v1/accounts/", True),
    ("transactions", "/api/v1/transactions/", True),
    ("profile-data", "/api/v1/profile-data/", True),
    ("transactions/create", CREATE_PATH, False),
)
READ_GOAL = 1.5
CEILING = "ceiling"
CEILING_APP = "tests.perf.ceiling_app:app"
CEILING_PATH = "/ceiling/"
CEILING_GOAL = 0.6
CEILING_GOAL_ENDPOINTS = ("token/check", "accounts")
SEED_GOAL_S = 60.0
SEED_GOAL_SIZE = 1_000_000


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self, cap=None):
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("benchmark time limit reached")
        return remaining if cap is None else min(cap, remaining)


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class Emitter:
    def __init__(self, out_path):
        self.file = open(out_path, "w", encoding="utf-8") if out_path else None

    def __call__(self, record):
        line = json.dumps(record, ensure_ascii=False)
        print(line, flush=True)
        if self.file:
            self.file.write(line + "\n")
            self.file.flush()

    def close(self):
        if self.file:
            self.file.close()


def sqlalchemy_datetime(moment):
    """The text SQLAlchemy writes for a DateTime on SQLite (sorts like the value)."""
    return moment.isoformat(" ", "microseconds")


def flask_env(db_path, extra=None):
    env = dict(os.environ)
    env.update({
        "FLASK_APP": "spendsense",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SPENDSENSE_RATELIMIT_ENABLED": "false",
        "SPENDSENSE_DEFAULT_TIMEZONE": "UTC",
        "SPENDSENSE_ENV": "development",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra or {})
    return env


def run_flask(args, db_path, deadline, cap=600):
    started = time.perf_counter()
    result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=flask_env(db_path),
                            capture_output=True, text=True, timeout=deadline.left(cap))
    return result, time.perf_counter() - started


# --------------------------------------------------------------------------- database


def create_schema_and_user(db_path, deadline):
    """Migrate, seed categories, then user, accounts and token through the services."""
    for command in (["db", "upgrade"], ["seed"]):
        result, _ = run_flask(command, db_path, deadline, cap=300)
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")

    from sqlalchemy import select

    from spendsense import create_app
    from spendsense.extensions import db
    from spendsense.models import Category
    from spendsense.services.auth import tokens, users
    from spendsense.services.ledger import accounts
    from spendsense.services.scope import ledger_for

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "RATELIMIT_ENABLED": False})
    with app.app_context():
        user = users.register(USERNAME, "bench@example.com", PASSWORD, base_currency="EUR", timezone="UTC")
        ledger_id = ledger_for(user, write=True)
        account_ids = [accounts.create_account(ledger_id, name, opening_balance=f"{opening / 100:.2f}",
                                               currency="EUR").id
                       for name, opening in ACCOUNTS]
        _token, secret = tokens.issue(user.id, "bench")
        categories = db.session.execute(
            select(Category.id, Category.kind).where(Category.ledger_id.is_(None)).order_by(Category.id)).all()
        db.session.remove()
        db.engine.dispose()
    spent = [cid for cid, kind in categories if kind == "spent"]
    earn = [cid for cid, kind in categories if kind == "earn"]
    if not spent or not earn:
        raise RuntimeError("system categories are missing after flask seed")
    return app, {"ledger_id": ledger_id, "account_ids": account_ids, "token": secret,
                 "spent": spent, "earn": earn}


def history_start(size, now, span):
    """Oldest date of the older rows: fixed (1900) or 10 a day back from 30 days ago."""
    recent_start = now - timedelta(days=RECENT_DAYS)
    if span == "fixed":
        return HISTORY_FLOOR
    older = max(size - RECENT_DAYS * RECENT_PER_DAY, 0)
    days = math.ceil(older / RECENT_PER_DAY) + 1
    try:
        return max(HISTORY_FLOOR, recent_start - timedelta(days=days))
    except OverflowError:
        return HISTORY_FLOOR


def transaction_rows(size, now, span, ids, rng):
    """Every row to insert, oldest first (ids grow with dates, as real use makes them)."""
    ledger_id, account_ids = ids["ledger_id"], ids["account_ids"]
    spent, earn = ids["spent"], ids["earn"]
    recent = min(size, RECENT_DAYS * RECENT_PER_DAY)
    older = size - recent
    recent_start = now - timedelta(days=RECENT_DAYS)
    start = history_start(size, now, span)
    older_end = recent_start - timedelta(minutes=1)
    step = (older_end - start) / max(older, 1)
    # The recent rows end a minute before now, inside the default 30-day window even
    # minutes later; each day of the window gets RECENT_PER_DAY of them.
    recent_step = (timedelta(days=RECENT_DAYS) - timedelta(hours=1)) / max(recent, 1)
    recent_first = recent_start + timedelta(minutes=30)

    next_id = 1
    index = 0
    while index < size:
        is_recent = index >= older
        moment = recent_first + recent_step * (index - older) if is_recent else start + step * index
        stamp = sqlalchemy_datetime(moment)
        account = account_ids[index % len(account_ids)]
        if not is_recent and index % TRANSFER_EVERY == 0 and index + 1 < older:
            amount = rng.randrange(1_000, 100_000)
            other = account_ids[(index + 1) % len(account_ids)]
            yield (next_id, ledger_id, account, None, -amount, stamp, "transfer", next_id + 1, stamp)
            yield (next_id + 1, ledger_id, other, None, amount, stamp, "transfer", next_id, stamp)
            next_id += 2
            index += 2
            continue
        if rng.random() < 0.15:
            category, amount = rng.choice(earn), rng.randrange(10_000, 500_000)
        else:
            category, amount = rng.choice(spent), -rng.randrange(100, 20_000)
        yield (next_id, ledger_id, account, category, amount, stamp, rng.choice(DESCRIPTIONS), None, stamp)
        next_id += 1
        index += 1


INSERT_TRANSACTION = """
INSERT INTO transactions (id, ledger_id, account_id, category_id, amount, occurred_at, description,
                          transfer_id, created_at, updated_at, status, needs_review, source)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?9, 'posted', 0, 'import')
"""

FILL_MONTHLY_TOTALS = """
INSERT INTO monthly_totals (ledger_id, account_id, month, spent, earned, transferred, count)
SELECT ledger_id, account_id, substr(occurred_at, 1, 7) || '-01',
       sum(CASE WHEN transfer_id IS NULL AND amount < 0 THEN -amount ELSE 0 END),
       sum(CASE WHEN transfer_id IS NULL AND amount > 0 THEN amount ELSE 0 END),
       sum(CASE WHEN transfer_id IS NOT NULL THEN amount ELSE 0 END),
       count(*)
FROM transactions
WHERE ledger_id = ? AND deleted_at IS NULL
GROUP BY ledger_id, account_id, substr(occurred_at, 1, 7)
"""

FILL_BALANCES = """
UPDATE accounts
SET balance = opening_balance + coalesce(
    (SELECT sum(t.amount) FROM transactions AS t WHERE t.account_id = accounts.id AND t.deleted_at IS NULL), 0),
    (total_spent, total_earned, total_transferred, total_count) = (
    SELECT coalesce(sum(m.spent), 0), coalesce(sum(m.earned), 0), coalesce(sum(m.transferred), 0),
           coalesce(sum(m.count), 0)
    FROM monthly_totals AS m WHERE m.account_id = accounts.id)
WHERE ledger_id = ? AND deleted_at IS NULL
"""


def bulk_seed(db_path, size, ids, span, seed):
    """Insert the rows and fill the caches in one database transaction. Returns timings."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    rng = random.Random(seed)
    started = time.perf_counter()
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -524288")  # 512 MiB, this connection only
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(INSERT_TRANSACTION, transaction_rows(size, now, span, ids, rng))
        inserted = time.perf_counter()
        connection.execute(FILL_MONTHLY_TOTALS, (ids["ledger_id"],))
        connection.execute(FILL_BALANCES, (ids["ledger_id"],))
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finished = time.perf_counter()
        counts = {
            "transactions": connection.execute("SELECT count(*) FROM transactions").fetchone()[0],
            "last_30_days": connection.execute(
                "SELECT count(*) FROM transactions WHERE occurred_at >= ?",
                (sqlalchemy_datetime(now - timedelta(days=RECENT_DAYS)),)).fetchone()[0],
            "monthly_totals": connection.execute("SELECT count(*) FROM monthly_totals").fetchone()[0],
            "oldest": connection.execute("SELECT min(occurred_at) FROM transactions").fetchone()[0],
        }
    finally:
        connection.close()
    return {"seconds": round(finished - started, 2), "insert_s": round(inserted - started, 2),
            "caches_s": round(finished - inserted, 2), **counts}


def check_balances(db_path, deadline):
    result, seconds = run_flask(["check-balances"], db_path, deadline, cap=900)
    output = (result.stdout + result.stderr).strip().splitlines()
    return {"passed": result.returncode == 0, "exit_code": result.returncode, "seconds": round(seconds, 2),
            "output": output[-5:]}


def prepare_database(db_path, size, span, seed, deadline, emit):
    """A fresh database of ``size`` transactions: migrate, user, bulk seed, check-balances.
    Emits the "seed" and "check-balances" records; returns (app, ids) of create_schema_and_user."""
    log(f"size {size}: migrating and creating the user")
    app, ids = create_schema_and_user(db_path, deadline)
    log(f"size {size}: bulk-seeding {size} transactions")
    seeded = bulk_seed(db_path, size, ids, span, seed)
    record = {"event": "seed", "size": size, "span": span, **seeded,
              "rows_per_s": round(size / seeded["seconds"]) if seeded["seconds"] else None,
              "db_mb": round(db_path.stat().st_size / 2**20, 1)}
    if size == SEED_GOAL_SIZE:
        record["goal_s"] = SEED_GOAL_S
        record["ok"] = seeded["seconds"] < SEED_GOAL_S
    emit(record)
    log(f"size {size}: flask check-balances")
    emit({"event": "check-balances", "size": size, **check_balances(db_path, deadline)})
    return app, ids


# --------------------------------------------------------------------------- explain


@contextlib.contextmanager
def capture_selects(engine, prefixes=("SELECT",)):
    """Collects (statement, parameters) of every SELECT the engine runs inside the block
    (of every statement starting with one of ``prefixes``: add "WITH" for CTEs)."""
    from sqlalchemy import event

    captured = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(prefixes):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def plan_and_time(db_path, captured, sql_chars=200):
    """EXPLAIN QUERY PLAN and the median of 5 solo runs of each captured statement."""
    queries = []
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for statement, parameters in captured:
            plan = [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            timings = []
            for _ in range(5):
                started = time.perf_counter()
                rows = connection.execute(statement, parameters).fetchall()
                timings.append(time.perf_counter() - started)
            queries.append({"sql": " ".join(statement.split())[:sql_chars], "plan": plan, "rows": len(rows),
                            "ms": round(sorted(timings)[len(timings) // 2] * 1000, 3)})
    finally:
        connection.close()
    return queries


def explain_reads(app, db_path, token):
    """Each SELECT one request of every read endpoint runs: plan and time on its own."""
    from spendsense.extensions import db

    records = []
    with app.app_context():
        client = app.test_client()
        headers = {"Authorization": f"Token {token}"}
        for name, path, is_read in ENDPOINTS:
            if not is_read:
                continue
            client.get(path, headers=headers)  # warm: the token touch happens here
            with capture_selects(db.engine) as captured:
                response = client.get(path, headers=headers)
            records.append({"endpoint": name, "status": response.status_code,
                            "queries": plan_and_time(db_path, captured)})
        db.session.remove()
        db.engine.dispose()
    return records


# --------------------------------------------------------------------------- server


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving ``app_spec`` (the real app by default); ready once
    ``ready_path`` answers ``ready_status``."""

    def __init__(self, db_path, workdir, workers, extra_env=None, *, app_spec="wsgi:app",
                 ready_path="/api/v1/token/check/", ready_status=401):
        self.port = free_port()
        self.ready_path, self.ready_status = ready_path, ready_status
        self.log_path = Path(workdir) / f"gunicorn-{self.port}.log"
        self.log = open(self.log_path, "w", encoding="utf-8")
        command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                   "--timeout", "120", "--graceful-timeout", "5", app_spec]
        self.process = subprocess.Popen(command, cwd=ROOT, env=flask_env(db_path, extra_env), stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, deadline, cap=60):
        limit = time.monotonic() + deadline.left(cap)
        while time.monotonic() < limit:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                try:
                    conn.request("GET", self.ready_path)
                    if conn.getresponse().status == self.ready_status:
                        return
                finally:
                    conn.close()
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer on port {self.port}:\n{self.tail()}")

    def tail(self, lines=30):
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        return ""

    def stop(self):
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)  # our own session: arbiter + its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


# --------------------------------------------------------------------------- load


class Stats:
    def __init__(self):
        self.latencies = []
        self.errors = 0
        self.busy = 0.0  # wall-clock seconds spent loading this server
        self.statuses = {}
        self.rows = None

    def summary(self):
        ordered = sorted(self.latencies)

        def percentile(p):
            if not ordered:
                return None
            return round(ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)] * 1000, 2)

        count = len(ordered) + self.errors
        return {"requests": count, "errors": self.errors,
                "rps": round(count / self.busy, 1) if self.busy else None,
                "p50_ms": percentile(50), "p99_ms": percentile(99),
                "mean_ms": round(sum(ordered) / len(ordered) * 1000, 2) if ordered else None,
                "max_ms": round(ordered[-1] * 1000, 2) if ordered else None}


def one_request(conn, path, headers):
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, body


def run_chunk(server, token, path, count, threads, stats, deadline, record=True):
    """``count`` requests from ``threads`` client threads; each keeps its connection open
    as long as the server allows (gunicorn's sync workers close it after each answer)."""
    headers = {"Authorization": f"Token {token}", "Connection": "keep-alive"}
    lock = threading.Lock()
    shares = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]
    first_body = []

    def worker(share):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            for _ in range(share):
                if time.monotonic() > deadline.end:
                    return
                started = time.perf_counter()
                try:
                    status, body = one_request(conn, path, headers)
                except (OSError, http.client.HTTPException):
                    conn.close()
                    status, body = None, b""
                elapsed = time.perf_counter() - started
                with lock:
                    if not record:
                        continue
                    stats.statuses[str(status)] = stats.statuses.get(str(status), 0) + 1
                    if status == 200:
                        stats.latencies.append(elapsed)
                        if not first_body:
                            first_body.append(body)
                    else:
                        stats.errors += 1
        finally:
            conn.close()

    started = run_threads(worker, shares, deadline)
    if record:
        stats.busy += time.perf_counter() - started
        if first_body and stats.rows is None:
            with contextlib.suppress(ValueError):
                data = json.loads(first_body[0])
                for key in ("transactions", "accounts"):
                    if isinstance(data.get(key), list):
                        stats.rows = len(data[key])


def load_schedule(sizes, requests, chunk, sequential):
    """[(size, count), ...]: every size in full one after another (sequential), or in
    chunks that alternate between the sizes in ABBA order."""
    if sequential:
        return [(size, requests) for size in sizes]
    schedule = []
    left = requests
    turn = 0
    while left > 0:
        count = min(chunk, left)
        order = sizes if turn % 2 == 0 else list(reversed(sizes))
        schedule.extend((size, count) for size in order)
        left -= count
        turn += 1
    return schedule


def run_load(sizes, servers, tokens, args, deadline, emit, ceiling=None):
    """Load every endpoint on every size; with a ceiling server, each read endpoint's
    chunks are interleaved with the ceiling's. Results are keyed (size, endpoint) and
    (CEILING, endpoint)."""
    results = {}
    for name, path, is_read in ENDPOINTS:
        targets = [CEILING, *sizes] if ceiling is not None and is_read else list(sizes)

        def target(key, path=path):
            if key == CEILING:
                return ceiling, tokens[sizes[0]], CEILING_PATH
            return servers[key], tokens[key], path

        for key in targets:
            run_chunk(*target(key), args.warmup, args.threads, None, deadline, record=False)
        stats = {key: Stats() for key in targets}
        schedule = load_schedule(targets, args.requests, args.chunk, args.sequential)
        log(f"{name}: {args.requests} requests per size, {args.threads} client threads"
            + (", ceiling interleaved" if CEILING in targets else ""))
        for key, count in schedule:
            run_chunk(*target(key), count, args.threads, stats[key], deadline)
        for key in targets:
            summary = stats[key].summary()
            if key == CEILING:
                record = {"endpoint": CEILING, "alongside": name, **summary, "threads": args.threads}
            else:
                record = {"size": key, "endpoint": name, **summary, "threads": args.threads}
            if stats[key].rows is not None:
                record["rows"] = stats[key].rows
            if summary["errors"]:
                record["statuses"] = stats[key].statuses
            results[(key, name)] = summary
            emit(record)
        if CEILING in targets:
            emit_ceiling_ratios(name, sizes, results, emit)
    return results


def emit_ceiling_ratios(name, sizes, results, emit):
    roof = results[(CEILING, name)]["rps"]
    for size in sizes:
        rps = results[(size, name)]["rps"]
        if not roof or not rps:
            continue
        record = {"event": "ceiling-ratio", "endpoint": name, "size": size, "rps": rps,
                  "ceiling_rps": roof, "ratio": round(rps / roof, 3)}
        if name in CEILING_GOAL_ENDPOINTS:
            record["goal"] = CEILING_GOAL
            record["ok"] = record["ratio"] >= CEILING_GOAL
        results[(size, name)]["ceiling_ratio"] = record["ratio"]
        emit(record)


def summarise(sizes, results, emit):
    """One record with every figure, and the same as a table on stderr."""
    rows = []
    for name, _path, _is_read in ENDPOINTS:
        row = {"endpoint": name}
        ceiling = results.get((CEILING, name))
        if ceiling:
            row["ceiling_rps"] = ceiling["rps"]
        for size in sizes:
            figures = results.get((size, name))
            if figures:
                row[str(size)] = {key: figures.get(key) for key in ("rps", "p50_ms", "p99_ms", "ceiling_ratio")}
        rows.append(row)
    emit({"event": "summary", "endpoints": rows})
    header = f"{'endpoint':<20} {'ceiling':>8}" + "".join(
        f" | {size:>9} rps   p50   p99 ratio" for size in sizes)
    lines = [header]
    for row in rows:
        line = f"{row['endpoint']:<20} {row.get('ceiling_rps') or '':>8}"
        for size in sizes:
            figures = row.get(str(size), {})
            line += (f" | {figures.get('rps') or '':>13} {figures.get('p50_ms') or '':>5}"
                     f" {figures.get('p99_ms') or '':>5} {figures.get('ceiling_ratio') or '':>5}")
        lines.append(line)
    log("summary (req/s, p50/p99 ms, ratio = req/s over the ceiling's in the same chunks):\n" + "\n".join(lines))


def compare(sizes, results, emit):
    small, large = min(sizes), max(sizes)
    if small == large:
        return
    for name, _path, is_read in ENDPOINTS:
        a, b = results.get((small, name)), results.get((large, name))
        if not a or not b or not a["p50_ms"] or not b["p50_ms"]:
            continue
        ratio = round(b["p50_ms"] / a["p50_ms"], 3)
        record = {"event": "compare", "endpoint": name, "small": small, "large": large,
                  "p50_small_ms": a["p50_ms"], "p50_large_ms": b["p50_ms"], "p50_ratio": ratio,
                  "p99_ratio": round(b["p99_ms"] / a["p99_ms"], 3),
                  "rps_small": a["rps"], "rps_large": b["rps"]}
        if is_read:
            record["goal"] = READ_GOAL
            record["ok"] = ratio <= READ_GOAL
        emit(record)


# --------------------------------------------------------------------------- main


def parse_args(argv, description=None, measured="endpoint"):
    """The options every load benchmark takes (bench_web.py uses these too)."""
    parser = argparse.ArgumentParser(description=description or __doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000",
                        help="comma-separated transaction counts (default 10000,1000000)")
    parser.add_argument("--requests", type=int, default=400, help=f"measured requests per {measured} and size")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured requests first (default 30)")
    parser.add_argument("--threads", type=int, default=2, help="client threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--chunk", type=int, default=50, help="requests per turn when alternating sizes")
    parser.add_argument("--sequential", action="store_true",
                        help="load each size's server fully before the next instead of alternating")
    parser.add_argument("--span", choices=("fixed", "density"), default="fixed",
                        help="older rows spread from 1900 for every size (fixed, default), or 10 a day "
                             "back from 30 days ago (density: a small ledger then has fewer months)")
    parser.add_argument("--explain", action="store_true",
                        help=f"print EXPLAIN QUERY PLAN and solo timing of every SELECT of each {measured}")
    parser.add_argument("--seed", type=int, default=20251122, help="random seed for the generated rows")
    parser.add_argument("--time-limit", type=float, default=3600, help="give up after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--out", help="also write the JSON lines to this file")
    parser.add_argument("--no-ceiling", action="store_true",
                        help="leave out the bare-Flask ceiling (bench_v1 only)")
    args = parser.parse_args(argv)
    try:
        sizes = sorted({int(part.replace("_", "")) for part in args.sizes.split(",") if part.strip()})
    except ValueError:
        parser.error("--sizes takes comma-separated integers")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs positive integers")
    if args.requests < 1 or args.threads < 1 or args.chunk < 1 or args.warmup < 0:
        parser.error("--requests, --threads and --chunk must be positive, --warmup not negative")
    args.size_list = sizes
    return args


def run_threads(worker, shares, deadline):
    """Run ``worker(share)`` for each non-empty share on its own client thread, wait for
    them within the deadline, and return when they started (perf_counter)."""
    pool = [threading.Thread(target=worker, args=(share,), daemon=True) for share in shares if share]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=deadline.left())
        if thread.is_alive():
            raise TimeoutError("client thread did not finish in time")
    return started


@contextlib.contextmanager
def cleaned_up(servers, workdir, emit, keep):
    """However a run ends: show the log of a gunicorn that died, stop every server,
    close the output and remove the work folder (unless asked to keep it)."""
    try:
        yield
    except BaseException:
        for size, server in servers.items():
            if server.process.poll() is not None and server.process.returncode not in (0, -15):
                log(f"gunicorn for size {size} log tail:\n{server.tail()}")
        raise
    finally:
        for server in servers.values():
            with contextlib.suppress(Exception):
                server.stop()
        emit.close()
        if keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _terminate(signum, _frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    deadline = Deadline(args.time_limit)
    emit = Emitter(args.out)
    workdir = tempfile.mkdtemp(prefix="spendsense-bench-")
    servers = {}
    sizes = args.size_list
    with cleaned_up(servers, workdir, emit, args.keep):
        log(f"working in {workdir}")
        tokens = {}
        apps = {}
        for size in sizes:
            db_path = Path(workdir) / f"bench-{size}.sqlite3"
            apps[size], ids = prepare_database(db_path, size, args.span, args.seed, deadline, emit)
            tokens[size] = ids["token"]
            if args.explain:
                for entry in explain_reads(apps[size], db_path, tokens[size]):
                    emit({"event": "explain", "size": size, **entry})
        for size in sizes:
            servers[size] = Server(Path(workdir) / f"bench-{size}.sqlite3", workdir, args.workers)
        if not args.no_ceiling:
            servers[CEILING] = Server(Path(workdir) / "ceiling.sqlite3", workdir, args.workers,
                                      app_spec=CEILING_APP, ready_path=CEILING_PATH, ready_status=200)
        for server in servers.values():
            server.wait_ready(deadline)
        log("gunicorn ready: " + ", ".join(f"{s} on :{srv.port}" for s, srv in servers.items()))
        results = run_load(sizes, {size: servers[size] for size in sizes}, tokens, args, deadline, emit,
                           ceiling=servers.get(CEILING))
        compare(sizes, results, emit)
        summarise(sizes, results, emit)
        for server in servers.values():
            server.stop()
        for size in sizes:
            log(f"size {size}: flask check-balances after the load")
            emit({"event": "check-balances", "size": size, "after_load": True,
                  **check_balances(Path(workdir) / f"bench-{size}.sqlite3", deadline)})
        return 0


if __name__ == "__main__":
    sys.exit(main())
