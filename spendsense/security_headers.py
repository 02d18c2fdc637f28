"""Security headers of every answer.

``no_store`` marks a view whose pages show a secret (a new API key, a two-factor
secret, recovery codes, an invitation link): its answers carry
``Cache-Control: no-store`` so that no browser or proxy cache keeps them.
"""

from flask import current_app, request


def no_store(view):
    view.no_store = True
    return view


def _shows_secret():
    endpoint = request.endpoint
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return bool(getattr(view, "no_store", False))


def _add_headers(response):
    if _shows_secret():
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    app.after_request(_add_headers)
