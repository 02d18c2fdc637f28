"""The theme toggle: a cookie, so the server renders the chosen theme after a reload."""

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser

BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"


def served_html_tag(page, server, path):
    """The <html ...> tag the server sends for this browser's cookies, before any script runs."""
    html = page.request.get(server(path)).text()
    start = html.index("<html")
    return html[start: html.index(">", start) + 1]


def test_theme_toggle_is_kept_after_reload(page, live_server, user, request):
    server = live_server
    flows.log_in(page, server, user.username)
    html = page.locator("html")
    toggle = page.locator("#theme-toggle")
    # The browser prefers light (Playwright's default), and no theme was chosen yet.
    expect(html).not_to_have_attribute("data-theme", "dark")
    light = page.evaluate(BACKGROUND)
    expect(toggle.locator(".theme-icon-light")).to_be_visible()
    expect(toggle.locator(".theme-icon-dark")).to_be_hidden()

    toggle.click()
    expect(html).to_have_attribute("data-theme", "dark")
    expect(toggle.locator(".theme-icon-dark")).to_be_visible()
    dark = page.evaluate(BACKGROUND)
    assert dark != light
    assert {c["name"]: c["value"] for c in page.context.cookies()}.get("theme") == "dark"

    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")
    assert page.evaluate(BACKGROUND) == dark
    # Rendered so by the server, not patched in by script after the page showed.
    assert 'data-theme="dark"' in served_html_tag(page, server, "/dashboard")
    flows.go(page, "Reports")
    expect(html).to_have_attribute("data-theme", "dark")
    shot(page, request, "dark")

    page.locator("#theme-toggle").click()
    expect(html).to_have_attribute("data-theme", "light")
    page.reload()
    expect(html).to_have_attribute("data-theme", "light")
    assert page.evaluate(BACKGROUND) == light
    assert 'data-theme="light"' in served_html_tag(page, server, "/reports")


def test_theme_toggle_works_logged_out(page, live_server):
    page.goto(live_server("/"))
    page.click("#theme-toggle")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.goto(live_server("/login"))
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")


def test_theme_follows_the_system_until_one_is_chosen(page, live_server):
    page.emulate_media(color_scheme="dark")
    page.goto(live_server("/login"))
    html, toggle = page.locator("html"), page.locator("#theme-toggle")
    expect(html).not_to_have_attribute("data-theme", "dark")
    # Dark by the system's preference: the toggle offers the light theme...
    expect(toggle.locator(".theme-icon-dark")).to_be_visible()
    expect(toggle.locator(".theme-icon-light")).to_be_hidden()
    toggle.click()
    # ...and chooses it.
    expect(html).to_have_attribute("data-theme", "light")
    expect(toggle.locator(".theme-icon-light")).to_be_visible()
    page.reload()
    expect(html).to_have_attribute("data-theme", "light")
