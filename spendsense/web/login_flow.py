"""Logging a browser in and keeping its login to the rules of services/auth/sessions.py.

``complete_login`` is the one way a web login ends: the password view calls it (or the
two-factor step, once its code is right, web/two_factor.py). Every request of the web
UI then goes through ``_keep_session``: an identity that was refused (old session
version, timed out) is dropped along with its remember cookie, and a live one has its
activity stamp moved on, which re-issues the remember cookie with a new value.
"""

from flask import current_app, redirect, request, session
from flask_login import current_user, login_user, logout_user
from flask_login.config import COOKIE_NAME

from spendsense.services.auth import security_log, sessions
from spendsense.web import bp
from spendsense.web.account import client_info
from spendsense.web.helpers import safe_next

# Where Flask-Login keeps the logged-in identity; it copies it into the remember cookie.
IDENTITY_KEY = "_user_id"
# Flask-Login's instruction to its after-request hook: "set" or "clear" the remember cookie.
REMEMBER_KEY = "_remember"


def _store(identity):
    session[IDENTITY_KEY] = str(identity)
    if identity.remember:
        session[REMEMBER_KEY] = "set"


def complete_login(user, *, remember, next_url):
    """Log the browser in as ``user`` (who has proved who they are) and go to ``next_url``."""
    login_user(user, remember=remember)
    # Flask-Login stored the bare id (get_id); the identity also carries the session
    # version and the stamps that end it.
    _store(sessions.begin(user, remember=remember))
    security_log.record(user.id, "login", detail="kept logged in" if remember else "", **client_info())
    return redirect(safe_next(next_url))


def end_every_session():
    """Log out: every session and remember cookie of the account ends, this one too."""
    if current_user.is_authenticated:
        sessions.end_all(current_user.id, "logout", **client_info())
    logout_user()


def end_other_sessions(user):
    """After the user's session version moved on (log out everywhere, a new password):
    this browser carries on under the new version, every other session has ended."""
    identity = sessions.parse(session.get(IDENTITY_KEY))
    if identity is not None:
        _store(sessions.renewed(identity, user))


@bp.before_request
def _keep_session():
    if current_user.is_authenticated:
        # The user loader accepted this identity (from the session, or from the remember
        # cookie, which Flask-Login then copied into the session).
        moved = sessions.touched(sessions.parse(session[IDENTITY_KEY]))
        if moved:
            _store(moved)
        return
    # Nobody is logged in, yet the browser may bring an identity or a remember cookie
    # that the user loader refused: both go (Flask-Login then deletes the cookie).
    session.pop(IDENTITY_KEY, None)
    if current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies:
        session[REMEMBER_KEY] = "clear"
