"""API answers that carry a secret say ``Cache-Control: no-store`` (issue 13 review): the
new key of v1's token endpoint and an ihatemoney project's invitation token. (v2 has no
route that returns a key.) A chunked body past the limit is 413, not "not valid JSON"."""

import io

import pytest

from tests.api.projects_helpers import project  # noqa: F401 - a fixture
from tests.conftest import PASSWORD


def test_a_new_v1_key_is_not_stored(client, user):
    response = client.post("/api/v1/token/", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200 and response.get_json()["token"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_project_token_is_not_stored(project):  # noqa: F811
    response = project.get("/token")
    assert response.status_code == 200 and response.get_json()["token"]
    assert response.headers["Cache-Control"] == "no-store"


def test_other_api_answers_keep_their_own_caching(client, user, auth):
    assert "no-store" not in client.get("/api/v1/token/check/", headers=auth).headers.get("Cache-Control", "")


def chunked(client, path, body, headers=None):
    """A body without Content-Length, as a server that ends a chunked stream passes it on."""
    return client.post(path, input_stream=io.BytesIO(body), content_type="application/json",
                       headers={"Transfer-Encoding": "chunked", **(headers or {})},
                       environ_base={"wsgi.input_terminated": True})


@pytest.fixture
def small_limit(app):
    app.config.update(MAX_CONTENT_LENGTH=2000)


@pytest.mark.usefixtures("small_limit")
def test_a_chunked_body_past_the_limit_is_413_in_each_dialect(client, user, auth):
    big = b'{"username": "' + b"x" * 5000 + b'", "password": "y"}'
    response = chunked(client, "/api/v1/token/", big)
    assert response.status_code == 413 and "error" in response.get_json()
    response = chunked(client, "/api/projects", big)
    assert response.status_code == 413 and "message" in response.get_json()
    response = chunked(client, "/v2/users/1/institutions", big, auth)
    assert (response.status_code, response.get_json()) == (413, {"error": "Request too large"})


@pytest.mark.usefixtures("small_limit")
def test_a_chunked_body_within_the_limit_is_read(client, user):
    body = f'{{"username": "alice", "password": "{PASSWORD}"}}'.encode()
    response = chunked(client, "/api/v1/token/", body)
    assert response.status_code == 200 and response.get_json()["token"]
