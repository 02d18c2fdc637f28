"""A shared project in a real browser: create it, add people, add bills (one typed as a
calculation), read the balances, settle up and register the settlements."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.browser.flows import flash

pytestmark = pytest.mark.browser


def balance_of(page, name):
    return page.locator(f'#balances li[data-member="{name}"] [data-balance]')


def add_member(page, name, weight=None):
    form = page.locator("#member-form")
    form.locator("[name=name]").fill(name)
    if weight:
        form.locator("[name=weight]").fill(weight)
    form.get_by_role("button", name="Add").click()
    flash(page, f"{name} has been added.")


def add_bill(page, what, amount, payer, owers=None):
    page.click("#add-bill")
    form = page.locator("#bill-form")
    form.locator("[name=what]").fill(what)
    form.locator("[name=amount]").fill(amount)
    form.locator("[name=payer]").select_option(label=payer)
    if owers is not None:
        for box in form.locator("#payed-for input[type=checkbox]").all():
            label = box.locator("xpath=..").inner_text().strip()
            box.set_checked(label in owers)
    form.get_by_role("button", name="Add the bill").click()
    flash(page, f"Bill “{what}” added.")


def test_create_project_add_bills_settle_and_register(live_server, page, request):
    server = live_server
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(server("/projects/new"))
    page.fill("#name", "Summer Trip")
    page.fill("#password", "trip-code")
    page.fill("#contact_email", "trip@example.com")
    page.select_option("#default_currency", "EUR")
    page.get_by_role("button", name="Create the project").click()
    page.wait_for_url(server("/projects/summer-trip/members"))
    flash(page, "Project “Summer Trip” created.")

    add_member(page, "Ann")
    add_member(page, "Ben", weight="2")
    add_member(page, "Cid")
    expect(page.locator("#members tbody tr")).to_have_count(3)

    add_bill(page, "Groceries", "40+20", payer="Ann")  # 60 split 15 / 30 / 15
    add_bill(page, "Museum", "9", payer="Cid", owers=["Ann", "Cid"])
    expect(page.locator("#bills tbody tr")).to_have_count(2)
    expect(page.locator('#bills tr:has-text("Groceries") [data-amount]')).to_have_text("€60.00")
    expect(balance_of(page, "Ann")).to_have_text("€40.50")
    expect(balance_of(page, "Ben")).to_have_text("-€30.00")
    expect(balance_of(page, "Cid")).to_have_text("-€10.50")
    shot(page, request, "bills")

    page.get_by_role("link", name="Settle up").click()
    page.wait_for_url(server("/projects/summer-trip/settle"))
    rows = page.locator("#settle-plan tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator('tr[data-transfer="Ben→Ann"] [data-amount]')).to_have_text("€30.00")
    expect(page.locator('tr[data-transfer="Cid→Ann"] [data-amount]')).to_have_text("€10.50")
    shot(page, request, "plan")

    page.locator('tr[data-transfer="Ben→Ann"]').get_by_role("button", name="Register settlement").click()
    flash(page, "Settlement registered: Ben paid Ann.")
    expect(rows).to_have_count(1)
    expect(balance_of(page, "Ben")).to_have_text("€0.00")

    page.click("#register-all")
    flash(page, "1 settlement(s) registered: everybody is even.")
    expect(page.locator("#all-settled")).to_be_visible()
    for name in ("Ann", "Ben", "Cid"):
        expect(balance_of(page, name)).to_have_text("€0.00")

    page.get_by_role("link", name="Bills", exact=True).click()
    expect(page.locator("#bills tbody tr")).to_have_count(4)
    expect(page.locator("#bills tbody tr").filter(has_text="Settlement")).to_have_count(2)
