"""Shared pieces of the ihatemoney-dialect tests: a client that authenticates as one
project, the exact strings of COMPAT.md section 2, and fixtures for a small project."""

import base64
import json

import pytest

UNAUTHORIZED = {"message": (
    "The server could not verify that you are authorized to access the URL requested. You either "
    "supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to "
    "supply the credentials required.")}
REQUIRED = "This field is required."
NOT_FOUND_BODY = '"Not Found"\n'


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def raw(response):
    return response.get_data(as_text=True)


def body(response):
    """The JSON of an answer, checking it is written as flask-restful writes it."""
    text = raw(response)
    assert response.mimetype == "application/json"
    assert text.endswith("\n")
    value = json.loads(text)
    assert text == json.dumps(value) + "\n"
    return value


class ProjectClient:
    """The Flask test client, sending one project's credentials to /api/projects/<id>."""

    def __init__(self, client, project_id, headers):
        self.client = client
        self.project_id = project_id
        self.headers = headers

    def url(self, path=""):
        return f"/api/projects/{self.project_id}{path}"

    def get(self, path=""):
        return self.client.get(self.url(path), headers=self.headers)

    def post(self, path="", data=None, json=None):
        return self.client.post(self.url(path), data=data, json=json, headers=self.headers)

    def put(self, path="", data=None, json=None):
        return self.client.put(self.url(path), data=data, json=json, headers=self.headers)

    def delete(self, path=""):
        return self.client.delete(self.url(path), headers=self.headers)

    def add_member(self, name, weight=None):
        data = {"name": name} if weight is None else {"name": name, "weight": weight}
        response = self.post("/members", data=data)
        assert response.status_code == 201, raw(response)
        return body(response)

    def add_bill(self, **fields):
        response = self.post("/bills", data=fields)
        assert response.status_code == 201, raw(response)
        return body(response)


def create_project(client, name="Raclette", project_id="raclette", password="secret", email="raclette@example.com",
                   **extra):
    data = {"name": name, "id": project_id, "password": password, "contact_email": email, **extra}
    return client.post("/api/projects", data=data)


@pytest.fixture
def project(client):
    """The project "raclette" (no currency), as a client that logs in with Basic auth."""
    response = create_project(client)
    assert response.status_code == 201, raw(response)
    return ProjectClient(client, "raclette", basic("raclette", "secret"))


@pytest.fixture
def eur_project(client):
    response = create_project(client, name="Trip", project_id="trip", default_currency="EUR")
    assert response.status_code == 201, raw(response)
    return ProjectClient(client, "trip", basic("trip", "secret"))


@pytest.fixture
def trio(project):
    """alexis, fred and tata in raclette: member ids 1, 2, 3."""
    return [project.add_member(name) for name in ("alexis", "fred", "tata")]
