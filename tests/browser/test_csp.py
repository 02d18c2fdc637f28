"""Every page under its Content-Security-Policy in Chromium: no violation (a console error,
or a ``securitypolicyviolation`` event) on any page of the web UI, logged in and out, and
none while the scripts that run the pages do their work: the theme switch, the entry and
account dialogs, the quick entry's preview, the charts of the reports and forecast pages,
the plan form, an import's progress bar, the emoji picker, the copy button, the sign-up
form's name check and the four documents of /docs; on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from spendsense.security_headers import PAGE_POLICY
from spendsense.services.ledger import accounts
from spendsense.web.imports import jobs
from tests.browser import flows
from tests.browser.conftest import shot
from tests.conftest import PASSWORD
from tests.web.helpers import login
from tests.web.test_security_headers import build_world, fill, get_rules

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
# Runs before any script of each document, and the policy does not apply to it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
                           + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def world(app, client, user, ledger, live_server, attachment_folder, tmp_path):
    """alice's ledger with one of everything, the live server reading the same files."""
    for config in (app.config, live_server.app.config):
        config["IMPORT_UPLOAD_FOLDER"] = str(tmp_path / "imports")
        config["ATTACHMENT_FOLDER"] = str(attachment_folder)
    assert login(client, "alice", PASSWORD).status_code == 302
    main = accounts.create_account(ledger, "Main", currency="EUR", opening_balance="100.00").id
    savings = accounts.create_account(ledger, "Savings", currency="EUR").id
    return build_world(client, ledger, main, savings)


