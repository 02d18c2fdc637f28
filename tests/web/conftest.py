"""Web UI fixtures: a logged-in browser session for alice (and bob), and data helpers."""

import pytest

from spendsense.services.ledger import accounts
from tests.conftest import PASSWORD
from tests.web.helpers import login


@pytest.fixture
def logged_in(client, user):
    """The test client with alice logged in through the /login form."""
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def bob_client(app, other_user):
    """A second browser, with bob logged in."""
    browser = app.test_client()
    response = login(browser, "bob", PASSWORD)
    assert response.status_code == 302
    return browser


@pytest.fixture
def bob_ledger(other_user):
    from spendsense.services.scope import ledger_for

    return ledger_for(other_user)


@pytest.fixture
def main(ledger):
    """alice's EUR account "Main", opened with 100.00."""
    return accounts.create_account(ledger, "Main", currency="EUR", opening_balance="100.00").id


@pytest.fixture
def savings(ledger):
    """alice's EUR account "Savings", opened with 0."""
    return accounts.create_account(ledger, "Savings", currency="EUR").id
