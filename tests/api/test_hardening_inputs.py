"""Issue 13's 500s on bad API input, each the request that reproduced it, now answered in
its dialect: spaces as an Xpenser filter, an amount past BIGINT, JSON nested past
jsonio.MAX_DEPTH in every dialect's body and in imported files, a bill whose currency is
a list, a NUL byte in a project id (PostgreSQL refuses NUL in any bound value)."""

import io
import json

import pytest

from spendsense.jsonio import MAX_DEPTH, TOO_DEEP
from spendsense.services.bills import exports as bill_exports
from spendsense.services.errors import Invalid
from tests.api import projects_helpers
from tests.api.projects_helpers import UNAUTHORIZED, basic, body, raw
from tests.api.xpenser_client import XClient
from tests.api.xpenser_client import basic as xpenser_basic

project = projects_helpers.project
trio = projects_helpers.trio
DEEP = "[" * 100_000 + "]" * 100_000
JUST_TOO_DEEP = '{"name": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"  # 65 levels with the object


@pytest.fixture
def xpenser(client, user):
    x = XClient(client, xpenser_basic("alice@example.com"))
    x.create(type="taxi", amount="12.30", notes="airport")
    x.create(type="lunch", amount="8.00", notes="with jack")
    return x


@pytest.mark.parametrize("field", ["type", "notes"])
def test_a_filter_of_spaces_filters_on_nothing(xpenser, field):
    response = xpenser.get("expenses/", {"report": "*", field: " "})
    assert response.status_code == 200
    assert [e["fields"]["notes"] for e in xpenser.expenses(**{field: " "})] == ["airport", "with jack"]
    assert len(response.get_data(as_text=True).splitlines()) == 3  # the CSV header and both


@pytest.mark.parametrize("fmt", ["json", "csv", "qif"])
def test_an_amount_past_bigint_answers_a_whole_body(xpenser, fmt):
    response = xpenser.get("expenses/", {"report": "*", "amount": "9223372036854775808", "format": fmt})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    if fmt == "json":
        assert json.loads(text) == []
    elif fmt == "csv":
        assert text.splitlines()[0].startswith("pk,date,type,amount")
        assert len(text.splitlines()) == 1


@pytest.mark.parametrize("amount", ["9223372036854775808", "1" + "0" * 38])
def test_an_amount_past_bigint_compares_as_a_number(xpenser, amount):
    assert len(xpenser.expenses(amount=amount, amount_op="lt")) == 2
    assert xpenser.expenses(amount=amount, amount_op="gt") == []
    assert len(xpenser.expenses(amount="-" + amount, amount_op="gt")) == 2


@pytest.mark.parametrize("document", [DEEP, JUST_TOO_DEEP])
def test_json_nested_too_deep_is_each_dialects_bad_request(client, auth, user, project, document):
    headers = {"Content-Type": "application/json"}
    response = client.post("/api/v1/accounts/create/", data=document, headers={**auth, **headers})
    assert (response.status_code, response.get_json()) == (400, {"error": TOO_DEEP})
    response = client.post("/v2/users/1/institutions", data=document, headers={**auth, **headers})
    assert (response.status_code, response.get_json()) == (422, {"error": TOO_DEEP})  # v2: a bad body is 422
    response = client.post("/api/projects/raclette/members", data=document,
                           headers={**project.headers, **headers})
    assert (response.status_code, body(response)) == (400, {"message": TOO_DEEP})
    response = client.post("/api/expense/", data=document, headers={**xpenser_basic("alice@example.com"), **headers})
    assert response.status_code == 400
    assert response.get_json() == {"status": 400, "error": TOO_DEEP}


def test_json_just_deep_enough_is_read(api):
    nested = {"account": "Main", "amount": "1.00", "note": [[[]]]}
    response = api.client.post("/api/v1/accounts/create/", json=nested, headers=api.headers)
    assert response.status_code == 200, response.get_data(as_text=True)


def test_a_statement_nested_too_deep_is_refused(api):
    api.create_account("Main", "0")
    response = api.client.post("/api/v1/imports/", headers=api.headers, content_type="multipart/form-data", data={
        "account": "Main", "file": (io.BytesIO(DEEP.encode()), "statement.json")})
    assert response.status_code == 400
    assert TOO_DEEP in response.get_json()["error"]


def test_a_project_import_nested_too_deep_is_refused(project, trio):
    with pytest.raises(Invalid) as caught:
        bill_exports.import_bills("raclette", DEEP.encode())
    assert caught.value.errors == {"file": TOO_DEEP}


BILL = {"date": "2024-05-04", "what": "fromage", "bill_type": "Expense", "amount": 12.5, "currency": "XXX",
        "payer_name": "alexis", "payer_weight": 1, "owers": ["alexis", "fred"]}


@pytest.mark.parametrize("field, value", [("currency", []), ("currency", {}), ("what", ["x"]), ("date", {"d": 1}),
                                          ("payer_name", ["alexis"]), ("amount", [1]), ("owers", [["fred"]]),
                                          ("payer_weight", {})])
def test_a_project_import_bill_of_the_wrong_shape_is_refused_whole(project, trio, field, value):
    good = dict(BILL, what="raclette")
    data = json.dumps([good, {**BILL, field: value}]).encode()
    with pytest.raises(Invalid) as caught:
        bill_exports.import_bills("raclette", data)
    assert list(caught.value.errors) == ["file"]
    assert body(project.get("/bills")) == []


PROJECT_PATHS = ["", "/members", "/members/1", "/bills", "/bills/1", "/statistics", "/token"]


@pytest.mark.parametrize("project_id", ["rac\x00lette", "\x00", "rac\x1flette"])
def test_a_nul_byte_in_a_project_id_is_unauthorised(client, project, trio, project_id):
    for path in PROJECT_PATHS:
        for headers in (project.headers, basic(project_id, "secret")):
            url = f"/api/projects/{project_id}{path}"
            response = client.get(url, headers=headers)
            assert (response.status_code, body(response)) == (401, UNAUTHORIZED), (path, raw(response))
            for method in ("put", "delete", "post"):
                response = getattr(client, method)(url, headers=headers, data={"name": "x"})
                assert response.status_code in (401, 405), (method, path, raw(response))


def test_a_nul_byte_in_a_new_project_id_is_dropped(client):
    response = projects_helpers.create_project(client, project_id="new\x00trip")
    assert (response.status_code, body(response)) == (201, "newtrip")


@pytest.mark.parametrize("number", ["999999999999999999", "9223372036854775808", "0", "-1"])
def test_a_page_out_of_range_is_each_dialects_bad_request(client, auth, project, number):
    response = client.get("/v2/users/1/transactions", query_string={"page": number}, headers=auth)
    assert response.status_code == 400 and response.get_json()["error"]
    response = client.get("/api/v1/transactions/", query_string={"offset": number, "limit": number}, headers=auth)
    assert response.status_code == 400 and response.get_json()["error"]
    response = client.get("/api/projects/raclette/bills", query_string={"page": number}, headers=project.headers)
    assert response.status_code == 400 and "page" in body(response)
