"""How large a request body may be: MAX_CONTENT_LENGTH (SPENDSENSE_MAX_CONTENT_LENGTH,
16 MB by default) for every route but the few that take an upload, which may take
UPLOAD_MAX_CONTENT_LENGTH: the largest statement file or attachment (as base64 in JSON)
plus room for the form around it.

The larger limit is the request's own ``max_content_length``, chosen by the route the
URL matched, so it holds from the first read of the body: the CSRF check reads the form
in a before_request hook, before any view decorator could raise the limit.
"""

import os

from flask import Request, current_app, request

MB = 1024 * 1024
DEFAULT_MAX_CONTENT_LENGTH = 16 * MB
# Every route that takes a file; tests/unit/test_limits.py checks each still exists.
UPLOAD_ENDPOINTS = frozenset({
    "web.import_upload",  # a bank statement
    "web.upload_attachment",
    "web.projects.import_bills",  # an ihatemoney or Cospend export
    "api.v1.create_import",
    "api.v2.create_user_attachment",  # base64 in JSON: a third larger than the file
})


def upload_limit(config):
    """The body an upload route takes: the largest file it may carry, and 1 MB more."""
    largest = max(config["IMPORT_MAX_BYTES"], config["ATTACHMENT_MAX_BYTES"] * 4 // 3)
    return max(config["MAX_CONTENT_LENGTH"], largest + MB)


class LimitedRequest(Request):
    """Flask's request, whose body limit is the upload limit on an upload route."""

    @property
    def max_content_length(self):
        if self._max_content_length is None and self.endpoint in UPLOAD_ENDPOINTS and current_app:
            return current_app.config["UPLOAD_MAX_CONTENT_LENGTH"]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value):
        self._max_content_length = value


def request_body():
    """The body's bytes, as ``request.get_data``, but refused (RequestEntityTooLarge, 413)
    when a body without Content-Length (chunked) runs past the limit: werkzeug then stops
    reading at the limit and returns the part read, which would be judged as a truncated,
    malformed JSON text. Reading one byte more past the limit raises werkzeug's own 413."""
    data = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(data) >= limit:
        request.stream.read(1)
    return data


def _from_env(name):
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) == 0:
        raise RuntimeError(f"{name} must be a number of bytes, not {value!r}")
    return int(value)


def init_app(app):
    """Fill MAX_CONTENT_LENGTH and UPLOAD_MAX_CONTENT_LENGTH, unless the config gives them,
    from SPENDSENSE_MAX_CONTENT_LENGTH and SPENDSENSE_UPLOAD_MAX_CONTENT_LENGTH, else the
    defaults; the request class then applies the one of the route."""
    config = app.config
    if config.get("MAX_CONTENT_LENGTH") is None:
        config["MAX_CONTENT_LENGTH"] = _from_env("SPENDSENSE_MAX_CONTENT_LENGTH") or DEFAULT_MAX_CONTENT_LENGTH
    if config.get("UPLOAD_MAX_CONTENT_LENGTH") is None:
        config["UPLOAD_MAX_CONTENT_LENGTH"] = (_from_env("SPENDSENSE_UPLOAD_MAX_CONTENT_LENGTH")
                                               or upload_limit(config))
    app.request_class = LimitedRequest
