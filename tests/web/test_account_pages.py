"""The "Delete my account" page: the password again, then a typed confirmation."""

import logging
import re

from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Transaction, User
from spendsense.services.auth import tokens
from tests import factories
from tests.conftest import PASSWORD
from tests.web.helpers import field_errors, fresh, text


def users():
    fresh()
    return db.session.scalars(select(User.username).order_by(User.username)).all()


def test_deleting_the_account_asks_the_password_then_the_username(logged_in, user, bob_client, caplog):
    asked = logged_in.get("/account/delete")
    assert asked.headers["Location"] == "/account/confirm?next=/account/delete"
    assert logged_in.post("/account/confirm", data={"reauth_password": PASSWORD,
                                                   "reauth_next": "/account/delete"}).headers["Location"] == \
        "/account/delete"
    page = logged_in.get("/account/delete")
    assert page.status_code == 200
    assert "Shared-bill projects you created stay" in text(page)

    refused = logged_in.post("/account/delete", data={"confirm_username": "bob"})
    assert refused.status_code == 422
    assert field_errors(text(refused), "confirm_username") == ["Type your username exactly as it is written above."]
    assert users() == ["alice", "bob"]

    key = tokens.issue(user.id, "cli")[1]
    with caplog.at_level(logging.WARNING, logger="spendsense"):
        done = logged_in.post("/account/delete", data={"confirm_username": "alice"})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert "The account “alice” and everything in it are deleted." in text(logged_in.get("/login"))
    assert users() == ["bob"]
    assert [r.getMessage().split()[0] for r in caplog.records if "account_deleted" in r.getMessage()] == \
        ["account_deleted"]
    # logged out, the key is dead, and bob carries on
    assert logged_in.get("/profile").status_code == 302
    assert logged_in.get("/api/v1/token/check/", headers={"Authorization": f"Token {key}"}).status_code == 401
    assert bob_client.get("/profile").status_code == 200


def test_a_stale_confirmation_asks_again_and_keeps_the_typed_username(logged_in, user, ledger, main):
    factories.create_transaction(ledger, account_id=main, amount="-1.00")
    asked = logged_in.post("/account/delete", data={"confirm_username": "alice"})
    assert asked.status_code == 200
    assert '<input type="hidden" name="confirm_username" value="alice">' in text(asked)
    assert users() == ["alice"]
    wrong = logged_in.post("/account/delete", data={"confirm_username": "alice", "reauth_username": "alice",
                                                    "reauth_password": "wrong"})
    assert wrong.status_code == 401 and users() == ["alice"]
    # only the action's own fields are carried on, once
    hidden = re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"|<input type="hidden" name="([^"]+)"', text(wrong))
    assert ["".join(names) for names in hidden] == ["csrf_token", "reauth_next", "reauth_back", "confirm_username"]
    done = logged_in.post("/account/delete", data={"confirm_username": "alice", "reauth_password": PASSWORD})
    assert done.headers["Location"] == "/login" and users() == []
    fresh()
    assert db.session.scalar(select(func.count()).select_from(Transaction)) == 0
