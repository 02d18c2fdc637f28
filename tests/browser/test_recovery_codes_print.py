"""The recovery codes page in Chromium: Print shows only the title, the account, the
date and the codes; Download as text saves the page's codes as a .txt file."""

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.browser.conftest import shot
from tests.browser.test_two_factor import WIDE, code, set_up

pytestmark = pytest.mark.browser


def test_print_and_download_the_recovery_codes(page, live_server, user, request):
    server = live_server
    page.set_viewport_size(WIDE)
    flows.log_in(page, server, user.username)
    secret = set_up(page, server)
    page.fill("#code", code(secret))
    page.get_by_role("button", name="Switch on").click()
    codes = page.locator(".recovery-codes li")
    expect(codes).to_have_count(10)
    shown = codes.all_inner_texts()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download as text").click()
    saved = download.value
    assert saved.suggested_filename == f"spendsense-recovery-codes-{user.username}.txt"
    lines = saved.path().read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith(f"SpendSense recovery codes for {user.username} (")
    assert lines[3:13] == shown

    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".topbar", ".footer", "#recovery-codes .actions", "#recovery-codes .recovery-intro"):
        expect(page.locator(hidden)).to_be_hidden()
    for kept in ("#recovery-codes h1", "#recovery-account", "#recovery-made", ".recovery-codes"):
        expect(page.locator(kept)).to_be_visible()
    expect(page.locator("#recovery-account")).to_have_text(user.username)
    shot(page, request, "print")
