"""SpendSense: a self-hosted personal-finance tracker."""

import os
from collections.abc import Mapping

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from spendsense.config import DEV_SECRET_KEY, config_class_from_env, normalise_database_url
from spendsense.extensions import csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions for the web UI only. An API request authenticates by key,
    never by cookie (api/auth.py), so it gets Flask's null session: no cookie is read,
    verified or written for it."""

    def open_session(self, app, request):
        from spendsense.errors import is_api_request

        if is_api_request():
            return self.make_null_session(app)
        return super().open_session(app, request)


def _load_config(app, config):
    app.config.from_object(config_class_from_env())
    if isinstance(config, Mapping):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    if app.config.get("REQUIRE_REAL_SECRET"):
        secret = app.config.get("SECRET_KEY") or ""
        if secret == DEV_SECRET_KEY or len(secret) < 16:
            raise RuntimeError("Set SECRET_KEY to a long random value before running in production.")
    from spendsense import limits

    # werkzeug answers 413 before a view, or the CSRF check, reads a body past the limit.
    limits.init_app(app)
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        os.makedirs(app.instance_path, exist_ok=True)
        uri = "sqlite:///" + os.path.join(app.instance_path, "spendsense.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri = normalise_database_url(uri)
    if not uri.startswith("sqlite"):
        # A server can drop idle connections; a SQLite file cannot, so it needs no ping
        # (one more statement) at every checkout.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True,
                                                   **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}


class AsciiIntegerConverter(IntegerConverter):
    regex = r"[0-9]+"


def create_app(config=None):
    """Build the app: config -> extensions -> blueprints -> errors -> cli.

    ``config`` may be a mapping, or a class/object whose upper-case attributes apply.
    The database schema is never created here: ``flask db upgrade`` is a deploy step.
    """
    app = Flask(__name__, instance_relative_config=True)
    _load_config(app, config)

    from spendsense.jsonio import DecimalJSONProvider

    app.json = DecimalJSONProvider(app)
    app.session_interface = SessionInterface()
    # "/api/v1/token/check" and "/api/v1/token/check/" reach the same view, no redirect.
    app.url_map.strict_slashes = False
    # <int:id> matches ASCII digits only: werkzeug's own takes "１" (full-width) as 1,
    # a second spelling of every id.
    app.url_map.converters["int"] = AsciiIntegerConverter
    proxies = app.config.get("PROXY_COUNT") or 0
    if proxies:
        # Behind a reverse proxy, absolute links (v2's Link header, attachment URLs,
        # redirects) must use the scheme and host the client used, not the proxy's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies,
                                x_prefix=proxies)

    from spendsense import timing

    timing.init_app(app)  # first, so its hooks wrap every other before/after_request hook
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from spendsense import throttle

    throttle.init_app(app)

    from spendsense.db_setup import configure_engine

    with app.app_context():
        configure_engine(db.engine, app)

    from spendsense import models  # noqa: F401  (registers every table on the metadata)
    from spendsense.api import bp as api_bp
    from spendsense.web import bp as web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(api_bp)
    # Token-authenticated, never by session cookie, so no CSRF token. Flask-WTF matches
    # the request's own blueprint ("api.v1"), not its parent: exempt every nested one.
    for name, blueprint in app.blueprints.items():
        if name == api_bp.name or name.startswith(api_bp.name + "."):
            csrf.exempt(blueprint)

    from spendsense import security_headers
    from spendsense.errors import register_error_handlers

    security_headers.init_app(app)

    register_error_handlers(app)

    from spendsense.cli import register_cli
    from spendsense.planning_hook import register as register_planning_hook

    register_cli(app)
    register_planning_hook(app)
    return app
