"""schemathesis against the four OpenAPI documents the app serves: every operation gets
generated requests (the documents' examples, the coverage phase's boundary and invalid
values, then a fixed number of fuzzed ones), sent as alice, and every answer must be no
5xx, of a documented status and content type, and valid against the documented schema.

Run by ``make test-api-fuzz`` (not ``make test``). The run is deterministic: the same
cases every time, so a failure in CI fails again on a laptop.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import make_app

pytestmark = pytest.mark.fuzz

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONFIG = {
    "generation": {
        # Enough to find the shapes a rule refuses badly; the coverage phase adds its own cases.
        "max-examples": 25,
        "deterministic": True,
        "database": "none",
        # Credentials are alice's, sent by the test; generated ones would only answer 401.
        "with-security-parameters": False,
    },
}
# One world per operation, shared by its examples: the data they see only grows or shrinks
# by what the examples themselves do, as a real client's would.
ONE_WORLD_PER_OPERATION = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
# Path parameters that name a row, by name (or, for v2's "id", by the path's first part).
KIND_OF_PARAMETER = {"batch_id": "import", "member_id": "member", "bill_id": "bill", "expense_id": "expense",
                     "transaction_id": "transaction", "attachment_id": "attachment"}
KIND_OF_RESOURCE = {"users": "user", "accounts": "account", "transaction_accounts": "account",
                    "transactions": "transaction", "categories": "category", "institutions": "institution",
                    "attachments": "attachment", "scenarios": "scenario", "events": "event"}

# An app that only serves the documents: the requests go to the test's own app (fixtures).
DOCUMENTS = make_app("sqlite://")


def _schema(path):
    return schemathesis.openapi.from_wsgi(path, DOCUMENTS, config=schemathesis.Config.from_dict(CONFIG))


v1 = _schema("/api/v1/openapi.json")
v2 = _schema("/v2/openapi.json")
projects = _schema("/api/projects/openapi.json")
xpenser = _schema("/api/openapi.json")


def _real_rows(case, world):
    owner = next(world.owners)
    if owner is None:
        return
    person = world.people[owner]
    for name in list(case.path_parameters or {}):
        if name == "project_id":
            case.path_parameters[name] = person.project_id
            continue
        kind = KIND_OF_PARAMETER.get(name) or (
            KIND_OF_RESOURCE.get(case.path.strip("/").split("/")[0]) if name == "id" else None)
        if kind in person.ids:
            case.path_parameters[name] = person.ids[kind]
    if not isinstance(case.body, dict):
        return
    if "payer" in case.body:  # a bill: its members must be the project's
        case.body["payer"] = person.ids["member"]
        case.body["payed_for"] = [person.ids["member"]]
    if "attachment_id" in case.body:
        case.body["attachment_id"] = person.ids["attachment"]
    if "current_password" in case.body:  # a project's settings change only with its code
        case.body["current_password"] = person.project_password


def _run(case, world, app, headers):
    _real_rows(case, world)
    case.call_and_validate(app=app, headers=getattr(world.people["alice"], headers), checks=CHECKS)


@v1.parametrize()
@ONE_WORLD_PER_OPERATION
def test_v1(case, world, fuzz_app):
    _run(case, world, fuzz_app, "v1_headers")


@v2.parametrize()
@ONE_WORLD_PER_OPERATION
def test_v2(case, world, fuzz_app):
    _run(case, world, fuzz_app, "v2_headers")


@projects.parametrize()
@ONE_WORLD_PER_OPERATION
def test_projects(case, world, fuzz_app):
    _run(case, world, fuzz_app, "project_headers")


@xpenser.parametrize()
@ONE_WORLD_PER_OPERATION
def test_xpenser(case, world, fuzz_app):
    _run(case, world, fuzz_app, "xpenser_headers")
