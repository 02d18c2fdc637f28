"""Two-factor login in Chromium: set it up from the profile (QR code, a code, recovery
codes), then log in with a code; the code page and the QR page on a phone."""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.browser.conftest import shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
WIDE = {"width": 1366, "height": 900}


def code(secret, offset=0):
    return pyotp.TOTP(secret).at(time.time() + offset)


def set_up(page, server, request=None):
    """From the profile to the QR page, through the password prompt; the secret shown."""
    page.goto(server("/profile"))
    page.get_by_role("link", name="Set up two-factor login").click()
    page.wait_for_url(server("/account/two-factor"))
    page.locator("#two-factor-setup").click()
    page.wait_for_url(server("/account/confirm?next=/account/two-factor/setup"))
    page.fill("#reauth_password", PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(server("/account/two-factor/setup"))
    qr = page.locator("#totp-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and abs(box["width"] - box["height"]) < 2  # square, big enough to scan
    if request is not None:
        shot(page, request, "qr")
    return page.locator("#totp-secret").get_attribute("data-secret")


def test_set_up_then_log_in_with_a_code(page, live_server, user, request):
    server = live_server
    page.set_viewport_size(WIDE)
    flows.log_in(page, server, user.username)
    secret = set_up(page, server, request)
    assert page.locator("#totp-secret").inner_text().replace(" ", "") == secret

    page.fill("#code", "000000" if code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Switch on").click()
    expect(page.locator("#two-factor-confirm .error")).to_have_text(
        "That code is not right: enter the six digits your app shows now.")
    page.fill("#code", code(secret))
    page.get_by_role("button", name="Switch on").click()
    expect(page.get_by_role("heading", name="Two-factor login is on")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    shot(page, request, "codes")
    page.get_by_role("link", name="I have saved them").click()
    expect(page.locator("[data-codes-left]")).to_have_text("10")

    flows.log_out(page, server)
    page.goto(server("/login"))
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(server("/login/code"))
    expect(page.locator("#code")).to_be_focused()
    shot(page, request, "code-page")
    page.fill("#code", code(secret, 30))  # this step's code switched it on: the next one
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(server("/dashboard"))
    expect(page.get_by_role("heading", name=f"Hello, {user.username}")).to_be_visible()


def test_the_code_page_and_the_qr_page_on_a_phone(phone, live_server, user, request):
    server = live_server
    flows.log_in(phone, server, user.username)
    secret = set_up(phone, server, request)
    flows.no_horizontal_overflow(phone)
    phone.fill("#code", code(secret))
    phone.get_by_role("button", name="Switch on").click()
    expect(phone.locator(".recovery-codes li")).to_have_count(10)
    flows.no_horizontal_overflow(phone)
    shot(phone, request, "codes")

    phone.context.clear_cookies()
    phone.goto(server("/login"))
    phone.fill("#username", user.username)
    phone.fill("#password", PASSWORD)
    phone.get_by_role("button", name="Log in", exact=True).click()
    phone.wait_for_url(server("/login/code"))
    flows.no_horizontal_overflow(phone)
    shot(phone, request, "code-page")
    phone.fill("#code", "12345")
    phone.get_by_role("button", name="Log in", exact=True).click()
    expect(phone.locator("#two-factor-login .error")).to_be_visible()
    phone.fill("#code", code(secret, 30))
    phone.get_by_role("button", name="Log in", exact=True).click()
    phone.wait_for_url(server("/dashboard"))
