"""Steps the browser tests share: each one acts like a user and waits for the result.

A form submission waits for the flash message of the page it lands on, a link for
its URL, so the next step never reads the page it is leaving. No fixed sleeps.
"""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD

MENU = {"Dashboard": "/dashboard", "Transactions": "/transactions", "Categories": "/categories",
        "Reports": "/reports", "Profile": "/profile", "API": "/link_api/"}


def go(page, name):
    """Follow a link of the main menu and wait for its page."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(re.compile(re.escape(MENU[name]) + r"(\?|$)"))


def flash(page, text):
    expect(page.locator(".flash").filter(has_text=text)).to_be_visible()


def register(page, server, username, password=PASSWORD):
    page.goto(server("/register"))
    page.fill("#username", username)
    hint = page.locator("#username-hint")
    expect(hint).to_have_text("This username is available.")
    expect(hint).to_have_class(re.compile(r"\bok\b"))
    page.fill("#email", f"{username}@example.com")
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(server("/dashboard"))
    flash(page, f"Welcome to SpendSense, {username}!")


def log_in(page, server, username, password=PASSWORD):
    page.goto(server("/login"))
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(server("/dashboard"))
    expect(page.get_by_role("heading", name=f"Hello, {username}")).to_be_visible()


def log_out(page, server):
    page.click("#logout")
    page.wait_for_url(server("/login"))
    flash(page, "You have been logged out.")


def add_account(page, name, opening_balance, type_label=None):
    """From the dashboard, through the "Add account" dialog."""
    page.click("#add-account")
    dialog = page.locator("#account-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("[name=name]").fill(name)
    if type_label:
        dialog.locator("[name=type]").select_option(label=type_label)
    dialog.locator("[name=opening_balance]").fill(opening_balance)
    dialog.get_by_role("button", name="Add account").click()
    flash(page, f"Account “{name}” added.")
    expect(balance(page, name)).to_be_visible()


def tile(page, account_name):
    return page.locator(".tile").filter(has=page.locator(".tile-name", has_text=re.compile(f"^{re.escape(account_name)}$")))


def balance(page, account_name):
    return tile(page, account_name).locator("[data-balance]")


def total(page, currency="EUR"):
    return page.locator(f"[data-total={currency}]")


def add_expense(page, amount, account_label, category, description=None, tap=False):
    """Through the quick-add dialog: amount, account, an emoji chip (tapped on a touch
    screen). Returns the date used."""
    page.locator("[data-open-entry=spent]").first.click()
    dialog = page.locator("#entry-dialog")
    expect(dialog).to_be_visible()
    form = dialog.locator("#entry-form")
    expect(form.locator("input[name=kind][value=spent]")).to_be_checked()
    expect(form.locator("[name=amount]")).to_be_focused()
    form.locator("[name=amount]").fill(amount)
    form.locator("[name=account_id]").select_option(label=account_label)
    # Only expense categories are offered for an expense.
    expect(form.locator(".emoji-chip[data-kind=earn]").first).to_be_hidden()
    chip = form.locator(".emoji-chip[data-kind=spent]").filter(has_text=category)
    chip.tap() if tap else chip.click()
    expect(chip.locator("input")).to_be_checked()
    if description:
        form.locator("[name=description]").fill(description)
    day = form.locator("[name=date]").input_value()
    form.locator("#entry-submit").click()
    flash(page, "Expense added.")
    return day


def txn_row(page, text):
    return page.locator("li.txn").filter(has_text=text)


OVERFLOW = """(width) => {
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
      if (getComputedStyle(up).overflowX !== "visible") return true;
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !clipped(el) && el.getClientRects().length)
      wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : ""));
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide: wide.slice(0, 8)};
}"""


def no_horizontal_overflow(page):
    """Nothing makes the page wider than the screen. (On a phone Chrome zooms out to fit
    wide content, which widens innerWidth too: compare with the viewport's own width.)"""
    width = page.viewport_size["width"]
    found = page.evaluate(OVERFLOW, width)
    assert found["inner"] <= width and found["scroll"] <= width, (
        f"{page.url} scrolls sideways: scrollWidth {found['scroll']}, innerWidth {found['inner']}, "
        f"viewport {width}; too wide: {found['wide']}")


def create_key(page, name):
    """Make an API key on the open /link_api/ page: the password is asked again first
    (web/profile.py), then the answer shows the key."""
    page.fill("#token-form [name=name]", name)
    page.get_by_role("button", name="Create token").click()
    page.fill("#reauth_password", PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#new-token-value")).not_to_have_value("")
