"""ihatemoney API: a project's members (COMPAT.md section 2)."""

import pytest

from tests.api import projects_helpers
from tests.api.projects_helpers import NOT_FOUND_BODY, REQUIRED, basic, body, create_project, raw

project = projects_helpers.project
trio = projects_helpers.trio


def test_add_answers_the_bare_id(project):
    response = project.post("/members", data={"name": "alexis"})
    assert response.status_code == 201
    assert raw(response) == "1\n"
    assert raw(project.post("/members", json={"name": "fred", "weight": 2})) == "2\n"


def test_list_exact_body(project):
    project.add_member("alexis")
    project.add_member("fred", "1.5")
    response = project.get("/members")
    assert response.status_code == 200
    assert raw(response) == ('[{"id": 1, "name": "alexis", "weight": 1.0, "activated": true}, '
                             '{"id": 2, "name": "fred", "weight": 1.5, "activated": true}]\n')


def test_get_one(project, trio):
    assert raw(project.get("/members/2")) == '{"id": 2, "name": "fred", "weight": 1.0, "activated": true}\n'


@pytest.mark.parametrize("path", ["/members/99", "/members/abc", "/members/0", "/members/99999999999999999999"])
def test_unknown_member_is_not_found(project, trio, path):
    for method in ("get", "delete"):
        response = getattr(project, method)(path)
        assert response.status_code == 404
        assert raw(response) == NOT_FOUND_BODY
    response = project.put(path, data={"name": "x"})
    assert response.status_code == 404
    assert raw(response) == NOT_FOUND_BODY


def test_another_projects_member_is_not_found(client, project, trio):
    create_project(client, name="Other", project_id="other")
    other = basic("other", "secret")
    assert client.post("/api/projects/other/members", data={"name": "zoe"}, headers=other).status_code == 201
    response = client.get("/api/projects/other/members/1", headers=other)
    assert response.status_code == 404
    assert raw(response) == NOT_FOUND_BODY


@pytest.mark.parametrize(("data", "errors"), [
    ({}, {"name": [REQUIRED]}),
    ({"name": "   "}, {"name": [REQUIRED]}),
    ({"name": "zoe", "weight": "abc"}, {"weight": ["Not a valid decimal value."]}),
    ({"name": "zoe", "weight": "0"}, {"weight": ["Weights should be positive"]}),
    ({"name": "zoe", "weight": "-1"}, {"weight": ["Weights should be positive"]}),
    ({"name": "zoe", "weight": "0.05"}, {"weight": ["Weights should be positive"]}),
    ({"name": "zoe", "weight": "1.2345"}, {"weight": ["A weight can have at most three decimals."]}),
    ({"name": "x" * 101}, {"name": ["Name must be at most 100 characters."]}),
])
def test_add_validates(project, data, errors):
    response = project.post("/members", data=data)
    assert response.status_code == 400
    assert body(response) == errors


def test_add_refuses_an_active_duplicate(project, trio):
    response = project.post("/members", data={"name": "fred"})
    assert response.status_code == 400
    assert raw(response) == '{"name": ["This project already have this participant"]}\n'


def test_weight_accepts_comma_decimals(project):
    project.post("/members", data={"name": "zoe", "weight": "2,5"})
    assert body(project.get("/members/1"))["weight"] == 2.5


def test_put_answers_the_member(project, trio):
    response = project.put("/members/2", data={"name": "Fred", "weight": "2"})
    assert response.status_code == 200
    assert raw(response) == '{"id": 2, "name": "Fred", "weight": 2.0, "activated": true}\n'


def test_put_requires_a_name(project, trio):
    response = project.put("/members/2", data={"weight": "2"})
    assert response.status_code == 400
    assert body(response) == {"name": [REQUIRED]}


def test_put_keeps_the_weight_when_not_given(project):
    project.add_member("zoe", "3")
    assert body(project.put("/members/1", data={"name": "Zoé"}))["weight"] == 3.0


@pytest.mark.parametrize(("off", "on"), [("false", "true"), ("False", "True"), (False, True), ("0", "1")])
def test_put_activates_and_deactivates(project, trio, off, on):
    send = project.put if isinstance(off, str) else (lambda path, data: project.put(path, json=data))
    response = send("/members/1", data={"name": "alexis", "activated": off})
    assert body(response)["activated"] is False
    response = send("/members/1", data={"name": "alexis", "activated": on})
    assert body(response)["activated"] is True


def test_put_refuses_a_bad_activated_value(project, trio):
    response = project.put("/members/1", data={"name": "alexis", "activated": "maybe"})
    assert response.status_code == 400
    assert body(response) == {"activated": ["Not a valid choice."]}


def test_delete_without_bills_deletes(project, trio):
    response = project.delete("/members/3")
    assert response.status_code == 200
    assert raw(response) == '"OK"\n'
    assert project.get("/members/3").status_code == 404
    assert [m["id"] for m in body(project.get("/members"))] == [1, 2]


def test_delete_with_bills_deactivates(project, trio):
    project.add_bill(what="x", payer="1", payed_for=["2"], amount="4")
    for member_id in (1, 2):
        assert raw(project.delete(f"/members/{member_id}")) == '"OK"\n'
        assert body(project.get(f"/members/{member_id}"))["activated"] is False
    balances = {m["id"]: m["balance"] for m in body(project.get())["members"]}
    assert balances == {1: 4.0, 2: -4.0, 3: 0.0}


def test_deactivated_name_can_be_reused(project, trio):
    project.add_bill(what="x", payer="1", payed_for=["2"], amount="4")
    project.delete("/members/1")
    assert raw(project.post("/members", data={"name": "alexis"})) == "4\n"


def test_weight_change_resplits_bills(project, trio):
    project.add_bill(what="x", payer="1", payed_for=["1", "2", "3"], amount="40")
    project.put("/members/2", data={"name": "fred", "weight": "2"})
    balances = {m["name"]: m["balance"] for m in body(project.get())["members"]}
    assert balances == {"alexis": 30.0, "fred": -20.0, "tata": -10.0}
