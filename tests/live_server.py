"""The app served on 127.0.0.1 in a thread, for tests that drive it with a real client
(a browser, the official PocketSmith client, schemathesis)."""

import threading
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server

from spendsense.extensions import db


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request; errors are still reported."""

    def log_request(self, *args, **kwargs):
        pass


class LiveServer:
    """The app on a free port of 127.0.0.1, in a background thread."""

    def __init__(self, app):
        self.app = app
        self.errors = []
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="live-server", daemon=True)

    def _wsgi(self, environ, start_response):
        # In testing, Flask lets exceptions through: remember them so the test fails.
        try:
            return self.app(environ, start_response)
        except Exception as exc:
            self.errors.append(f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}: {exc!r}")
            raise

    def __call__(self, path=""):
        return self.url + path

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
        with self.app.app_context():
            db.engine.dispose()

    @classmethod
    @contextmanager
    def running(cls, app):
        """Serve ``app`` for the ``with`` block; afterwards fail if a request raised."""
        server = cls(app)
        server.start()
        try:
            yield server
        finally:
            server.stop()
        assert not server.errors, f"the server failed: {server.errors}"
