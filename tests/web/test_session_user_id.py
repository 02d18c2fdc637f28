"""The session's user id is read with the one id parser: a cookie whose id only looks
like digits ("²" passes str.isdigit, int() refuses it) is a logged-out visitor, not a 500."""

import pytest

from spendsense.web import _load_user


@pytest.mark.parametrize("value", ["²", "١", "+1", "0", "-1", "9" * 5000, str(2**63)])
def test_a_session_id_that_is_not_a_row_id_is_nobody(client, user, value):
    assert _load_user(value) is None
    with client.session_transaction() as session:
        session["_user_id"] = value
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_session_id_of_a_user_is_that_user(user):
    assert _load_user(str(user.id)).id == user.id
