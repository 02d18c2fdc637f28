"""/me and /users/{id}: the caller's own user, read and changed; nobody else's."""

import pytest

from spendsense.extensions import db
from tests.api.v2.helpers import error_of, no_nulls


def test_me_describes_the_key_owner(v2, user):
    response = v2.get("/me")
    assert response.status_code == 200
    body = response.get_json()
    no_nulls(body)
    assert body["id"] == user.id
    assert body["login"] == "alice"
    assert body["email"] == "alice@example.com"
    assert body["base_currency_code"] == body["base_currency_code"].lower()
    assert body["created_at"].endswith("Z") and len(body["created_at"]) == 20
    assert body["week_start_day"] == 1  # Monday, counted from Sunday = 0


@pytest.mark.parametrize("headers", [
    lambda key: {"X-Developer-Key": key},
    lambda key: {"Authorization": f"Bearer {key}"},
    lambda key: {"Authorization": f"Key {key}"},
    lambda key: {"authorization": f"key {key}"},
])
def test_each_header_form_authenticates(client, token, headers):
    assert client.get("/v2/me", headers=headers(token)).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"X-Developer-Key": "nope"}, {"Authorization": "Bearer "},
                                     {"Authorization": "Key wrong"}])
def test_missing_or_unknown_key_is_401(client, headers):
    error_of(client.get("/v2/me", headers=headers), 401)


def test_user_by_id(v2, user):
    assert v2.get(f"/users/{user.id}").get_json()["id"] == user.id


def test_another_users_id_is_403_a_missing_one_404(v2, user, other_user):
    error_of(v2.get(f"/users/{other_user.id}"), 403)
    error_of(v2.put(f"/users/{other_user.id}", json={"name": "x"}), 403)
    error_of(v2.get("/users/999999"), 404)
    error_of(v2.get("/users/99999999999999999999999"), 404)
    error_of(v2.get("/users/-1"), 404)
    error_of(v2.get("/users/abc"), 404)


def test_update_user(v2, user):
    response = v2.put(f"/users/{user.id}", json={"name": "Alice A.", "time_zone": "Pacific/Auckland",
                                                 "week_start_day": 0, "base_currency_code": "nzd",
                                                 "always_show_base_currency": True})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"] == "Alice A."
    assert body["time_zone"] == "Pacific/Auckland"
    assert body["week_start_day"] == 0
    assert body["base_currency_code"] == "nzd"
    assert body["always_show_base_currency"] is True
    assert v2.get("/me").get_json()["name"] == "Alice A."


@pytest.mark.parametrize("body", [
    {"time_zone": "Mars/Olympus"}, {"week_start_day": 9}, {"week_start_day": "1"},
    {"base_currency_code": "zzz"}, {"name": "x" * 101},
])
def test_bad_user_change_is_422(v2, user, body):
    error_of(v2.put(f"/users/{user.id}", json=body), 422)


def test_malformed_body_is_422(v2, user):
    error_of(v2.put(f"/users/{user.id}", data="{nope", content_type="application/json"), 422)
    error_of(v2.put(f"/users/{user.id}", data="[1]", content_type="application/json"), 422)


def test_unknown_v2_path_is_json_404(v2):
    error_of(v2.get("/nothing/here"), 404)


def test_currencies_and_time_zones(v2):
    currencies = v2.get("/currencies").get_json()
    by_id = {c["id"]: c for c in currencies}
    assert by_id["jpy"]["minor_unit"] == 0 and by_id["bhd"]["minor_unit"] == 3
    assert by_id["eur"]["separators"] == {"major": ",", "minor": "."}
    assert v2.get("/currencies/NZD").get_json()["id"] == "nzd"
    error_of(v2.get("/currencies/zzz"), 404)
    zones = v2.get("/time_zones").get_json()
    auckland = next(z for z in zones if z["identifier"] == "Pacific/Auckland")
    assert auckland["utc_offset"] in (12 * 3600, 13 * 3600)
    assert auckland["formatted_offset"] in ("+12:00", "+13:00")


def test_openapi_document_lists_the_operations(client):
    document = client.get("/v2/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "get" in document["paths"]["/me"]
    assert document["paths"]["/users/{id}"]["put"]["requestBody"]
    assert "User" in document["components"]["schemas"]


def test_ids_are_ascii_digits_only(v2, user):
    error_of(v2.get("/users/%EF%BC%91"), 404)  # a full-width "１" is no id


def test_a_delete_answers_204_without_a_body_type(v2, user):
    created = v2.post(f"/users/{user.id}/institutions", json={"title": "Bank", "currency_code": "eur"}).get_json()
    response = v2.delete(f"/institutions/{created['id']}")
    assert response.status_code == 204 and response.get_data() == b""
    assert "Content-Type" not in response.headers


@pytest.mark.parametrize(("proxies", "base"), [(1, "https://fin.example.org"), (0, "http://localhost")])
def test_links_behind_a_reverse_proxy_use_the_address_the_client_used(database_url, user, token, proxies, base):
    from tests.conftest import make_app

    app = make_app(database_url, PROXY_COUNT=proxies)
    response = app.test_client().get(f"/v2/users/{user.id}/transactions", headers={
        "X-Developer-Key": token, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "fin.example.org"})
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Link"].startswith(f"<{base}/v2/users/{user.id}/transactions?")
