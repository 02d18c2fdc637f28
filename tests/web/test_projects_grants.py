"""A browser's project grants are bound to the project's identity (its row and its
private code): deleting the project or changing its code ends every grant, a grant to
a deleted project never opens a new project created under the same id, and a new code
set by a logged-in user is written to their security log."""

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import SecurityEvent
from spendsense.services.bills import lookup
from spendsense.services.bills import projects as shared_bills
from spendsense.web.projects.access import SESSION_KEY
from tests.web.helpers import text

CODE = "flat-code"
BILLS = "/projects/flat/bills"


def create(browser, code=CODE, name="Flat"):
    response = browser.post("/projects/new", data={"name": name, "password": code, "contact_email": "f@example.com",
                                                    "default_currency": "EUR"})
    assert response.status_code == 302, text(response)


def is_inside(browser, path=BILLS):
    response = browser.get(path)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.headers["Location"].startswith("/projects/login?id=flat")
    return False


@pytest.fixture
def admin(client):
    """The browser that created "flat"."""
    create(client)
    return client


@pytest.fixture
def guest(app, admin):
    """A browser that joined "flat" through its invitation link."""
    browser = app.test_client()
    token = shared_bills.issue_token(lookup.get_project("flat"))
    assert browser.get(f"/flat/join/{token}").status_code == 302
    assert is_inside(browser)
    return browser


@pytest.fixture
def coder(app, admin):
    """A browser that logged in to "flat" with its private code."""
    browser = app.test_client()
    assert browser.post("/projects/login", data={"id": "flat", "password": CODE}).status_code == 302
    assert is_inside(browser, "/projects/flat/settings")
    return browser


def test_deleting_the_project_ends_every_grant(app, admin, guest, coder):
    assert admin.post("/projects/flat/delete", data={"password": CODE}).headers["Location"] == "/projects"
    for browser in (admin, guest, coder):
        assert not is_inside(browser)


def test_a_new_code_ends_the_other_browsers_grants(admin, guest, coder):
    response = admin.post("/projects/flat/settings", data={
        "name": "Flat", "contact_email": "f@example.com", "default_currency": "EUR", "history_enabled": "y",
        "current_password": CODE, "password": "another-code"})
    assert response.status_code == 302, text(response)
    assert not is_inside(guest)
    assert not is_inside(coder)
    # The browser that set the new code proved the old one: it stays in, as admin.
    assert is_inside(admin, "/projects/flat/settings")


def test_settings_without_a_new_code_keep_every_grant(admin, guest, coder):
    response = admin.post("/projects/flat/settings", data={
        "name": "Flat 2", "contact_email": "f@example.com", "default_currency": "EUR", "current_password": CODE})
    assert response.status_code == 302, text(response)
    assert is_inside(guest) and is_inside(coder, "/projects/flat/settings")


def test_a_code_changed_elsewhere_ends_the_grants(admin, guest):
    """Through the ihatemoney API, say: no browser is told, every grant is void."""
    shared_bills.update_project("flat", current_password=CODE, password="another-code")
    assert not is_inside(admin)
    assert not is_inside(guest)


def test_a_reused_project_id_opens_nothing_of_the_new_project(app, admin, guest, coder):
    token = shared_bills.issue_token(lookup.get_project("flat"))
    shared_bills.delete_project("flat")
    # Someone else creates a project with the same id, even with the same private code.
    stranger = app.test_client()
    create(stranger, name="Flat")
    assert is_inside(stranger)
    for browser in (admin, guest, coder):
        for path in (BILLS, "/projects/flat/history", "/projects/flat/invite", "/projects/flat/settings",
                     "/projects/flat/export/bills.json"):
            assert not is_inside(browser, path), path
        assert "/projects/flat/" not in text(browser.get("/projects"))  # not listed either
    # The old invitation link does not open the new project.
    late = app.test_client()
    assert "/projects/login" in late.get(f"/flat/join/{token}").headers["Location"]
    assert not is_inside(late)


def test_a_void_grant_is_dropped_from_the_cookie(admin):
    shared_bills.update_project("flat", current_password=CODE, password="another-code")
    assert not is_inside(admin)
    with admin.session_transaction() as session:
        assert "flat" not in session.get(SESSION_KEY, {})


def test_a_grant_without_a_stamp_opens_nothing(app, admin):
    """Grants written before they were bound (a bare role) are void, and so is a wrong stamp."""
    browser = app.test_client()
    with browser.session_transaction() as session:
        session[SESSION_KEY] = {"flat": "admin"}
    assert not is_inside(browser)
    for stamp in ("0" * 32, "é" * 32, 7):
        with browser.session_transaction() as session:
            session[SESSION_KEY] = {"flat": ["admin", stamp]}
        assert not is_inside(browser)


def test_the_stamp_follows_row_and_code(app, admin):
    project = lookup.get_project("flat")
    stamp = shared_bills.grant_stamp(project)
    assert stamp == shared_bills.grant_stamp(lookup.get_project("flat"))  # stable across reads
    shared_bills.update_project("flat", current_password=CODE, password=CODE)  # same code, new hash
    assert shared_bills.grant_stamp(lookup.get_project("flat")) != stamp


# --- the security log --------------------------------------------------------------


def code_events(user_id):
    return db.session.scalars(select(SecurityEvent).where(SecurityEvent.user_id == user_id,
                                                          SecurityEvent.action == "project_code_changed")).all()


def test_a_new_code_is_in_the_logged_in_users_security_log(logged_in, user):
    create(logged_in)
    settings = {"name": "Flat", "contact_email": "f@example.com", "default_currency": "EUR",
                "current_password": CODE}
    assert logged_in.post("/projects/flat/settings", data=settings).status_code == 302
    assert code_events(user.id) == []  # no new code, nothing to log
    response = logged_in.post("/projects/flat/settings", data={**settings, "password": "another-code"},
                              headers={"User-Agent": "FlatBrowser/1.0"})
    assert response.status_code == 302
    db.session.rollback()
    [event] = code_events(user.id)
    assert event.detail == "Flat (flat)"
    assert event.address == "127.0.0.1" and event.user_agent == "FlatBrowser/1.0"


def test_an_anonymous_code_change_logs_nothing(admin):
    shared_bills.update_project("flat", current_password=CODE, password="another-code")
    assert db.session.scalars(select(SecurityEvent)).all() == []
