"""The API token page (/link_api/): create (shown once), list, revoke."""

import re

import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import ApiToken
from spendsense.services.auth import tokens
from tests.conftest import PASSWORD
from tests.web.helpers import field_errors, fresh, key_form, text


def secret_on(html):
    match = re.search(r'<input type="text" readonly value="([0-9a-f]+)" id="new-token-value"', html)
    return match.group(1) if match else None


def token_rows(html):
    """[(id, name, prefix, created, last used)] of the token table."""
    return re.findall(r'<tr data-token-id="(\d+)"><td>([^<]*)</td><td class="mono">([^<]*)…</td><td>([^<]*)</td>\s*'
                      r'<td>([^<]*)</td>', html)


def check(client, secret):
    return client.get("/api/v1/token/check/", headers={"Authorization": f"Token {secret}"})


def test_empty_page(logged_in):
    html = text(logged_in.get("/link_api/"))
    assert "No tokens yet." in html
    assert secret_on(html) is None
    assert "Authorization: Token &lt;your token&gt;" in html
    assert "http://localhost/api/v1/accounts/" in html


def test_create_shows_the_secret_once_with_a_copy_button(logged_in, user):
    # The answer to the POST itself shows the key (issue 13: it used to ride in the
    # session cookie through a redirect), and no cache may keep it.
    response = logged_in.post("/link_api/", data=key_form(logged_in, "Laptop CLI", PASSWORD))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = text(response)
    secret = secret_on(html)
    assert secret and len(secret) == 40
    assert "Copy it now: it is shown only once and cannot be recovered." in html
    assert '<button type="button" class="button" data-copy="#new-token-value">Copy</button>' in html
    # the form is emptied for the next one
    assert 'name="name" placeholder="e.g. Laptop CLI" required type="text" value=""' in html
    # the secret works on the API and is not stored in the clear
    assert check(logged_in, secret).get_json() == {"status": "valid", "user": "alice"}
    fresh()
    row = db.session.scalars(select(ApiToken)).one()
    assert row.name == "Laptop CLI" and row.secret_hash != secret and row.prefix == secret[:6]
    # reloading the page never shows it again, nor makes another token
    again = text(logged_in.get("/link_api/"))
    assert secret not in again
    assert secret_on(again) is None
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1


def test_list_shows_name_prefix_created_and_last_used(logged_in, user):
    first, first_secret = tokens.issue(user.id, "Phone")
    second, _ = tokens.issue(user.id, "Server script")
    html = text(logged_in.get("/link_api/"))
    rows = token_rows(html)
    assert [(int(r[0]), r[1], r[2]) for r in rows] == [
        (second.id, "Server script", second.prefix), (first.id, "Phone", first.prefix)]
    created = first.created_at.strftime("%Y-%m-%d %H:%M") + " UTC"
    assert rows[1][3] == created
    assert rows[1][4] == "Never"
    assert first_secret not in html
    check(logged_in, first_secret)
    fresh()
    used = db.session.get(ApiToken, first.id).last_used_at
    rows = token_rows(text(logged_in.get("/link_api/")))
    assert rows[1][4] == used.strftime("%Y-%m-%d %H:%M") + " UTC"


@pytest.mark.parametrize(("name", "message"), [
    ("", "This field is required."),
    ("   ", "This field is required."),
    ("x" * 101, "Field cannot be longer than 100 characters."),
    ("bad\x07name", "Token name must not contain control characters."),
])
def test_create_invalid_name(logged_in, name, message):
    response = logged_in.post("/link_api/", data=key_form(logged_in, name, PASSWORD))
    assert response.status_code == 422
    html = text(response)
    assert field_errors(html, "name") == [message]
    assert secret_on(html) is None
    fresh()
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


@pytest.fixture
def confirmed(logged_in):
    """alice's browser, her password given again a moment ago: revoking asks for it
    (tests/web/test_two_factor_pages.py tests that)."""
    assert logged_in.post("/account/confirm", data={"reauth_password": PASSWORD}).status_code == 302
    return logged_in


def test_revoke(confirmed, user):
    logged_in = confirmed
    token, secret = tokens.issue(user.id, "Old laptop")
    keep, keep_secret = tokens.issue(user.id, "Keep")
    assert check(logged_in, secret).status_code == 200
    html = text(logged_in.get("/link_api/"))
    assert f'action="/link_api/{token.id}/revoke"' in html
    assert 'data-confirm="Revoke “Old laptop”? Programs using it will stop working."' in html
    response = logged_in.post(f"/link_api/{token.id}/revoke", follow_redirects=True)
    assert response.request.path == "/link_api/"
    html = text(response)
    assert "Token “Old laptop” revoked. Programs using it can no longer connect." in html
    assert [row[1] for row in token_rows(html)] == ["Keep"]
    refused = check(logged_in, secret)
    assert refused.status_code == 401
    assert refused.get_json() == {"detail": "Invalid token."}
    assert check(logged_in, keep_secret).status_code == 200


@pytest.mark.parametrize("token_id", ["999999", "0"])
def test_revoke_unknown_token(confirmed, user, token_id):
    response = confirmed.post(f"/link_api/{token_id}/revoke", follow_redirects=True)
    assert "That token does not exist or was already revoked." in text(response)


def test_revoke_twice(confirmed, user):
    token, _secret = tokens.issue(user.id, "Once")
    confirmed.post(f"/link_api/{token.id}/revoke")
    response = confirmed.post(f"/link_api/{token.id}/revoke", follow_redirects=True)
    assert "That token does not exist or was already revoked." in text(response)


def test_other_users_tokens_are_neither_listed_nor_revocable(confirmed, user, other_user):
    logged_in = confirmed
    bobs, bobs_secret = tokens.issue(other_user.id, "Bob's bot")
    html = text(logged_in.get("/link_api/"))
    assert "Bob&#39;s bot" not in html and "Bob's bot" not in html
    response = logged_in.post(f"/link_api/{bobs.id}/revoke", follow_redirects=True)
    assert "That token does not exist or was already revoked." in text(response)
    assert check(logged_in, bobs_secret).get_json() == {"status": "valid", "user": "bob"}


def test_session_cookie_does_not_reach_the_api(logged_in):
    response = logged_in.get("/api/v1/token/check/")
    assert response.status_code == 401
    assert response.get_json() == {"detail": "Authentication credentials were not provided."}