class Watch:
    """Console errors of every document the page shows, and each document's violations."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda message: self.console.append(f"{page.url}: {message.text}")
                if message.type == "error" else None)

    def clean(self):
        """Fail on a violation of the current document, or on any console error so far."""
        violations = self.page.evaluate("window.__violations")
        assert violations == [] and self.console == [], (self.page.url, violations, self.console)


def html_pages(page, live_server, world):
    """The URL of each GET route of the web UI that answers a page (not a file or JSON)."""
    for rule in get_rules(live_server.app, "web."):
        path, query = fill(rule, world)
        url = live_server(path) + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        answer = page.request.get(url)  # where its redirects lead
        if answer.headers.get("content-type", "").startswith("text/html"):
            yield url


def test_every_page_shows_without_a_violation(page, live_server, world):
    page.set_viewport_size(DESKTOP)
    watch = Watch(page)
    shown = 0
    for who in ("logged out", "logged in"):
        if who == "logged in":
            flows.log_in(page, live_server, "alice")
        for url in html_pages(page, live_server, world):  # asked just before its visit
            response = page.goto(url)
            assert response.headers["content-security-policy"] == PAGE_POLICY, url
            page.wait_for_load_state("load")
            watch.clean()
            shown += 1
    assert shown > 80


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_scripts_work_under_the_policy(page, phone, live_server, world, ledger, request, size):
    page = page if size == "desktop" else phone
    if size == "desktop":
        page.set_viewport_size(DESKTOP)
    watch = Watch(page)
    page.on("dialog", lambda dialog: dialog.accept())
    server = live_server

    # Sign-up's live name check (a fetch), then alice's own pages.
    page.goto(server("/register"))
    page.fill("#username", "alice")
    expect(page.locator("#username-hint")).to_have_class(re.compile(r"\bbad\b"))
    watch.clean()
    flows.log_in(page, server, "alice")

    # Theme switch, the account dialog, the entry dialog and its tabs.
    html = page.locator("html")
    page.locator("#theme-toggle").click()
    expect(html).to_have_attribute("data-theme", "dark")
    page.click("#add-account")
    expect(page.locator("#account-dialog")).to_be_visible()
    shot(page, request, "account-dialog")
    page.locator("#account-dialog [data-close]").click()
    expect(page.locator("#account-dialog")).to_be_hidden()
    page.click("#add-income")
    dialog = page.locator("#entry-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator('input[name="kind"][value="earn"]')).to_be_checked()
    dialog.locator("[data-tab=transfer]").click()
    expect(page.locator("#transfer-form")).to_be_visible()
    shot(page, request, "entry-dialog")
    dialog.locator("[data-close]").first.click()
    expect(dialog).to_be_hidden()
    watch.clean()

    # Quick entry: the preview comes from /quick/preview, the line is recorded.
    quick = page.locator("#quick-entry")
    quick.locator("[name=q]").fill("coffee 3.50")
    expect(page.locator("#quick-preview .q-amount")).to_have_text("−€3.50")
    shot(page, request, "quick-preview")
    quick.locator("button[type=submit]").click()
    expect(page.locator(".flash").first).to_be_visible()
    watch.clean()

    # Charts: Chart.js draws every canvas of the reports page, and the forecast's.
    for path in ("/reports?period=year", "/forecast"):
        page.goto(server(path))
        canvas = page.locator("canvas").first
        expect(canvas).to_be_attached()
        page.wait_for_function("() => [...document.querySelectorAll('canvas')].every((c) => Chart.getChart(c))")
        shot(page, request, path.strip("/").split("?")[0])
        page.locator("#theme-toggle").click()  # redrawn in the other theme's colours
        page.wait_for_function("() => [...document.querySelectorAll('canvas')].every((c) => Chart.getChart(c))")
        watch.clean()

    # The plan form: a one-off hides the interval and the end date.
    page.goto(server("/plan/new"))
    form = page.locator("#event-form")
    form.locator("[name=repeat_type]").select_option("once")
    expect(form.locator("[name=repeat_interval]")).to_be_hidden()
    form.locator("[name=repeat_type]").select_option("monthly")
    expect(form.locator("[name=repeat_interval]")).to_be_visible()
    shot(page, request, "plan-form")
    watch.clean()

    # The emoji picker fills the icon field and its preview.
    page.goto(server("/categories/new"))
    page.locator("[data-emoji]").first.click()
    emoji = page.locator("[data-emoji]").first.get_attribute("data-emoji")
    expect(page.locator("#icon-preview")).to_have_text(emoji)
    watch.clean()

    # A new API key and its copy button.
    page.goto(server("/link_api/"))
    flows.create_key(page, "laptop")  # through the password page: its scripts are watched too
    copy = page.locator("[data-copy]").first
    copy.click()
    expect(copy).to_have_text("Copied ✓")
    shot(page, request, "new-key")
    watch.clean()

    # An import's progress page polls its status and moves on once the file is read; the
    # preview counts the ticked rows. (The file is small: the test holds it "working".)
    page.goto(server("/imports/new"))
    page.set_input_files("#file", files={"name": "statement.csv", "mimeType": "text/csv",
                                         "buffer": b"Date,Payee,Amount\n2024-03-01,Kiosk,-1.00\n2024-03-02,Bakery,-2.00\n"})
    page.click("#upload-submit")
    page.wait_for_url(re.compile(r"/imports/pending/[\w-]+/(columns|preview)$"))
    token = re.search(r"/pending/([\w-]+)/", page.url).group(1)
    store = jobs.pending_files()
    state = store.meta(ledger, token)["state"]
    store.update(ledger, token, state="working", stage="Reading the file", percent=40)
    page.goto(server(f"/imports/pending/{token}"))
    expect(page.locator("progress[data-progress]")).to_have_attribute("value", "40")
    page.wait_for_function("() => window.performance.getEntriesByType('resource')"
                           ".some((entry) => entry.name.endsWith('/status'))")
    shot(page, request, "import-progress")
    store.update(ledger, token, state=state)
    page.wait_for_url(re.compile(r"/imports/pending/[\w-]+/(columns|preview)$"))
    if page.url.endswith("/columns"):
        page.click("#columns-submit")
        page.wait_for_url(re.compile(r"/preview$"))
    count = page.locator("#preview-form [data-ticked]")
    expect(count).to_have_text("2")
    page.locator('#preview-form input[name="import"]').first.uncheck()
    expect(count).to_have_text("1")
    expect(page.locator("#preview-form [data-rows-word]")).to_have_text("row")
    watch.clean()

    # /docs: Swagger UI renders each document; an operation opens with its answers.
    page.goto(server("/docs"))
    for label in ("SpendSense v2", "SpendSense v1", "Shared bills", "Quick entry & export"):
        page.locator(".docs-picker").get_by_role("link", name=label, exact=True).click()
        expect(page.locator(".docs-picker [aria-current=page]")).to_have_text(label)
        # Swagger UI builds a document's page in a few hundred ms, or seconds on a busy machine.
        expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=30_000)
        watch.clean()
    page.locator(".opblock-summary-control").first.click()
    expect(page.locator(".opblock.is-open .responses-table").first).to_be_visible()
    shot(page, request, "docs")
    watch.clean()
