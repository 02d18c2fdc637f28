"""Every page renders for a logged-in user, and sends a logged-out visitor to log in."""

from urllib.parse import parse_qs, urlsplit

import pytest

from spendsense.services.ledger import categories
from tests import factories
from tests.web.helpers import text

# (name, path template); {account}, {txn}, {transfer}, {category} are alice's ids.
PAGES = [
    ("dashboard", "/dashboard"),
    ("transactions", "/transactions"),
    ("transactions all", "/transactions?period=all"),
    ("new transaction", "/transactions/new"),
    ("new income", "/transactions/new?kind=earn"),
    ("edit transaction", "/transactions/{txn}/edit"),
    ("delete transaction", "/transactions/{txn}/delete"),
    ("new transfer", "/transfers/new"),
    ("edit transfer", "/transfers/{transfer}/edit"),
    ("categories", "/categories"),
    ("new category", "/categories/new"),
    ("edit category", "/categories/{category}/edit"),
    ("delete category", "/categories/{category}/delete"),
    ("new account", "/accounts/new"),
    ("edit account", "/accounts/{account}/edit"),
    ("delete account", "/accounts/{account}/delete"),
    ("profile", "/profile"),
    ("password", "/password"),
    ("tokens", "/link_api/"),
    ("reports", "/reports"),
]
TITLES = {
    "dashboard": "Dashboard", "transactions": "Transactions", "transactions all": "Transactions",
    "new transaction": "Add a transaction", "new income": "Add a transaction",
    "edit transaction": "Edit transaction", "delete transaction": "Delete transaction",
    "new transfer": "Transfer money", "edit transfer": "Edit transfer", "categories": "Categories",
    "new category": "New category", "edit category": "Edit category", "delete category": "Delete Books",
    "new account": "Add an account", "edit account": "Edit account", "delete account": "Delete Main",
    "profile": "Profile", "password": "Change password", "tokens": "API tokens", "reports": "Reports",
}


@pytest.fixture
def ids(ledger, main, savings):
    books = categories.create_category(ledger, "Books", "📚", "spent")
    txn = factories.create_transaction(ledger, account_id=main, amount="-12.50", category_id=books.id,
                                          description="Novel")
    out_leg, _in_leg = factories.create_transfer(ledger, from_account_id=main, to_account_id=savings,
                                                    amount="20.00")
    return {"account": main, "txn": txn.id, "transfer": out_leg.id, "category": books.id}


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_page_renders_for_logged_in_user(logged_in, ids, name, path):
    response = logged_in.get(path.format(**ids))
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = text(response)
    assert f"<title>{TITLES[name]} · SpendSense</title>" in html
    assert "Log out <span class=\"muted\">(alice)</span>" in html


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_page_redirects_to_login_when_logged_out(client, ids, name, path):
    url = path.format(**ids)
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [url]


def test_login_redirect_flashes_a_message(client, user):
    response = client.get("/reports", follow_redirects=True)
    assert response.request.path == "/login"
    assert "Please log in to see this page." in text(response)


@pytest.mark.parametrize("path", ["/accounts/1/archive", "/link_api/1/revoke", "/logout"])
def test_post_only_routes_refuse_get(logged_in, path):
    response = logged_in.get(path)
    assert response.status_code == 405
    assert "Something went wrong" in text(response)


def test_landing_page_for_visitors_and_redirect_for_users(client, user):
    response = client.get("/")
    assert response.status_code == 200
    html = text(response)
    assert "Know where your money goes." in html
    assert 'href="/register"' in html and 'href="/login"' in html

    from tests.conftest import PASSWORD
    from tests.web.helpers import login

    login(client, "alice", PASSWORD)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_flash_messages_show_on_the_next_page(logged_in, main):
    response = logged_in.post(f"/accounts/{main}/archive", follow_redirects=True)
    html = text(response)
    assert '<div class="flash flash-success">Account “Main” archived.</div>' in html
    # shown once
    assert "flash-success" not in text(logged_in.get("/dashboard"))


def test_theme_cookie_is_rendered_into_the_page(logged_in):
    logged_in.set_cookie("theme", "dark")
    assert '<html lang="en" data-theme="dark">' in text(logged_in.get("/dashboard"))
    logged_in.set_cookie("theme", "<script>")
    assert '<html lang="en">' in text(logged_in.get("/dashboard"))


@pytest.mark.parametrize(("path", "title"), [("/login", "Log in"), ("/register", "Create an account")])
def test_public_pages_render_for_visitors(client, app, path, title):
    response = client.get(path)
    assert response.status_code == 200
    html = text(response)
    assert f"<title>{title} · SpendSense</title>" in html
    assert 'name="username"' in html and 'name="password"' in html
    assert 'href="/login">Log in</a>' in html
