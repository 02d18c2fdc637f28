"""Web sessions end (issue 13): after logout, a password change and "log out everywhere"
neither the session cookie nor the remember cookie logs anyone in any more, copies
included; idle and absolute timeouts; the remember cookie's flags and rotation."""

import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import SecurityEvent
from spendsense.services.auth import sessions
from tests.conftest import PASSWORD, make_app
from tests.web.helpers import csrf_token, fresh, login, text

DAY = 86400


class Clock:
    """The sessions' clock, moved by hand."""

    def __init__(self):
        self.now = int(time.time())

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(sessions, "clock", moved)
    return moved


def remembered_login(client):
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    return client


def cookies(client):
    """The values of the browser's session and remember cookies."""
    return {name: cookie.value for name in ("session", "remember_token")
            if (cookie := client.get_cookie(name)) is not None}


def replay(app, values):
    """A fresh browser that brings only the given cookies."""
    browser = app.test_client()
    for name, value in values.items():
        browser.set_cookie(name, value)
    return browser


def logged_in_as(browser):
    response = browser.get("/dashboard")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return None
    assert response.status_code == 200
    return text(response).split("<h1>Hello, ", 1)[1].split("</h1>", 1)[0]


def decoded_session(app, value):
    return app.session_interface.get_signing_serializer(app).loads(value)


@pytest.fixture
def remembered(client, user):
    """alice's browser, logged in with "keep me logged in"; and its cookies then."""
    remembered_login(client)
    values = cookies(client)
    assert set(values) == {"session", "remember_token"}
    return client, values


def test_each_cookie_alone_logs_in_before_anything_ends(app, remembered):
    _client, values = remembered
    assert logged_in_as(replay(app, {"session": values["session"]})) == "alice"
    assert logged_in_as(replay(app, {"remember_token": values["remember_token"]})) == "alice"


def test_logout_ends_the_session_and_the_remember_cookie_and_their_copies(app, remembered):
    client, values = remembered
    copy = replay(app, values)  # someone who copied both cookies, logged in elsewhere
    assert logged_in_as(copy) == "alice"
    client.post("/logout")
    assert client.get_cookie("remember_token") is None
    assert logged_in_as(client) is None
    for name in ("session", "remember_token"):
        assert logged_in_as(replay(app, {name: values[name]})) is None, name
    assert logged_in_as(replay(app, values)) is None
    assert logged_in_as(copy) is None  # the browser that was logged in elsewhere too


def test_a_dead_remember_cookie_is_deleted(app, remembered):
    client, values = remembered
    client.post("/logout")
    stale = replay(app, {"remember_token": values["remember_token"]})
    response = stale.get("/dashboard")
    assert response.status_code == 302
    assert stale.get_cookie("remember_token") is None


def test_a_password_change_ends_every_other_session_and_remember_cookie(app, remembered, make_user):
    client, values = remembered
    other = remembered_login(app.test_client())
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": "brand new secret",
                                              "confirm": "brand new secret"}, follow_redirects=True)
    assert "Every other session of your account has ended." in text(response)
    assert logged_in_as(client) == "alice"  # the browser that changed it stays in
    assert logged_in_as(other) is None
    for name in ("session", "remember_token"):
        assert logged_in_as(replay(app, {name: values[name]})) is None, name
    # this browser's new cookies are good ones, the remember cookie too
    assert logged_in_as(replay(app, {"remember_token": client.get_cookie("remember_token").value})) == "alice"


def test_log_out_everywhere_ends_the_other_sessions_only(app, remembered, make_user):
    client, values = remembered
    phone = app.test_client()
    assert login(phone, "alice", PASSWORD).status_code == 302
    bob = app.test_client()
    make_user("bob")
    assert login(bob, "bob", PASSWORD).status_code == 302
    html = text(client.get("/profile"))
    assert 'action="/profile/logout-everywhere"' in html
    response = client.post("/profile/logout-everywhere", follow_redirects=True)
    assert response.request.path == "/profile"
    assert "You are still logged in here." in text(response)
    assert logged_in_as(client) == "alice"
    assert logged_in_as(phone) is None
    assert logged_in_as(replay(app, values)) is None
    assert logged_in_as(replay(app, {"remember_token": values["remember_token"]})) is None
    assert logged_in_as(bob) == "bob"  # another user's sessions are not touched
    fresh()
    actions = db.session.scalars(select(SecurityEvent.action).order_by(SecurityEvent.id)).all()
    assert actions.count("logout_everywhere") == 1


def test_log_out_everywhere_needs_a_login(app, user):
    response = app.test_client().post("/profile/logout-everywhere")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_log_out_everywhere_needs_the_csrf_token(database_url, user):
    checked = make_app(database_url, WTF_CSRF_ENABLED=True)

    def logged_in_browser():
        browser = checked.test_client()
        token = csrf_token(text(browser.get("/login")))
        assert browser.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token}
                            ).status_code == 302
        return browser

    browser, other = logged_in_browser(), logged_in_browser()
    assert browser.post("/profile/logout-everywhere").status_code == 400  # no token: refused
    assert other.get("/dashboard").status_code == 200  # and nothing ended
    with checked.app_context():
        db.session.remove()
        db.engine.dispose()


