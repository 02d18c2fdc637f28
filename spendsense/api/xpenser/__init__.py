"""Xpenser (`/api/simple`, `/api/expense`, `/api/expenses`): quick entry and export for
Xpenser-style scripts and sync tools (COMPAT.md §3).

Callers authenticate with HTTP Basic, their email or username and their password;
failed attempts count against a per-address limit. Answers are
{"status": <HTTP status>, "data": ...}; errors are {"status": ..., "error": "..."}
(with "errors": {field: message} for bad input), always with the same HTTP status.
"""

from flask import Blueprint, current_app, g, jsonify
from flask_httpauth import HTTPBasicAuth

from spendsense.api.errors import register_error_handlers, register_throttled
from spendsense.extensions import limiter
from spendsense.services.auth import users
from spendsense.services.errors import AuthenticationFailed

bp = Blueprint("xpenser", __name__)
auth = HTTPBasicAuth(realm="SpendSense")
AUTH_REQUIRED = "Authentication required: use HTTP Basic with your email or username and password."


def error(message, status, errors=None):
    body = {"status": status, "error": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    return response


@auth.verify_password
def _verify(login, password):
    if not login:
        return None
    try:
        user = users.authenticate(login, password)
    except AuthenticationFailed:
        return None
    g.user = user
    return user


@auth.error_handler
def _auth_error(status):
    return error(AUTH_REQUIRED if status == 401 else "Forbidden", status)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


# Only failures are counted, on every route of the dialect together.
limiter.shared_limit(_login_limit, scope="xpenser-login",
                     deduct_when=lambda response: response.status_code == 401)(bp)


register_error_handlers(bp, error, "Xpenser")
register_throttled(bp, error, "Too many failed logins.", "Try again in {seconds} seconds.")


from spendsense.api.xpenser import openapi, views  # noqa: E402,F401  (routes register on bp)
