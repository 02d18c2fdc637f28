"""SpendSense v2 (`/v2/`): the PocketSmith v2 API over the caller's personal ledger.

Contract: ../shared/reference/pocketsmith-openapi.json and COMPAT.md §4. Every route
but the document needs an API key (X-Developer-Key, Bearer or Key); every error is
``{"error": "..."}``: 401 no or unknown key, 403 another user's resource, 404 a missing
one, 400 a bad query parameter, 422 a bad body. Routes live in views/ by resource, each
registered with its models through routes.operation.
"""

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from spendsense.api.auth import authenticate_token
from spendsense.api.errors import error_body, register_throttled
from spendsense.errors import SHORT_MESSAGES
from spendsense.services.errors import Forbidden, Invalid, NotFound

bp = Blueprint("v2", __name__)

PUBLIC_VIEWS = {"openapi_document"}
NOT_PROVIDED = "Authentication required: send your API key as X-Developer-Key: <key>."
INVALID_KEY = "The API key is not valid."


error = error_body


@bp.before_request
def _require_key():
    if request.endpoint.rpartition(".")[2] in PUBLIC_VIEWS or request.method == "OPTIONS":
        return None
    user, credentials = authenticate_token(developer_key_header=True)
    if user is None:
        response = error(INVALID_KEY if credentials.present else NOT_PROVIDED, 401)
        response.headers["WWW-Authenticate"] = 'Key realm="v2"'
        return response
    g.user = user
    return None


def _register_errors():
    from spendsense.api.v2.routes import BadBody, BadQuery

    bp.register_error_handler(BadQuery, lambda exc: error(exc.message, 400))
    bp.register_error_handler(BadBody, lambda exc: error(exc.message, 422))
    # A service refuses a value of the body (the query's are read before any service runs).
    bp.register_error_handler(Invalid, lambda exc: error(exc.message, 422))
    bp.register_error_handler(NotFound, lambda exc: error(exc.message, 404))
    bp.register_error_handler(Forbidden, lambda exc: error(exc.message, 403))

    def unexpected(exc):
        if isinstance(exc, HTTPException):
            return error(SHORT_MESSAGES.get(exc.code, exc.name), exc.code)
        current_app.logger.exception("v2 request failed: %s %s", request.method, request.path)
        return error("Internal server error", 500)

    bp.register_error_handler(Exception, unexpected)


_register_errors()
register_throttled(bp, lambda message, status, _errors: error(message, status), "Too many requests.",
                   "Try again in {seconds} seconds.")


@bp.get("/openapi.json")
def openapi_document():
    from spendsense.api.v2.routes import registry

    return jsonify(registry.document(server_url=request.url_root.rstrip("/") + "/v2"))


from spendsense.api.v2.views import (  # noqa: E402,F401  (routes register on bp)
    accounts,
    attachments,
    budgets,
    categories,
    events,
    institutions,
    labels,
    reference,
    transaction_writes,
    transactions,
    users,
)
