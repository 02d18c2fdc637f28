"""Profile v1 requests in process: what every request pays, without gunicorn.

    .venv/bin/python tests/perf/profile_v1.py                    # token/check, 2000 rows
    .venv/bin/python tests/perf/profile_v1.py --path /api/v1/transactions/ --requests 200

Builds a database as bench_v1.py does (migrate, seed, bulk rows), then calls the WSGI
app directly (no test client) ``--requests`` times under cProfile, with the production
settings that matter for the fixed cost (rate limiter on, memory storage), and prints
the mean time per request and the top functions by cumulative time.
"""

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_v1  # noqa: E402


def environ_for(path, token):
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(path=path, headers={"Authorization": f"Token {token}"})
    try:
        return builder.get_environ()
    finally:
        builder.close()


def call(app, environ):
    status = []
    body = b"".join(app(dict(environ), lambda s, _h, _e=None: status.append(s)))
    return status[0], body


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default="/api/v1/token/check/")
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-limiter", action="store_true", help="rate limiter off (as bench_v1 runs it)")
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="spendsense-profile-")
    try:
        db_path = Path(workdir) / "profile.sqlite3"
        _app, ids = bench_v1.prepare_database(db_path, args.size, "fixed", 1, bench_v1.Deadline(900),
                                              lambda _record: None)
        from spendsense import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                          "RATELIMIT_ENABLED": not args.no_limiter, "RATELIMIT_STORAGE_URI": "memory://"})
        environ = environ_for(args.path, ids["token"])
        for _ in range(50):
            status, body = call(app, environ)
        print(f"{args.path}: {status}, {len(body)} bytes", file=sys.stderr)
        started = time.perf_counter()
        for _ in range(args.requests):
            call(app, environ)
        plain = (time.perf_counter() - started) / args.requests
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            call(app, environ)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
        print(f"{args.path}: {plain * 1000:.3f} ms per request without the profiler")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
