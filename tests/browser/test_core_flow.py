"""The whole everyday flow in a desktop browser, and the core of it on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.browser.conftest import PHONE, shot

pytestmark = pytest.mark.browser


def day_group(page, day):
    return page.locator(f"section.day[data-day='{day}']")


def test_desktop_everyday_flow(page, live_server, request):
    server = live_server
    # Sign up through the form; the live hint says the name is free.
    flows.register(page, server, "alice")
    expect(page.get_by_text("No accounts yet")).to_be_visible()

    flows.add_account(page, "Bank", "1000.00")
    flows.add_account(page, "Wallet", "50.00", type_label="Cash")
    expect(flows.balance(page, "Bank")).to_have_text("€1,000.00")
    expect(flows.balance(page, "Wallet")).to_have_text("€50.00")
    expect(flows.total(page)).to_have_text("€1,050.00")
    flows.go(page, "Transactions")
    expect(page.get_by_text("No transactions match these filters.")).to_be_visible()
    expect(page.locator("section.day")).to_have_count(0)
    flows.go(page, "Dashboard")

    # An expense through the dialog, with the 🛒 chip.
    day = flows.add_expense(page, "12.34", "Bank (EUR)", "Supermarket", description="Weekly shop")
    expect(flows.balance(page, "Bank")).to_have_text("€987.66")
    expect(flows.balance(page, "Wallet")).to_have_text("€50.00")
    expect(flows.total(page)).to_have_text("€1,037.66")
    recent = flows.txn_row(page, "Weekly shop")
    expect(recent.locator(".txn-icon")).to_have_text("🛒")
    expect(recent.locator(".txn-amount")).to_have_text("−€12.34")
    shot(page, request, "expense-added")

    # The transactions page groups it under its day, with the day's sum.
    flows.go(page, "Transactions")
    group = day_group(page, day)
    expect(group.locator("[data-day-spent=EUR]")).to_have_text("−€12.34")
    expect(group.locator("[data-day-earned=EUR]")).to_have_count(0)
    row = flows.txn_row(group, "Weekly shop")
    expect(row.locator(".txn-meta")).to_have_text("Supermarket · Bank")

    # Edit it into the other account.
    row.get_by_role("link", name="Edit").click()
    page.wait_for_url(re.compile(r"/transactions/\d+/edit\b"))
    form = page.locator("#transaction-form")
    expect(form.locator("[name=amount]")).to_have_value("12.34")
    expect(form.locator(".emoji-chip", has_text="Supermarket").locator("input")).to_be_checked()
    form.locator("[name=account_id]").select_option(label="Wallet (EUR)")
    form.get_by_role("button", name="Save").click()
    flows.flash(page, "Transaction saved.")
    expect(page).to_have_url(re.compile(r"/transactions\??$"))
    expect(flows.txn_row(page, "Weekly shop").locator(".txn-meta")).to_have_text("Supermarket · Wallet")
    expect(day_group(page, day).locator("[data-day-spent=EUR]")).to_have_text("−€12.34")

    flows.go(page, "Dashboard")
    expect(flows.balance(page, "Bank")).to_have_text("€1,000.00")
    expect(flows.balance(page, "Wallet")).to_have_text("€37.66")

    # A transfer from the transactions page's dialog: one movement, both balances.
    flows.go(page, "Transactions")
    page.locator("[data-open-entry=transfer]").click()
    transfer = page.locator("#transfer-form")
    expect(transfer).to_be_visible()
    expect(page.locator("#entry-form")).to_be_hidden()
    transfer.locator("[name=from_account_id]").select_option(label="Bank (EUR)")
    transfer.locator("[name=to_account_id]").select_option(label="Wallet (EUR)")
    transfer.locator("[name=amount]").fill("200")
    shot(page, request, "transfer-dialog")
    transfer.locator("#transfer-submit").click()
    flows.flash(page, "Transfer recorded.")
    group = day_group(page, day)
    expect(group.locator("li.txn")).to_have_count(2)
    moved = flows.txn_row(group, "Transfer")
    expect(moved).to_have_count(1)
    expect(moved.locator(".txn-meta")).to_have_text("Bank → Wallet")
    expect(moved.locator(".txn-amount")).to_have_text("€200.00")
    # A transfer is neither spending nor income.
    expect(group.locator("[data-day-spent=EUR]")).to_have_text("−€12.34")
    expect(group.locator("[data-day-earned=EUR]")).to_have_count(0)
    shot(page, request, "transactions")

    flows.go(page, "Dashboard")
    expect(flows.balance(page, "Bank")).to_have_text("€800.00")
    expect(flows.balance(page, "Wallet")).to_have_text("€237.66")
    expect(flows.total(page)).to_have_text("€1,037.66")

    # Delete the expense, after its confirmation page: the balance comes back.
    flows.txn_row(page, "Weekly shop").get_by_role("link", name="Delete").click()
    page.wait_for_url(re.compile(r"/transactions/\d+/delete\b"))
    expect(page.get_by_role("heading", name="Delete this expense?")).to_be_visible()
    page.click("#confirm-delete")
    flows.flash(page, "Transaction deleted.")
    page.wait_for_url(re.compile(r"/dashboard\b"))
    expect(flows.txn_row(page, "Weekly shop")).to_have_count(0)
    expect(flows.balance(page, "Wallet")).to_have_text("€250.00")
    expect(flows.balance(page, "Bank")).to_have_text("€800.00")
    expect(flows.total(page)).to_have_text("€1,050.00")

    # Log out and back in: everything is still there.
    flows.log_out(page, server)
    page.goto(server("/dashboard"))
    page.wait_for_url(re.compile(r"/login\?next="))
    flows.log_in(page, server, "alice")
    expect(flows.balance(page, "Wallet")).to_have_text("€250.00")
    expect(flows.balance(page, "Bank")).to_have_text("€800.00")


def test_phone_core_flow(phone, live_server, request):
    page, server = phone, live_server
    flows.register(page, server, "bob")
    flows.no_horizontal_overflow(page)

    flows.add_account(page, "Current account", "250.00")
    expect(flows.balance(page, "Current account")).to_have_text("€250.00")
    flows.no_horizontal_overflow(page)

    # The dialog fits the screen.
    page.click("#add-expense")
    dialog = page.locator("#entry-dialog")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    expect(dialog.locator("#entry-submit")).to_be_in_viewport()
    flows.no_horizontal_overflow(page)
    shot(page, request, "dialog")
    dialog.locator("[data-close]").click()
    expect(dialog).to_be_hidden()

    flows.add_expense(page, "4.20", "Current account (EUR)", "Restaurants", description="Coffee", tap=True)
    expect(flows.balance(page, "Current account")).to_have_text("€245.80")
    expect(flows.total(page)).to_have_text("€245.80")
    expect(flows.txn_row(page, "Coffee").locator(".txn-amount")).to_have_text("−€4.20")
    flows.no_horizontal_overflow(page)

    for path in ("/transactions", "/reports", "/categories", "/profile", "/link_api/"):
        page.goto(server(path))
        flows.no_horizontal_overflow(page)
        shot(page, request, path.strip("/").replace("/", "-"))
    flows.create_key(page, "Phone")
    expect(page.locator("#new-token-value")).not_to_have_value("")
    flows.no_horizontal_overflow(page)
    shot(page, request, "new-token")
    page.goto(server("/dashboard"))  # the test's final screenshot
