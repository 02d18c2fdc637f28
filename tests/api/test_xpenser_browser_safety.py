"""Xpenser and browsers: no request another site's page makes is answered (a browser
keeps Basic credentials and would send them), no CORS answer lets another site read
one, while scripts keep the documented contract; with two-factor login on, the
password alone is refused and an API key is the Basic password. ihatemoney's CORS is
ihatemoney's."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Transaction, User
from spendsense.services.auth import tokens
from spendsense.services.ledger import accounts
from tests.api.projects_helpers import basic as project_basic
from tests.api.xpenser_client import basic, error
from tests.conftest import PASSWORD

SIMPLE = {"q": "lunch 5", "format": "json"}


@pytest.fixture
def main(ledger):
    return accounts.create_account(ledger, "Main", currency="EUR").id


def rows():
    return db.session.scalar(select(func.count()).select_from(Transaction))


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Referer": "https://evil.example/page.html"},
    {"Origin": "http://localhost", "Referer": "https://evil.example/"},
], ids=["cross-site", "same-site", "fetch-metadata-wins", "origin", "null-origin", "referer", "either"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_cross_site_request_records_nothing(client, main, headers, method):
    response = client.open("/api/simple/", method=method, query_string=SIMPLE,
                           headers={**basic("alice"), **headers})
    body = error(response, 403, "cross-site requests are refused")
    assert set(body) == {"status", "error"}
    assert "Access-Control-Allow-Origin" not in response.headers
    assert rows() == 0


def test_every_xpenser_route_refuses_cross_site_requests(client, main):
    cross = {**basic("alice"), "Sec-Fetch-Site": "cross-site"}
    assert client.post("/api/expense/", data={"type": "food", "amount": "5"}, headers=cross).status_code == 403
    assert client.get("/api/expenses/", headers=cross).status_code == 403
    assert rows() == 0


@pytest.mark.parametrize("headers", [
    {},
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},
    {"Origin": "http://localhost"},
    {"Referer": "http://localhost/api/simple/"},
], ids=["script", "same-origin", "typed-url", "own-origin", "own-referer"])
def test_scripts_and_this_site_still_record(client, main, headers):
    response = client.get("/api/simple/", query_string=SIMPLE, headers={**basic("alice"), **headers})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["data"]["amount"] == "5.00"
    assert rows() == 1


def test_xpenser_cors_lets_no_origin_read(client, main):
    preflight = client.options("/api/simple/", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Headers" not in preflight.headers
    answer = client.get("/api/expenses/", headers={**basic("alice"), "Origin": "http://localhost"})
    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert "Access-Control-Allow-Origin" not in client.get("/api/openapi.json",
                                                           headers={"Origin": "https://x.example"}).headers


def test_ihatemoney_cors_is_unchanged(client):
    assert client.post("/api/projects", data={"name": "R", "id": "raclette", "password": "secret",
                                              "contact_email": "r@example.com"}).status_code == 201
    origin = {"Origin": "https://app.example"}
    for response in (client.get("/api/currencies", headers=origin),
                     client.get("/api/projects/raclette", headers={**project_basic("raclette", "secret"), **origin}),
                     client.options("/api/projects/raclette/bills", headers={
                         **origin, "Access-Control-Request-Method": "POST"})):
        assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://app.example")


# --- two-factor login on: an API key is the Basic password ---------------------------

def _two_factor_on(user):
    row = db.session.get(User, user.id)
    row.totp_secret = "JBSWY3DPEHPK3PXP"
    row.totp_enabled_at = datetime.now(UTC).replace(tzinfo=None)
    db.session.commit()


def test_with_two_factor_the_password_alone_is_refused(client, user, main):
    _two_factor_on(user)
    response = client.get("/api/simple/", query_string=SIMPLE, headers=basic("alice"))
    error(response, 401, "two-factor login is on")
    assert rows() == 0
    _row, key = tokens.issue(user.id, "script")
    recorded = client.get("/api/simple/", query_string=SIMPLE, headers=basic("alice@example.com", key))
    assert recorded.status_code == 200
    assert rows() == 1


def test_an_api_key_is_a_basic_password_for_everyone_but_only_with_its_own_login(client, user, other_user, main):
    _row, key = tokens.issue(user.id, "script")
    assert client.get("/api/expenses/", headers=basic("alice", key)).status_code == 200
    error(client.get("/api/expenses/", headers=basic("bob", key)), 401)
    tokens.revoke(user.id, _row.id)
    error(client.get("/api/expenses/", headers=basic("alice", key)), 401)
    assert client.get("/api/expenses/", headers=basic("alice", PASSWORD)).status_code == 200


def test_v1_gives_no_key_for_the_password_alone_with_two_factor_on(client, user):
    _two_factor_on(user)
    response = client.post("/api/v1/token/", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert "Two-factor login is on" in response.get_json()["non_field_errors"][0]
