"""Two-factor login in the browser: setting it up, logging in with a code or a recovery
code, and re-authentication before switching it off, new codes and revoking keys."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import ApiToken, SecurityEvent, User
from spendsense.services.auth import tokens, two_factor
from spendsense.web.two_factor import PENDING_KEY
from tests.conftest import PASSWORD
from tests.web.helpers import field_errors, fresh, login, text


def codes_on(html):
    return re.findall(r"<li>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</li>", html)


def code(secret, offset=0):
    return pyotp.TOTP(secret).at(time.time() + offset)


def wrong(secret):
    """A six-digit code that is none of the window's."""
    window = {code(secret, offset) for offset in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in window)


def stored(user_id):
    fresh()
    return db.session.get(User, user_id)


def actions(user_id):
    fresh()
    return db.session.scalars(select(SecurityEvent.action).where(SecurityEvent.user_id == user_id)
                              .order_by(SecurityEvent.id)).all()


def confirm(client, password=PASSWORD, next_url="/profile", **extra):
    return client.post("/account/confirm", data={"reauth_password": password, "reauth_next": next_url, **extra})


@pytest.fixture
def secret(user):
    """alice has two-factor login on (set up with the previous step's code: this
    step's is still unused); her secret."""
    value = two_factor.pending_secret(user.id)
    two_factor.enable(user.id, code(value, -30))
    return value


@pytest.fixture
def recovery(user, secret):
    return two_factor.regenerate_codes(user.id)


@pytest.fixture
def in_with_code(client, user, secret):
    """alice logged in with her password and this step's code."""
    assert login(client, "alice", PASSWORD).headers["Location"] == "/login/code"
    assert client.post("/login/code", data={"code": code(secret)}).status_code == 302
    return client


def test_set_up_asks_the_password_then_shows_the_qr_code_and_a_wrong_code_leaves_it_off(logged_in, user):
    html = text(logged_in.get("/account/two-factor"))
    assert "Set up two-factor login" in html and "<strong>Off.</strong>" in html
    response = logged_in.get("/account/two-factor/setup")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/confirm?next=/account/two-factor/setup"
    page = logged_in.get(response.headers["Location"])
    assert page.status_code == 200 and 'name="reauth_password"' in text(page)
    assert 'name="reauth_code"' not in text(page)  # no code asked while two-factor login is off
    refused = confirm(logged_in, "not my password", "/account/two-factor/setup")
    assert refused.status_code == 401
    assert field_errors(text(refused), "reauth_password") == ["That is not your password."]
    back = confirm(logged_in, next_url="/account/two-factor/setup")
    assert back.status_code == 302 and back.headers["Location"] == "/account/two-factor/setup"

    page = logged_in.get("/account/two-factor/setup")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = text(page)
    secret = stored(user.id).totp_secret
    assert '<div class="qr" id="totp-qr"' in html and "<svg" in html
    assert f'data-secret="{secret}"' in html and " ".join(secret[i:i + 4] for i in range(0, 32, 4)) in html
    assert f'data-secret="{secret}"' in text(logged_in.get("/account/two-factor/setup"))  # the same on a reload

    refused = logged_in.post("/account/two-factor/setup", data={"code": wrong(secret)})
    assert refused.status_code == 422
    assert field_errors(text(refused), "code") == ["That code is not right: enter the six digits your app shows now."]
    assert stored(user.id).totp_enabled_at is None

    done = logged_in.post("/account/two-factor/setup", data={"code": code(secret)})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    shown = codes_on(text(done))
    assert len(shown) == 10 and "They are shown only this once." in text(done)
    assert stored(user.id).totp_enabled_at is not None
    assert two_factor.check_code(user.id, shown[0]) == "recovery"
    assert actions(user.id)[-2:] == ["two_factor_enabled", "recovery_code_used"]
    # set-up again: it is on already
    again = logged_in.get("/account/two-factor/setup", follow_redirects=True)
    assert "Two-factor login is already on." in text(again)
    assert "Recovery codes left: <strong data-codes-left>9</strong> of 10." in text(again)


