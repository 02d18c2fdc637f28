import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Ledger, LedgerMember, User
from spendsense.services.auth import users
from spendsense.services.errors import AuthenticationFailed, Invalid, NotFound
from tests.conftest import PASSWORD


def test_register_creates_user_and_personal_ledger(app):
    user = users.register("Alice", "Alice@Example.COM", PASSWORD)
    db.session.rollback()
    stored = db.session.get(User, user.id)
    assert stored.username == "Alice"
    assert stored.email == "alice@example.com"
    assert stored.base_currency == "EUR"
    assert stored.timezone == "UTC"
    assert stored.week_start == 0
    assert stored.locale == "en_GB"
    assert stored.password_hash != PASSWORD
    assert PASSWORD not in stored.password_hash
    memberships = db.session.scalars(select(LedgerMember).where(LedgerMember.user_id == user.id)).all()
    assert [(m.role, m.is_personal) for m in memberships] == [("owner", True)]
    ledger = db.session.get(Ledger, memberships[0].ledger_id)
    assert ledger.owner_id == user.id
    assert ledger.name == "Alice's ledger"


def test_register_with_currency_and_timezone(app):
    user = users.register("kenji", "kenji@example.com", PASSWORD, base_currency=" jpy ",
                          timezone="Asia/Tokyo")
    assert (user.base_currency, user.timezone) == ("JPY", "Asia/Tokyo")


@pytest.mark.parametrize("username, email, password, currency, timezone, errors", [
    ("", "new@example.com", PASSWORD, None, None, {"username": "Username is required."}),
    ("   ", "new@example.com", PASSWORD, None, None, {"username": "Username is required."}),
    (None, "new@example.com", PASSWORD, None, None, {"username": "Username is required."}),
    ("new user", "new@example.com", PASSWORD, None, None,
     {"username": "Username may contain only letters, digits and @ . + - _"}),
    ("new/user", "new@example.com", PASSWORD, None, None,
     {"username": "Username may contain only letters, digits and @ . + - _"}),
    ("new<script>", "new@example.com", PASSWORD, None, None,
     {"username": "Username may contain only letters, digits and @ . + - _"}),
    ("new\x00user", "new@example.com", PASSWORD, None, None,
     {"username": "Username must not contain control characters."}),
    ("x" * 151, "new@example.com", PASSWORD, None, None,
     {"username": "Username must be at most 150 characters."}),
    ("alice", "new@example.com", PASSWORD, None, None, {"username": "This username is already taken."}),
    ("ALICE", "new@example.com", PASSWORD, None, None, {"username": "This username is already taken."}),
    (" Alice ", "new@example.com", PASSWORD, None, None, {"username": "This username is already taken."}),
    ("newuser", "", PASSWORD, None, None, {"email": "Email is required."}),
    ("newuser", "not-an-email", PASSWORD, None, None, {"email": "Enter a valid email address."}),
    ("newuser", "a@b", PASSWORD, None, None, {"email": "Enter a valid email address."}),
    ("newuser", "two@@example.com", PASSWORD, None, None, {"email": "Enter a valid email address."}),
    ("newuser", "alice@example.com", PASSWORD, None, None,
     {"email": "An account with this email already exists."}),
    ("newuser", "ALICE@EXAMPLE.COM", PASSWORD, None, None,
     {"email": "An account with this email already exists."}),
    ("newuser", "new@example.com", "", None, None, {"password": "Password is required."}),
    ("newuser", "new@example.com", None, None, None, {"password": "Password is required."}),
    ("newuser", "new@example.com", "short", None, None,
     {"password": "Password must be at least 12 characters."}),
    ("newuser", "new@example.com", "elevenchars", None, None,
     {"password": "Password must be at least 12 characters."}),
    ("newuser", "new@example.com", "123456789012", None, None,
     {"password": "Password must not be only digits."}),
    ("newuser1newuser1", "new@example.com", "NEWUSER1newuser1", None, None,
     {"password": "Password must differ from the username."}),
    ("newuser", "new@example.com", "Password1234", None, None,
     {"password": "This password is one of the most common ones; choose one that is harder to guess."}),
    ("newuser", "new@example.com", "x" * 1025, None, None,
     {"password": "Password must be at most 1024 characters."}),
    ("newuser", "new@example.com", PASSWORD, "XYZ", None,
     {"base_currency": "Unknown currency code. Use a three-letter ISO 4217 code like EUR."}),
    ("newuser", "new@example.com", PASSWORD, "EURO", None,
     {"base_currency": "Unknown currency code. Use a three-letter ISO 4217 code like EUR."}),
    ("newuser", "new@example.com", PASSWORD, None, "Mars/Olympus",
     {"timezone": "Unknown time zone; use a name like Europe/Kyiv."}),
    ("newuser", "new@example.com", PASSWORD, None, "europe/paris",
     {"timezone": "Unknown time zone; use a name like Europe/Kyiv."}),
])
def test_register_validation(user, username, email, password, currency, timezone, errors):
    with pytest.raises(Invalid) as caught:
        users.register(username, email, password, base_currency=currency, timezone=timezone)
    assert caught.value.errors == errors
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_register_reports_every_bad_field_at_once(app):
    with pytest.raises(Invalid) as caught:
        users.register("bad name", "bad", "123", base_currency="ABC", timezone="Nowhere")
    assert set(caught.value.errors) == {"username", "email", "password", "base_currency", "timezone"}


