"""With CSRF protection on (as in production), every form POST needs the page's token."""

import pytest

from spendsense.extensions import db
from spendsense.services.auth import tokens
from spendsense.services.ledger import categories
from tests import factories
from tests.conftest import PASSWORD, make_app
from tests.web.helpers import (
    account_count,
    balance,
    csrf_token,
    fresh,
    key_form,
    live_count,
    text,
    user_count,
)


@pytest.fixture
def csrf_app(app, database_url):
    """A second app on the same (already emptied and seeded) database, CSRF on."""
    protected = make_app(database_url, WTF_CSRF_ENABLED=True)
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def browser(csrf_app):
    return csrf_app.test_client()


@pytest.fixture
def alice_browser(browser, user):
    token = csrf_token(text(browser.get("/login")))
    response = browser.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return browser


def assert_rejected(response, reason="The CSRF token is missing."):
    assert response.status_code == 400
    html = text(response)
    assert "Something went wrong" in html
    assert reason in html


def test_login_without_token_is_rejected(browser, user):
    assert_rejected(browser.post("/login", data={"username": "alice", "password": PASSWORD}))
    assert browser.get("/dashboard").status_code == 302


def test_login_with_a_wrong_token_is_rejected(browser, user):
    browser.get("/login")
    assert_rejected(browser.post("/login", data={"username": "alice", "password": PASSWORD,
                                                 "csrf_token": "forged"}),
                    "The CSRF token is invalid.")


def test_token_of_another_session_is_rejected(csrf_app, browser, user):
    stolen = csrf_token(text(csrf_app.test_client().get("/login")))
    browser.get("/login")
    assert_rejected(browser.post("/login", data={"username": "alice", "password": PASSWORD,
                                                 "csrf_token": stolen}),
                    "The CSRF tokens do not match.")


def test_login_with_token_works(alice_browser):
    assert alice_browser.get("/dashboard").status_code == 200


def test_register(browser, app):
    data = {"username": "carol", "email": "carol@example.com", "password": "s3cret-pass-42", "confirm": "s3cret-pass-42"}
    assert_rejected(browser.post("/register", data=data))
    assert user_count() == 0
    token = csrf_token(text(browser.get("/register")))
    assert browser.post("/register", data={**data, "csrf_token": token}).status_code == 302
    assert user_count() == 1


@pytest.fixture
def data(ledger, main, savings, user):
    books = categories.create_category(ledger, "Books", "📚", "spent").id
    txn = factories.create_transaction(ledger, account_id=main, amount="-5").id
    out_leg, _ = factories.create_transfer(ledger, from_account_id=main, to_account_id=savings, amount="7")
    token, _secret = tokens.issue(user.id, "cli")
    return {"account": main, "savings": savings, "category": books, "txn": txn, "transfer": out_leg.id,
            "token": token.id}


def form_for(ids):
    return {
        "name": "Renamed", "type": "bank", "currency": "EUR", "opening_balance": "1", "kind": "spent",
        "amount": "3", "account_id": str(ids["account"]), "from_account_id": str(ids["account"]),
        "to_account_id": str(ids["savings"]), "date": "2024-01-01", "icon": "🎲", "parent_id": "",
        "delete_transactions": "y", "base_currency": "USD", "timezone": "UTC", "week_start": "0",
        "current_password": PASSWORD, "new_password": "another secret", "confirm": "another secret",
    }


POSTS = [
    "/accounts/new", "/accounts/{account}/edit", "/accounts/{account}/archive", "/accounts/{account}/delete",
    "/transactions/new", "/transactions/{txn}/edit", "/transactions/{txn}/delete", "/transfers/new",
    "/transfers/{transfer}/edit", "/categories/new", "/categories/{category}/edit",
    "/categories/{category}/delete", "/profile", "/password", "/link_api/", "/link_api/{token}/revoke", "/logout",
]


def state(ledger, ids):
    from spendsense.models import Account, ApiToken, Category, User

    fresh()
    main = db.session.get(Account, ids["account"])
    alice = db.session.scalars(db.select(User).where(User.username == "alice")).one()
    return (account_count(ledger), live_count(ledger), main.name, main.archived, balance(ids["account"]),
            db.session.get(Category, ids["category"]).name, alice.base_currency, alice.password_hash,
            db.session.get(ApiToken, ids["token"]).revoked_at,
            db.session.scalar(db.select(db.func.count()).select_from(ApiToken)))


