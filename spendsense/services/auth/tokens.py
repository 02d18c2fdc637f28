"""API tokens: issued with a name, shown once, stored as a SHA-256 of the secret.

One secret works for every dialect (``Token``, ``Bearer`` and ``X-Developer-Key``).
A SHA-256 suffices for lookup because the secret is 160 random bits, not a password.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update

from spendsense.extensions import db
from spendsense.models import ApiToken, LedgerMember, User
from spendsense.models.base import utcnow
from spendsense.services import validation
from spendsense.services.auth import security_log
from spendsense.services.errors import NotFound
from spendsense.services.uow import write_transaction

PREFIX_LENGTH = 6
MAX_SECRET_LENGTH = 200


def _digest(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(user_id, name, *, expires_at=None, address=None, user_agent=None):
    """Create a token, and log it in the user's security log (with the client's address
    and browser, when a person asked for it). Returns (ApiToken, secret); the secret is
    never stored."""
    name = validation.text(name, "name", max_length=100, required=True, label="Token name")
    secret = secrets.token_hex(20)
    with write_transaction() as session:
        token = ApiToken(user_id=user_id, name=name, prefix=secret[:PREFIX_LENGTH],
                         secret_hash=_digest(secret), created_at=utcnow(), expires_at=expires_at)
        session.add(token)
        security_log.record(user_id, "key_issued", detail=f"{name} ({token.prefix}…)", address=address,
                            user_agent=user_agent)
    return token, secret


def list_for(user_id):
    """The user's tokens that still work, newest first."""
    now = utcnow()
    return db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None),
               (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def revoke(user_id, token_id, *, address=None, user_agent=None):
    with write_transaction():
        token = db.session.scalars(
            select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id,
                                   ApiToken.revoked_at.is_(None))
        ).first() if validation.is_row_id(token_id) else None
        if token is None:
            raise NotFound("Token not found")
        token.revoked_at = utcnow()
        security_log.record(user_id, "key_revoked", detail=f"{token.name} ({token.prefix}…)", address=address,
                            user_agent=user_agent)
    return token


@dataclass(frozen=True)
class TokenUser:
    """The user an API key belongs to, as read with the key: what API views use of a
    user, without the cost of an ORM object on every request.

    ``personal_membership`` is (ledger id, role) of the user's personal ledger, or None:
    made at registration and never changed, it is read in the same SELECT so that
    ``scope.ledger_for`` needs no query of its own for the default ledger.
    """

    id: int
    username: str
    email: str
    base_currency: str
    timezone: str
    locale: str
    personal_membership: tuple[int, str] | None = None


_TOKENS, _USERS, _MEMBERS = ApiToken.__table__, User.__table__, LedgerMember.__table__
# Built once: a request only binds the digest (Core, no ORM statement set-up).
_VERIFY = (
    select(_TOKENS.c.id, _TOKENS.c.expires_at, _TOKENS.c.last_used_at, _USERS.c.id, _USERS.c.username,
           _USERS.c.email, _USERS.c.base_currency, _USERS.c.timezone, _USERS.c.locale,
           _MEMBERS.c.ledger_id, _MEMBERS.c.role)
    .join_from(_TOKENS, _USERS, _USERS.c.id == _TOKENS.c.user_id)
    .outerjoin(_MEMBERS, (_MEMBERS.c.user_id == _USERS.c.id) & _MEMBERS.c.is_personal.is_(True))
    .where(_TOKENS.c.secret_hash == bindparam("digest"), _TOKENS.c.revoked_at.is_(None))
)


def verify(secret):
    """The TokenUser the secret belongs to, or None when it is unknown, revoked or expired.

    One indexed SELECT; ``last_used_at`` is written only when it is older than
    TOKEN_TOUCH_SECONDS, so most requests write nothing.
    """
    if not isinstance(secret, str) or not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    now = utcnow()
    row = db.session.connection().execute(_VERIFY, {"digest": _digest(secret)}).first()
    if row is None:
        return None
    token_id, expires_at, last_used_at, *user, personal_ledger, personal_role = row
    if expires_at is not None and expires_at <= now:
        return None
    touch_every = timedelta(seconds=current_app.config["TOKEN_TOUCH_SECONDS"])
    if last_used_at is None or now - last_used_at >= touch_every:
        with write_transaction() as session:
            # The WHERE makes concurrent requests write the column once, not each.
            session.execute(
                update(ApiToken)
                .where(ApiToken.id == token_id,
                       (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at <= now - touch_every))
                .values(last_used_at=now)
            )
    return TokenUser(*user, personal_membership=None if personal_ledger is None else (personal_ledger, personal_role))
