"""The category rules page in a real browser: add rules, reorder them, apply one now,
on a desktop and a phone, light and dark."""

import pytest
from playwright.sync_api import expect

from spendsense.services.ledger import accounts
from tests import factories
from tests.browser import flows
from tests.browser.conftest import shot
from tests.web.helpers import system_category

pytestmark = pytest.mark.browser

PAYEES = ("COUNTDOWN PONSONBY", "Countdown Newmarket", "Cafe Rio", "Countdown refund")


@pytest.fixture
def history(ledger):
    account = accounts.create_account(ledger, "Main", currency="EUR").id
    for payee in PAYEES:
        factories.create_transaction(ledger, account_id=account, amount="4" if "refund" in payee else "-12.30",
                                     payee=payee)


def add_rule(page, pattern, category, match="contains", apply_now=False):
    form = page.locator("#new-rule")
    form.locator("#match").select_option(match)
    form.locator("#pattern").fill(pattern)
    form.locator("#category_id").select_option(label=category)
    if apply_now:
        form.locator("#apply_now").check()
    form.get_by_role("button", name="Add rule").click()
    flows.flash(page, f"“{pattern}”")


def rule_texts(page):
    return page.locator(".rule .rule-pattern").all_inner_texts()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_rules_on_a_desktop(page, live_server, user, history, request, theme):
    page.set_viewport_size({"width": 1366, "height": 900})
    flows.log_in(page, live_server, user.username)
    if theme == "dark":
        page.locator("#theme-toggle").click()
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    flows.go(page, "Categories")
    page.click("#category-rules")
    expect(page.get_by_role("heading", name="Category rules")).to_be_visible()
    shot(page, request, "empty")
    add_rule(page, "Cafe", "🍽️ Restaurants", match="starts_with")
    add_rule(page, "countdown", "🛒 Supermarket")
    assert rule_texts(page) == ["“Cafe”", "“countdown”"]
    page.get_by_role("button", name="Move up: “countdown”").click()
    expect(page.locator(".rule .rule-pattern").first).to_have_text("“countdown”")
    shot(page, request, "list")
    page.locator(".rule", has_text="countdown").get_by_role("link", name="Apply now…").click()
    expect(page.locator('[data-count="uncategorised"]')).to_have_text("2 to file")
    shot(page, request, "apply")
    page.click("#confirm-apply")
    flows.flash(page, "Filed 2 transactions under 🛒 Supermarket. 1 money-in transaction matched but was left alone")
    shot(page, request, "applied")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_rules_on_a_phone(phone, live_server, user, ledger, history, request, theme):
    page = phone
    flows.log_in(page, live_server, user.username)
    if theme == "dark":
        page.locator("#theme-toggle").click()
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.goto(live_server("/categories/rules"))
    add_rule(page, "A very long payee pattern from a bank statement line", "🛒 Supermarket", apply_now=True)
    add_rule(page, "Cafe", "🍽️ Restaurants", match="starts_with", apply_now=True)
    flows.flash(page, "Filed 1 transaction under 🍽️ Restaurants.")
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, request, "list")
    page.locator(".rule", has_text="Cafe").get_by_role("link", name="Delete").click()
    shot(page, request, "delete")
    page.click("#confirm-delete")
    flows.flash(page, "Rule for “Cafe” deleted.")
    assert rule_texts(page) == ["“A very long payee pattern from a bank statement line”"]
    assert system_category("supermarket").id
