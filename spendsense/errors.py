"""App-wide error answers: JSON under the API mounts, HTML pages elsewhere.

Unknown URLs never reach a blueprint, so the choice is made here by path prefix.
Each dialect's own validation errors are shaped inside its blueprint.
"""

import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from spendsense.services.errors import Forbidden, NotFound

API_PREFIXES = ("/api/", "/v2/")
log = logging.getLogger(__name__)

SHORT_MESSAGES = {
    400: "Bad request", 401: "Authentication required", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 413: "Request too large", 415: "Unsupported media type",
    429: "Too many requests", 500: "Internal server error",
}


def is_api_request():
    path = request.path
    return path.startswith(API_PREFIXES) or path in ("/api", "/v2")


def _json_error(code):
    response = jsonify({"error": SHORT_MESSAGES.get(code, "Error")})
    response.status_code = code
    return response


def register_error_handlers(app):
    @app.errorhandler(HTTPException)
    def _http_error(exc):
        if is_api_request():
            response = _json_error(exc.code or 500)
            if exc.code == 405 and exc.valid_methods:
                response.headers["Allow"] = ", ".join(exc.valid_methods)
            return response
        return render_template("error.html", code=exc.code, message=exc.description), exc.code

    @app.errorhandler(NotFound)
    def _not_found(exc):
        # A row gone between the page's read and its write (another writer deleted it), or
        # any other miss a view did not turn into abort(404) itself. API blueprints map
        # the domain exceptions in their own shapes first.
        if is_api_request():
            return _json_error(404)
        return render_template("error.html", code=404, message=exc.message), 404

    @app.errorhandler(Forbidden)
    def _forbidden(exc):
        if is_api_request():
            return _json_error(403)
        return render_template("error.html", code=403, message=exc.message), 403

    @app.errorhandler(Exception)
    def _unexpected(exc):
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        if is_api_request():
            return _json_error(500)
        return render_template("error.html", code=500, message=InternalServerError.description), 500
