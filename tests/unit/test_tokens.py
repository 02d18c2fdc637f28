import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from spendsense.extensions import db
from spendsense.models import ApiToken
from spendsense.models.base import utcnow
from spendsense.services.auth import tokens
from spendsense.services.errors import Invalid, NotFound


def stored(token_id):
    db.session.rollback()
    return db.session.get(ApiToken, token_id, populate_existing=True)


def test_issue_shows_the_secret_once_and_stores_only_its_sha256(user):
    token, secret = tokens.issue(user.id, "  laptop  ")
    assert re.fullmatch(r"[0-9a-f]{40}", secret)
    row = stored(token.id)
    assert row.name == "laptop"
    assert row.user_id == user.id
    assert row.prefix == secret[:6]
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.last_used_at is None and row.expires_at is None and row.revoked_at is None
    dump = db.session.execute(text("SELECT * FROM api_tokens")).all()
    assert not any(secret in str(value) for line in dump for value in line)


def test_every_secret_is_new(user):
    secrets = {tokens.issue(user.id, f"t{n}")[1] for n in range(5)}
    assert len(secrets) == 5


@pytest.mark.parametrize("name", ["", "   ", None, "x" * 101, "bad\nname"])
def test_issue_needs_a_name(user, name):
    with pytest.raises(Invalid) as caught:
        tokens.issue(user.id, name)
    assert list(caught.value.errors) == ["name"]


def test_verify(user, other_user):
    _token, secret = tokens.issue(user.id, "cli")
    _other, other_secret = tokens.issue(other_user.id, "cli")
    assert tokens.verify(secret).id == user.id
    assert tokens.verify(other_secret).id == other_user.id


@pytest.mark.parametrize("secret", ["", None, 42, "0" * 40, "x" * 201, "a" * 10_000])
def test_verify_unknown(user, secret):
    tokens.issue(user.id, "cli")
    assert tokens.verify(secret) is None


def test_verify_needs_the_whole_secret(user):
    _token, secret = tokens.issue(user.id, "cli")
    assert tokens.verify(secret[:-1]) is None
    assert tokens.verify(secret.upper()) is None
    assert tokens.verify(secret + " ") is None


def test_revoke(user):
    token, secret = tokens.issue(user.id, "cli")
    keep, kept_secret = tokens.issue(user.id, "other")
    tokens.revoke(user.id, token.id)
    assert tokens.verify(secret) is None
    assert stored(token.id).revoked_at is not None
    assert tokens.verify(kept_secret).id == user.id
    assert [t.id for t in tokens.list_for(user.id)] == [keep.id]
    with pytest.raises(NotFound):
        tokens.revoke(user.id, token.id)


@pytest.mark.parametrize("token_id", [str, 0, -1, 2**63, True, None])
def test_revoke_unknown_ids(user, token_id):
    token, _secret = tokens.issue(user.id, "cli")
    with pytest.raises(NotFound):
        tokens.revoke(user.id, str(token.id) if token_id is str else token_id)


def test_cannot_revoke_someone_elses_token(user, other_user):
    token, secret = tokens.issue(user.id, "cli")
    with pytest.raises(NotFound):
        tokens.revoke(other_user.id, token.id)
    assert tokens.verify(secret).id == user.id


def test_expired_tokens_stop_working(user):
    past, past_secret = tokens.issue(user.id, "old", expires_at=utcnow() - timedelta(seconds=1))
    future, future_secret = tokens.issue(user.id, "new", expires_at=utcnow() + timedelta(days=1))
    assert tokens.verify(past_secret) is None
    assert tokens.verify(future_secret).id == user.id
    assert [t.id for t in tokens.list_for(user.id)] == [future.id]


def test_list_for_newest_first_and_only_own(user, other_user):
    first, _ = tokens.issue(user.id, "first")
    second, _ = tokens.issue(user.id, "second")
    tokens.issue(other_user.id, "bob's")
    assert [t.name for t in tokens.list_for(user.id)] == ["second", "first"]
    assert {t.id for t in tokens.list_for(user.id)} == {first.id, second.id}


def test_last_used_is_written_at_most_once_a_minute(user, monkeypatch):
    token, secret = tokens.issue(user.id, "cli")
    start = utcnow().replace(microsecond=0)
    clock = {"now": start}
    monkeypatch.setattr(tokens, "utcnow", lambda: clock["now"])

    assert tokens.verify(secret).id == user.id
    assert stored(token.id).last_used_at == start

    clock["now"] = start + timedelta(seconds=59)
    assert tokens.verify(secret).id == user.id
    assert stored(token.id).last_used_at == start

    clock["now"] = start + timedelta(seconds=60)
    assert tokens.verify(secret).id == user.id
    assert stored(token.id).last_used_at == start + timedelta(seconds=60)


def test_last_used_set_by_hand_long_ago_is_refreshed(user):
    token, secret = tokens.issue(user.id, "cli")
    long_ago = utcnow() - timedelta(hours=2)
    db.session.get(ApiToken, token.id).last_used_at = long_ago
    db.session.commit()
    before = utcnow()
    tokens.verify(secret)
    assert stored(token.id).last_used_at >= before - timedelta(seconds=1)

    recent = utcnow() - timedelta(seconds=10)
    db.session.get(ApiToken, token.id).last_used_at = recent
    db.session.commit()
    tokens.verify(secret)
    assert stored(token.id).last_used_at == recent
