"""v1 paths: both spellings, with or without the trailing slash, and JSON (never HTML)
for paths and methods that do not exist."""

import pytest

from tests.api.helpers import SCHEMES, V1Client, ok

SLASHLESS = [
    ("token/check", {}),
    ("accounts", {}),
    ("accounts/get", {}),
    ("accounts/create", {"account": "Second"}),
    ("transactions", {}),
    ("transactions/create", {"type": "earn", "account": "Main", "category": "salary", "amount": "1"}),
    ("categories", {}),
    ("categories/get", {}),
    ("categories/create", {"type": "earn", "name": "Tips", "icon": "🪙"}),
    ("profile-data", {}),
]


@SCHEMES
@pytest.mark.parametrize("path, params", SLASHLESS, ids=[path for path, _ in SLASHLESS])
def test_path_without_trailing_slash_reaches_the_view(api, main_account, path, params):
    api.create_transaction("spent", "1")
    response = api.get(path, params)
    assert response.status_code == 200  # answered in place: no redirect to follow
    assert "Location" not in response.headers
    body = ok(response)
    if "create" in path:
        assert body["status"] == "ok"
    else:
        assert body == ok(api.get(path + "/", params))


def test_both_spellings_give_the_same_answer(api, main_account):
    assert ok(api.get("accounts/get/")) == ok(api.get("accounts/"))
    assert ok(api.get("categories/get/", {"type": "earn"})) == ok(api.get("categories/", {"type": "earn"}))


UNKNOWN = ["/api/v1/whatever", "/api/v1/whatever/", "/api/v1/accounts/create/extra", "/api/v1/accounts/1",
           "/api/v1", "/api/v1/", "/api/", "/api", "/api/v1/token/check/../../../etc/passwd",
           "/api/v1/%00", "/api/v1/" + "x" * 5_000]


@pytest.mark.parametrize("path", UNKNOWN)
@pytest.mark.parametrize("with_key", [False, True])
def test_unknown_paths_answer_json_404(client, token, path, with_key):
    headers = {"Authorization": f"Token {token}"} if with_key else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json() == {"error": "Not found"}
    assert "<html" not in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("method, path, allowed", [
    ("POST", "accounts/", {"GET", "HEAD", "OPTIONS"}),
    ("DELETE", "token/check/", {"GET", "HEAD", "OPTIONS"}),
    ("PUT", "accounts/create/", {"GET", "HEAD", "POST", "OPTIONS"}),
    ("PATCH", "token/", {"POST", "OPTIONS"}),
])
def test_wrong_method_answers_json_405(api, method, path, allowed):
    response = api.client.open("/api/v1/" + path, method=method, headers=api.headers)
    assert response.status_code == 405
    assert response.get_json() == {"error": "Method not allowed"}
    assert set(response.headers["Allow"].split(", ")) == allowed


def test_key_is_checked_before_the_view_runs(anonymous, client, token):
    """A create with every parameter wrong still answers 401 first, then its own errors."""
    response = anonymous.get("transactions/create/", {"type": "nope"})
    assert response.status_code == 401
    keyed = V1Client(client, {"Authorization": f"Token {token}"})
    assert keyed.get("transactions/create/", {"type": "nope"}).status_code == 400
