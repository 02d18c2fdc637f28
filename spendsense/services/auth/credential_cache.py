"""Verified HTTP Basic credentials, remembered for a few minutes, so that a script
sending its password with every request pays the deliberately slow hash once, not each
time (Xpenser: a user's login and password; ihatemoney: a project's id and code).

What is kept is an HMAC (keyed with SECRET_KEY) of the credentials, mapped to whom they
opened and a fingerprint of that account's password hash (and, for a user, of the session
version): never the password, nor anything a reader of the cache could log in with. A hit
still reads the account's row and compares the fingerprint, so a password or code change,
or "log out everywhere", ends it at once. Entries live CREDENTIAL_CACHE_SECONDS, in this
process (at most CREDENTIAL_CACHE_SIZE, least recently used dropped first) or in Redis
when CREDENTIAL_CACHE_URI is a redis:// URI (one hash per deployment, not per worker).
"""

import hashlib
import hmac
import time
from collections import OrderedDict
from threading import Lock

import redis
from flask import current_app
from werkzeug.security import check_password_hash

from spendsense.services.auth import users

REDIS_PREFIX = "spendsense:credentials:"


class _Memory:
    def __init__(self):
        self._entries = OrderedDict()
        self._lock = Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            value, expires = entry
            if expires < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key, value, seconds, size):
        with self._lock:
            self._entries[key] = (value, time.monotonic() + seconds)
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()


class _Redis:
    """Redis out of reach is a cache that remembers nothing (logged), never a 500."""

    def __init__(self, uri):
        self._client = redis.Redis.from_url(uri, socket_timeout=2)

    def get(self, key):
        try:
            value = self._client.get(REDIS_PREFIX + key)
        except redis.RedisError:
            current_app.logger.exception("Credential cache unreachable")
            return None
        return value.decode() if value is not None else None

    def set(self, key, value, seconds, _size):
        try:
            self._client.set(REDIS_PREFIX + key, value, ex=seconds)
        except redis.RedisError:
            current_app.logger.exception("Credential cache unreachable")

    def clear(self):
        keys = list(self._client.scan_iter(REDIS_PREFIX + "*"))
        if keys:
            self._client.delete(*keys)


_stores = {}
_stores_lock = Lock()


def _store():
    uri = current_app.config.get("CREDENTIAL_CACHE_URI") or "memory://"
    with _stores_lock:
        if uri not in _stores:
            _stores[uri] = _Redis(uri) if uri.startswith(("redis://", "rediss://", "unix://")) else _Memory()
        return _stores[uri]


def clear():
    _store().clear()


def _mac(*parts):
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(secret, "\0".join(parts).encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def _remember(key, value):
    config = current_app.config
    seconds = config.get("CREDENTIAL_CACHE_SECONDS", 300)
    if seconds > 0:
        _store().set(key, value, seconds, config.get("CREDENTIAL_CACHE_SIZE", 10000))


def _user_fingerprint(user):
    return _mac("user-fingerprint", user.password_hash, str(user.session_version))


def _matches_login(user, login):
    key = login.strip().lower()
    return user.username.lower() == key or user.email == key


_LOOK_UP = object()


def remembered(found, login, password):
    """True when ``login`` and ``password`` were verified a moment ago as the credentials
    of ``found`` (the user ``login`` names, or None), and its password is still the same."""
    if found is None or not isinstance(login, str) or not isinstance(password, str):
        return False
    hit = _store().get(_mac("user", login.strip().lower(), password))
    return (hit is not None and hmac.compare_digest(hit, f"{found.id}:{_user_fingerprint(found)}")
            and _matches_login(found, login))


def user(login, password, *, found=_LOOK_UP):
    """The user these credentials are, as ``users.authenticate`` (AuthenticationFailed
    when they are wrong), without the hash when they were verified a moment ago.
    ``found``: the user ``login`` names (or None), when the caller looked it up already."""
    if found is _LOOK_UP:
        found = users.find_by_login(login)
    if remembered(found, login, password):
        return found
    verified = users.authenticate(login, password)
    _remember(_mac("user", login.strip().lower(), password), f"{verified.id}:{_user_fingerprint(verified)}")
    return verified


def project_code(project, code):
    """True when ``code`` is the project's private code (``code`` a non-empty string)."""
    key = _mac("project", project.id, code)
    fingerprint = _mac("project-fingerprint", project.id, project.password_hash)
    hit = _store().get(key)
    if hit is not None and hmac.compare_digest(hit, fingerprint):
        return True
    if not check_password_hash(project.password_hash, code):
        return False
    _remember(key, fingerprint)
    return True
