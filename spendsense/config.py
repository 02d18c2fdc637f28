"""Configuration classes, driven by environment variables.

`create_app()` picks a class from ``SPENDSENSE_ENV`` (development, testing, production)
and then applies the ``config`` argument on top, so tests and scripts can override any
key without touching the environment.
"""

import os
import tempfile
from datetime import timedelta

DEV_SECRET_KEY = "dev-insecure-secret-change-me"


def _env(name, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _bool(name, default):
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url):
    """Point plain ``postgres://`` / ``postgresql://`` URLs at psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET_KEY)
    # None means "a SQLite file in the instance folder", resolved in create_app.
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    # create_app adds pool_pre_ping for servers (not for SQLite files).
    SQLALCHEMY_ENGINE_OPTIONS = {}
    SQLITE_BUSY_TIMEOUT_MS = int(_env("SPENDSENSE_SQLITE_BUSY_TIMEOUT_MS", "30000"))
    # How many reverse proxies in front of the app set X-Forwarded-* (0: trust none).
    PROXY_COUNT = int(_env("SPENDSENSE_PROXY_COUNT", "0"))
    # Post due recurring events on the first request of each half-day (planning_hook.py);
    # off when cron runs `flask post-due` instead.
    POST_DUE_ON_REQUEST = _bool("SPENDSENSE_POST_DUE_ON_REQUEST", True)

    DEFAULT_CURRENCY = _env("SPENDSENSE_DEFAULT_CURRENCY", "EUR").upper()
    DEFAULT_TIMEZONE = _env("SPENDSENSE_DEFAULT_TIMEZONE", "UTC")
    DEFAULT_LOCALE = _env("SPENDSENSE_DEFAULT_LOCALE", "en_GB")

    RATELIMIT_ENABLED = _bool("SPENDSENSE_RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = _env("SPENDSENSE_RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Rate-limit storage (Redis) out of reach: requests go unlimited (and it is logged)
    # rather than answer 500 (throttle.py does the same for wrong credentials).
    RATELIMIT_SWALLOW_ERRORS = True
    # Wrong credentials (throttle.py), counted per account (a user, a project) and per
    # client address; right ones and requests without credentials are never counted.
    RATELIMIT_ACCOUNT = _env("SPENDSENSE_RATELIMIT_ACCOUNT", "5 per minute; 20 per hour")
    RATELIMIT_ADDRESS = _env("SPENDSENSE_RATELIMIT_ADDRESS", "50 per minute")
    # Accounts and projects created per client address.
    RATELIMIT_SIGNUP = _env("SPENDSENSE_RATELIMIT_SIGNUP", "10 per hour")
    # How long a browser that logged in stays a "known device" of that account (throttle.py).
    KNOWN_DEVICE_DAYS = int(_env("SPENDSENSE_KNOWN_DEVICE_DAYS", "180"))
    # Verified HTTP Basic credentials are remembered this long (services/auth/credential_cache.py),
    # at most CREDENTIAL_CACHE_SIZE of them per process, or in Redis when the URI says so
    # (by default wherever the rate limits are kept, when that is Redis).
    CREDENTIAL_CACHE_SECONDS = int(_env("SPENDSENSE_CREDENTIAL_CACHE_SECONDS", "300"))
    CREDENTIAL_CACHE_SIZE = 10000
    CREDENTIAL_CACHE_URI = _env("SPENDSENSE_CREDENTIAL_CACHE_URI",
                                RATELIMIT_STORAGE_URI if RATELIMIT_STORAGE_URI.startswith("redis") else "memory://")

    # How often an API token's "last used" column may be written.
    TOKEN_TOUCH_SECONDS = 60
    # v1 transaction lists: rows per response when the client does not ask.
    V1_TRANSACTIONS_DEFAULT_LIMIT = 1000
    V1_TRANSACTIONS_MAX_LIMIT = 10000

    # Statement imports: uploads wait for confirmation in IMPORT_UPLOAD_FOLDER (default
    # <instance>/imports) for at most IMPORT_PENDING_SECONDS; larger files (by bytes or
    # lines) are parsed and imported in a worker thread behind a progress bar.
    IMPORT_MAX_BYTES = int(_env("SPENDSENSE_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
    IMPORT_MAX_ROWS = int(_env("SPENDSENSE_IMPORT_MAX_ROWS", "200000"))
    IMPORT_UPLOAD_FOLDER = _env("SPENDSENSE_IMPORT_UPLOAD_FOLDER")
    IMPORT_PENDING_SECONDS = 24 * 3600
    IMPORT_BACKGROUND_BYTES = 2 * 1024 * 1024
    IMPORT_BACKGROUND_ROWS = 5000
    # The preview lists every row up to this many; beyond, every duplicate and match.
    IMPORT_PREVIEW_ROWS = 2000

    # Attachments: files stored once per content (SHA-256) under ATTACHMENT_FOLDER
    # (default <instance>/attachments), at most ATTACHMENT_MAX_BYTES each; the links
    # that serve them are signed and last ATTACHMENT_URL_MAX_AGE seconds.
    ATTACHMENT_FOLDER = _env("SPENDSENSE_ATTACHMENT_FOLDER")
    ATTACHMENT_MAX_BYTES = int(_env("SPENDSENSE_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
    ATTACHMENT_URL_MAX_AGE = int(_env("SPENDSENSE_ATTACHMENT_URL_MAX_AGE", "3600"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Web logins end (services/auth/sessions.py): without "keep me logged in" after
    # SESSION_IDLE_MINUTES without a request (or when the browser closes), with it after
    # REMEMBER_IDLE_DAYS without one; either way SESSION_ABSOLUTE_DAYS after the password
    # was given. Logout, a password change and "log out everywhere" end them all at once.
    SESSION_IDLE_MINUTES = int(_env("SPENDSENSE_SESSION_IDLE_MINUTES", str(12 * 60)))
    REMEMBER_IDLE_DAYS = int(_env("SPENDSENSE_REMEMBER_IDLE_DAYS", "14"))
    SESSION_ABSOLUTE_DAYS = int(_env("SPENDSENSE_SESSION_ABSOLUTE_DAYS", "30"))
    # Flask-Login's remember cookie: the browser forgets it when the server would refuse
    # it. Not REMEMBER_COOKIE_REFRESH_EACH_REQUEST, which would give every login a
    # remember cookie, ticked or not: web/login_flow.py re-issues it (rotated) for the
    # logins that asked for it.
    REMEMBER_COOKIE_DURATION = timedelta(days=REMEMBER_IDLE_DAYS)
    # Re-authentication (services/auth/reauth.py): a password given again before switching
    # two-factor off, revoking a key or deleting the account holds this long. The login's
    # second step (the two-factor code) waits this long after the password.
    REAUTH_SECONDS = int(_env("SPENDSENSE_REAUTH_SECONDS", "300"))
    TWO_FACTOR_PENDING_SECONDS = int(_env("SPENDSENSE_TWO_FACTOR_PENDING_SECONDS", "300"))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    # Add "Server-Timing: app;dur=<ms>" to every response (spendsense/timing.py).
    SERVER_TIMING = _bool("SPENDSENSE_SERVER_TIMING", False)
    # Strict-Transport-Security max-age in seconds (0: no header). Production only: a
    # browser that saw it refuses plain http to this host for that long.
    HSTS_SECONDS = 0


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    CREDENTIAL_CACHE_URI = "memory://"
    POST_DUE_ON_REQUEST = False  # a test that wants it turns it on
    # Never the instance folder; one folder per process, as each test worker has its own
    # database (a file shared by two databases could be removed by one of them).
    ATTACHMENT_FOLDER = os.path.join(tempfile.gettempdir(), f"spendsense-test-attachments-{os.getpid()}")


class ProductionConfig(Config):
    REQUIRE_REAL_SECRET = True
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = _bool("SPENDSENSE_SECURE_COOKIES", True)
    HSTS_SECONDS = int(_env("SPENDSENSE_HSTS_SECONDS", str(365 * 24 * 3600)))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class_from_env():
    name = _env("SPENDSENSE_ENV", "development").lower()
    if name not in CONFIGS:
        raise RuntimeError(f"SPENDSENSE_ENV must be one of {sorted(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
