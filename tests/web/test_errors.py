"""Error pages (404, 403, 405, 500) are HTML in the site's style."""

import logging

import pytest

from spendsense.extensions import db
from tests.conftest import PASSWORD, make_app
from tests.web.helpers import login, system_category, text


def assert_site_page(html, title):
    assert html.startswith("<!doctype html>")
    assert f"<title>{title} · SpendSense</title>" in html
    assert '<link rel="stylesheet" href="/static/css/app.css">' in html
    assert '<a class="brand" href="/">' in html
    assert '<section class="narrow card error-page">' in html
    assert '<a class="button" href="/">Back to SpendSense</a>' in html


@pytest.mark.parametrize("path", ["/nope", "/transactions/abc", "/accounts/1/edit/extra", "/static/nope.css"])
def test_404_for_visitors(client, app, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = text(response)
    assert_site_page(html, "404")
    assert '<p class="error-code">404</p>' in html
    assert "<h1>We could not find that page</h1>" in html
    assert 'href="/login">Log in</a>' in html


def test_404_for_a_logged_in_user_keeps_the_navigation(logged_in):
    response = logged_in.get("/no/such/page")
    assert response.status_code == 404
    html = text(response)
    assert_site_page(html, "404")
    assert '<nav class="nav" aria-label="Main">' in html
    assert "Log out <span class=\"muted\">(alice)</span>" in html


def test_api_404_stays_json(client, app):
    response = client.get("/api/v1/no-such-route/")
    assert response.status_code == 404
    assert response.is_json


def test_403_page(logged_in):
    response = logged_in.get(f"/categories/{system_category('other').id}/edit")
    assert response.status_code == 403
    html = text(response)
    assert_site_page(html, "403")
    assert "<h1>You cannot do that here</h1>" in html
    assert "You do not have permission for this." in html


def test_405_page(logged_in):
    response = logged_in.get("/logout")
    assert response.status_code == 405
    assert_site_page(text(response), "405")


def test_flash_messages_survive_to_the_error_page(logged_in, main):
    logged_in.post(f"/accounts/{main}/archive")  # flashes, then redirects
    html = text(logged_in.get("/nope"))
    assert "Account “Main” archived." in html


@pytest.fixture
def failing_app(app, database_url):
    broken = make_app(database_url)

    @broken.route("/boom")
    def boom():
        raise RuntimeError("boom: secret internals")

    @broken.route("/api/v1/boom/")
    def api_boom():
        raise RuntimeError("boom: secret internals")

    yield broken
    with broken.app_context():
        db.session.remove()
        db.engine.dispose()


def test_500_page(failing_app, caplog):
    with caplog.at_level(logging.ERROR, logger="spendsense.errors"):
        response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    html = text(response)
    assert_site_page(html, "500")
    assert "<h1>Something went wrong</h1>" in html
    assert "secret internals" not in html and "Traceback" not in html
    assert "Unhandled error on GET /boom" in caplog.text
    assert "RuntimeError: boom: secret internals" in caplog.text


def test_500_page_for_a_logged_in_user(failing_app, user):
    browser = failing_app.test_client()
    assert login(browser, "alice", PASSWORD).status_code == 302
    response = browser.get("/boom")
    assert response.status_code == 500
    html = text(response)
    assert_site_page(html, "500")
    assert "Log out <span class=\"muted\">(alice)</span>" in html


def test_500_under_the_api_is_json(failing_app):
    response = failing_app.test_client().get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.get_json() == {"error": "Internal server error"}
