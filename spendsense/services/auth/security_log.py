"""The security log: what happened to a user's account, for them to read.

Every service that changes how someone gets into an account (logging in, keys, the
password, two-factor, a project's private code) records one event here, in its own
write transaction, so an event exists exactly when its change does. Views pass the
client's address and browser; services never read the request.
"""

from datetime import timedelta

from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import SecurityEvent
from spendsense.models.base import utcnow
from spendsense.services.uow import write_transaction

# Action -> what the log page says of it.
ACTIONS = {
    "login": "Logged in",
    "login_failed": "Failed login",
    "logout": "Logged out",
    "logout_everywhere": "Logged out everywhere",
    "password_changed": "Password changed",
    "two_factor_enabled": "Two-factor login switched on",
    "two_factor_disabled": "Two-factor login switched off",
    "two_factor_failed": "Wrong two-factor code",
    "recovery_code_used": "Recovery code used",
    "recovery_codes_regenerated": "New recovery codes made",
    "key_issued": "API key issued",
    "key_revoked": "API key revoked",
    "project_code_changed": "Project private code changed",
    "account_deleted": "Account deleted",
}
DETAIL_LENGTH = SecurityEvent.__table__.c.detail.type.length
ADDRESS_LENGTH = SecurityEvent.__table__.c.address.type.length
USER_AGENT_LENGTH = SecurityEvent.__table__.c.user_agent.type.length


def record(user_id, action, *, detail="", address=None, user_agent=None):
    """Add one event to the user's security log (joining the caller's write transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown security action {action!r}")
    with write_transaction() as session:
        event = SecurityEvent(user_id=user_id, created_at=utcnow(), action=action,
                              detail=(detail or "")[:DETAIL_LENGTH],
                              address=(address or None) and address[:ADDRESS_LENGTH],
                              user_agent=(user_agent or None) and user_agent[:USER_AGENT_LENGTH])
        session.add(event)
    return event


# A guesser (or a script with an old password) can fail as often as the throttle lets
# it, from many addresses: one failure per account, action and address a minute says
# all the owner needs to know, and keeps the log (a table row each) small.
FAILURE_EVERY = timedelta(minutes=1)


def record_failure(user_id, action, *, detail="", address=None, user_agent=None):
    """``record`` a failed attempt (login_failed, two_factor_failed), unless the same
    account already has one of the same action from the same address within
    FAILURE_EVERY; the event, or None when it was left out."""
    address = (address or None) and address[:ADDRESS_LENGTH]
    since = utcnow() - FAILURE_EVERY
    same_address = (SecurityEvent.address.is_(None) if address is None else SecurityEvent.address == address)
    seen = db.session.scalar(select(SecurityEvent.id).where(
        SecurityEvent.user_id == user_id, SecurityEvent.action == action, same_address,
        SecurityEvent.created_at >= since).limit(1))
    if seen is not None:
        return None
    return record(user_id, action, detail=detail, address=address, user_agent=user_agent)


def recent(user_id, *, limit=100, before_id=None):
    """The user's newest events first, at most ``limit``, older than ``before_id`` if given."""
    query = select(SecurityEvent).where(SecurityEvent.user_id == user_id)
    if before_id is not None:
        query = query.where(SecurityEvent.id < before_id)
    return db.session.scalars(query.order_by(SecurityEvent.id.desc()).limit(limit)).all()


def label(action):
    return ACTIONS.get(action, action)
