"""Re-authentication: the password (and a two-factor code when it is on) asked again
before what a stolen session must not do alone (switching two-factor login off or
on, new recovery codes, revoking keys, deleting the account).

A confirmation stays fresh for ``REAUTH_SECONDS`` (default five minutes); the web keeps
when it happened in the session, this module says whether that is still recent.
"""

import time

from flask import current_app
from werkzeug.security import check_password_hash

from spendsense.extensions import db
from spendsense.models import User
from spendsense.services.auth import two_factor
from spendsense.services.auth.users import MAX_PASSWORD_LENGTH
from spendsense.services.errors import AuthenticationFailed, Invalid, NotFound

DEFAULT_SECONDS = 300
WRONG_PASSWORD = "That is not your password."


def fresh_for():
    """How long, in seconds, a confirmation lets sensitive actions through."""
    return int(current_app.config.get("REAUTH_SECONDS", DEFAULT_SECONDS))


def is_fresh(confirmed_at, now=None):
    """Whether a confirmation made at ``confirmed_at`` (a Unix time) is recent enough."""
    if not isinstance(confirmed_at, int | float) or isinstance(confirmed_at, bool):
        return False
    now = time.time() if now is None else now
    return confirmed_at <= now < confirmed_at + fresh_for()


def confirm(user_id, password, code=None, *, address=None, user_agent=None):
    """Check that the user is the one at the keyboard: Invalid naming the wrong field
    (``password`` or ``code``) otherwise. A code is checked, and so spent, only once the
    password is right, so a wrong password never uses up a recovery code."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("User not found")
    if (not isinstance(password, str) or not password or len(password) > MAX_PASSWORD_LENGTH
            or not check_password_hash(user.password_hash, password)):
        raise Invalid.field("password", WRONG_PASSWORD)
    if two_factor.is_enabled(user):
        if not code:
            raise Invalid.field("code", "Enter the code of your authenticator app, or a recovery code.")
        try:
            two_factor.check_code(user_id, code, address=address, user_agent=user_agent)
        except AuthenticationFailed as exc:
            raise Invalid.field("code", exc.message) from exc
