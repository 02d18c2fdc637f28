"""Reading request input the same way for GET query strings, forms and JSON bodies."""

from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

INVALID_JSON = "Request body is not valid JSON."


class BadBody(ValueError):
    """The body could not be read as JSON."""


def json_body():
    """The JSON object of the body, {} when there is none; BadBody when it is malformed."""
    if not request.is_json or not request.get_data(cache=True):
        return {}
    try:
        data = request.get_json(force=True)
    except (BadRequest, RecursionError) as exc:  # malformed, or deeply nested arrays
        raise BadBody(INVALID_JSON) from exc
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
