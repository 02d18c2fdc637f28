"""The security log: what the web UI records (with the client's address and browser),
the page in the profile that lists it (newest first, paged, only one's own), and the
token page that shows a new key without putting it in the cookie."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import SecurityEvent
from spendsense.services.auth import security_log, tokens, users
from tests.conftest import PASSWORD
from tests.web.helpers import fresh, key_form, text

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0"
HEADERS = {"User-Agent": BROWSER}
ADDRESS = {"REMOTE_ADDR": "203.0.113.7"}


def events(user_id):
    fresh()
    return db.session.scalars(select(SecurityEvent).where(SecurityEvent.user_id == user_id)
                              .order_by(SecurityEvent.id)).all()


def listed(html):
    """[(action, what)] of the log table, in page order."""
    return [(action, re.sub(r"<[^>]+>", "", what).strip()) for action, what in re.findall(
        r'<tr data-event-id="\d+" data-action="(\w+)">.*?<td class="what">(.*?)</td>', html, re.S)]


def test_logins_logouts_and_password_changes_are_recorded(client, user):
    post = {"headers": HEADERS, "environ_base": ADDRESS}
    assert client.post("/login", data={"username": "alice", "password": "wrong password"}, **post).status_code == 401
    client.post("/login", data={"username": "nobody", "password": "wrong password"}, **post)  # no account: no row
    assert client.post("/login", data={"username": "alice", "password": PASSWORD, "remember": "y"},
                       **post).status_code == 302
    client.post("/password", data={"current_password": PASSWORD, "new_password": "brand new secret",
                                   "confirm": "brand new secret"}, **post)
    client.post("/profile/logout-everywhere", **post)
    client.post("/logout", **post)
    rows = events(user.id)
    assert [(e.action, e.detail) for e in rows] == [
        ("login_failed", ""), ("login", "kept logged in"), ("password_changed", ""), ("logout_everywhere", ""),
        ("logout", "")]
    assert {(e.address, e.user_agent) for e in rows} == {("203.0.113.7", BROWSER)}


def test_a_refused_password_change_records_nothing(logged_in, user):
    before = len(events(user.id))
    logged_in.post("/password", data={"current_password": "not it at all", "new_password": "brand new secret",
                                      "confirm": "brand new secret"})
    assert len(events(user.id)) == before


def test_keys_issued_and_revoked_are_recorded(logged_in, user):
    logged_in.post("/link_api/", data=key_form(logged_in, "Laptop CLI", PASSWORD), headers=HEADERS)
    token = tokens.list_for(user.id)[0]
    tokens.revoke(user.id, token.id, address="198.51.100.1", user_agent=BROWSER)
    issued, revoked = events(user.id)[-2:]
    assert (issued.action, issued.detail, issued.user_agent) == ("key_issued", f"Laptop CLI ({token.prefix}…)", BROWSER)
    assert (revoked.action, revoked.detail, revoked.address) == ("key_revoked", f"Laptop CLI ({token.prefix}…)",
                                                               "198.51.100.1")


def test_the_page_lists_ones_own_events_newest_first(logged_in, user, other_user, bob_client):
    security_log.record(user.id, "two_factor_enabled", address="192.0.2.1", user_agent=BROWSER)
    security_log.record(other_user.id, "password_changed", detail="bob's secret event", address="192.0.2.99")
    html = text(logged_in.get("/profile/security"))
    assert "<h1>Security log</h1>" in html
    assert listed(html) == [("two_factor_enabled", "Two-factor login switched on"),
                            ("login", "Logged in")]
    assert "192.0.2.1" in html and BROWSER in html
    assert "bob" not in html and "192.0.2.99" not in html
    bobs = text(bob_client.get("/profile/security"))
    assert listed(bobs) == [("password_changed", "Password changed · bob's secret event".replace("'", "&#39;")),
                            ("login", "Logged in")]
    assert "192.0.2.1" not in bobs


def test_the_page_shows_times_in_the_users_time_zone(logged_in, user):
    users.update_settings(user.id, timezone="Asia/Tokyo")
    utc = events(user.id)[-1].created_at
    html = text(logged_in.get("/profile/security"))
    assert f'<time datetime="{utc.isoformat()}Z">{(utc + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M")}</time>' in html
    assert "(Asia/Tokyo)" in html


def test_the_page_is_paged(logged_in, user):
    for n in range(60):
        security_log.record(user.id, "key_issued", detail=f"key {n}")
    first = text(logged_in.get("/profile/security"))
    shown = listed(first)
    assert len(shown) == 50
    assert shown[0] == ("key_issued", "API key issued · key 59")
    older = re.search(r'href="/profile/security\?before=(\d+)" id="older-events"', first)
    assert older
    second = text(logged_in.get(f"/profile/security?before={older.group(1)}"))
    assert [what for _action, what in listed(second)] == [f"API key issued · key {n}" for n in range(9, -1, -1)] + [
        "Logged in"]
    assert 'id="older-events"' not in second
    assert 'href="/profile/security">Newest</a>' in second


@pytest.mark.parametrize("before", ["", "abc", "0", "-1", "²", "9" * 30])
def test_a_bad_page_mark_is_a_404(logged_in, before):
    assert logged_in.get("/profile/security", query_string={"before": before}).status_code == 404


def test_the_page_needs_a_login(client, user):
    response = client.get("/profile/security")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_profile_links_to_it(logged_in):
    html = text(logged_in.get("/profile"))
    assert 'href="/profile/security" id="security-log-link"' in html
    assert "ends after 12 hours without use, one with it after 14 days" in html


# --- the token page ------------------------------------------------------------------

def test_a_new_key_never_travels_in_the_session_cookie(app, logged_in, user):
    serializer = app.session_interface.get_signing_serializer(app)
    response = logged_in.post("/link_api/", data=key_form(logged_in, "Phone", PASSWORD))
    assert response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="([0-9a-f]{40})" id="new-token-value"', text(response)).group(1)
    assert tokens.verify(secret).id == user.id
    # whatever the answer set, the browser's session cookie holds no key
    assert secret not in str(serializer.loads(logged_in.get_cookie("session").value))
    assert secret not in response.headers.get("Set-Cookie", "")
    after = logged_in.get("/link_api/")
    assert after.headers["Cache-Control"] == "no-store"
    assert secret not in text(after)

