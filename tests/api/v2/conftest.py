"""v2 fixtures: alice's and bob's clients sending their keys as X-Developer-Key."""

import pytest

from tests.api.v2.helpers import V2Client


@pytest.fixture
def v2(client, token):
    """alice, calling with her API key."""
    return V2Client(client, {"X-Developer-Key": token})


@pytest.fixture
def v2_bob(client, other_token):
    return V2Client(client, {"X-Developer-Key": other_token})


@pytest.fixture
def v2_anonymous(client):
    return V2Client(client, {})
