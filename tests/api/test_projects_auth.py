"""ihatemoney API authentication (COMPAT.md section 2): Basic with the project id in any
case and the private code, project tokens under any scheme word, 401 bodies, the order
auth-before-validation-and-404, the failed-attempt rate limit, and CORS."""

import pytest

from spendsense.extensions import db, limiter
from tests.api import projects_helpers
from tests.api.projects_helpers import UNAUTHORIZED, ProjectClient, basic, body, create_project, raw
from tests.conftest import make_app

project = projects_helpers.project
trio = projects_helpers.trio

# Every route that needs credentials, with a body that would be valid.
PROTECTED = [
    ("GET", "", None),
    ("PUT", "", {"name": "x", "contact_email": "a@b.org", "current_password": "secret"}),
    ("DELETE", "", None),
    ("GET", "/token", None),
    ("GET", "/members", None),
    ("POST", "/members", {"name": "zoe"}),
    ("GET", "/members/1", None),
    ("PUT", "/members/1", {"name": "zoe"}),
    ("DELETE", "/members/1", None),
    ("GET", "/bills", None),
    ("POST", "/bills", {"what": "x", "payer": "1", "payed_for": "1", "amount": "1"}),
    ("GET", "/bills/1", None),
    ("PUT", "/bills/1", {"what": "x", "payer": "1", "payed_for": "1", "amount": "1"}),
    ("DELETE", "/bills/1", None),
    ("GET", "/statistics", None),
]
IDS = [f"{method} {path or '/'}" for method, path, _data in PROTECTED]


def call(client, method, url, headers, data=None):
    return client.open(url, method=method, headers=headers, data=data)


@pytest.mark.parametrize(("method", "path", "data"), PROTECTED, ids=IDS)
@pytest.mark.parametrize("headers", [{}, basic("raclette", "wrong"), basic("other", "secret"),
                                     {"Authorization": "Bearer not-a-token"}, {"Authorization": "Bearer"}],
                         ids=["none", "bad-code", "other-user", "bad-token", "empty-token"])
def test_every_route_needs_credentials(client, project, method, path, data, headers):
    response = call(client, method, f"/api/projects/raclette{path}", headers, data)
    assert response.status_code == 401
    assert raw(response) == '{"message": "' + UNAUTHORIZED["message"] + '"}\n'


def test_unknown_project_is_401_not_404(client):
    response = client.get("/api/projects/nope", headers=basic("nope", "secret"))
    assert response.status_code == 401
    assert body(response) == UNAUTHORIZED


@pytest.mark.parametrize("url_id", ["raclette", "RACLETTE", "Raclette"])
@pytest.mark.parametrize("user", ["raclette", "RacLette"])
def test_project_id_is_case_insensitive(client, project, url_id, user):
    response = client.get(f"/api/projects/{url_id}", headers=basic(user, "secret"))
    assert response.status_code == 200, raw(response)
    assert body(response)["id"] == "raclette"


def test_auth_comes_before_validation_and_lookups(client, project, trio):
    no_auth = {}
    assert call(client, "POST", "/api/projects/raclette/bills", no_auth, {"amount": "x"}).status_code == 401
    assert call(client, "GET", "/api/projects/raclette/members/999", no_auth).status_code == 401
    assert call(client, "DELETE", "/api/projects/raclette/bills/999", no_auth).status_code == 401


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "Whatever"])
def test_token_works_with_any_scheme_word(client, project, scheme):
    token = body(project.get("/token"))["token"]
    assert isinstance(token, str) and token
    response = client.get("/api/projects/raclette/members", headers={"Authorization": f"{scheme} {token}"})
    assert response.status_code == 200, raw(response)


def test_token_body_shape(project):
    response = project.get("/token")
    assert response.status_code == 200
    assert list(body(response)) == ["token"]


def test_token_dies_when_the_private_code_changes(client, project):
    token = body(project.get("/token"))["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/projects/raclette", headers=headers).status_code == 200
    response = project.put("", data={"name": "Raclette", "contact_email": "raclette@example.com",
                                     "current_password": "secret", "password": "new-code"})
    assert raw(response) == '"UPDATED"\n'
    assert client.get("/api/projects/raclette", headers=headers).status_code == 401
    assert client.get("/api/projects/raclette", headers=basic("raclette", "secret")).status_code == 401
    assert client.get("/api/projects/raclette", headers=basic("raclette", "new-code")).status_code == 200


def test_token_opens_only_its_own_project(client, project):
    create_project(client, name="Other", project_id="other")
    token = body(project.get("/token"))["token"]
    response = client.get("/api/projects/other", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_token_cannot_change_settings_without_the_code(client, project):
    token = body(project.get("/token"))["token"]
    by_token = ProjectClient(client, "raclette", {"Authorization": f"Bearer {token}"})
    response = by_token.put("", data={"name": "Hacked", "contact_email": "h@example.com"})
    assert response.status_code == 400
    assert raw(response) == '{"current_password": ["This field is required."]}\n'


def test_public_routes_need_no_credentials(client):
    assert client.get("/api/currencies").status_code == 200
    assert create_project(client).status_code == 201


def test_failed_private_code_attempts_are_rate_limited(database_url, app):
    limited = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_ACCOUNT="3 per minute")
    with limited.app_context():
        limiter.reset()
        client = limited.test_client()
        assert create_project(client).status_code == 201
        good = basic("raclette", "secret")
        for _ in range(5):  # successes are not counted
            assert client.get("/api/projects/raclette", headers=good).status_code == 200
        for _ in range(3):
            assert client.get("/api/projects/raclette", headers=basic("raclette", "nope")).status_code == 401
        blocked = client.get("/api/projects/raclette", headers=basic("raclette", "nope"))
        assert blocked.status_code == 429
        assert "Too many failed authentication attempts." in body(blocked)["message"]
        assert 0 < int(blocked.headers["Retry-After"]) <= 60
        # The limit is the project's: from any address, even with the right code (and a
        # token is an attempt at the project too).
        other = client.get("/api/projects/raclette", headers=good, environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 429
        assert client.get("/api/projects/raclette", headers={"Authorization": "Bearer x"}).status_code == 429
        limiter.reset()
        db.session.remove()
        db.engine.dispose()


def test_cors_preflight_needs_no_credentials(client, project):
    response = client.options("/api/projects/raclette/bills", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://app.example")
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()


def test_cors_headers_on_answers(client, project):
    response = client.get("/api/projects/raclette", headers={**basic("raclette", "secret"), "Origin": "https://x.example"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://x.example")
    refused = client.get("/api/projects/raclette", headers={"Origin": "https://x.example"})
    assert refused.status_code == 401
    assert "Access-Control-Allow-Origin" in refused.headers
