"""Browser fixtures: the app served on 127.0.0.1 in a thread, a real headless Chromium.

Every test gets a clean database (through the ``app`` fixture), its own server and its
own browser context, and leaves a screenshot in tests/browser/artifacts/<test>.png,
also when it fails. CSRF protection stays on, as in production.

Chromium is Debian's (/usr/bin/chromium, or $SPENDSENSE_CHROMIUM): ``playwright
install`` is not needed. Without it the tests are skipped, unless
SPENDSENSE_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import make_app
from tests.live_server import LiveServer

CHROMIUM = os.environ.get("SPENDSENSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).parent / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Playwright's default is 30 s; a page of this app answers in milliseconds.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def _unavailable(reason):
    if os.environ.get("SPENDSENSE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (SPENDSENSE_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def live_server(app, database_url):
    """Serve a second app on the ``app`` fixture's freshly emptied database, CSRF on."""
    with LiveServer.running(make_app(database_url, WTF_CSRF_ENABLED=True)) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


def _screenshot_name(node):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name) + ".png"


def _page(browser, request, **context_options):
    context = browser.new_context(locale="en-GB", timezone_id="UTC", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    page_errors = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    # A missing script or stylesheet, or a server error (a 4xx can be the point of a step).
    page.on("response", lambda r: page_errors.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 500 or (r.status == 404 and "/static/" in r.url) else None)
    try:
        yield page
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / _screenshot_name(request.node)), full_page=True)
        finally:
            context.close()
    assert not page_errors, f"errors in the browser: {page_errors}"


# The pages depend on live_server so that they close (after their screenshot) before it stops.
@pytest.fixture
def page(browser, live_server, request):
    """A desktop-sized page in a fresh context (no cookies)."""
    yield from _page(browser, request, viewport=DESKTOP)


@pytest.fixture
def phone(browser, live_server, request):
    """A phone-sized page: 390x844, touch, mobile viewport meta honoured."""
    yield from _page(browser, request, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


def shot(page, request, step, locator=None):
    """An extra screenshot of one step (of the page, or of one element): artifacts/<test>-<step>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = str(ARTIFACTS / (_screenshot_name(request.node)[: -len(".png")] + f"-{step}.png"))
    if locator is None:
        page.screenshot(path=path, full_page=True)
    else:
        locator.screenshot(path=path)
