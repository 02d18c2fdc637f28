"""Unit-test fixtures: accounts to book into, and the balance invariant after every test."""

import pytest

from spendsense.services.ledger import accounts


@pytest.fixture
def account(ledger):
    """Alice's EUR current account, opening balance 0."""
    return accounts.create_account(ledger, "Current", currency="EUR").id


@pytest.fixture
def savings(ledger):
    return accounts.create_account(ledger, "Savings", currency="EUR").id


@pytest.fixture
def yen(ledger):
    return accounts.create_account(ledger, "Wallet JPY", type="cash", currency="JPY").id


@pytest.fixture
def dinar(ledger):
    return accounts.create_account(ledger, "Bahrain", currency="BHD").id
