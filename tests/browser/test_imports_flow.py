"""Importing a CSV statement in a real browser: upload, map the columns, preview with a
flip, import, the result, revert; at desktop and phone sizes, light and dark."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.browser.conftest import ARTIFACTS, PHONE, shot

pytestmark = pytest.mark.browser

DESKTOP_1366 = {"width": 1366, "height": 900}
CSV = (
    "Booking date;Counterparty;Details;Amount;Balance\n"
    "02.01.2024;Bakery;Bread and rolls;-3,50;1.096,50\n"
    "03.01.2024;Employer Ltd;Salary January;1.200,00;2.296,50\n"
    "04.01.2024;Coffee Corner;;-2,80;2.293,70\n"
    "05.01.2024;Supermarket;Weekly shop;-45,10;2.248,60\n"
)


@pytest.fixture(autouse=True)
def _upload_folder(live_server, tmp_path):
    live_server.app.config["IMPORT_UPLOAD_FOLDER"] = str(tmp_path / "imports")


def _statement(tmp_path):
    path = tmp_path / "bank-january.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def _set_theme(page, theme):
    page.context.add_cookies([{"name": "theme", "value": theme, "url": page.url}])
    page.reload()


def _shots(page, request, step):
    """A screenshot in both themes at this size, and no sideways scrolling."""
    for theme in ("light", "dark"):
        _set_theme(page, theme)
        flows.no_horizontal_overflow(page)
        shot(page, request, f"{step}-{theme}")
    _set_theme(page, "light")


def _typed_expense(page, amount, day, description):
    page.locator("[data-open-entry=spent]").first.click()
    form = page.locator("#entry-form")
    expect(form).to_be_visible()
    form.locator("[name=amount]").fill(amount)
    form.locator("[name=account_id]").select_option(label="Bank (EUR)")
    form.locator(".emoji-chip[data-kind=spent]").filter(has_text="Supermarket").click()
    form.locator("[name=description]").fill(description)
    form.locator("[name=date]").fill(day)
    form.locator("#entry-submit").click()
    flows.flash(page, "Expense added.")


def test_import_csv_map_preview_import_revert(page, live_server, request, tmp_path):
    server = live_server
    page.set_viewport_size(DESKTOP_1366)
    flows.register(page, server, "alice")
    flows.add_account(page, "Bank", "1000.00")
    # A row typed by hand before the statement came: the import matches it.
    _typed_expense(page, "3.50", "2024-01-03", "Bakery")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Imports", exact=True).click()
    page.wait_for_url(server("/imports"))
    expect(page.get_by_text("No imports yet.")).to_be_visible()
    page.click("#new-import")
    page.wait_for_url(server("/imports/new"))
    page.set_input_files("#file", str(_statement(tmp_path)))
    page.locator("#account_id").select_option(label="Bank (EUR)")
    _shots(page, request, "upload")
    page.set_input_files("#file", str(_statement(tmp_path)))
    page.locator("#account_id").select_option(label="Bank (EUR)")
    page.click("#upload-submit")

    # The mapping screen shows what was detected; the user marks the details as memo.
    page.wait_for_url(re.compile(r"/imports/pending/[\w-]+/columns$"))
    expect(page.locator("#delimiter")).to_have_value(";")
    expect(page.locator("#decimal")).to_have_value(",")
    expect(page.locator("#date_format")).to_have_value("%d.%m.%Y")
    expect(page.locator("#columns-0")).to_have_value("date")
    expect(page.locator("#columns-1")).to_have_value("payee")
    expect(page.locator("#columns-3")).to_have_value("amount")
    expect(page.locator("#columns-4")).to_have_value("balance")
    page.locator("#columns-2").select_option("memo")
    page.check("#remember")
    page.fill("#profile_name", "My bank")
    _shots(page, request, "columns")
    page.locator("#columns-2").select_option("memo")
    page.check("#remember")
    page.fill("#profile_name", "My bank")
    page.click("#columns-submit")

    # The preview: three new rows and the bakery matched to the hand-entered one.
    page.wait_for_url(re.compile(r"/imports/pending/[\w-]+/preview$"))
    expect(page.locator("[data-count=new]")).to_have_text("3")
    expect(page.locator("[data-count=matched]")).to_have_text("1")
    bakery = page.locator(".preview-row").filter(has_text="Bakery")
    expect(bakery.locator("[data-status]")).to_have_text("matched")
    expect(bakery.locator("[data-match]")).to_contain_text("−€3.50")
    expect(bakery.locator("input[name=import]")).not_to_be_checked()
    # Leave the coffee out.
    coffee = page.locator(".preview-row").filter(has_text="Coffee Corner")
    coffee.locator("input[name=import]").uncheck()
    expect(page.locator("[data-ticked]")).to_have_text("2")
    expect(coffee).to_have_class(re.compile(r"\bis-left-out\b"))
    shot(page, request, "preview-light")
    _set_theme(page, "dark")
    flows.no_horizontal_overflow(page)
    shot(page, request, "preview-dark")
    _set_theme(page, "light")
    page.locator(".preview-row").filter(has_text="Coffee Corner").locator("input[name=import]").uncheck()
    page.fill("#name", "January statement")
    page.click("#import-submit")

    # The result: counts and the reconciliation with the file's balance column.
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    flows.flash(page, "Imported 2 rows into Bank.")
    expect(page.locator("[data-count=new]")).to_have_text("2")
    expect(page.locator("[data-statement-balance]")).to_have_text("€2,248.60")
    # 1,000 - 3.50 (typed) + 1,200 - 45.10; the coffee was left out.
    expect(page.locator("[data-balance-after]")).to_have_text("€2,151.40")
    expect(page.locator("[data-difference]")).to_have_text("€97.20")
    _shots(page, request, "result")
    page.click("#see-transactions")
    page.wait_for_url(re.compile(r"/transactions\?"))
    # The batch's days in the account: the typed bakery row and the two imported ones.
    expect(page.locator("li.txn")).to_have_count(3)
    expect(page.locator("li.txn .txn-amount").filter(has_text="+€1,200.00")).to_be_visible()
    expect(page.locator("li.txn .txn-amount").filter(has_text="−€2.80")).to_have_count(0)
    flows.go(page, "Dashboard")
    expect(flows.balance(page, "Bank")).to_have_text("€2,151.40")

    # The list, then revert behind its confirmation page.
    page.goto(server("/imports"))
    batch = page.locator(".batch").filter(has_text="January statement")
    expect(batch).to_contain_text("2 new")
    expect(batch).to_contain_text("Difference €97.20")
    _shots(page, request, "list")
    page.locator(".batch").filter(has_text="January statement").get_by_role("link", name="Revert").click()
    page.wait_for_url(re.compile(r"/imports/\d+/revert$"))
    expect(page.locator("[data-live-rows]")).to_have_text("2")
    _shots(page, request, "revert")
    page.click("#confirm-revert")
    page.wait_for_url(server("/imports"))
    flows.flash(page, "reverted: 2 transactions removed.")
    expect(page.locator(".batch").filter(has_text="January statement").locator("[data-reverted]")).to_be_visible()
    flows.go(page, "Dashboard")
    expect(flows.balance(page, "Bank")).to_have_text("€996.50")

    # The next file of that bank opens with the saved profile.
    page.goto(server("/imports/new"))
    page.set_input_files("#file", str(_statement(tmp_path)))
    page.click("#upload-submit")
    page.wait_for_url(re.compile(r"/columns$"))
    expect(page.locator("#profile-note")).to_contain_text("My bank")
    expect(page.locator("#columns-2")).to_have_value("memo")


def _large_statement(tmp_path, rows=12_000):
    lines = ["Date,Payee,Amount"]
    for n in range(rows):
        lines.append(f"2023-{1 + n % 12:02d}-{1 + n % 28:02d},Shop {n % 97},-{1 + n % 50}.{n % 100:02d}")
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_large_file_shows_a_progress_bar(page, live_server, request, tmp_path):
    server = live_server
    flows.register(page, server, "bob")
    flows.add_account(page, "Bank", "1000.00")
    page.goto(server("/imports/new"))
    page.set_input_files("#file", str(_large_statement(tmp_path)))
    page.click("#upload-submit")
    # More than 5,000 lines: read in a worker thread; the page polls and moves on by itself.
    page.wait_for_url(re.compile(r"/imports/pending/[\w-]+(/columns)?$"))
    if not page.url.endswith("/columns"):
        expect(page.locator("progress[data-progress]")).to_be_attached()
        shot(page, request, "reading")
    page.wait_for_url(re.compile(r"/columns$"), timeout=60_000)
    page.click("#columns-submit")
    page.wait_for_url(re.compile(r"/preview$"), timeout=60_000)
    expect(page.locator("[data-count=new]")).to_have_text("12,000")
    expect(page.get_by_text("more new rows, imported as they are")).to_be_visible()
    page.click("#import-submit")
    page.wait_for_url(re.compile(r"/imports/pending/[\w-]+$|/imports/\d+$"))
    if "/pending/" in page.url:
        shot(page, request, "importing")
    page.wait_for_url(re.compile(r"/imports/\d+$"), timeout=120_000)
    expect(page.locator("[data-count=new]")).to_have_text("12,000")
    flows.go(page, "Dashboard")
    expect(flows.balance(page, "Bank")).not_to_have_text("€1,000.00")


def test_import_pages_on_a_phone(phone, live_server, request, tmp_path):
    page, server = phone, live_server
    flows.register(page, server, "carol")
    flows.add_account(page, "Bank", "1000.00")
    page.goto(server("/imports/new"))
    _shots(page, request, "phone-upload")
    page.set_input_files("#file", str(_statement(tmp_path)))
    page.click("#upload-submit")
    page.wait_for_url(re.compile(r"/columns$"))
    _shots(page, request, "phone-columns")
    page.click("#columns-submit")
    page.wait_for_url(re.compile(r"/preview$"))
    _shots(page, request, "phone-preview")
    page.click("#import-submit")
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    _shots(page, request, "phone-result")
    page.goto(server("/imports"))
    _shots(page, request, "phone-list")
    assert PHONE["width"] == page.viewport_size["width"] and ARTIFACTS.exists()
