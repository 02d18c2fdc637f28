"""The session's identity ("id:version:started:seen:remember") is read with the one id
parser: a cookie whose parts only look like digits ("²" passes str.isdigit, int()
refuses it) is a logged-out visitor, not a 500; and a bare id, as sessions held before
session versions, is nobody either (those browsers log in again)."""

import pytest

from spendsense.services.auth import sessions
from spendsense.web import _load_user


def identity(user, **changes):
    return str(sessions.Identity(**{**vars(sessions.begin(user, remember=False)), **changes}))


@pytest.mark.parametrize("value", ["²", "١", "+1", "0", "-1", "9" * 5000, str(2**63), "1", "1:1", "1:1:1:1",
                                   "1:1:1:1:2", "1:1:1:1:1:1", "²:1:1:1:0", "1:²:1:1:0", "1:1:1:١:0",
                                   "1:1:" + "9" * 13 + ":1:0", "1:-1:1:1:0", ":::: "])
def test_a_session_id_that_is_not_an_identity_is_nobody(client, user, value):
    assert _load_user(value) is None
    with client.session_transaction() as session:
        session["_user_id"] = value
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_identity_of_a_user_is_that_user(user):
    assert _load_user(identity(user)).id == user.id


def test_a_bare_id_is_nobody(client, user):
    assert _load_user(str(user.id)) is None


def test_another_version_or_user_is_nobody(user, other_user):
    assert _load_user(identity(user, version=user.session_version + 1)) is None
    assert _load_user(identity(user, version=0)) is None
    assert _load_user(identity(user, user_id=424242)) is None
    assert _load_user(identity(other_user)).id == other_user.id
