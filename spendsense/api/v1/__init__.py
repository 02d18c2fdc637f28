"""SpendSense v1 (`/api/v1/`): the API of the SpendSense command-line client.

Every route but token obtain needs an API key; errors are {"error": "..."} except
authentication, which answers DRF's {"detail": "..."}.
"""

import time

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from spendsense.api.auth import authenticate_token
from spendsense.api.params import BadBody
from spendsense.extensions import limiter
from spendsense.services.errors import Forbidden, Invalid, NotFound

bp = Blueprint("v1", __name__)

# View names, without the blueprint prefix (the endpoint is "api.v1.obtain_token").
PUBLIC_VIEWS = {"obtain_token"}
NOT_PROVIDED = "Authentication credentials were not provided."
INVALID_TOKEN = "Invalid token."


def error(message, status):
    response = jsonify({"error": message})
    response.status_code = status
    return response


@bp.before_request
def _require_token():
    if request.endpoint.rpartition(".")[2] in PUBLIC_VIEWS or request.method == "OPTIONS":
        return None
    user, credentials = authenticate_token()
    if user is None:
        response = jsonify({"detail": INVALID_TOKEN if credentials.present else NOT_PROVIDED})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Token realm="api"'
        return response
    g.user = user
    return None


@bp.errorhandler(Invalid)
def _invalid(exc):
    return error(exc.message, 400)


@bp.errorhandler(NotFound)
def _not_found(exc):
    return error(exc.message, 404)


@bp.errorhandler(Forbidden)
def _forbidden(exc):
    return error(exc.message, 403)


@bp.errorhandler(BadBody)
def _bad_body(exc):
    return error(str(exc), 400)


@bp.errorhandler(429)
def _throttled(_exc):
    detail = "Request was throttled."
    breached = limiter.current_limit
    if breached is not None:
        detail += f" Expected available in {max(0, int(breached.reset_at - time.time()))} seconds."
    response = jsonify({"detail": detail})
    response.status_code = 429
    return response


@bp.errorhandler(Exception)
def _unexpected(exc):
    if isinstance(exc, HTTPException):
        return error(exc.description if exc.code != 404 else "Not found", exc.code)
    current_app.logger.exception("v1 request failed: %s %s", request.method, request.path)
    return error("Internal server error", 500)


from spendsense.api.v1 import views  # noqa: E402,F401  (routes register on bp)
