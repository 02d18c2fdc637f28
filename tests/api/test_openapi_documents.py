"""The four OpenAPI documents cannot drift from the code: each is served without
credentials, names only rules the app has, names every rule of its dialect, resolves
every reference, and the hand-written answers of v1, ihatemoney and Xpenser fit the
models their documents are made from (tests/fuzz/ does the same with generated requests).
"""

import io
import json
import re
from dataclasses import dataclass

import pytest
from pydantic import TypeAdapter

from spendsense.api.openapi import Registry
from spendsense.api.projects.openapi import registry as projects_registry
from spendsense.api.v1.openapi import registry as v1_registry
from spendsense.api.v2.routes import registry as v2_registry
from spendsense.api.xpenser.openapi import registry as xpenser_registry
from tests.api import projects_helpers
from tests.api.xpenser_client import XClient
from tests.api.xpenser_client import basic as xpenser_basic

project = projects_helpers.project
trio = projects_helpers.trio


@dataclass(frozen=True)
class Dialect:
    url: str
    registry: Registry
    blueprint: str  # the endpoint prefix of its rules


DIALECTS = {
    "v1": Dialect("/api/v1/openapi.json", v1_registry, "api.v1."),
    "ihatemoney": Dialect("/api/projects/openapi.json", projects_registry, "api.projects_api."),
    "xpenser": Dialect("/api/openapi.json", xpenser_registry, "api.xpenser."),
    "v2": Dialect("/v2/openapi.json", v2_registry, "api.v2."),
}
each_dialect = pytest.mark.parametrize("dialect", DIALECTS.values(), ids=DIALECTS.keys())
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _openapi_path(rule):
    """A Flask rule in OpenAPI's spelling: ``/imports/<int:batch_id>/`` -> ``/imports/{batch_id}/``."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def _routes(app, dialect):
    """(method, path under the dialect's base) of each of its rules but the document's own."""
    base = dialect.registry.base_path
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(dialect.blueprint) or rule.endpoint.endswith(".openapi_document"):
            continue
        assert rule.rule.startswith(base), rule.rule
        path = _openapi_path(rule.rule[len(base):])
        found.update((method, path) for method in rule.methods - IGNORED_METHODS)
    return found


def _document(client, dialect):
    # Read as plain JSON: the app's reader would make the examples' numbers Decimals.
    return json.loads(client.get(dialect.url).get_data(as_text=True))


def _documented(document):
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


@each_dialect
def test_the_document_is_served_without_credentials(client, dialect):
    response = client.get(dialect.url)
    assert response.status_code == 200, response.get_data(as_text=True)
    document = json.loads(response.get_data(as_text=True))
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost" + dialect.registry.base_path}]
    assert document["components"]["securitySchemes"]
    built = dialect.registry.document(server_url="http://localhost" + dialect.registry.base_path)
    assert document == json.loads(json.dumps(built))


@each_dialect
def test_every_documented_operation_is_a_rule_of_the_dialect(app, client, dialect):
    missing = _documented(_document(client, dialect)) - _routes(app, dialect)
    assert not missing


@each_dialect
def test_every_rule_of_the_dialect_is_documented(app, client, dialect):
    undocumented = _routes(app, dialect) - _documented(_document(client, dialect))
    assert not undocumented


@each_dialect
def test_operation_ids_are_unique_and_every_reference_resolves(client, dialect):
    document = _document(client, dialect)
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    references = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(document)))
    assert references <= set(document["components"]["schemas"])


@each_dialect
def test_every_operation_documents_its_security(client, dialect):
    document = _document(client, dialect)
    schemes = document["components"]["securitySchemes"]
    assert document["security"] == [{name: []} for name in schemes]
    for item in document["paths"].values():
        for op in item.values():
            if op.get("security") == []:
                continue
            assert "401" in op["responses"], op["operationId"]


def test_the_v1_document_says_how_v1_authenticates(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["token"] == {**schemes["token"], "type": "apiKey", "in": "header", "name": "Authorization"}
    assert schemes["bearer"]["scheme"] == "bearer"
    responses = document["paths"]["/transactions/"]["get"]["responses"]
    assert responses["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Detail"}
    assert responses["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert document["paths"]["/token/"]["post"]["security"] == []


def test_the_ihatemoney_document_says_how_projects_authenticate(client):
    document = client.get("/api/projects/openapi.json").get_json()
    schemes = document["components"]["securitySchemes"]
    assert (schemes["basic"]["scheme"], schemes["projectToken"]["scheme"]) == ("basic", "bearer")
    assert document["paths"]["/projects"]["post"]["security"] == []
    assert document["paths"]["/currencies"]["get"]["security"] == []
    member = document["paths"]["/projects/{project_id}/members/{member_id}"]["get"]["responses"]
    assert member["404"]["content"]["application/json"]["schema"] == {"const": "Not Found", "type": "string"}


def _fits(registry, method, path, response):
    """The answer's body is what the document says ``method path`` answers with its status."""
    op = next(op for op in registry.operations if (op.method, op.path) == (method, path))
    if response.status_code == op.status:
        media = response.mimetype
        expected = op.response if media == op.response_media else op.response_alternatives[media]
    else:
        assert response.status_code in op.errors, response.status_code
        expected = registry.error_body(op, response.status_code)
    body = json.loads(response.get_data(as_text=True))
    TypeAdapter(expected).validate_python(body, strict=True)
    return body


def test_v1_answers_fit_the_document(api, anonymous, main_account):
    api.create_transaction("spent", "12.50", description="lunch")
    category = api.create_category("Coffee")
    calls = [
        ("GET", "/token/check/", api.get("token/check/")),
        ("GET", "/accounts/", api.get("accounts/")),
        ("GET", "/transactions/", api.get("transactions/", {"limit": "1"})),
        ("GET", "/transactions/", api.get("transactions/", {"from": "soon"})),
        ("GET", "/categories/", api.get("categories/", {"user": "true"})),
        ("GET", "/profile-data/", api.get("profile-data/")),
        ("GET", "/accounts/create/", api.get("accounts/create/", {"account": "Cash"})),
        ("POST", "/transactions/create/", api.post("transactions/create/", data={
            "type": "spent", "account": "Nowhere", "category": "home", "amount": "1"})),
        ("POST", "/token/", api.post("token/", data={"username": "alice"})),
        ("GET", "/profile-data/", anonymous.get("profile-data/")),
    ]
    for method, path, response in calls:
        _fits(v1_registry, method, path, response)
    assert category
    upload = api.post("imports/", data={"account": "Main", "file": (io.BytesIO(
        b"Date,Payee,Amount\n2024-05-02,Bakery,-3.20\n"), "statement.csv")}, content_type="multipart/form-data")
    batch = _fits(v1_registry, "POST", "/imports/", upload)
    _fits(v1_registry, "DELETE", "/imports/{batch_id}/", api.client.delete(
        f"/api/v1/imports/{batch['id']}/", headers=api.headers))


def test_ihatemoney_answers_fit_the_document(client, project, trio):
    alexis, fred, _tata = trio
    bill = project.add_bill(what="fromage", payer=alexis, payed_for=[alexis, fred], amount="12.5")
    calls = [
        ("GET", "/projects/{project_id}", project.get()),
        ("GET", "/projects/{project_id}/members", project.get("/members")),
        ("PUT", "/projects/{project_id}/members/{member_id}",
         project.put(f"/members/{fred}", data={"name": "fred"})),
        ("GET", "/projects/{project_id}/bills", project.get("/bills")),
        ("GET", "/projects/{project_id}/bills/{bill_id}", project.get(f"/bills/{bill}")),
        ("GET", "/projects/{project_id}/bills/{bill_id}", project.get("/bills/999")),
        ("POST", "/projects/{project_id}/bills", project.post("/bills", data={"what": "x"})),
        ("GET", "/projects/{project_id}/statistics", project.get("/statistics")),
        ("GET", "/projects/{project_id}/token", project.get("/token")),
        ("PUT", "/projects/{project_id}", project.put(data={"name": "Raclette"})),
        ("DELETE", "/projects/{project_id}/bills/{bill_id}", project.delete(f"/bills/{bill}")),
        ("GET", "/currencies", client.get("/api/currencies")),
        ("GET", "/projects/{project_id}", client.get("/api/projects/raclette")),
    ]
    for method, path, response in calls:
        _fits(projects_registry, method, path, response)


def test_xpenser_answers_fit_the_document(client, user):
    xpenser = XClient(client, xpenser_basic("alice"))
    created = xpenser.post("expense/", {"type": "lunch", "amount": "15.32", "notes": "with jack"})
    expense = _fits(xpenser_registry, "POST", "/expense/", created)["id"]
    calls = [
        ("GET", "/expense/{expense_id}", xpenser.get(f"expense/{expense}")),
        ("POST", "/expense/{expense_id}", xpenser.post(f"expense/{expense}", {"amount": "14"})),
        ("GET", "/simple/", xpenser.get("simple/", {"q": "taxi 34 airport #cash", "format": "json"})),
        ("GET", "/expenses/", xpenser.get("expenses/", {"format": "json", "report": "*"})),
        ("GET", "/expenses/", xpenser.get("expenses/", {"format": "xml"})),
        ("POST", "/expense/", xpenser.post("expense/", {"type": "lunch"})),
        ("DELETE", "/expense/{expense_id}", xpenser.delete(f"expense/{expense}")),
        ("GET", "/expense/{expense_id}", xpenser.get(f"expense/{expense}")),
        ("GET", "/expenses/", XClient(client, {}).get("expenses/")),
    ]
    for method, path, response in calls:
        _fits(xpenser_registry, method, path, response)
