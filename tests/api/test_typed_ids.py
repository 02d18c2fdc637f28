"""Ids, page numbers and booleans typed by clients, read by the one parser of each:
"²" passes ``str.isdigit`` but not ``int``, and must read as "no such thing", never 500."""

import pytest

from tests.api import projects_helpers
from tests.api.projects_helpers import NOT_FOUND_BODY, body, raw

project = projects_helpers.project
trio = projects_helpers.trio

NOT_DIGITS = ["²", "١", "1²", "+1", " 1 x", "9" * 5000]


@pytest.mark.parametrize("value", NOT_DIGITS)
@pytest.mark.parametrize("kind", ["members", "bills"])
def test_member_and_bill_ids_that_are_not_ascii_digits_are_not_found(project, trio, kind, value):
    for method in ("get", "delete"):
        response = getattr(project, method)(f"/{kind}/{value}")
        assert (response.status_code, raw(response)) == (404, NOT_FOUND_BODY)
    response = project.put(f"/{kind}/{value}", data={"name": "x"})
    assert (response.status_code, raw(response)) == (404, NOT_FOUND_BODY)


@pytest.mark.parametrize("value", NOT_DIGITS)
def test_bill_page_numbers_that_are_not_ascii_digits_are_refused(project, trio, value):
    response = project.client.get(project.url("/bills"), query_string={"page": value, "per_page": value},
                                  headers=project.headers)
    assert response.status_code == 400
    assert body(response) == {"page": ["Must be a whole number from 1 to 1000000000."],
                              "per_page": ["Must be a whole number from 1 to 1000."]}


@pytest.mark.parametrize("value, expected", [("", False), ("  ", False), ("off", False), ("YES", True), ("on", True)])
def test_activated_reads_wtforms_spellings(project, trio, value, expected):
    response = project.put("/members/1", data={"name": "alexis", "activated": value})
    assert body(response)["activated"] is expected


@pytest.mark.parametrize("value", ["²", "tru", "2", "-1"])
def test_activated_refuses_other_words(project, trio, value):
    response = project.put("/members/1", data={"name": "alexis", "activated": value})
    assert (response.status_code, body(response)) == (400, {"activated": ["Not a valid choice."]})


def test_the_v1_user_filter_takes_json_booleans(api):
    api.create_category("Bonus", "💶", kind="earn")
    own = api.client.get("/api/v1/categories/", json={"user": True, "type": "earn"}, headers=api.headers)
    assert [c["value"] for c in own.get_json()["categories"]] == ["bonus"]
    system = api.client.get("/api/v1/categories/", json={"user": False, "type": "earn"}, headers=api.headers)
    assert "bonus" not in [c["value"] for c in system.get_json()["categories"]]
