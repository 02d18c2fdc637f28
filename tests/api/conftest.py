"""v1 API fixtures: alice's and bob's API clients, and an anonymous one."""

import pytest

from tests.api.helpers import V1Client


@pytest.fixture
def scheme():
    """The Authorization scheme word; tests marked with helpers.SCHEMES try each."""
    return "Token"


@pytest.fixture
def api(client, token, scheme):
    """alice, calling with her API key."""
    return V1Client(client, {"Authorization": f"{scheme} {token}"})


@pytest.fixture
def bob(client, other_token):
    return V1Client(client, {"Authorization": f"Token {other_token}"})


@pytest.fixture
def anonymous(client):
    return V1Client(client, {})


@pytest.fixture
def main_account(api):
    """alice's account "Main", opened with 100.00."""
    return api.create_account("Main", "100.00")
