"""A project token is a guest's credential (the invitation link's): it may read and
write bills and members, but not delete the project nor change its settings, which
take the private code (HTTP Basic). Tokens die with the code and with the project,
also when another project takes the same id later."""

import pytest

from spendsense.extensions import db
from spendsense.models import Project
from tests.api import projects_helpers
from tests.api.projects_helpers import ProjectClient, basic, body, create_project, raw

project = projects_helpers.project

GUEST_REFUSED = {"message": ("A project token is an invitation: it cannot change the project's settings or "
                             "delete it. Authenticate with the project id and its private code.")}
SETTINGS = {"name": "Taken over", "contact_email": "h@example.com", "current_password": "secret"}


@pytest.fixture
def guest(client, project):
    token = body(project.get("/token"))["token"]
    return ProjectClient(client, "raclette", {"Authorization": f"Bearer {token}"})


def still_there(name="Raclette"):
    db.session.rollback()
    row = db.session.get(Project, "raclette")
    return row is not None and row.name == name


def test_a_token_cannot_delete_the_project(guest):
    response = guest.delete()
    assert response.status_code == 403
    assert raw(response) == '{"message": "' + GUEST_REFUSED["message"] + '"}\n'
    assert still_there()


@pytest.mark.parametrize("code", ["secret", "wrong"])
def test_a_token_cannot_change_settings_even_with_a_code(guest, code):
    response = guest.put("", data={**SETTINGS, "current_password": code, "password": "mine-now"})
    assert response.status_code == 403
    assert body(response) == GUEST_REFUSED
    assert still_there()


def test_a_token_without_the_code_gets_ihatemoneys_answer(guest):
    response = guest.put("", json={"name": "Taken over", "contact_email": "h@example.com"})
    assert response.status_code == 400
    assert raw(response) == '{"current_password": ["This field is required."]}\n'


def test_a_token_still_does_a_guests_work(guest):
    member = guest.add_member("zorglub")
    assert guest.add_bill(what="fromage", payer=member, payed_for=member, amount="10") == 1
    assert guest.get().status_code == 200
    assert guest.get("/token").status_code == 200


def test_the_private_code_still_changes_settings_and_deletes(project):
    assert raw(project.put("", data=SETTINGS)) == '"UPDATED"\n'
    assert still_there("Taken over")
    assert raw(project.delete()) == '"DELETED"\n'
    db.session.rollback()
    assert db.session.get(Project, "raclette") is None


def test_a_token_dies_with_its_project_even_if_the_id_comes_back(client, project, guest):
    assert raw(project.delete()) == '"DELETED"\n'
    assert guest.get().status_code == 401
    # Someone creates "raclette" again, with the same private code: a new project.
    assert create_project(client).status_code == 201
    assert guest.get().status_code == 401
    assert guest.get("/members").status_code == 401
    assert client.get("/api/projects/raclette", headers=basic("raclette", "secret")).status_code == 200
