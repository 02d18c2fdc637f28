"""Security headers of every answer.

Every answer says ``nosniff`` (a file is only ever what its Content-Type says), keeps the
address out of the Referer sent to other sites (invitation links, import tokens and
attachment links are in paths), and may not be framed. A page of the web UI gets a
Content-Security-Policy that runs scripts, styles and images from this server only: the
templates hold no inline script, no ``on...=`` handler and no ``style=`` attribute, the
scripts in static/js read their data from ``data-*`` attributes and
``<script type="application/json">`` blocks (data, never run). Any other answer (the JSON
APIs, files, exports, static assets) gets a policy that allows nothing, so a document
that a browser renders by mistake can do nothing either. A view that sets its own policy
(/docs, attachment files) keeps it.

Every HTML page is sent with ``Cache-Control: no-store``: each is rendered for one
visitor (their money, a project's bills behind its grant, a CSRF token in its forms), so
a cache has no use for it, and the back button of a shared computer must not show it
after logout. ``no_store`` marks a view whose answers show a secret (a new API key, a
two-factor secret, recovery codes, an invitation link): they carry ``no-store`` whatever
their type, over any Cache-Control the view set.

In production (``HSTS_SECONDS`` > 0, see config.py) every answer also carries
Strict-Transport-Security.
"""

from flask import current_app, request

from spendsense.errors import is_api_request

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
NOTHING_POLICY = "default-src 'none'; frame-ancestors 'none'"
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors' older spelling, for browsers without CSP 2
}


def no_store(view):
    view.no_store = True
    return view


def _shows_secret():
    endpoint = request.endpoint
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return bool(getattr(view, "no_store", False))


def _add_headers(response):
    headers = response.headers
    page = response.mimetype == "text/html" and not is_api_request()
    headers.setdefault("Content-Security-Policy", PAGE_POLICY if page else NOTHING_POLICY)
    for name, value in COMMON.items():
        headers.setdefault(name, value)
    hsts = current_app.config.get("HSTS_SECONDS") or 0
    if hsts > 0:
        headers["Strict-Transport-Security"] = f"max-age={hsts}; includeSubDomains"
    if _shows_secret():
        headers["Cache-Control"] = "no-store"
    elif page:
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app):
    app.after_request(_add_headers)
