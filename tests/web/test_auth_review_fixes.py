"""Issue 13's review fixes in the browser: wrong two-factor codes and re-authentication
in the security log, a used recovery code named as such, the code box emptied after a
wrong code, and API keys issued after re-authentication, once per form."""

import re

import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import ApiToken, SecurityEvent
from spendsense.services.auth import security_log, two_factor
from spendsense.web.profile import ALREADY_MADE
from tests.conftest import PASSWORD
from tests.web.helpers import field_errors, fresh, key_form, login, text
from tests.web.test_two_factor_pages import code, wrong

BROWSER = "Mozilla/5.0 (review)"


def events(user_id, action):
    fresh()
    return db.session.scalars(select(SecurityEvent).where(SecurityEvent.user_id == user_id,
                                                          SecurityEvent.action == action)
                              .order_by(SecurityEvent.id)).all()


def from_address(address):
    return {"environ_base": {"REMOTE_ADDR": address}, "headers": {"User-Agent": BROWSER}}


def key_count():
    fresh()
    return db.session.scalar(select(func.count()).select_from(ApiToken))


def secret_on(html):
    match = re.search(r'value="([0-9a-f]{40})" id="new-token-value"', html)
    return match.group(1) if match else None


@pytest.fixture
def secret(user):
    value = two_factor.pending_secret(user.id)
    two_factor.enable(user.id, code(value, -30))
    return value


def code_box(html):
    return re.search(r'<input[^>]*name="code"[^>]*>', html).group(0)


def test_a_wrong_code_is_logged_and_the_box_is_emptied(client, user, secret):
    login(client, "alice", PASSWORD)
    bad = wrong(secret)
    refused = client.post("/login/code", data={"code": bad}, **from_address("198.51.100.7"))
    assert refused.status_code == 401
    html = text(refused)
    assert field_errors(html, "code") == [two_factor.WRONG_CODE]
    assert 'value=""' in code_box(html) and bad not in code_box(html)
    [event] = events(user.id, "two_factor_failed")
    assert (event.detail, event.address, event.user_agent) == ("login", "198.51.100.7", BROWSER)
    assert security_log.label("two_factor_failed") == "Wrong two-factor code"


def test_a_reused_code_is_logged_and_flooding_adds_one_a_minute(client, user, secret):
    now_code = code(secret)
    login(client, "alice", PASSWORD)
    assert client.post("/login/code", data={"code": now_code}).status_code == 302
    client.post("/logout")
    login(client, "alice", PASSWORD)
    for _ in range(3):
        assert client.post("/login/code", data={"code": now_code}, **from_address("198.51.100.8")).status_code == 401
    assert client.post("/login/code", data={"code": now_code}, **from_address("198.51.100.9")).status_code == 401
    assert [e.address for e in events(user.id, "two_factor_failed")] == ["198.51.100.8", "198.51.100.9"]


def test_a_used_recovery_code_says_so(client, user, secret):
    codes = two_factor.regenerate_codes(user.id)
    login(client, "alice", PASSWORD)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 302
    client.post("/logout")
    login(client, "alice", PASSWORD)
    used = client.post("/login/code", data={"code": codes[0]})
    assert used.status_code == 401
    assert field_errors(text(used), "code") == ["This recovery code has already been used."]
    assert 'value=""' in code_box(text(used))
    never = client.post("/login/code", data={"code": "aaaa-bbbb-cccc"})
    assert field_errors(text(never), "code") == [two_factor.WRONG_CODE]


def test_re_authentication_failures_are_logged(logged_in, user):
    refused = logged_in.post("/account/confirm", data={"reauth_password": "not my password"},
                             **from_address("198.51.100.10"))
    assert refused.status_code == 401
    [event] = events(user.id, "login_failed")
    assert (event.detail, event.address, event.user_agent) == ("re-authentication", "198.51.100.10", BROWSER)
    assert events(user.id, "two_factor_failed") == []


def test_a_wrong_code_at_re_authentication_is_logged(client, user, secret):
    login(client, "alice", PASSWORD)
    assert client.post("/login/code", data={"code": code(secret)}).status_code == 302
    refused = client.post("/account/confirm", data={"reauth_password": PASSWORD, "reauth_code": wrong(secret)})
    assert refused.status_code == 401
    [event] = events(user.id, "two_factor_failed")
    assert event.detail == "re-authentication"
    assert events(user.id, "login_failed") == []


def test_issuing_a_key_asks_for_the_password_again(logged_in, user):
    data = key_form(logged_in, "Laptop")
    asked = logged_in.post("/link_api/", data=data)
    assert asked.status_code == 200 and 'name="reauth_password"' in text(asked)
    assert secret_on(text(asked)) is None and key_count() == 0
    # The confirmation page posts the key form's fields again, with the password.
    replayed = re.findall(r'<input type="hidden" name="(name|nonce)" value="([^"]*)"', text(asked))
    assert dict(replayed) == data
    wrong_password = logged_in.post("/link_api/", data={**data, "reauth_password": "not it"})
    assert wrong_password.status_code == 401 and key_count() == 0
    shown = logged_in.post("/link_api/", data={**data, "reauth_password": PASSWORD})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    assert secret_on(text(shown)) is not None and key_count() == 1


def test_the_same_key_form_posted_twice_makes_one_key(logged_in, user):
    data = key_form(logged_in, "Phone", PASSWORD)
    first = text(logged_in.post("/link_api/", data=data))
    secret = secret_on(first)
    assert secret is not None and key_count() == 1
    again = logged_in.post("/link_api/", data=data)  # a reload, or Back and resubmit
    assert again.status_code == 200
    html = text(again)
    assert ALREADY_MADE in html and secret_on(html) is None and secret not in html
    assert key_count() == 1
    # The page's new form has a fresh nonce: a new key is one click away.
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', html).group(1)
    assert nonce != data["nonce"]
    assert secret_on(text(logged_in.post("/link_api/", data={"name": "Phone 2", "nonce": nonce}))) is not None
    assert key_count() == 2


def test_a_key_form_without_its_nonce_makes_no_key(logged_in, user):
    refused = logged_in.post("/link_api/", data={"name": "Script", "reauth_password": PASSWORD})
    assert refused.status_code == 422
    assert "The form is out of date: make the key again." in text(refused)
    assert key_count() == 0
