"""Xpenser (`/api/simple`, `/api/expense`, `/api/expenses`): quick entry and export for
Xpenser-style scripts and sync tools (COMPAT.md §3).

Callers authenticate with HTTP Basic, their email or username and their password, or
an API key as the password (the only way in when two-factor login is on); wrong
credentials count against the account's and the address's limits (throttle.py), and a
verified password is remembered for a few minutes (credential_cache.py). No request a
browser sends from another site is answered, and no CORS header lets one read an answer:
a cross-site page must never use credentials the browser keeps for this one. Answers are
{"status": <HTTP status>, "data": ...}; errors are {"status": ..., "error": "..."}
(with "errors": {field: message} for bad input), always with the same HTTP status.
"""

from urllib.parse import urlsplit

from flask import Blueprint, g, jsonify, request
from flask_httpauth import HTTPBasicAuth

from spendsense import throttle
from spendsense.api.errors import register_error_handlers, register_throttled
from spendsense.services.auth import credential_cache, security_log, tokens, users
from spendsense.services.errors import AuthenticationFailed

bp = Blueprint("xpenser", __name__)
auth = HTTPBasicAuth(realm="SpendSense")
AUTH_REQUIRED = "Authentication required: use HTTP Basic with your email or username and password."
TWO_FACTOR = ("Two-factor login is on for this account: use an API key (from the API keys page) "
              "as the HTTP Basic password.")
CROSS_SITE = "Cross-site requests are refused: call this API from a script, not from another site's page."
# Fetch metadata a browser sends: only a page of this very origin, or the user typing or
# bookmarking the URL, may use credentials it holds for it. "same-site" is a sibling
# host (another tenant's subdomain, say): refused too.
SAFE_FETCH_SITES = {"same-origin", "none"}


def error(message, status, errors=None):
    body = {"status": status, "error": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    return response


def _foreign(url):
    """True when ``url`` (an Origin or Referer) is not this host; "null" is foreign."""
    try:
        host = urlsplit(url).netloc
    except ValueError:
        return True
    return host.lower() != request.host.lower()


@bp.before_request
def _refuse_cross_site():
    """Scripts send none of these headers; a browser sends Sec-Fetch-Site (recent ones)
    or at least Origin/Referer on a request another site's page made."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        cross = site.strip().lower() not in SAFE_FETCH_SITES
    else:
        cross = any(_foreign(request.headers[name]) for name in ("Origin", "Referer") if name in request.headers)
    return error(CROSS_SITE, 403) if cross else None


def _key_holder(found, password):
    """``found`` (the user the login names), when ``password`` is one of their API keys."""
    key_user = tokens.verify(password) if found is not None else None
    return found if key_user is not None and key_user.id == found.id else None


@auth.verify_password
def _verify(login, password):
    if not login:
        return None  # no credentials: a plain 401, not counted
    password = password or ""
    found = users.find_by_login(login)
    # A password verified a moment ago costs neither a hash nor a query: scripts send it
    # with every request.
    remembered = found is not None and credential_cache.remembered(found, login, password)
    if not remembered:
        # Then an API key (one indexed query, no hash), before the throttle: a key is 160
        # random bits, not a password to guess, so a right one is never refused because
        # someone guessed the account's password. A wrong "key" is a wrong password below.
        user = _key_holder(found, password)
        if user is not None:
            g.user = user
            return user
    throttle.check(throttle.user_key(found.id) if found is not None else throttle.account_key("login", login))
    if remembered:
        user = found
    else:
        try:
            user = credential_cache.user(login, password, found=found)
        except AuthenticationFailed:
            throttle.failed()
            if found is not None:
                security_log.record_failure(found.id, "login_failed", detail="Xpenser API",
                                            address=request.remote_addr, user_agent=request.user_agent.string)
            return None
    if user.totp_enabled_at is not None:
        # The password is right, so not counted; but alone it is not enough.
        g.xpenser_refusal = TWO_FACTOR
        return None
    g.user = user
    return user


@auth.error_handler
def _auth_error(status):
    if status == 401:
        return error(g.pop("xpenser_refusal", AUTH_REQUIRED), 401)
    return error("Forbidden", status)


register_error_handlers(bp, error, "Xpenser")
register_throttled(bp, error, "Too many failed logins.", "Try again in {seconds} seconds.")


from spendsense.api.xpenser import openapi, views  # noqa: E402,F401  (routes register on bp)
