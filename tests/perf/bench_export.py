"""Benchmark of the streaming exports: CSV, JSON and QIF of up to 1,000,000 transactions.

Not a pytest test (pytest collects only test_*.py). Run it directly:

    .venv/bin/python tests/perf/bench_export.py                       # 100,000 and 1,000,000 rows
    .venv/bin/python tests/perf/bench_export.py --sizes 20000 --formats csv   # quick smoke run
    .venv/bin/python tests/perf/bench_export.py --tracemalloc         # also Python's own peak

For every size it builds a fresh SQLite database with bench_v1.py's helpers (migrate,
one user with four accounts, bulk-loaded rows, 1% transfer pairs) and gives every tenth
row a label. Each format is then exported in a fresh process, through the real view
(GET /api/expenses/?report=*&format=..., HTTP Basic) with Flask's test client, reading
the streamed body chunk by chunk and throwing it away, as a client saving it would.

Output: JSON lines on stdout (progress on stderr):
  {"event": "seed", ...}
  {"size": N, "format": F, "rows": ..., "seconds": ..., "rows_per_s": ..., "cpu_seconds": ...,
   "rows_per_cpu_s": ..., "load_avg": ..., "mb": ..., "maxrss_mb": ..., "rss_growth_mb": ...,
   "chunks": ..., "largest_chunk_kb": ...}  (+ "tracemalloc_peak_mb")
  {"event": "compare", ...}  per format: memory growth of the largest size over the smallest
Goals: CSV at least 100,000 rows/s; memory flat in the number of rows (streamed).
rows_per_cpu_s (rows over this process's CPU time) is the figure to compare when the
machine is busy with other work (see load_avg): wall-clock rates then fall with it.
"""

import argparse
import base64
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import bench_v1  # noqa: E402  (the seeding helpers of the v1 benchmark)

CSV_GOAL = 100_000
LABEL_EVERY = 10
# What one row adds to the text; QIF also closes each account header with "^".
MARKERS = {"csv": "\n", "json": '"pk": ', "qif": "^\n"}


def add_labels(db_path, ledger_id):
    """Label every tenth transaction "bench", so exports read labels too."""
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        label_id = connection.execute("INSERT INTO labels (ledger_id, name) VALUES (?, 'bench')",
                                      (ledger_id,)).lastrowid
        connection.execute("INSERT INTO transaction_labels (transaction_id, label_id) "
                           "SELECT id, ? FROM transactions WHERE id % ? = 0", (label_id, LABEL_EVERY))
        connection.execute("COMMIT")
    finally:
        connection.close()


def maxrss_mb():
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec, whereas
    ru_maxrss keeps the parent's peak (which seeded the database with a 512 MiB cache)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(db_path, fmt, expected, use_tracemalloc):
    """Export once in this process and print one JSON line."""
    from spendsense import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "RATELIMIT_ENABLED": False})
    login = base64.b64encode(f"{bench_v1.USERNAME}:{bench_v1.PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {login}"}
    with app.app_context():
        client = app.test_client()
        warm = client.get("/api/expenses/", query_string={"report": "*", "format": fmt, "date": "01 Jan 2999"},
                          headers=headers)
        assert warm.status_code == 200, warm.get_data(as_text=True)
        baseline = maxrss_mb()
        if use_tracemalloc:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get("/api/expenses/", query_string={"report": "*", "format": fmt}, headers=headers,
                              buffered=False)
        assert response.status_code == 200
        rows = size = chunks = largest = accounts = 0
        marker = MARKERS[fmt]
        for chunk in response.response:
            text = chunk.decode() if isinstance(chunk, bytes) else chunk
            rows += text.count(marker)
            accounts += text.count("!Account\n")
            size += len(text)
            chunks += 1
            largest = max(largest, len(text))
        response.close()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        peak = tracemalloc.get_traced_memory()[1] if use_tracemalloc else None
        if use_tracemalloc:
            tracemalloc.stop()
    if fmt == "csv":
        rows -= 1  # the header line
    if fmt == "qif":
        rows -= accounts
    record = {"format": fmt, "rows": rows, "expected": expected, "seconds": round(seconds, 2),
              "rows_per_s": round(rows / seconds), "cpu_seconds": round(cpu, 2),
              "rows_per_cpu_s": round(rows / cpu), "load_avg": round(os.getloadavg()[0], 1),
              "mb": round(size / 2**20, 1),
              "maxrss_mb": round(maxrss_mb(), 1), "rss_growth_mb": round(maxrss_mb() - baseline, 1),
              "chunks": chunks,
              "largest_chunk_kb": round(largest / 1024, 1)}
    if peak is not None:
        record["tracemalloc_peak_mb"] = round(peak / 2**20, 1)
    print(json.dumps(record), flush=True)


def run_worker(db_path, fmt, expected, use_tracemalloc, deadline):
    command = [sys.executable, __file__, "--worker", str(db_path), "--formats", fmt, "--sizes", str(expected)]
    if use_tracemalloc:
        command.append("--tracemalloc")
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=deadline.left(1800))
    if result.returncode != 0:
        raise RuntimeError(f"export worker failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--formats", default="csv,json,qif")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure Python's peak (slower)")
    parser.add_argument("--seed", type=int, default=20251122)
    parser.add_argument("--time-limit", type=float, default=3600)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    formats = args.formats.split(",")
    if args.worker:
        worker(args.worker, formats[0], sizes[0], args.tracemalloc)
        return 0

    deadline = bench_v1.Deadline(args.time_limit)
    emit = bench_v1.Emitter(None)
    results = {}
    workdir = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        for size in sizes:
            db_path = workdir / f"export-{size}.sqlite3"
            bench_v1.log(f"size {size}: migrating, creating the user, seeding")
            _app, ids = bench_v1.create_schema_and_user(db_path, deadline)
            seeded = bench_v1.bulk_seed(db_path, size, ids, "fixed", args.seed)
            add_labels(db_path, ids["ledger_id"])
            emit({"event": "seed", "size": size, "seconds": seeded["seconds"],
                  "transactions": seeded["transactions"]})
            for fmt in formats:
                bench_v1.log(f"size {size}: exporting {fmt}")
                record = run_worker(db_path, fmt, size, args.tracemalloc, deadline)
                if fmt == "csv":
                    record["goal_rows_per_s"] = CSV_GOAL
                    record["ok"] = record["rows_per_s"] >= CSV_GOAL
                results[size, fmt] = record
                emit({"size": size, **record})
            db_path.unlink()
        if len(sizes) > 1:
            small, large = min(sizes), max(sizes)
            for fmt in formats:
                a, b = results[small, fmt], results[large, fmt]
                emit({"event": "compare", "format": fmt, "sizes": [small, large],
                      "rss_growth_mb": [a["rss_growth_mb"], b["rss_growth_mb"]],
                      "rows_per_s": [a["rows_per_s"], b["rows_per_s"]],
                      "flat": b["rss_growth_mb"] <= a["rss_growth_mb"] + 25})
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
