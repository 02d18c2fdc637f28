"""Web sessions that end: the identity a session and a remember cookie carry.

A login lives in signed cookies only (Flask's session, and Flask-Login's remember
cookie when "keep me logged in" is ticked); the server keeps no row per session. What
lets the server end them is the *identity* both cookies carry, in Flask-Login's
``_user_id`` (Flask-Login copies it into the remember cookie and back):
``"<user id>:<session version>:<started>:<seen>:<remember>"``.

- The version is ``users.session_version`` at login. Moving it on ends every session
  and remember cookie of the user at once, stolen copies included: their identity no
  longer matches the user's row, which is read on every request anyway.
- ``started`` (Unix seconds) is when the password was given: past
  SESSION_ABSOLUTE_DAYS the identity is refused whatever the activity.
- ``seen`` is the last activity, moved on at most once every REFRESH_SECONDS: idle for
  longer than SESSION_IDLE_MINUTES (or REMEMBER_IDLE_DAYS for a login that ticked
  "keep me logged in") the identity is refused. Each move rewrites the identity, so
  the remember cookie is re-issued with a new value and a new expiry (rotated), and a
  copied cookie ages exactly as the original would.
- ``remember`` (0 or 1) picks which idle limit applies.

Logging out ends every session of the account, not only this browser's: a copied
session cookie is indistinguishable from the original, so the only way the server can
be sure the cookie being logged out is dead, without a table of live sessions, is to
move the version on. "Log out everywhere" and a password change move it on too and
then give the browser they came from a new identity (it stays logged in).
"""

import time
from dataclasses import dataclass, replace

from flask import current_app

from spendsense.extensions import db
from spendsense.models import User
from spendsense.services.auth import security_log
from spendsense.services.uow import write_transaction
from spendsense.services.validation import row_id_or_none

# Rewrite the identity (and re-issue the remember cookie) at most this often.
REFRESH_SECONDS = 60
# Several hosts' clocks may differ a little; a stamp further in the future is forged.
CLOCK_SKEW_SECONDS = 300
_STAMP_DIGITS = 12

# The clock, replaced by tests that move time.
clock = time.time


def now():
    return int(clock())


@dataclass(frozen=True)
class Identity:
    user_id: int
    version: int
    started: int
    seen: int
    remember: bool

    def __str__(self):
        return f"{self.user_id}:{self.version}:{self.started}:{self.seen}:{int(self.remember)}"


def _number(text):
    return int(text) if text.isascii() and text.isdigit() and len(text) <= _STAMP_DIGITS else None


def parse(value):
    """The Identity in a session value, or None when it is not one (an id alone is not:
    sessions from before session versions log in again)."""
    if not isinstance(value, str):
        return None
    parts = value.split(":")
    if len(parts) != 5 or parts[4] not in ("0", "1"):
        return None
    user_id = row_id_or_none(parts[0])
    version, started, seen = (_number(part) for part in parts[1:4])
    if user_id is None or None in (version, started, seen):
        return None
    return Identity(user_id, version, started, seen, parts[4] == "1")


def idle_limit(identity):
    config = current_app.config
    return (config["REMEMBER_IDLE_DAYS"] * 86400 if identity.remember
            else config["SESSION_IDLE_MINUTES"] * 60)


def expired(identity, at=None):
    """Whether the identity has outlived the idle or the absolute timeout (or is forged)."""
    at = now() if at is None else at
    absolute = current_app.config["SESSION_ABSOLUTE_DAYS"] * 86400
    return (identity.started > at + CLOCK_SKEW_SECONDS or identity.seen > at + CLOCK_SKEW_SECONDS
            or identity.seen < identity.started
            or at - identity.started > absolute or at - identity.seen > idle_limit(identity))


def begin(user, *, remember):
    """The identity of a login that has just proved who it is."""
    at = now()
    return Identity(user.id, user.session_version, at, at, bool(remember))


def user_for(value):
    """The User a session value belongs to, or None when it is malformed, of an old
    session version, or timed out."""
    identity = parse(value)
    if identity is None or expired(identity):
        return None
    user = db.session.get(User, identity.user_id)
    if user is None or user.session_version != identity.version:
        return None
    return user


def touched(identity):
    """The identity with its activity stamp moved to now, or None when it is recent."""
    at = now()
    if at - identity.seen < REFRESH_SECONDS:
        return None
    return replace(identity, seen=at)


def renewed(identity, user):
    """The same login under the user's current session version (after ending every
    other one): same start, so the absolute timeout still counts from the login."""
    return replace(identity, version=user.session_version, seen=max(identity.seen, now()))


def end_all(user_id, action, *, address=None, user_agent=None):
    """End every session and remember cookie of the user, and log why (``action`` is
    "logout" or "logout_everywhere"). Returns the user, at their new version."""
    with write_transaction() as session:
        user = session.get(User, user_id)
        user.session_version = User.session_version + 1
        security_log.record(user_id, action, address=address, user_agent=user_agent)
    return user
