"""Register, log in (with a safe next), log out, change password."""

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import LedgerMember, User
from spendsense.services.auth import users
from spendsense.services.errors import AuthenticationFailed
from tests.conftest import PASSWORD
from tests.web.helpers import field_errors, form_errors, fresh, login, text, user_count

NEW = {"username": "carol", "email": "carol@example.com", "password": "s3cret-pass-42", "confirm": "s3cret-pass-42"}


def register(client, **changes):
    return client.post("/register", data={**NEW, **changes})


def is_logged_in(client):
    return client.get("/dashboard").status_code == 200


# --- register -------------------------------------------------------------------

def test_register_creates_user_and_ledger_and_logs_in(client, app):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    fresh()
    carol = db.session.scalars(select(User).where(User.username == "carol")).one()
    assert carol.email == "carol@example.com"
    assert carol.base_currency == "EUR"
    assert carol.password_hash != NEW["password"]
    member = db.session.scalars(select(LedgerMember).where(LedgerMember.user_id == carol.id)).one()
    assert member.is_personal and member.role == "owner"
    page = client.get("/dashboard")
    assert page.status_code == 200
    html = text(page)
    assert "Welcome to SpendSense, carol! Start by adding an account." in html
    assert "<h1>Hello, carol</h1>" in html


def test_register_page_has_the_username_check_hook(client, app):
    html = text(client.get("/register"))
    assert 'data-username-check="/register/check-username"' in html
    assert 'id="username-hint"' in html


def test_register_empty_form_shows_every_field_error(client, app):
    response = client.post("/register", data={"username": "", "email": "", "password": "", "confirm": ""})
    assert response.status_code == 422
    html = text(response)
    for name in ("username", "email", "password", "confirm"):
        assert field_errors(html, name) == ["This field is required."], name
    assert user_count() == 0


def test_register_rule_errors_are_shown_on_their_fields_at_once(client, app):
    response = register(client, username="bad name!", email="not-an-email", password="short", confirm="short")
    assert response.status_code == 422
    html = text(response)
    assert field_errors(html, "username") == ["Username may contain only letters, digits and @ . + - _"]
    assert field_errors(html, "email") == ["Enter a valid email address."]
    assert field_errors(html, "password") == ["Password must be at least 12 characters."]
    assert field_errors(html, "confirm") == []
    # what was typed stays in the form, the password does not
    assert 'value="bad name!"' in html
    assert 'value="short"' not in html
    assert user_count() == 0


COMMON = "This password is one of the most common ones; choose one that is harder to guess."


# At least 12 characters since issue 13 (it was 8), and not one of the common passwords.
@pytest.mark.parametrize(("password", "message"), [
    ("123456789012", "Password must not be only digits."),
    ("Carol-1234-x", None),
    ("Carol-1234x", "Password must be at least 12 characters."),
    ("carol", "Password must be at least 12 characters."),
    ("password1234", COMMON),
    ("QwertyUiop12", COMMON),
    (" password1234 ", COMMON),
    ("x" * 1025, "Field cannot be longer than 1024 characters."),
])
def test_register_password_rules(client, app, password, message):
    response = register(client, password=password, confirm=password)
    if message is None:
        assert response.status_code == 302
        assert user_count() == 1
    else:
        assert response.status_code == 422
        assert field_errors(text(response), "password") == [message]
        assert user_count() == 0


def test_register_password_equal_to_username_is_refused(client, app):
    response = register(client, username="carolcarolcarol", password="CAROLcarolCAROL", confirm="CAROLcarolCAROL")
    assert response.status_code == 422
    assert field_errors(text(response), "password") == ["Password must differ from the username."]
    assert user_count() == 0


def test_register_passwords_must_match(client, app):
    response = register(client, confirm="something-else")
    assert response.status_code == 422
    assert field_errors(text(response), "confirm") == ["The passwords do not match."]
    assert user_count() == 0


@pytest.mark.parametrize("username", ["alice", "ALICE", "Alice", " alice "])
def test_register_duplicate_username_any_case(client, user, username):
    response = register(client, username=username)
    assert response.status_code == 422
    assert field_errors(text(response), "username") == ["This username is already taken."]
    assert user_count() == 1


def test_register_duplicate_email_any_case(client, user):
    response = register(client, email="Alice@Example.COM")
    assert response.status_code == 422
    assert field_errors(text(response), "email") == ["An account with this email already exists."]
    assert user_count() == 1


