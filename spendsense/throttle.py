"""Throttling wrong credentials, per account and per client address, without locking
out the right people.

A view (or an authentication callback) names the account a request tries, calls
``check(account)`` before verifying anything and ``failed()`` when the credential was
wrong; ``credential_limits(account)`` does both around a view. Only wrong credentials
count: a right one, or a request that carries no credentials at all (a plain 401), is
never counted, and an attempt refused with a 429 does not count either (else a guesser
hammering one locked account would push its address over the limit for everyone behind
it). An account's limit (RATELIMIT_ACCOUNT, 5 a minute and 20 an hour) never touches
another account, so a guesser behind a shared address cannot lock out its neighbours.

The address limit (RATELIMIT_ADDRESS, 50 a minute) is there for the guesser who tries
a few passwords against many accounts, whom no account limit sees. Letting an address
that is over it still try "accounts it has not failed against" would let exactly that
guesser through, so instead a browser that has logged in to an account gets a signed
"known device" cookie: for that account it is exempt from the address limit and has an
account budget of its own, so neither a guesser at the same address nor one guessing the
same account from elsewhere locks it out. A stolen cookie gives a guesser one more
budget of the same size, no more. Scripts using HTTP Basic carry no cookie: behind an
address that is over its limit they wait for the window to pass (an API key is never
throttled: it is a random secret, not a password).

Counts live in Flask-Limiter's storage (memory, or Redis with
SPENDSENSE_RATELIMIT_STORAGE_URI=redis://...), through its rate-limiting strategy.
"""

import hashlib
import ipaddress
import secrets
import time
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, request
from flask_login import user_logged_in
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse_many
from limits.errors import StorageError
from redis import RedisError
from werkzeug.exceptions import TooManyRequests

from spendsense.extensions import limiter

# A key longer than this is stored as its digest: a client cannot make big keys.
MAX_KEY_LENGTH = 64
DEVICE_COOKIE = "spendsense_device"
DEVICE_SALT = "spendsense-known-device"
# The accounts a known-device cookie remembers, most recent last.
DEVICE_ACCOUNTS = 5
# The storage (Redis) out of reach must neither lock everyone out nor answer 500: the
# attempt goes unthrottled, logged (the slow password hash still paces a guesser).
STORAGE_ERRORS = (RedisError, StorageError)


class Throttled(TooManyRequests):
    """Too many wrong credentials; ``retry_after`` is in seconds."""

    def __init__(self, retry_after):
        super().__init__(retry_after=retry_after)


@dataclass
class _Attempt:
    account: str
    device: str | None  # the known-device id, when the browser is one for this account
    failed: bool = False


