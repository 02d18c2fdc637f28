"""Benchmark of budgets on SQLite: the service calls in-process, and the v2 routes behind
gunicorn (2 workers).

Not a pytest test (pytest collects only test_*.py). Run it directly:

    .venv/bin/python tests/perf/bench_budgets.py                                # 10,000 and 1,000,000
    .venv/bin/python tests/perf/bench_budgets.py --sizes 2000 --requests 50     # quick smoke run

Each database is built as bench_v1.py builds it (``flask db upgrade``, ``flask seed``,
one user with four EUR accounts, the transactions bulk-loaded with SQL from 1900 on,
~300 in the last 30 days), with 40 categories (the 17 system ones and 23 of the
user's, some of them children) for the rows to fall in, 60 budget events made through
services/planning/events.py (a monthly budget for every spent category on days from the
1st to the 28th, income monthly and yearly, weekly and fortnightly ones, a few once
events), rollover on for ten categories, and the per-category day and month totals
filled by the migration's own statements; ``flask check-balances`` proves every cache.

Measured, per size:
- in-process service calls (a fresh session each, as a request has): analysis.budget,
  budget_summary over the last 12 months, trend_analysis over the last 2 years (every
  category, the four primary scenarios), the 12-month forecast (forecast.forecast) and
  the month's envelopes (envelopes.month);
- the v2 routes, with ``SPENDSENSE_SERVER_TIMING=1``: /users/{id}/budget (and roll_up),
  /budget_summary for 12 months and /trend_analysis for 2 years. A route the server does
  not have yet is reported as skipped.
Calls and requests alternate between the sizes in chunks (ABBA), as bench_v1 does.

Output: JSON lines on stdout (progress on stderr):
  {"event": "seed", ...} and {"event": "check-balances", ...}   as bench_v1
  {"event": "plan", ...}        the categories, events and rollovers made for a size
  {"kind": "service", "size": N, "call": C, "p50_ms": ..., "p99_ms": ..., ...}
  {"kind": "http", "size": N, "endpoint": E, "path": ..., "p50_ms": ..., "server_p50_ms": ...}
  {"event": "compare", ...}     per call and route: p50 of the largest size over the smallest
                                (goal <= 1.5) and whether the largest size's p50 is under 50 ms
  {"event": "explain", ...}     with --explain: every statement of each service call, its plan
                                and solo time
"""

import importlib.util
import json
import os
import signal
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_v1  # noqa: E402  (the shared seeding, server and statistics code)
import bench_v2  # noqa: E402  (the v2 request loop)
from bench_v1 import (  # noqa: E402
    ROOT,
    Deadline,
    Emitter,
    Server,
    Stats,
    capture_selects,
    check_balances,
    cleaned_up,
    load_schedule,
    log,
    plan_and_time,
)
from bench_v1 import parse_args as bench_parse_args  # noqa: E402
from bench_web import SERVER_ENV, _ratio  # noqa: E402

GOAL_RATIO = 1.5
GOAL_MS = 50.0
OWN_SPENT = 19  # with the 13 system ones: 32 spent categories
OWN_EARN = 4  # with the 4 system ones: 8 earn categories
CHILD_EVERY = 4  # every fourth own spent category is a child of the one before
ROLLOVER_CATEGORIES = 10
BUDGET_DAYS = (1, 5, 10, 15, 20, 25, 28)
MIGRATION = ROOT / "migrations" / "versions" / "0011_planning.py"


