"""/docs in a browser: Swagger UI renders each of the four documents from this server
alone (every request to another host is blocked and recorded; a Content-Security-Policy
violation shows as a console error), on a desktop and on a phone, without login."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser

OVERFLOW = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
# (picker label, ?api=, a path the document lists)
DOCUMENTS = [("SpendSense v2", "v2", "/me"), ("SpendSense v1", "v1", "/token/check/"),
             ("Shared bills", "ihatemoney", "/projects/{project_id}/bills"),
             ("Quick entry & export", "xpenser", "/expenses/")]


def _watch(page, live_server):
    """Block and record requests to other hosts; record console errors."""
    own = urlsplit(live_server()).netloc
    outside, console = [], []

    def route(route):
        if urlsplit(route.request.url).netloc == own or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    return outside, console


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_document_renders_from_this_server_alone(page, phone, live_server, request, size):
    page = page if size == "desktop" else phone
    if size == "desktop":
        page.set_viewport_size({"width": 1366, "height": 900})
    outside, console = _watch(page, live_server)
    response = page.goto(live_server("/docs"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for label, key, path in DOCUMENTS:
        page.get_by_role("link", name=label, exact=True).click()
        expect(page).to_have_url(live_server(f"/docs?api={key}"))
        expect(page.locator(".docs-picker [aria-current=page]")).to_have_text(label)
        operation = page.locator(".opblock-summary-path", has_text=path).first
        expect(operation).to_be_visible()
        assert page.evaluate(OVERFLOW) <= 0, f"{key} widens the page"
        shot(page, request, key)
    operation.click()  # Xpenser's export: its parameters and answers unfold
    expect(page.locator(".opblock.is-open .parameters-container")).to_be_visible()
    expect(page.locator(".opblock.is-open .responses-table").first).to_contain_text("text/csv")
    shot(page, request, "operation-open")
    page.locator("#theme-toggle").click()  # Swagger UI keeps its light card on the dark page
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.locator(".docs-card")).to_have_css("background-color", "rgb(255, 255, 255)")
    shot(page, request, "dark")
    assert outside == [] and console == []


def test_an_unknown_document_is_not_found(page, live_server):
    response = page.goto(live_server("/docs?api=soap"))
    assert response.status == 404
