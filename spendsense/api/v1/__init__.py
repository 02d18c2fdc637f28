"""SpendSense v1 (`/api/v1/`): the API of the SpendSense command-line client.

Every route but token obtain needs an API key; errors are {"error": "..."} except
authentication, which answers DRF's {"detail": "..."}.
"""

from flask import Blueprint, g, jsonify, request

from spendsense.api.auth import authenticate_token
from spendsense.api.errors import register_error_handlers, seconds_until_retry

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


register_error_handlers(bp, lambda message, status, _errors: error(message, status), "v1")


@bp.errorhandler(429)
def _throttled(_exc):
    detail = "Request was throttled."
    wait = seconds_until_retry()
    if wait is not None:
        detail += f" Expected available in {wait} seconds."
    response = jsonify({"detail": detail})
    response.status_code = 429
    return response


from spendsense.api.v1 import views  # noqa: E402,F401  (routes register on bp)