@pytest.mark.parametrize("username", ["a", "bob.smith", "bob+work@home", "under_score", "dash-ed", "Émilie",
                                      "x" * 150])
def test_register_accepts_usernames(app, username):
    assert users.register(username, "someone@example.com", PASSWORD).username == username


def test_usernames_with_non_ascii_letters_are_unique_and_can_log_in(app):
    user = users.register("Émilie", "emilie@example.com", PASSWORD)
    with pytest.raises(Invalid) as caught:
        users.register("ÉMILIE", "other@example.com", PASSWORD)
    assert caught.value.errors == {"username": "This username is already taken."}
    assert users.authenticate("Émilie", PASSWORD).id == user.id
    assert users.authenticate("ÉMILIE", PASSWORD).id == user.id


@pytest.mark.parametrize("login", ["alice", "ALICE", "Alice", " alice ", "alice@example.com", "ALICE@Example.com"])
def test_authenticate_by_username_or_email(user, login):
    assert users.authenticate(login, PASSWORD).id == user.id


@pytest.mark.parametrize("login, password", [
    ("alice", "wrong password"),
    ("alice", PASSWORD.upper()),
    ("alice", ""),
    ("alice", None),
    ("alice", "x" * 5000),
    ("nobody", PASSWORD),
    ("nobody@example.com", PASSWORD),
    ("", PASSWORD),
    (None, PASSWORD),
    ("x" * 300, PASSWORD),
])
def test_authenticate_fails_the_same_way(user, login, password):
    with pytest.raises(AuthenticationFailed) as caught:
        users.authenticate(login, password)
    assert caught.value.message == "Unable to log in with provided credentials."


def test_change_password(user):
    users.change_password(user.id, PASSWORD, "a new long secret")
    assert users.authenticate("alice", "a new long secret").id == user.id
    with pytest.raises(AuthenticationFailed):
        users.authenticate("alice", PASSWORD)


@pytest.mark.parametrize("current, new, errors", [
    ("wrong password", "a new long secret", {"current_password": "Current password is incorrect."}),
    (None, "a new long secret", {"current_password": "Current password is incorrect."}),
    (PASSWORD, "short", {"password": "Password must be at least 12 characters."}),
    (PASSWORD, "ALICE", {"password": "Password must be at least 12 characters."}),
    (PASSWORD, "999999999999", {"password": "Password must not be only digits."}),
    (PASSWORD, "qwertyuiop12", {"password": "This password is one of the most common ones; choose one that is harder to guess."}),
])
def test_change_password_refused(user, current, new, errors):
    with pytest.raises(Invalid) as caught:
        users.change_password(user.id, current, new)
    assert caught.value.errors == errors
    assert users.authenticate("alice", PASSWORD).id == user.id


def test_change_password_of_unknown_user(app):
    with pytest.raises(NotFound):
        users.change_password(424242, PASSWORD, "a new long secret")


def test_update_settings(user):
    users.update_settings(user.id, base_currency="usd", timezone="Europe/Kyiv", week_start="6")
    db.session.rollback()
    stored = db.session.get(User, user.id)
    assert (stored.base_currency, stored.timezone, stored.week_start) == ("USD", "Europe/Kyiv", 6)


def test_update_settings_leaves_unnamed_fields(user):
    users.update_settings(user.id, week_start=3)
    db.session.rollback()
    stored = db.session.get(User, user.id)
    assert (stored.base_currency, stored.timezone, stored.week_start) == ("EUR", "UTC", 3)


@pytest.mark.parametrize("changes, field", [
    ({"base_currency": "XYZ"}, "base_currency"),
    ({"timezone": "Atlantis/Capital"}, "timezone"),
    ({"timezone": ""}, "timezone"),
    ({"week_start": 7}, "week_start"),
    ({"week_start": -1}, "week_start"),
    ({"week_start": "monday"}, "week_start"),
    ({"week_start": True}, "week_start"),
    ({"week_start": 1.5}, "week_start"),
])
def test_update_settings_refused(user, changes, field):
    with pytest.raises(Invalid) as caught:
        users.update_settings(user.id, **changes)
    assert list(caught.value.errors) == [field]
    db.session.rollback()
    stored = db.session.get(User, user.id)
    assert (stored.base_currency, stored.timezone, stored.week_start) == ("EUR", "UTC", 0)


def test_update_settings_of_unknown_user(app):
    with pytest.raises(NotFound):
        users.update_settings(424242, week_start=1)


def test_find_by_login(user):
    assert users.find_by_login("ALICE").id == user.id
    assert users.find_by_login("alice@example.com").id == user.id
    assert users.find_by_login("bob") is None
    assert users.find_by_login("") is None
    assert users.find_by_login(42) is None


def test_a_long_username_gets_a_ledger_name_that_fits(app):
    user = users.register("x" * 150, "long@example.com", PASSWORD)
    db.session.rollback()
    ledger = db.session.scalars(select(Ledger).where(Ledger.owner_id == user.id)).one()
    assert ledger.name == "x" * 91 + "'s ledger"
    assert len(ledger.name) == 100