def test_login_asks_for_the_code_and_a_right_one_logs_in(client, user, secret):
    response = login(client, "alice", PASSWORD, next_url="/accounts")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert client.get("/profile").status_code == 302  # not logged in yet
    page = client.get("/login/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in text(page)
    refused = client.post("/login/code", data={"code": wrong(secret)})
    assert refused.status_code == 401
    assert field_errors(text(refused), "code") == [two_factor.WRONG_CODE]
    assert client.get("/profile").status_code == 302
    done = client.post("/login/code", data={"code": code(secret)})
    assert done.status_code == 302 and done.headers["Location"] == "/accounts"
    assert client.get("/profile").status_code == 200
    assert actions(user.id)[-1] == "login"


def test_a_wrong_password_never_reaches_the_code_page(client, user, secret):
    assert login(client, "alice", "wrong password").status_code == 401
    assert client.get("/login/code").headers["Location"] == "/login"


def test_the_same_code_is_refused_the_second_time(client, user, secret):
    now_code = code(secret)
    login(client, "alice", PASSWORD)
    assert client.post("/login/code", data={"code": now_code}).status_code == 302
    client.post("/logout")
    login(client, "alice", PASSWORD)
    replay = client.post("/login/code", data={"code": now_code})
    assert replay.status_code == 401
    assert "That code was used already" in text(replay)
    assert client.get("/profile").status_code == 302
    assert client.post("/login/code", data={"code": code(secret, 30)}).status_code == 302


def test_a_recovery_code_logs_in_once(client, user, recovery):
    login(client, "alice", PASSWORD)
    done = client.post("/login/code", data={"code": recovery[4].upper()}, follow_redirects=True)
    assert done.status_code == 200 and "You used a recovery code: 9 left." in text(done)
    assert client.get("/profile").status_code == 200
    client.post("/logout")
    login(client, "alice", PASSWORD)
    refused = client.post("/login/code", data={"code": recovery[4]})
    assert refused.status_code == 401 and client.get("/profile").status_code == 302
    assert actions(user.id).count("recovery_code_used") == 1


def test_a_pending_second_step_expires(client, user, secret):
    login(client, "alice", PASSWORD)
    with client.session_transaction() as session:
        pending = session[PENDING_KEY]
        session[PENDING_KEY] = {**pending, "at": pending["at"] - 301}
    response = client.post("/login/code", data={"code": code(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "That took too long: log in again." in text(client.get("/login"))
    with client.session_transaction() as session:
        assert PENDING_KEY not in session
    assert client.get("/profile").status_code == 302
    # the code was not spent: a new login takes it
    login(client, "alice", PASSWORD)
    assert client.post("/login/code", data={"code": code(secret)}).status_code == 302


@pytest.mark.parametrize("forged", [None, "x", {"user": "1", "at": 0}, {"at": "now"}, {"user": 10**9, "at": None}])
def test_a_broken_pending_login_goes_back_to_the_login_page(client, user, secret, forged):
    with client.session_transaction() as session:
        session[PENDING_KEY] = forged
    assert client.post("/login/code", data={"code": code(secret)}).headers["Location"] == "/login"


def test_a_new_password_ends_a_pending_login(client, user, secret):
    login(client, "alice", PASSWORD)
    with db.session.begin():
        db.session.get(User, user.id).session_version += 1
    assert client.post("/login/code", data={"code": code(secret)}).headers["Location"] == "/login"


def test_wrong_codes_are_throttled_per_account(database_url, user, secret):
    from spendsense.extensions import limiter
    from tests.conftest import make_app

    limited = make_app(database_url, RATELIMIT_ENABLED=True)
    limiter.reset()
    try:
        browser = limited.test_client()
        assert login(browser, "alice", PASSWORD).status_code == 302
        for _ in range(5):
            assert browser.post("/login/code", data={"code": wrong(secret)}).status_code == 401
        assert browser.post("/login/code", data={"code": code(secret)}).status_code == 429
        assert browser.get("/profile").status_code == 302
    finally:
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()
        limiter.reset()


def test_switching_off_needs_the_password_and_a_code(in_with_code, user, secret):
    client = in_with_code
    asked = client.post("/account/two-factor/disable")
    assert asked.status_code == 200
    html = text(asked)
    assert 'action="/account/two-factor/disable"' in html and 'name="reauth_code"' in html
    assert stored(user.id).totp_enabled_at is not None
    no_code = client.post("/account/two-factor/disable", data={"reauth_password": PASSWORD})
    assert no_code.status_code == 401 and stored(user.id).totp_enabled_at is not None
    done = client.post("/account/two-factor/disable", data={"reauth_password": PASSWORD,
                                                            "reauth_code": code(secret, 30)})
    assert done.status_code == 302 and done.headers["Location"] == "/account/two-factor"
    row = stored(user.id)
    assert row.totp_enabled_at is None and row.totp_secret is None
    assert actions(user.id)[-1] == "two_factor_disabled"


def test_new_recovery_codes_need_re_authentication(in_with_code, user, secret, recovery):
    client = in_with_code
    assert client.post("/account/two-factor/recovery-codes").status_code == 200  # the password form
    assert two_factor.check_code(user.id, recovery[0]) == "recovery"  # the old codes still work
    done = client.post("/account/two-factor/recovery-codes",
                       data={"reauth_password": PASSWORD, "reauth_code": recovery[1]})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    new = codes_on(text(done))
    assert len(new) == 10 and "The old ones no longer work." in text(done)
    assert two_factor.unused_code_count(user.id) == 10
    # still fresh: the next time goes straight through
    again = client.post("/account/two-factor/recovery-codes")
    assert len(codes_on(text(again))) == 10 and set(codes_on(text(again))).isdisjoint(new)
    assert actions(user.id).count("recovery_codes_regenerated") == 3


def test_revoking_a_key_needs_re_authentication(logged_in, user):
    first, second = tokens.issue(user.id, "laptop")[0], tokens.issue(user.id, "phone")[0]
    asked = logged_in.post(f"/link_api/{first.id}/revoke")
    assert asked.status_code == 200 and f'action="/link_api/{first.id}/revoke"' in text(asked)
    refused = logged_in.post(f"/link_api/{first.id}/revoke", data={"reauth_password": "wrong"})
    assert refused.status_code == 401
    fresh()
    assert db.session.get(ApiToken, first.id).revoked_at is None
    done = logged_in.post(f"/link_api/{first.id}/revoke", data={"reauth_password": PASSWORD},
                          follow_redirects=True)
    assert "Token “laptop” revoked." in text(done)
    assert logged_in.post(f"/link_api/{second.id}/revoke").status_code == 302  # fresh for a few minutes
    fresh()
    assert all(db.session.get(ApiToken, t.id).revoked_at is not None for t in (first, second))


def test_a_confirmation_goes_stale(logged_in, user):
    token = tokens.issue(user.id, "laptop")[0]
    confirm(logged_in)
    with logged_in.session_transaction() as session:
        session["reauth"] = [user.id, session["reauth"][1] - 300]
    assert logged_in.post(f"/link_api/{token.id}/revoke").status_code == 200  # asked again
    with logged_in.session_transaction() as session:
        session["reauth"] = [user.id + 1, int(time.time())]  # another user's stamp
    assert logged_in.post(f"/link_api/{token.id}/revoke").status_code == 200
    fresh()
    assert db.session.get(ApiToken, token.id).revoked_at is None


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example", ""])
def test_the_confirmation_page_goes_back_only_inside_the_site(logged_in, next_url):
    assert confirm(logged_in, next_url=next_url).headers["Location"] == "/profile"


def test_the_profile_links_to_two_factor_and_deletion(logged_in):
    html = text(logged_in.get("/profile"))
    assert 'href="/account/two-factor">Set up two-factor login</a>' in html
    assert 'href="/account/delete">Delete my account</a>' in html
