"""v2's models, one module per resource: each answer model is both the serializer and
the schema of /v2/openapi.json; each body and query model reads and checks input."""