@pytest.mark.parametrize("path", POSTS)
def test_every_form_post_without_token_is_rejected(alice_browser, ledger, data, path):
    before = state(ledger, data)
    assert_rejected(alice_browser.post(path.format(**data), data=form_for(data)))
    assert state(ledger, data) == before
    assert alice_browser.get("/dashboard").status_code == 200  # still logged in


@pytest.mark.parametrize("path", POSTS)
def test_every_form_post_with_a_forged_token_is_rejected(alice_browser, ledger, data, path):
    before = state(ledger, data)
    response = alice_browser.post(path.format(**data), data={**form_for(data), "csrf_token": "x" + "y" * 80})
    assert_rejected(response, "The CSRF token is invalid.")
    assert state(ledger, data) == before


def test_forms_with_the_pages_token_work(alice_browser, ledger, data):
    html = text(alice_browser.get("/dashboard"))
    token = csrf_token(html.split('id="entry-form"')[1])
    response = alice_browser.post("/transactions/new", data={
        "kind": "spent", "amount": "1.25", "account_id": str(data["account"]), "date": "2024-01-01",
        "csrf_token": token})
    assert response.status_code == 302
    assert balance(data["account"]) == 10000 - 500 - 700 - 125

    page = text(alice_browser.get(f"/transactions/{data['txn']}/delete"))
    assert alice_browser.post(f"/transactions/{data['txn']}/delete",
                              data={"csrf_token": csrf_token(page)}).status_code == 302
    assert balance(data["account"]) == 10000 - 700 - 125

    page = text(alice_browser.get(f"/accounts/{data['account']}/edit"))
    assert alice_browser.post(f"/accounts/{data['account']}/edit", data={
        **form_for(data), "opening_balance": "100", "csrf_token": csrf_token(page)}).status_code == 302

    page = text(alice_browser.get("/link_api/"))
    # Revoking and issuing keys ask for the password again (web/account.py), in the
    # same POST's form; once given, it holds for a few minutes.
    assert alice_browser.post(f"/link_api/{data['token']}/revoke",
                              data={"csrf_token": csrf_token(page)}).status_code == 200
    assert alice_browser.post(f"/link_api/{data['token']}/revoke",
                              data={"csrf_token": csrf_token(page), "reauth_password": PASSWORD}).status_code == 302
    assert 'id="new-token-value"' in text(alice_browser.post("/link_api/", data={
        **key_form(alice_browser, "phone"), "csrf_token": csrf_token(page)}, follow_redirects=True))
    assert state(ledger, data)[2] == "Renamed"
    assert state(ledger, data)[8] is not None  # revoked

    page = text(alice_browser.get("/dashboard"))
    assert alice_browser.post("/logout", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert alice_browser.get("/dashboard").status_code == 302


def test_every_rendered_post_form_carries_a_token(alice_browser, data):
    import re

    pages = ["/dashboard", "/transactions?period=all", "/transactions/new", f"/transactions/{data['txn']}/edit",
             f"/transactions/{data['txn']}/delete", "/transfers/new", f"/transfers/{data['transfer']}/edit",
             "/categories/new", f"/categories/{data['category']}/edit", f"/categories/{data['category']}/delete",
             "/accounts/new", f"/accounts/{data['account']}/edit", f"/accounts/{data['account']}/delete",
             "/profile", "/password", "/link_api/"]
    for path in pages:
        html = text(alice_browser.get(path))
        forms = re.findall(r'<form method="post".*?</form>', html, re.S)
        assert forms, path
        for form in forms:
            assert 'name="csrf_token"' in form, (path, form[:200])


def test_the_api_needs_no_csrf_token(browser, data, user):
    _row, secret = tokens.issue(user.id, "script")
    response = browser.post("/api/v1/accounts/create/", data={"account": "Via API", "amount": "1"},
                            headers={"Authorization": f"Token {secret}"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/api/projects", "/api/expense/", "/api/v1/token/"])
def test_no_api_dialect_asks_for_a_csrf_token(browser, app, path):
    """Every blueprint under "api" is exempt, not just the parent: Flask-WTF checks the
    request's own (nested) blueprint."""
    response = browser.post(path, data={"name": "x"})
    assert "CSRF" not in response.get_data(as_text=True)
    assert response.status_code != 400 or response.is_json