def _short(text):
    return text if len(text) <= MAX_KEY_LENGTH else "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def account_key(kind, value):
    """``kind:value``, case-insensitive and trimmed; None when there is no value (no
    credentials: nothing to count)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return f"{kind}:{_short(value.strip().lower())}"


def user_key(user_id):
    return f"user:{user_id}"


def user_account(login):
    """The account a user login (username or email, any case) tries: the user's id when
    it names one, so that a username and an email share one budget."""
    from spendsense.services.auth import users

    if not isinstance(login, str) or not login.strip():
        return None
    user = users.find_by_login(login)
    return user_key(user.id) if user is not None else account_key("login", login)


def project_account(project_id):
    return account_key("project", project_id)


def address_key():
    """The client address (after ProxyFix, when SPENDSENSE_PROXY_COUNT is set); an IPv6
    address counts as its /64, which one client usually holds whole."""
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _short(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _enabled():
    return limiter.enabled and limiter.initialized


def _identifiers(*parts):
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return (prefix, "credentials", *parts) if prefix else ("credentials", *parts)


def _buckets(attempt):
    """(limits, identifiers) pairs an attempt is tested against and counted in."""
    config = current_app.config
    account = (attempt.account, attempt.device) if attempt.device else (attempt.account,)
    buckets = [(parse_many(config["RATELIMIT_ACCOUNT"]), _identifiers("account", *account))]
    if attempt.device is None:
        buckets.append((parse_many(config["RATELIMIT_ADDRESS"]), _identifiers("address", address_key())))
    return buckets


def check(account):
    """Refuse (``Throttled``) an attempt at ``account`` that its account or its address has
    no budget left for; remember it, so that ``failed()`` can count it. ``account`` None
    (no credentials) is neither checked nor counted."""
    if account is None or not _enabled():
        return
    attempt = _Attempt(account, _known_device(account))
    strategy = limiter.limiter
    try:
        for items, identifiers in _buckets(attempt):
            for item in items:
                if not strategy.test(item, *identifiers):
                    reset = strategy.get_window_stats(item, *identifiers).reset_time
                    g.throttle_retry_after = max(1, int(reset - time.time()))
                    raise Throttled(g.throttle_retry_after)
    except STORAGE_ERRORS:
        current_app.logger.exception("Rate-limit storage unreachable: a credential attempt is not throttled")
        return
    g.throttle_attempt = attempt


def failed():
    """Count the checked attempt as a wrong credential (once per request)."""
    attempt = g.get("throttle_attempt")
    if attempt is None or attempt.failed:
        return
    attempt.failed = True
    strategy = limiter.limiter
    try:
        for items, identifiers in _buckets(attempt):
            for item in items:
                strategy.hit(item, *identifiers)
    except STORAGE_ERRORS:
        current_app.logger.exception("Rate-limit storage unreachable: a wrong credential is not counted")


def succeeded(account):
    """Make this browser a known device of ``account`` (the cookie is set on the answer)."""
    if account is not None and _enabled():
        g.throttle_known_device = account


def credential_limits(account, *, failed_when=None, succeeded_when=None, methods=("POST",)):
    """Decorate a view that checks credentials: ``account()`` names the account tried
    (None: no credentials). The view calls ``failed()`` on a wrong credential, or
    ``failed_when(response)`` says so from its answer; ``succeeded_when(response)``
    marks a browser login, for the known-device cookie."""

    def decorate(view):
        @wraps(view)
        def limited(*args, **kwargs):
            if request.method not in methods:
                return view(*args, **kwargs)
            tried = account()
            check(tried)
            response = current_app.make_response(view(*args, **kwargs))
            if failed_when is not None and failed_when(response):
                failed()
            elif succeeded_when is not None and succeeded_when(response) and g.get("throttle_attempt"):
                succeeded(tried)
            return response

        return limited

    return decorate


def form_user(field):
    """``account`` for a form whose ``field`` holds a username or email."""
    return lambda: user_account(request.form.get(field))


def form_project(field):
    """``account`` for a form whose ``field`` holds a project id."""
    return lambda: project_account(request.form.get(field))


def signup_limit(scope):
    """Flask-Limiter's limit on creating things (``scope``: "accounts", "projects"), per
    address and shared by every view of the scope; only what was created counts."""
    return limiter.shared_limit(lambda: current_app.config["RATELIMIT_SIGNUP"], scope=f"signup-{scope}",
                                key_func=address_key, methods=["POST"],
                                deduct_when=lambda response: response.status_code in (201, 302))


# --- known devices ------------------------------------------------------------------

def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _account_digest(account):
    return hashlib.sha256(account.encode()).hexdigest()[:24]


def _device_cookie():
    """(device id, account digests) from this browser's cookie, or (None, [])."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 1024:
        return None, []
    try:
        data = _serializer().loads(raw, max_age=current_app.config["KNOWN_DEVICE_DAYS"] * 86400)
    except BadSignature:
        return None, []
    if not (isinstance(data, dict) and isinstance(data.get("d"), str) and isinstance(data.get("a"), list)):
        return None, []
    return data["d"], [a for a in data["a"] if isinstance(a, str)]


def _known_device(account):
    device, accounts = _device_cookie()
    return device if device and _account_digest(account) in accounts else None


def _set_device_cookie(response):
    account = g.pop("throttle_known_device", None)
    if account is None:
        return response
    device, accounts = _device_cookie()
    digest = _account_digest(account)
    accounts = [a for a in accounts if a != digest][-(DEVICE_ACCOUNTS - 1):] + [digest]
    value = _serializer().dumps({"d": device or secrets.token_urlsafe(16), "a": accounts})
    config = current_app.config
    response.set_cookie(DEVICE_COOKIE, value, max_age=config["KNOWN_DEVICE_DAYS"] * 86400, httponly=True,
                        samesite="Lax", secure=bool(config.get("SESSION_COOKIE_SECURE")))
    return response


def _retry_after(response):
    wait = g.get("throttle_retry_after")
    if wait is not None and response.status_code == 429:
        response.headers["Retry-After"] = str(wait)
    return response


def _logged_in(_app, user, **_extra):
    # Every completed web login (password, or password and second factor) ends in
    # login_user: the browser becomes a known device of that user.
    succeeded(user_key(user.id))


def init_app(app):
    app.after_request(_set_device_cookie)
    app.after_request(_retry_after)
    user_logged_in.connect(_logged_in, app)