def test_register_when_logged_in_goes_to_dashboard(logged_in):
    response = register(logged_in)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert user_count() == 1


@pytest.mark.parametrize(("username", "available", "message"), [
    ("alice", False, "This username is already taken."),
    ("ALICE", False, "This username is already taken."),
    ("carol", True, "This username is available."),
    ("", False, "Username is required."),
    ("bad name", False, "Username may contain only letters, digits and @ . + - _"),
])
def test_check_username(client, user, username, available, message):
    response = client.get("/register/check-username", query_string={"username": username})
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"available": available, "message": message}


# --- log in ---------------------------------------------------------------------

def test_login_then_dashboard(client, user):
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert is_logged_in(client)


@pytest.mark.parametrize("name", ["ALICE", "alice@example.com", "Alice@Example.com"])
def test_login_by_any_case_username_or_email(client, user, name):
    assert login(client, name, PASSWORD).status_code == 302
    assert is_logged_in(client)


@pytest.mark.parametrize(("name", "password"), [("alice", "wrong password"), ("nobody", PASSWORD)])
def test_login_failure_says_the_same_for_both(client, user, name, password):
    response = login(client, name, password)
    assert response.status_code == 401
    assert form_errors(text(response)) == ["Wrong username or password."]
    assert not is_logged_in(client)


def test_login_empty_fields(client, user):
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 422
    html = text(response)
    assert field_errors(html, "username") == ["This field is required."]
    assert field_errors(html, "password") == ["This field is required."]
    assert not is_logged_in(client)


