"""``Server-Timing: app;dur=<ms>, cpu;dur=<ms>`` on every response, when config
SERVER_TIMING is true.

Off by default; ``SPENDSENSE_SERVER_TIMING=1`` turns it on (the benchmarks use it).
``app`` is the wall-clock time from the app's first before_request hook to its last
after_request hook: login, the view's queries and template rendering; not the WSGI
server, nor saving the session cookie, nor teardown. ``cpu`` is the CPU time the
request's thread used in the same span (SQLite runs in that thread too), which waiting
for a busy machine's CPU does not inflate.
"""

import time

from flask import g

HEADER = "Server-Timing"


def init_app(app):
    """Register the hooks. Call before other extensions so they run first and last."""
    if not app.config.get("SERVER_TIMING"):
        return

    @app.before_request
    def _start_timer():
        g.server_timing_start = (time.perf_counter(), time.thread_time())

    @app.after_request
    def _add_header(response):
        started = g.pop("server_timing_start", None)
        if started is not None:
            wall = (time.perf_counter() - started[0]) * 1000
            cpu = (time.thread_time() - started[1]) * 1000
            response.headers.add(HEADER, f"app;dur={wall:.2f}, cpu;dur={cpu:.2f}")
        return response
