"""SpendSense v1 (`/api/v1/`): the API of the SpendSense command-line client.

Every route but token obtain needs an API key; errors are {"error": "..."} except
authentication, which answers DRF's {"detail": "..."}.
"""

from flask import Blueprint, g, jsonify, request

from spendsense.api.auth import authenticate_token
from spendsense.api.errors import error_body, register_error_handlers, register_throttled
from spendsense.extensions import limiter

bp = Blueprint("v1", __name__)

# View names, without the blueprint prefix (the endpoint is "api.v1.obtain_token").
PUBLIC_VIEWS = {"obtain_token", "openapi_document"}
NOT_PROVIDED = "Authentication credentials were not provided."
INVALID_TOKEN = "Invalid token."


error = error_body


def detail(message, status):
    """DRF's shape, which authentication and throttling answer with."""
    response = jsonify({"detail": message})
    response.status_code = status
    return response


@limiter.request_filter
def _not_limited():
    # No v1 view has a Flask-Limiter limit (the token view counts wrong credentials through
    # throttle.py), so every v1 request skips the limiter's hooks altogether: resolving
    # limits, storage, headers, teardown. Asked by each of the three hooks (extensions.Limiter).
    return (request.endpoint or "").startswith("api.v1.")


@bp.before_request
def _require_token():
    if request.endpoint.rpartition(".")[2] in PUBLIC_VIEWS or request.method == "OPTIONS":
        return None
    user, credentials = authenticate_token()
    if user is None:
        response = detail(INVALID_TOKEN if credentials.present else NOT_PROVIDED, 401)
        response.headers["WWW-Authenticate"] = 'Token realm="api"'
        return response
    g.user = user
    return None


register_error_handlers(bp, lambda message, status, _errors: error(message, status), "v1")
register_throttled(bp, lambda message, status, _errors: detail(message, status), "Request was throttled.",
                   "Expected available in {seconds} seconds.")


from spendsense.api.v1 import imports, openapi, views  # noqa: E402,F401  (routes register on bp)