def test_login_remember_me_sets_the_cookie(client, user):
    client.post("/login", data={"username": "alice", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_login_without_remember_sets_no_remember_cookie(client, user):
    login(client, "alice", PASSWORD)
    assert client.get_cookie("remember_token") is None


@pytest.mark.parametrize("target", ["/transactions?period=all&type=spent", "/reports", "/link_api/"])
def test_login_next_inside_the_site(client, user, target):
    response = login(client, "alice", PASSWORD, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", [
    "https://evil.com/", "http://evil.com", "//evil.com", "//evil.com/dashboard", "///evil.com",
    "javascript:alert(1)", "JavaScript:alert(1)", "/\\evil.com", "\\\\evil.com", "/\t/evil.com",
    "evil.com", "https:/evil.com", "data:text/html,hi", "", " //evil.com",
    "/x\r\nSet-Cookie: stolen=1", "/x\nfoo", "/\x00", "/\x7f",
])
def test_login_next_outside_the_site_is_ignored(client, user, target):
    response = client.post("/login", query_string={"next": target},
                           data={"username": "alice", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_login_next_from_the_query_string_reaches_the_form(client, user):
    html = text(client.get("/login?next=/reports"))
    assert 'name="next" type="hidden" value="/reports"' in html
    # the login_required redirect leads back after logging in
    first = client.get("/categories")
    assert first.headers["Location"] == "/login?next=%2Fcategories"
    response = client.post(first.headers["Location"], data={"username": "alice", "password": PASSWORD})
    assert response.headers["Location"] == "/categories"


@pytest.mark.parametrize(("target", "expected"), [
    ("/reports", "/reports"), ("//evil.com", "/dashboard"), ("https://evil.com", "/dashboard"),
])
def test_login_page_when_already_logged_in(logged_in, target, expected):
    response = logged_in.get("/login", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


# --- log out --------------------------------------------------------------------

def test_logout_needs_post(logged_in):
    assert logged_in.get("/logout").status_code == 405
    assert is_logged_in(logged_in)


def test_logout(logged_in):
    response = logged_in.post("/logout", follow_redirects=True)
    assert response.request.path == "/login"
    assert "You have been logged out." in text(response)
    assert not is_logged_in(logged_in)
    assert logged_in.get("/dashboard").headers["Location"] == "/login?next=%2Fdashboard"


def test_logout_button_is_a_post_form_on_every_page(logged_in):
    html = text(logged_in.get("/dashboard"))
    assert '<form method="post" action="/logout" class="inline">' in html


# --- change password ------------------------------------------------------------

def change(client, current=PASSWORD, new="brand new secret", confirm=None):
    return client.post("/password", data={"current_password": current, "new_password": new,
                                          "confirm": new if confirm is None else confirm})


def still_old_password(app):
    fresh()
    assert users.authenticate("alice", PASSWORD).username == "alice"
    with pytest.raises(AuthenticationFailed):
        users.authenticate("alice", "brand new secret")


def test_change_password(logged_in, app):
    response = change(logged_in)
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    assert "Your password has been changed." in text(logged_in.get("/profile"))
    fresh()
    assert users.authenticate("alice", "brand new secret").username == "alice"
    with pytest.raises(AuthenticationFailed):
        users.authenticate("alice", PASSWORD)
    logged_in.post("/logout")
    assert login(logged_in, "alice", PASSWORD).status_code == 401
    assert login(logged_in, "alice", "brand new secret").status_code == 302


def test_change_password_wrong_current(logged_in, app):
    response = change(logged_in, current="not my password")
    assert response.status_code == 422
    assert field_errors(text(response), "current_password") == ["Current password is incorrect."]
    still_old_password(app)


@pytest.mark.parametrize(("new", "message"), [
    ("short", "Password must be at least 12 characters."),
    ("brand new 1", "Password must be at least 12 characters."),
    ("123456789012", "Password must not be only digits."),
    ("ALICE", "Password must be at least 12 characters."),
    ("1q2w3e4r5t6y", COMMON),
])
def test_change_password_rules(logged_in, app, new, message):
    response = change(logged_in, new=new)
    assert response.status_code == 422
    assert field_errors(text(response), "new_password") == [message]
    still_old_password(app)


def test_change_password_empty_fields(logged_in, app):
    response = logged_in.post("/password", data={"current_password": "", "new_password": "", "confirm": ""})
    assert response.status_code == 422
    html = text(response)
    for name in ("current_password", "new_password", "confirm"):
        assert field_errors(html, name) == ["This field is required."]
    still_old_password(app)


def test_change_password_mismatch(logged_in, app):
    response = change(logged_in, confirm="brand new secreT")
    assert response.status_code == 422
    assert field_errors(text(response), "confirm") == ["The passwords do not match."]
    still_old_password(app)


# --- failed logins are throttled -------------------------------------------------

@pytest.fixture
def limited_browser(database_url, user):
    """A browser on an app that allows 3 failed logins a minute per account (successes are free)."""
    from spendsense.extensions import limiter
    from tests.conftest import make_app

    limited = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_ACCOUNT="3 per minute")
    limiter.reset()
    yield limited.test_client()
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()
    limiter.reset()


def test_failed_logins_are_throttled(limited_browser):
    for _ in range(2):
        assert login(limited_browser, "alice", "wrong password").status_code == 401
    for _ in range(3):  # successful logins leave the budget alone
        assert login(limited_browser, "alice", PASSWORD).status_code == 302
        limited_browser.post("/logout")
    # A browser that logged in is a known device, with a budget of its own (throttle.py):
    # without its cookie this is the guesser's browser again.
    limited_browser.delete_cookie("spendsense_device")
    assert login(limited_browser, "alice", "wrong password").status_code == 401
    throttled = login(limited_browser, "alice", "wrong password")
    assert throttled.status_code == 429
    html = text(throttled)
    # The same form again, the login kept, the password not, the real wait said.
    assert 'value="alice"' in html and "wrong password" not in html
    assert "Too many attempts. Try again in " in html and "second" in html
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert login(limited_browser, "alice", PASSWORD).status_code == 429
    assert limited_browser.get("/login").status_code == 200  # only POSTs count


def test_throttled_register_keeps_the_form_and_says_the_hourly_wait(database_url):
    """Issue 13 review: the 11th sign-up of an hour answered a bare page saying "a minute"."""
    from spendsense.extensions import limiter
    from tests.conftest import make_app

    limited = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_SIGNUP="1 per hour")
    with limited.app_context():
        limiter.reset()
        try:
            browser = limited.test_client()
            first = {"username": "carol", "email": "carol@example.com", "password": PASSWORD, "confirm": PASSWORD}
            assert browser.post("/register", data=first).status_code == 302
            browser.post("/logout")
            again = {"username": "dave", "email": "dave@example.com", "password": PASSWORD, "confirm": PASSWORD}
            throttled = browser.post("/register", data=again)
            assert throttled.status_code == 429
            html = text(throttled)
            assert 'value="dave"' in html and 'value="dave@example.com"' in html and PASSWORD not in html
            assert "Too many attempts. Try again in 60 minutes." in html or "Try again in 59 minutes." in html
            assert 3500 <= int(throttled.headers["Retry-After"]) <= 3600
        finally:
            limiter.reset()
            db.session.remove()
            db.engine.dispose()
