"""API tokens: created on /link_api/, shown once, accepted by the API, then revoked."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows

pytestmark = pytest.mark.browser


def check_token(page, server, secret):
    """GET /api/v1/token/check/ with the token (the browser's own cookies go along too)."""
    return page.request.get(server("/api/v1/token/check/"), headers={"Authorization": f"Token {secret}"})


def test_create_use_and_revoke_a_token(page, live_server, user):
    server = live_server
    flows.log_in(page, server, user.username)
    flows.go(page, "API")
    expect(page.get_by_text("No tokens yet.")).to_be_visible()

    flows.create_key(page, "Laptop CLI")
    shown = page.locator("#new-token")
    expect(shown).to_be_visible()
    secret = page.locator("#new-token-value").input_value()
    assert len(secret) >= 20 and secret.strip() == secret
    row = page.locator("tr[data-token-id]").filter(has_text="Laptop CLI")
    expect(row).to_have_count(1)
    expect(row.locator(".mono")).to_have_text(re.compile(r"^\S+…$"))
    assert secret.startswith(row.locator(".mono").inner_text().rstrip("…"))
    expect(row).to_contain_text("Never")

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    copy = shown.get_by_role("button", name="Copy")
    expect(copy).to_be_visible()
    copy.click()
    expect(shown.get_by_role("button", name="Copied ✓")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret

    response = check_token(page, server, secret)
    assert response.status == 200, response.text()
    assert response.json() == {"status": "valid", "user": user.username}

    # Shown once: a new visit shows the token in the list, not its secret.
    page.goto(server("/link_api/"))
    expect(page.locator("#new-token")).to_have_count(0)
    assert secret not in page.content()
    expect(row).to_be_visible()
    expect(row).not_to_contain_text("Never")  # its use was recorded

    messages = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    row.get_by_role("button", name="Revoke").click()
    # Revoking asks for the password again (web/account.py), but the one given for the
    # new key a moment ago still holds (REAUTH_SECONDS): it goes straight on.
    flows.flash(page, "Token “Laptop CLI” revoked.")
    assert messages == ["Revoke “Laptop CLI”? Programs using it will stop working."]
    expect(row).to_have_count(0)
    expect(page.get_by_text("No tokens yet.")).to_be_visible()

    response = check_token(page, server, secret)
    assert response.status == 401
    assert response.json() == {"detail": "Invalid token."}

    # CSRF protection is on: a POST without the form's token creates nothing.
    forged = page.request.post(server("/link_api/"), form={"name": "Forged"}, max_redirects=0)
    assert forged.status == 400
    page.reload()
    expect(page.locator("tr[data-token-id]")).to_have_count(0)


def test_dismissing_the_revoke_confirmation_keeps_the_token(page, live_server, user, token):
    flows.log_in(page, live_server, user.username)
    page.goto(live_server("/link_api/"))
    row = page.locator("tr[data-token-id]")
    expect(row).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Revoke").click()
    # Nothing was posted: the same page, no message, the token still works.
    expect(page.locator(".flash")).to_have_count(0)
    expect(row).to_have_count(1)
    assert check_token(page, live_server, token).status == 200
