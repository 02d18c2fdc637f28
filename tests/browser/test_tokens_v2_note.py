"""The token page's v2 note in a browser: the new key in the curl example, which works
as printed; the example fits a phone without widening the page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser

OVERFLOW = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_v2_example_carries_the_new_key(page, phone, live_server, user, request, size):
    page = page if size == "desktop" else phone
    if size == "desktop":
        page.set_viewport_size({"width": 1366, "height": 900})
    flows.log_in(page, live_server, user.username)
    page.goto(live_server("/link_api/"))
    example = page.locator("#v2-example")
    expect(example).to_have_text(f'curl -H "X-Developer-Key: <your token>" {live_server("/v2/me")}')
    flows.create_key(page, "Home Assistant")
    secret = page.locator("#new-token-value").input_value()
    expect(example).to_have_text(f'curl -H "X-Developer-Key: {secret}" {live_server("/v2/me")}')
    url = re.search(r"(\S+)$", example.inner_text()).group(1)
    assert page.request.get(url, headers={"X-Developer-Key": secret}).json()["login"] == user.username
    expect(page.locator("#docs-link")).to_have_attribute("href", "/docs")
    assert page.evaluate(OVERFLOW) <= 0
    shot(page, request, "light")
    page.locator("#theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    shot(page, request, "dark")
