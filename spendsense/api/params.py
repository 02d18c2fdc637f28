"""Reading request input the same way for GET query strings, forms and JSON bodies."""

from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from spendsense import limits
from spendsense.jsonio import TOO_DEEP, TooDeep

INVALID_JSON = "Request body is not valid JSON."


class BadBody(ValueError):
    """The body could not be read as JSON."""


def _caused_by_depth(exc):
    """Flask and werkzeug each wrap the parser's error in a BadRequest of their own."""
    while exc is not None:
        if isinstance(exc, TooDeep):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def json_body():
    """The JSON object of the body, {} when there is none; BadBody when it is malformed."""
    if not request.is_json or not limits.request_body():
        return {}
    try:
        data = request.get_json(force=True)
    except BadRequest as exc:  # malformed, or nested past jsonio.MAX_DEPTH
        raise BadBody(TOO_DEEP if _caused_by_depth(exc) else INVALID_JSON) from exc
    if not isinstance(data, dict):
        raise BadBody("Request body must be a JSON object.")
    return data


def merged():
    """Query string, then form fields, then JSON keys; later sources win."""
    values = MultiDict(request.args)
    for key, form_values in request.form.lists():  # update() would append, not replace
        values.setlist(key, form_values)
    for key, value in json_body().items():
        values[key] = value
    return values