def _migration():
    """The planning migration's module: its statements fill the category totals, so the
    benchmark fills them exactly as an upgrade over existing rows does."""
    spec = importlib.util.spec_from_file_location("planning_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fill_category_totals(db_path):
    migration = _migration()
    started = time.perf_counter()
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        for grain, bucket in migration.BUCKETS["sqlite"].items():
            connection.execute(migration.CATEGORY_TOTALS.format(grain=grain, bucket=bucket))
        connection.execute("COMMIT")
        counts = {grain: connection.execute(f"SELECT count(*) FROM category_{grain}_totals").fetchone()[0]
                  for grain in ("day", "month")}
    finally:
        connection.close()
    return {"seconds": round(time.perf_counter() - started, 2), **counts}


def make_plan(app, ids, today):
    """23 own categories, 60 budget events in the primary scenarios, rollover on ten
    categories; returns what the measured calls need."""
    from spendsense.extensions import db
    from spendsense.services.ledger import categories
    from spendsense.services.planning import analysis, events, scenarios

    ledger_id = ids["ledger_id"]
    with app.app_context():
        own_spent, parent = [], None
        for index in range(OWN_SPENT):
            child_of = parent if index % CHILD_EVERY == CHILD_EVERY - 1 else None
            category = categories.create_category(ledger_id, f"Bench spent {index}", "🧾", "spent", parent_id=child_of)
            own_spent.append(category.id)
            parent = category.id
        own_earn = [categories.create_category(ledger_id, f"Bench earn {index}", "💶", "earn").id
                    for index in range(OWN_EARN)]
        spent, earn = ids["spent"] + own_spent, ids["earn"] + own_earn
        primary = [scenarios.primary_for(ledger_id, account_id).id for account_id in ids["account_ids"]]
        began = (today - timedelta(days=730)).replace(day=1)
        made = []
        for index, category_id in enumerate(spent):  # 32 monthly budgets
            made.append(dict(category_id=category_id, amount=f"-{50 + 15 * index}.00",
                             date=began.replace(day=BUDGET_DAYS[index % len(BUDGET_DAYS)]), repeat_type="monthly"))
        for index, category_id in enumerate(earn):  # 4 monthly incomes, 4 yearly ones
            made.append(dict(category_id=category_id, amount=f"{1000 + 100 * index}.00",
                             date=began.replace(day=25), repeat_type="monthly" if index < 4 else "yearly"))
        for index in range(10):
            made.append(dict(category_id=spent[index], amount="-20.00", date=began + timedelta(days=index),
                             repeat_type="weekly"))
        for index in range(5):
            made.append(dict(category_id=spent[10 + index], amount="-35.00", date=began + timedelta(days=index),
                             repeat_type="fortnightly"))
        for index in range(5):
            made.append(dict(category_id=spent[20 + index], amount="-250.00",
                             date=today + timedelta(days=7 * index - 14), repeat_type="once"))
        for index, fields in enumerate(made):
            events.create_event(ledger_id, primary[index % len(primary)], **fields)
        for category_id in spent[::3][:ROLLOVER_CATEGORIES]:
            analysis.set_rollover(ledger_id, category_id, True)
        db.session.remove()
        db.engine.dispose()
    return {"spent": spent, "earn": earn, "categories": spent + earn, "scenarios": primary, "events": len(made),
            "began": began.isoformat()}


def prepare(db_path, size, args, deadline, emit, today):
    log(f"size {size}: migrating, the user, the plan")
    app, ids = bench_v1.create_schema_and_user(db_path, deadline)
    plan = make_plan(app, ids, today)
    ids = {**ids, "spent": plan["spent"], "earn": plan["earn"]}
    log(f"size {size}: bulk-seeding {size} transactions")
    seeded = bench_v1.bulk_seed(db_path, size, ids, args.span, args.seed)
    filled = fill_category_totals(db_path)
    emit({"event": "seed", "size": size, **seeded, "category_totals": filled,
          "db_mb": round(db_path.stat().st_size / 2**20, 1)})
    emit({"event": "plan", "size": size, "categories": len(plan["categories"]), "events": plan["events"],
          "rollover": ROLLOVER_CATEGORIES, "began": plan["began"]})
    log(f"size {size}: flask check-balances")
    emit({"event": "check-balances", "size": size, **check_balances(db_path, deadline)})
    return app, ids, plan


# --------------------------------------------------------------------------- service calls


def service_calls(ledger_id, plan, today):
    """(name, call) of every measured service call."""
    from spendsense.services.planning import analysis, envelopes, forecast

    year_ago = today - timedelta(days=364)
    two_years_ago = today - timedelta(days=729)
    return [
        ("budget", lambda: analysis.budget(ledger_id, today=today)),
        ("budget roll_up", lambda: analysis.budget(ledger_id, today=today, roll_up=True)),
        ("budget_summary 12 months", lambda: analysis.budget_summary(
            ledger_id, period="months", interval=1, start=year_ago, end=today, today=today)),
        ("trend_analysis 2 years", lambda: analysis.trend_analysis(
            ledger_id, period="months", interval=1, start=two_years_ago, end=today,
            category_ids=plan["categories"], scenario_ids=plan["scenarios"], today=today)),
        ("trend_analysis 2 years by week", lambda: analysis.trend_analysis(
            ledger_id, period="weeks", interval=1, start=two_years_ago, end=today,
            category_ids=plan["categories"], scenario_ids=plan["scenarios"], today=today)),
        ("forecast 12 months", lambda: forecast.forecast(ledger_id, today=today, days=365)),
        ("envelopes", lambda: envelopes.month(ledger_id, today, today=today)),
    ]


def time_calls(app, call, count, stats):
    """``count`` calls, each in a fresh session (as each request gets one); ``stats`` is
    (wall clock, CPU time) or None for a warm-up. CPU time is what to compare when the
    machine is busy with other work (SQLite runs in this process, so it is counted)."""
    from spendsense.extensions import db

    with app.app_context():
        for _ in range(count):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                call()
            except Exception as exc:  # a failing call is counted and shown, not hidden
                if stats is not None:
                    stats[0].errors += 1
                    stats[0].statuses[type(exc).__name__] = stats[0].statuses.get(type(exc).__name__, 0) + 1
                db.session.remove()
                continue
            elapsed, used = time.perf_counter() - started, time.process_time() - cpu
            db.session.remove()
            if stats is not None:
                stats[0].latencies.append(elapsed)
                stats[1].latencies.append(used)


def run_services(sizes, apps, calls, args, emit):
    results = {}
    for index, (name, _call) in enumerate(calls[sizes[0]]):
        for size in sizes:
            time_calls(apps[size], calls[size][index][1], args.warmup, None)
        stats = {size: (Stats(), Stats()) for size in sizes}
        log(f"service {name}: {args.requests} calls per size")
        for size, count in load_schedule(sizes, args.requests, args.chunk, args.sequential):
            started = time.perf_counter()
            time_calls(apps[size], calls[size][index][1], count, stats[size])
            stats[size][0].busy += time.perf_counter() - started
        for size in sizes:
            wall, cpu = stats[size][0].summary(), stats[size][1].summary()
            record = {"kind": "service", "size": size, "call": name, **wall, "cpu_p50_ms": cpu["p50_ms"],
                      "cpu_p99_ms": cpu["p99_ms"], "loadavg_1m": round(os.getloadavg()[0], 2),
                      "cpus": os.cpu_count()}
            if stats[size][0].statuses:
                record["failures"] = stats[size][0].statuses
            results[("service", size, name)] = record
            emit(record)
    return results


def explain_services(app, db_path, calls):
    from spendsense.extensions import db

    records = []
    with app.app_context():
        for name, call in calls:
            call()
            db.session.remove()
            with capture_selects(db.engine, prefixes=("SELECT", "WITH")) as captured:
                started = time.perf_counter()
                call()
                elapsed = time.perf_counter() - started
            db.session.remove()
            queries = plan_and_time(db_path, captured, sql_chars=300)
            records.append({"call": name, "in_process_ms": round(elapsed * 1000, 2), "statements": len(captured),
                            "sql_ms": round(sum(q["ms"] for q in queries), 3), "queries": queries})
        db.engine.dispose()
    return records


# --------------------------------------------------------------------------- v2 routes


def routes(user_id, plan, today):
    base = f"/v2/users/{user_id}"
    window = {"period": "months", "interval": 1}
    return [
        ("GET budget", "GET", f"{base}/budget", None),
        ("GET budget roll_up", "GET", f"{base}/budget?roll_up=1", None),
        ("GET budget_summary 12 months", "GET", f"{base}/budget_summary?" + urlencode(
            {**window, "start_date": (today - timedelta(days=364)).isoformat(), "end_date": today.isoformat()}), None),
        ("GET trend_analysis 2 years", "GET", f"{base}/trend_analysis?" + urlencode(
            {**window, "start_date": (today - timedelta(days=729)).isoformat(), "end_date": today.isoformat(),
             "categories": ",".join(map(str, plan["categories"])),
             "scenarios": ",".join(map(str, plan["scenarios"]))}), None),
    ]


def run_routes(sizes, servers, tokens, plans, args, deadline, emit):
    results = {}
    for index, (name, *_request) in enumerate(plans[sizes[0]]):
        requests = {size: plans[size][index] for size in sizes}
        statuses = {size: bench_v2.one(servers[size], tokens[size], *requests[size][1:])[0] for size in sizes}
        if any(status in (404, 405) for status in statuses.values()):
            emit({"event": "skipped", "endpoint": name, "path": requests[sizes[0]][2],
                  "reason": "the server has no such route yet"})
            continue
        for size in sizes:
            bench_v2.run_chunk(servers[size], tokens[size], requests[size], args.warmup, args.threads, None, deadline)
        stats = {size: bench_v2.EndpointStats() for size in sizes}
        log(f"route {name}: {args.requests} requests per size, {args.threads} client threads")
        for size, count in load_schedule(sizes, args.requests, args.chunk, args.sequential):
            bench_v2.run_chunk(servers[size], tokens[size], requests[size], count, args.threads, stats[size],
                               deadline)
        for size in sizes:
            record = {"kind": "http", **stats[size].record(size, name, requests[size][2], args.threads)}
            results[("http", size, name)] = record
            emit(record)
    return results


# --------------------------------------------------------------------------- main


def compare(sizes, results, emit):
    small, large = min(sizes), max(sizes)
    rows = []
    for (kind, size, name), record in sorted(results.items(), key=lambda item: (item[0][0], item[0][2])):
        if size != large:
            continue
        base = results.get((kind, small, name))
        entry = {"event": "compare", "kind": kind, "name": name, "small": small, "large": large,
                 "p50_small_ms": base["p50_ms"] if base else None, "p50_large_ms": record["p50_ms"],
                 "p50_ratio": _ratio(record["p50_ms"], base["p50_ms"]) if base else None,
                 "ratio_goal": GOAL_RATIO, "ms_goal": GOAL_MS}
        # CPU time: the app's own work, whatever else the machine runs.
        cpu = "server_cpu_p50_ms" if kind == "http" else "cpu_p50_ms"
        entry["cpu_p50_small_ms"] = base.get(cpu) if base else None
        entry["cpu_p50_large_ms"] = record.get(cpu)
        entry["cpu_p50_ratio"] = _ratio(record.get(cpu), base.get(cpu)) if base else None
        if kind == "http":
            entry["server_p50_large_ms"] = record.get("server_p50_ms")
        entry["ratio_ok"] = entry["p50_ratio"] is not None and entry["p50_ratio"] <= GOAL_RATIO
        entry["ms_ok"] = record["p50_ms"] is not None and record["p50_ms"] < GOAL_MS
        rows.append(entry)
        emit(entry)
    lines = [f"{'':8} {'call or route':<34} {'p50 ' + str(small):>12} {'p50 ' + str(large):>12} {'ratio':>6}"
             f" {'cpu ' + str(small):>12} {'cpu ' + str(large):>12} {'ratio':>6}"]
    for entry in rows:
        lines.append(f"{entry['kind']:<8} {entry['name']:<34} {entry['p50_small_ms'] or '':>12} "
                     f"{entry['p50_large_ms'] or '':>12} {entry['p50_ratio'] or '':>6} "
                     f"{entry['cpu_p50_small_ms'] or '':>12} {entry['cpu_p50_large_ms'] or '':>12} "
                     f"{entry['cpu_p50_ratio'] or '':>6}")
    log("p50 in ms, wall clock and CPU (goal: ratio <= 1.5, large p50 < 50 ms):\n" + "\n".join(lines))


def main(argv=None):
    args = bench_parse_args(argv, description=__doc__.split("\n\n")[0], measured="call")
    signal.signal(signal.SIGTERM, bench_v1._terminate)
    deadline = Deadline(args.time_limit)
    emit = Emitter(args.out)
    workdir = tempfile.mkdtemp(prefix="spendsense-bench-budgets-")
    servers, tokens, apps, ids, plans, calls = {}, {}, {}, {}, {}, {}
    sizes = args.size_list
    today = datetime.now(UTC).date()  # the bench user's time zone is UTC
    with cleaned_up(servers, workdir, emit, args.keep):
        log(f"working in {workdir}")
        for size in sizes:
            db_path = Path(workdir) / f"bench-{size}.sqlite3"
            apps[size], ids[size], plans[size] = prepare(db_path, size, args, deadline, emit, today)
            tokens[size] = ids[size]["token"]
            calls[size] = service_calls(ids[size]["ledger_id"], plans[size], today)
        if args.explain:
            for size in sizes:
                for entry in explain_services(apps[size], Path(workdir) / f"bench-{size}.sqlite3", calls[size]):
                    emit({"event": "explain", "size": size, **entry})
        results = run_services(sizes, apps, calls, args, emit)
        for size in sizes:
            servers[size] = Server(Path(workdir) / f"bench-{size}.sqlite3", workdir, args.workers,
                                   extra_env=SERVER_ENV)
        requests = {}
        for size in sizes:
            servers[size].wait_ready(deadline)
            status, _response, data = bench_v2.one(servers[size], tokens[size], "GET", "/v2/me")
            if status != 200:
                raise RuntimeError(f"GET /v2/me answered {status}: {data[:300]!r}")
            requests[size] = routes(json.loads(data)["id"], plans[size], today)
        results.update(run_routes(sizes, servers, tokens, requests, args, deadline, emit))
        compare(sizes, results, emit)
        for server in servers.values():
            server.stop()
        return 0


if __name__ == "__main__":
    sys.exit(main())
