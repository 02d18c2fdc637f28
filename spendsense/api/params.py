"""Reading request input the same way for GET query strings, forms and JSON bodies."""

from flask import request
from werkzeug.datastructures import MultiDict

INVALID_JSON = "Request body is not valid JSON."


class BadBody(ValueError):
    """The body could not be read as JSON."""


def json_body():
    """The JSON object of the body, {} when there is none; BadBody when it is malformed."""
    if not request.is_json or not request.get_data(cache=True):
        return {}
    try:
        data = request.get_json(force=True, silent=True)
    except RecursionError as exc:  # deeply nested arrays
        raise BadBody(INVALID_JSON) from exc
    if data is None:
        raise BadBody(INVALID_JSON)
    if not isinstance(data, dict):
        raise BadBody("Request body must be a JSON object.")
    return data


def merged():
    """Query string, then form fields, then JSON keys; later sources win."""
    values = MultiDict(request.args)
    values.update(request.form)
    for key, value in json_body().items():
        values[key] = value
    return values
