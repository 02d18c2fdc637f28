"""Sessions in a real browser: "log out everywhere" on a phone ends the desktop's login
(remembered or not) and keeps the phone's; logging out ends them all; the security log
lists what happened, without sideways scrolling on either screen."""

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.browser.conftest import shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def remembered_log_in(page, server, username):
    page.goto(server("/login"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.check("#remember")
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(server("/dashboard"))


def is_logged_out(page, server):
    page.goto(server("/dashboard"))
    return page.url.startswith(server("/login"))


def test_log_out_everywhere_then_log_out(page, phone, live_server, user, request):
    server = live_server
    page.set_viewport_size({"width": 1366, "height": 900})
    remembered_log_in(page, server, user.username)
    assert {c["name"]: (c["httpOnly"], c["sameSite"]) for c in page.context.cookies()}["remember_token"] == (
        True, "Lax")
    flows.log_in(phone, server, user.username)

    phone.goto(server("/profile"))
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Log out everywhere else").click()
    flows.flash(phone, "You are still logged in here.")
    flows.no_horizontal_overflow(phone)
    shot(phone, request, "phone-profile")
    assert is_logged_out(page, server)  # the remember cookie died too
    assert not is_logged_out(phone, server)

    phone.goto(server("/profile"))
    phone.get_by_role("link", name="security log").click()
    phone.wait_for_url(server("/profile/security"))
    rows = phone.locator("table.security-log tbody tr")
    expect(rows.first).to_have_attribute("data-action", "logout_everywhere")
    expect(rows).to_have_count(3)  # two logins and the logout everywhere
    flows.no_horizontal_overflow(phone)
    shot(phone, request, "phone-security-log")

    remembered_log_in(page, server, user.username)
    flows.log_out(phone, server)
    assert is_logged_out(page, server)
    page.goto(server("/login"))
    flows.log_in(page, server, user.username)
    page.goto(server("/profile/security"))
    flows.no_horizontal_overflow(page)
    expect(page.locator("table.security-log tbody tr").nth(1)).to_have_attribute("data-action", "logout")
    shot(page, request, "desktop-security-log")
