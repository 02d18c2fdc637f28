"""v2's one route table: ``@operation`` registers a view with the models that read its
query and body and write its answer, adds the Flask rule, and records the operation for
``/v2/openapi.json`` (api/openapi.py), so the served shapes and the document are one.

A view receives its path values, then ``query=`` and ``body=`` as validated models, and
returns a model, a list of models, ``Paged`` (a list with its pagination headers) or
None (204). A malformed query answers 400, a malformed body 422, both as
``{"error": "..."}``.
"""

from dataclasses import dataclass, field

from flask import current_app, request
from pydantic import TypeAdapter, ValidationError
from werkzeug.exceptions import BadRequest

from spendsense import limits
from spendsense.api.openapi import Operation, Registry
from spendsense.api.v2.fields import Error
from spendsense.jsonio import TooDeep

registry = Registry(
    title="SpendSense v2 (PocketSmith-compatible)",
    version="2.0",
    description="The PocketSmith v2 API over a SpendSense ledger. Send your API key as "
                "`X-Developer-Key: <key>`, `Authorization: Bearer <key>` or `Authorization: Key <key>`.",
    base_path="/v2",
    security_schemes={"developerKey": {"type": "apiKey", "in": "header", "name": "X-Developer-Key"}},
    error_model=Error,
)

ID_SCHEMA = {"type": "integer", "minimum": 1}
PAGE_HEADERS = {name: {"schema": {"type": "string"}, "description": description} for name, description in (
    ("Per-Page", "Rows per page"), ("Total", "Rows in the whole list"),
    ("Link", "RFC 5988 links to the first, previous, next and last pages"))}


class BadQuery(Exception):
    """A query parameter could not be read: 400."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class BadBody(Exception):
    """The body could not be read or does not fit the operation's model: 422."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Paged:
    """A page of a list and the headers that describe it (api/pagination.Page.headers)."""

    rows: list
    headers: dict = field(default_factory=dict)


def operation(method, rule, *, summary, tag, query=None, body=None, response=None, status=None,
              errors=None, path=None, path_params=None, description=None, paged=False, bp=None):
    """Register ``view`` for ``method`` on the Flask ``rule`` (``path`` is its OpenAPI
    spelling, derived from the rule when not given)."""
    from spendsense.api.v2 import bp as v2_bp

    blueprint = bp or v2_bp
    status = status or (204 if response is None else 200)
    openapi_path = path or _openapi_path(rule)
    names = [part[1:-1] for part in openapi_path.split("/") if part.startswith("{")]
    if errors is None:
        errors = (401, 403, 404) + ((400,) if query is not None else ()) + ((422,) if body is not None else ())
    adapter = TypeAdapter(response) if response is not None else None

    def decorate(view):
        registry.add(Operation(
            method=method, path=openapi_path, summary=summary, tag=tag,
            operation_id=view.__name__, description=description,
            path_params={name: (path_params or {}).get(name, ID_SCHEMA) for name in names},
            query=query, body=body, response=response, status=status, errors=tuple(sorted(errors)),
            response_headers=PAGE_HEADERS if paged else {},
        ))

        def endpoint(**values):
            if query is not None:
                values["query"] = read_query(query)
            if body is not None:
                values["body"] = read_body(body)
            return respond(view(**values), adapter, status)

        endpoint.__name__ = view.__name__
        endpoint.__doc__ = view.__doc__
        blueprint.add_url_rule(rule, view.__name__, endpoint, methods=[method])
        return view

    return decorate


def _openapi_path(rule):
    parts = []
    for part in rule.split("/"):
        if part.startswith("<"):
            part = "{" + part[1:-1].rpartition(":")[2] + "}"
        parts.append(part)
    return "/".join(parts)


def first_error(exc):
    """One line for a pydantic ValidationError: the field, then what is wrong with it."""
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return f"{where}: {message}" if where else message


def read_query(model):
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise BadQuery(first_error(exc)) from None


def read_body(model):
    data = _json_object()
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadBody(first_error(exc)) from None


def _json_object():
    """The body as a JSON object; an empty body is {} (every v2 body field is optional
    or checked by its model). v2 bodies are JSON whatever the Content-Type says: a form
    could not carry a number or a list."""
    raw = limits.request_body()
    if not raw.strip():
        return {}
    try:
        data = current_app.json.loads(raw)
    except TooDeep as exc:
        raise BadBody(str(exc)) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadBody("The body is not valid JSON.") from exc
    except BadRequest as exc:  # pragma: no cover - werkzeug's own decoding failure
        raise BadBody("The body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise BadBody("The body must be a JSON object.")
    return data


def respond(result, adapter, status):
    if adapter is None or result is None:
        response = current_app.response_class(status=204)
        del response.headers["Content-Type"]  # no body, so no type of one
        return response
    headers = {}
    if isinstance(result, Paged):
        headers, result = result.headers, result.rows
    payload = adapter.dump_python(result, exclude_none=True)
    response = current_app.json.response(payload)
    response.status_code = status
    response.headers.update(headers)
    return response
