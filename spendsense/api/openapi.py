"""OpenAPI 3.1 documents built from each dialect's own route table and pydantic models.

A dialect keeps one ``Registry``; each operation it serves is registered with the models
that read its input and write (or, for the hand-serialized dialects, describe) its output.
``Registry.document()`` turns that table into the document its ``openapi.json`` serves,
so the document cannot name a field the code does not produce: v2's serializers *are*
these models, and the other dialects' tests check their answers against them.
"""

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter
from pydantic.json_schema import SkipJsonSchema, models_json_schema

ERROR_DESCRIPTIONS = {
    400: "Bad request: a query parameter is malformed or out of range",
    401: "Missing or unknown credentials",
    403: "The resource belongs to another user",
    404: "No such resource",
    409: "Conflict",
    413: "Request too large",
    422: "The body is not valid",
    429: "Too many requests",
}

# The type of a key that is left out rather than written as null (in a request: a field
# that need not be sent): ``next_offset: int | Omitted = None`` documents an integer
# that may be missing, never null.
Omitted = SkipJsonSchema[None]


def no_null_defaults(schema, _model):
    """A field that defaults to None in Python (an ``Omitted`` one, a body field that need
    not be sent): the document must not say null."""
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None:
            del prop["default"]


class Shape(BaseModel):
    """Base of the models that describe the answers of a dialect that writes its JSON by
    hand (v1, ihatemoney, Xpenser): every key is listed, so a key the serializer adds
    without the model fails the document's tests and the fuzzer's schema check."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=no_null_defaults)


class Fields(BaseModel):
    """Base of the models that describe such a dialect's query parameters and request
    bodies: clients may send more than is listed."""

    model_config = ConfigDict(extra="allow", json_schema_extra=no_null_defaults)


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the document shows it.

    ``path`` is in OpenAPI form (``/users/{id}``); ``path_params`` maps each name in it
    to a JSON schema. ``response`` is a model, a type such as ``list[Model]``, or None
    for an empty answer. ``body_media`` is the body's media type when it is not JSON, or
    a tuple of the media types it may come in (the same fields in each).
    ``response_alternatives`` maps further media types of the success answer to their
    schema (an export in CSV or JSON); ``error_bodies`` maps a status to the body it
    answers with when that is not the dialect's usual one for it,
    ``error_descriptions`` says what the status means here, and ``error_media`` maps
    further media types every error may come in to their schema (a form's HTML page).
    """

    method: str
    path: str
    summary: str
    tag: str
    operation_id: str
    path_params: dict[str, dict] = field(default_factory=dict)
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    body_media: str = "application/json"
    response: Any = None
    status: int = 200
    response_media: str = "application/json"
    response_headers: dict[str, dict] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    secured: bool = True
    description: str | None = None
    response_alternatives: dict[str, Any] = field(default_factory=dict)
    error_bodies: dict[int, Any] = field(default_factory=dict)
    error_descriptions: dict[int, str] = field(default_factory=dict)
    error_media: dict[str, Any] = field(default_factory=dict)


class Registry:
    """The route table of one dialect.

    ``error_model`` is the body of every error; ``error_models`` maps a status to another
    body where the dialect answers that status differently (v1's 401 is DRF's
    ``{"detail"}``, its other errors ``{"error"}``).
    """

    def __init__(self, *, title, version, description, base_path, security_schemes, error_model,
                 error_models=None):
        self.title = title
        self.version = version
        self.description = description
        self.base_path = base_path
        self.security_schemes = security_schemes
        self.error_model = error_model
        self.error_models = dict(error_models or {})
        self.operations: list[Operation] = []

    def add(self, operation):
        if any(op.method == operation.method and op.path == operation.path for op in self.operations):
            raise ValueError(f"{operation.method} {operation.path} is registered twice")
        self.operations.append(operation)
        return operation

    def document(self, server_url=None):
        """The OpenAPI 3.1 document of every registered operation."""
        models = self._models()
        keyed, schemas = models_json_schema(models, ref_template="#/components/schemas/{model}")
        components = dict(schemas.get("$defs", {}))
        paths: dict[str, dict] = {}
        for op in self.operations:
            paths.setdefault(op.path, {})[op.method.lower()] = self._operation(op, keyed)
        document = {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version, "description": self.description},
            "servers": [{"url": server_url or self.base_path}],
            "paths": paths,
            "components": {"schemas": components, "securitySchemes": self.security_schemes},
            "security": [{name: []} for name in self.security_schemes],
        }
        return document

    def _models(self):
        """Every (model, mode) pair the operations use, each once, in a stable order."""
        seen = {}
        seen[(self.error_model, "serialization")] = None
        for op in self.operations:
            if op.query is not None:
                seen[(op.query, "validation")] = None
            if op.body is not None:
                seen[(op.body, "validation")] = None
            answers = [op.response, *op.response_alternatives.values(), *op.error_bodies.values(),
                       *op.error_media.values(), *(self.error_models.get(code) for code in op.errors)]
            for answer in answers:
                for model in _models_in(answer):
                    seen[(model, "serialization")] = None
        return list(seen)

    def error_body(self, op, code):
        """What ``op`` answers with ``code``."""
        return op.error_bodies.get(code, self.error_models.get(code, self.error_model))

    def _operation(self, op, keyed):
        result = {"operationId": op.operation_id, "summary": op.summary, "tags": [op.tag]}
        if op.description:
            result["description"] = op.description
        parameters = [{"name": name, "in": "path", "required": True, "schema": schema}
                      for name, schema in op.path_params.items()]
        if op.query is not None:
            parameters.extend(_query_parameters(op.query))
        if parameters:
            result["parameters"] = parameters
        if op.body is not None:
            schema = keyed[(op.body, "validation")]
            media_types = (op.body_media,) if isinstance(op.body_media, str) else op.body_media
            result["requestBody"] = {"required": True,
                                     "content": {media: {"schema": schema} for media in media_types}}
        responses = {str(op.status): self._success(op, keyed)}
        for code in op.errors:
            description = op.error_descriptions.get(code) or ERROR_DESCRIPTIONS.get(code, "Error")
            content = {"application/json": {"schema": _schema_of(self.error_body(op, code), keyed)}}
            for media, schema in op.error_media.items():
                content[media] = {"schema": _schema_of(schema, keyed)}
            responses[str(code)] = {"description": description, "content": content}
        result["responses"] = responses
        if not op.secured:
            result["security"] = []
        return result

    def _success(self, op, keyed):
        answer = {"description": "Success"}
        if op.response is not None:
            answer["content"] = {op.response_media: {"schema": _schema_of(op.response, keyed)}}
            for media, schema in op.response_alternatives.items():
                answer["content"][media] = {"schema": _schema_of(schema, keyed)}
        if op.response_headers:
            answer["headers"] = op.response_headers
        return answer


def _models_in(annotation):
    """The pydantic models an annotation such as ``list[Model]`` refers to."""
    if annotation is None:
        return []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [arg for arg in getattr(annotation, "__args__", ()) if isinstance(arg, type)
            and issubclass(arg, BaseModel)]


def _schema_of(annotation, keyed):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return keyed[(annotation, "serialization")]
    if isinstance(annotation, dict):  # a raw schema (a file, CSV text)
        return annotation
    schema = TypeAdapter(annotation).json_schema(mode="serialization",
                                                 ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    return schema


def _query_parameters(model):
    schema = model.model_json_schema(mode="validation", ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters
