"""ihatemoney API: creating, reading, updating and deleting projects, and the currency
list (COMPAT.md section 2), down to the raw bytes of each answer."""

import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import AuditEvent, Bill, Member, Project, bill_owers
from tests.api import projects_helpers
from tests.api.projects_helpers import REQUIRED, basic, body, create_project, raw

project = projects_helpers.project
trio = projects_helpers.trio


def test_create_answers_the_id_as_a_json_string(client):
    response = create_project(client)
    assert response.status_code == 201
    assert raw(response) == '"raclette"\n'
    assert response.mimetype == "application/json"


@pytest.mark.parametrize(("given", "stored"), [
    ("Raclette Été 2024", "raclette-ete-2024"),
    ("  Spaces   and--dashes ", "spaces-and-dashes"),
    ("Ça!va?", "cava"),
    ("UPPER", "upper"),
])
def test_create_normalises_the_id(client, given, stored):
    response = create_project(client, project_id=given)
    assert response.status_code == 201, raw(response)
    assert body(response) == stored
    assert db.session.get(Project, stored) is not None


def test_create_takes_json(client):
    response = client.post("/api/projects", json={"name": "J", "id": "json", "password": "p",
                                                  "contact_email": "j@example.com", "default_currency": "EUR"})
    assert response.status_code == 201
    assert raw(response) == '"json"\n'
    assert db.session.get(Project, "json").default_currency == "EUR"


def test_create_defaults_to_no_currency(client):
    create_project(client)
    assert db.session.get(Project, "raclette").default_currency == "XXX"


def test_create_requires_every_field(client):
    response = client.post("/api/projects", data={})
    assert response.status_code == 400
    assert body(response) == {"name": [REQUIRED], "id": [REQUIRED], "password": [REQUIRED],
                              "contact_email": [REQUIRED]}


def test_create_checks_the_email_and_currency(client):
    response = create_project(client, email="not-an-email", default_currency="ZZZ")
    assert response.status_code == 400
    assert body(response) == {"contact_email": ["Invalid email address."], "default_currency": ["Not a valid choice."]}


@pytest.mark.parametrize("taken", ["raclette", "RACLETTE", "Raclette "])
def test_create_refuses_a_taken_id(client, project, taken):
    response = create_project(client, project_id=taken)
    assert response.status_code == 400
    assert raw(response) == ('{"id": ["A project with this identifier (\\"raclette\\") already exists. '
                             'Please choose a new identifier"]}\n')


def test_dashboard_is_reserved(client):
    response = create_project(client, project_id="Dashboard")
    assert response.status_code == 400
    assert "dashboard" in body(response)["id"][0]


def test_get_project_exact_body(project, trio):
    project.add_bill(what="fromage", payer="1", payed_for=["1", "2"], amount="10", date="2024-01-02")
    response = project.get()
    assert response.status_code == 200
    assert raw(response) == (
        '{"id": "raclette", "name": "Raclette", "contact_email": "raclette@example.com", "logging_preference": 1, '
        '"members": [{"id": 1, "name": "alexis", "weight": 1.0, "activated": true, "balance": 5.0}, '
        '{"id": 2, "name": "fred", "weight": 1.0, "activated": true, "balance": -5.0}, '
        '{"id": 3, "name": "tata", "weight": 1.0, "activated": true, "balance": 0.0}], '
        '"default_currency": "XXX"}\n')


def test_get_project_escapes_non_ascii_like_flask_restful(client):
    create_project(client, name="Fondue à Genève", project_id="fondue")
    response = client.get("/api/projects/fondue", headers=basic("fondue", "secret"))
    assert '"name": "Fondue \\u00e0 Gen\\u00e8ve"' in raw(response)


def test_update_requires_the_current_code(project):
    response = project.put("", data={"name": "New", "contact_email": "n@example.com"})
    assert response.status_code == 400
    assert raw(response) == '{"current_password": ["This field is required."]}\n'
    response = project.put("", data={"name": "New", "contact_email": "n@example.com", "current_password": "bad"})
    assert raw(response) == '{"current_password": ["Invalid private code."]}\n'
    assert db.session.get(Project, "raclette").name == "Raclette"


def test_update_changes_fields_and_keeps_the_code_when_empty(client, project):
    response = project.put("", data={"name": "Raclette 2", "contact_email": "new@example.com",
                                     "current_password": "secret", "password": "", "default_currency": "EUR"})
    assert response.status_code == 200
    assert raw(response) == '"UPDATED"\n'
    got = body(client.get("/api/projects/raclette", headers=basic("raclette", "secret")))
    assert (got["name"], got["contact_email"], got["default_currency"]) == ("Raclette 2", "new@example.com", "EUR")


def test_update_validates(project):
    response = project.put("", data={"name": "", "contact_email": "bad", "current_password": "secret",
                                     "default_currency": "NOPE"})
    assert response.status_code == 400
    assert body(response) == {"name": [REQUIRED], "contact_email": ["Invalid email address."],
                              "default_currency": ["Not a valid choice."]}


def test_update_turns_history_off(project):
    response = project.put("", json={"name": "Raclette", "contact_email": "raclette@example.com",
                                     "current_password": "secret", "project_history": False})
    assert raw(response) == '"UPDATED"\n'
    assert body(project.get())["logging_preference"] == 0


def test_currency_change_with_bills_needs_exchange_rates(project, trio):
    project.add_bill(what="x", payer="1", payed_for="2", amount="3")
    to_eur = project.put("", data={"name": "R", "contact_email": "r@example.com", "current_password": "secret",
                                   "default_currency": "EUR"})
    assert raw(to_eur) == '"UPDATED"\n'  # from "no currency" to a currency with cents: nothing to convert
    to_jpy = project.put("", data={"name": "R", "contact_email": "r@example.com", "current_password": "secret",
                                   "default_currency": "JPY"})
    assert to_jpy.status_code == 400
    assert list(body(to_jpy)) == ["default_currency"]
    bills = body(project.get("/bills"))
    assert bills[0]["original_currency"] == "EUR"


def test_delete_answers_deleted_and_removes_everything(client, project, trio):
    project.add_bill(what="x", payer="1", payed_for=["1", "2"], amount="3")
    response = project.delete()
    assert response.status_code == 200
    assert raw(response) == '"DELETED"\n'
    db.session.rollback()
    assert db.session.get(Project, "raclette") is None
    for model in (Member, Bill, AuditEvent):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    assert db.session.scalar(select(func.count()).select_from(bill_owers)) == 0
    assert client.get("/api/projects/raclette", headers=basic("raclette", "secret")).status_code == 401


def test_currencies_are_iso_codes_with_no_currency_last(client):
    response = client.get("/api/currencies")
    assert response.status_code == 200
    codes = body(response)
    assert codes[-1] == "XXX"
    assert {"EUR", "USD", "JPY", "CHF"} <= set(codes)
    assert codes[:-1] == sorted(codes[:-1])
    assert all(len(code) == 3 and code.isupper() for code in codes)