# --- timeouts ------------------------------------------------------------------

def test_a_session_ends_after_the_idle_time(app, client, user, clock):
    app.config["SESSION_IDLE_MINUTES"] = 60
    assert login(client, "alice", PASSWORD).status_code == 302
    for _ in range(5):  # in use every 50 minutes: it lives on, well past one idle time
        clock.advance(50 * 60)
        assert logged_in_as(client) == "alice"
    clock.advance(61 * 60)
    assert logged_in_as(client) is None


def test_a_copied_session_cookie_ages_like_the_original(app, client, user, clock):
    app.config["SESSION_IDLE_MINUTES"] = 60
    login(client, "alice", PASSWORD)
    copy = cookies(client)
    clock.advance(61 * 60)
    assert logged_in_as(replay(app, copy)) is None


def test_a_remembered_login_idles_for_days_not_hours(app, client, user, clock):
    app.config.update(SESSION_IDLE_MINUTES=60, REMEMBER_IDLE_DAYS=14)
    remembered_login(client)
    clock.advance(13 * DAY)
    assert logged_in_as(client) == "alice"
    clock.advance(13 * DAY)
    assert logged_in_as(client) == "alice"
    clock.advance(14 * DAY + 60)
    assert logged_in_as(client) is None


def test_a_stolen_remember_cookie_idles_out_on_the_server(app, remembered, clock):
    client, values = remembered
    clock.advance(15 * DAY)
    # the browser would have dropped it; a copy replayed later is refused all the same
    assert logged_in_as(replay(app, {"remember_token": values["remember_token"]})) is None


def test_every_login_ends_after_the_absolute_time_however_busy(app, client, user, clock):
    app.config.update(SESSION_ABSOLUTE_DAYS=30, REMEMBER_IDLE_DAYS=14)
    remembered_login(client)
    for _ in range(29):
        clock.advance(DAY)
        assert logged_in_as(client) == "alice"
    clock.advance(DAY + 60)
    assert logged_in_as(client) is None
    assert logged_in_as(replay(app, cookies(client))) is None
    # a new login starts a new count
    remembered_login(client)
    assert logged_in_as(client) == "alice"


def test_the_identity_carries_version_and_stamps(app, client, user, clock):
    remembered_login(client)
    identity = sessions.parse(decoded_session(app, client.get_cookie("session").value)["_user_id"])
    assert identity == sessions.Identity(user.id, user.session_version, clock.now, clock.now, True)


# --- the remember cookie -------------------------------------------------------------

def remember_header(response):
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert len(headers) == 1, headers
    return headers[0]


def test_remember_cookie_flags(client, user):
    header = remember_header(client.post("/login", data={"username": "alice", "password": PASSWORD,
                                                         "remember": "y"}))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # plain http in tests; production below
    # 14 days ahead: the browser forgets it when the server would refuse it
    expires = parsedate_to_datetime(header.split("Expires=", 1)[1].split(";", 1)[0])
    assert abs((expires - datetime.now(UTC)) - timedelta(days=14)) < timedelta(minutes=1)


def test_remember_cookie_is_secure_in_production(database_url, user, monkeypatch):
    from spendsense.config import ProductionConfig

    production = make_app(database_url, **{key: getattr(ProductionConfig, key) for key in (
        "SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")})
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    browser = production.test_client()
    response = browser.post("https://localhost/login", data={"username": "alice", "password": PASSWORD,
                                                             "remember": "y"})
    header = remember_header(response)
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    session_header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in session_header
    with production.app_context():
        db.session.remove()
        db.engine.dispose()


def test_remember_cookie_rotates_with_use(app, remembered, clock):
    client, values = remembered
    assert "remember_token" not in str(client.get("/dashboard").headers)  # within a minute: left as is
    clock.advance(sessions.REFRESH_SECONDS)
    response = client.get("/dashboard")
    remember_header(response)
    rotated = client.get_cookie("remember_token").value
    assert rotated != values["remember_token"]
    assert logged_in_as(replay(app, {"remember_token": rotated})) == "alice"


def test_a_login_without_remember_never_gets_a_remember_cookie(client, user, clock):
    login(client, "alice", PASSWORD)
    for _ in range(3):
        clock.advance(sessions.REFRESH_SECONDS)
        assert logged_in_as(client) == "alice"
        assert client.get_cookie("remember_token") is None


def test_a_login_without_remember_drops_an_old_remember_cookie(app, remembered):
    client, values = remembered
    client.post("/logout")
    browser = replay(app, {"remember_token": values["remember_token"]})
    login(browser, "alice", PASSWORD)
    assert browser.get_cookie("remember_token") is None
    assert logged_in_as(browser) == "alice"
