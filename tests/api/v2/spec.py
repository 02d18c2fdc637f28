"""Answers checked against PocketSmith's own schemas: every key an answer holds is one
the spec's schema names, with the spec's type, and every key the spec names is there
unless the test says why it is left out.

pocketsmith_schemas.json holds the schemas these tests use, copied unchanged from
``components.schemas`` of PocketSmith's document (reference/pocketsmith-openapi.json,
MIT), so the tests need nothing outside the repository.
"""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

SCHEMAS = Path(__file__).with_name("pocketsmith_schemas.json")


@cache
def _schemas():
    return json.loads(SCHEMAS.read_text(encoding="utf-8"))["schemas"]


def schema(name):
    return _schemas()[name]


def _resolved(node):
    while "$ref" in node:
        node = schema(node["$ref"].rsplit("/", 1)[1])
    return node


def _fits(value, node, where):
    node = _resolved(node)
    kind = node.get("type", "object")
    if "enum" in node:
        assert value in node["enum"], f"{where}: {value!r} is not one of {node['enum']}"
    if kind == "number":
        assert isinstance(value, int | float | Decimal) and not isinstance(value, bool), f"{where}: {value!r}"
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r}"
    elif kind == "string":
        assert isinstance(value, str), f"{where}: {value!r}"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: {value!r}"
    elif kind == "array":
        assert isinstance(value, list), f"{where}: {value!r}"
        for index, item in enumerate(value):
            _fits(item, node["items"], f"{where}[{index}]")
    else:
        assert isinstance(value, dict), f"{where}: {value!r}"
        properties = node.get("properties", {})
        for key, item in value.items():
            assert key in properties, f"{where}.{key} is not in the spec"
            _fits(item, properties[key], f"{where}.{key}")


def fits(body, name, *, left_out=()):
    """``body`` is a ``name`` of the spec, holding every key of it but ``left_out``."""
    _fits(body, schema(name), name)
    missing = set(schema(name)["properties"]) - set(body)
    assert missing == set(left_out), f"{name} lacks {sorted(missing)}, expected to lack {sorted(left_out)}"
