"""The error mapping every JSON dialect shares; each supplies its own body shape.

``error(message, status, errors)`` builds the dialect's response; ``errors`` maps
fields to messages for bad input and may be ignored by dialects that have no place
for it.
"""

import time

from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from spendsense.api.params import BadBody
from spendsense.extensions import limiter
from spendsense.services.errors import Forbidden, Invalid, NotFound


def error_body(message, status):
    """``{"error": message}`` with ``status``: the shape of v1's and v2's errors."""
    response = jsonify({"error": message})
    response.status_code = status
    return response


def seconds_until_retry():
    """Seconds until the rate limit that was just hit lets the caller in again, or None."""
    breached = limiter.current_limit
    return None if breached is None else max(0, int(breached.reset_at - time.time()))


def register_error_handlers(bp, error, name):
    """Domain exceptions, malformed bodies and unexpected failures -> ``error(...)``;
    never a stack trace or an HTML page."""
    bp.register_error_handler(Invalid, lambda exc: error(exc.message, 400, exc.errors))
    bp.register_error_handler(NotFound, lambda exc: error(exc.message, 404, None))
    bp.register_error_handler(Forbidden, lambda exc: error(exc.message, 403, None))
    bp.register_error_handler(BadBody, lambda exc: error(str(exc), 400, None))

    def unexpected(exc):
        if isinstance(exc, HTTPException):
            return error(exc.description if exc.code != 404 else "Not found", exc.code, None)
        current_app.logger.exception("%s request failed: %s %s", name, request.method, request.path)
        return error("Internal server error", 500, None)

    bp.register_error_handler(Exception, unexpected)


def register_throttled(bp, error, message, retry):
    """The dialect's 429: ``message``, then ``retry`` (naming ``{seconds}``) when the
    breached limit says when it lets the caller in again, built by ``error(message,
    status, errors)`` so that each dialect keeps its own body."""

    def throttled(exc):
        # throttle.Throttled says when itself; Flask-Limiter's own limits through current_limit.
        wait = exc.retry_after if isinstance(getattr(exc, "retry_after", None), int) else seconds_until_retry()
        return error(message if wait is None else f"{message} {retry.format(seconds=wait)}", 429, None)

    bp.register_error_handler(429, throttled)
