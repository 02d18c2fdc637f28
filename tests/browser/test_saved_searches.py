"""Saved searches in a real browser: save the transactions filter, run it from its
chip, rename and delete it on /searches; on a desktop and a phone, light and dark."""

import re

import pytest
from playwright.sync_api import expect

from spendsense.services.auth import users
from spendsense.services.ledger import accounts, searches
from tests import factories
from tests.browser import flows
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 900}
OVERFLOW = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"


@pytest.fixture
def spending(ledger):
    bank = accounts.create_account(ledger, "Bank", opening_balance="500.00").id
    now = users.local_now(ledger)
    for amount, description in (("-3.20", "Coffee beans"), ("-900.00", "Rent"), ("-2.80", "Coffee to go"),
                                ("2500.00", "Salary")):
        factories.create_transaction(ledger, account_id=bank, amount=amount, description=description,
                                     occurred_at=now.isoformat())


def dark(page):
    page.locator("#theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")


def rows(page):
    return page.locator("li.txn")


def test_save_run_rename_and_delete(page, live_server, user, spending, request):
    page.set_viewport_size(WIDE)
    flows.log_in(page, live_server, user.username)
    flows.go(page, "Transactions")
    expect(page.locator("#save-search")).to_have_count(0)  # no filter yet
    expect(rows(page)).to_have_count(4)

    filters = page.locator("#filters")
    filters.locator("[name=type]").select_option(label="Expenses")
    filters.locator("[name=q]").fill("coffee")
    filters.get_by_role("button", name="Apply").click()
    expect(rows(page)).to_have_count(2)
    save = page.locator("#save-search")
    expect(save).to_be_visible()
    shot(page, request, "filtered-light")
    save.get_by_role("textbox", name="Name of the saved search").fill("Coffee runs")
    save.get_by_role("button", name="Save this search").click()
    flows.flash(page, "Search “Coffee runs” saved.")
    chip = page.get_by_role("navigation", name="Saved searches").get_by_role("link", name="Coffee runs")
    expect(chip).to_have_attribute("aria-current", "true")
    expect(rows(page)).to_have_count(2)
    expect(page.locator("#save-search")).to_have_count(0)
    shot(page, request, "saved-light")

    page.get_by_role("link", name="Reset").click()
    expect(rows(page)).to_have_count(4)
    expect(chip).not_to_have_attribute("aria-current", "true")
    chip.click()
    expect(rows(page)).to_have_count(2)
    expect(page.locator("#filters [name=q]")).to_have_value("coffee")
    dark(page)
    shot(page, request, "saved-dark")

    page.get_by_role("link", name="Manage…").click()
    page.wait_for_url(live_server("/searches"))
    item = page.locator("#searches li").filter(has_text="Coffee runs")
    expect(item.locator(".pill")).to_have_text(["Period: This month", "Type: Expenses", "Search: “coffee”",
                                                "Sort: Newest first"])
    item.locator("summary", has_text="Rename").click()
    item.get_by_role("textbox").fill("Caffeine")
    shot(page, request, "rename-dark")
    item.get_by_role("button", name="Save name").click()
    flows.flash(page, "“Coffee runs” renamed to “Caffeine”.")
    page.locator("#theme-toggle").click()  # back to light for the list
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    shot(page, request, "list-light")

    messages = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.locator("#searches li").filter(has_text="Caffeine").get_by_role("button", name="Delete").click()
    flows.flash(page, "Saved search “Caffeine” deleted.")
    assert messages == ["Delete the saved search “Caffeine”? The transactions stay as they are."]
    expect(page.get_by_text("No saved searches yet.")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0


def test_on_a_phone(phone, live_server, user, ledger, spending, request):
    page = phone
    for title, filters in (("Coffee this month, newest first", {"q": "coffee", "period": "month"}),
                           ("Big spends", {"type": "spent", "sort": "largest", "period": "year"}),
                           ("A rather long name for a saved search that goes on", {"label": "trip"})):
        searches.create_search(ledger, title, filters)
    flows.log_in(page, live_server, user.username)
    page.goto(live_server("/transactions?period=all&q=rent"))
    expect(page.locator(".search-chip")).to_have_count(3)
    expect(page.locator("#save-search")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0
    shot(page, request, "transactions-light")
    dark(page)
    assert page.evaluate(OVERFLOW) <= 0
    shot(page, request, "transactions-dark")

    page.goto(live_server("/searches"))
    first = page.locator("#searches li").first
    first.locator("summary", has_text="Rename").click()
    expect(first.get_by_role("button", name="Save name")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0
    shot(page, request, "list-dark")
    page.locator("#theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    shot(page, request, "list-light")
    expect(page.locator("#searches li").first).to_contain_text(re.compile("A rather long name"))
