"""Security state of a user: the two-factor recovery codes and the security log.

The per-user columns (session version, TOTP secret) live on ``users``
(models/user.py); these are the rows there can be many of per user.
"""

from spendsense.extensions import db
from spendsense.models.base import BigId, utcnow


class RecoveryCode(db.Model):
    """A single-use two-factor recovery code; only a hash of the code is kept."""

    __tablename__ = "recovery_codes"

    id = db.Column(BigId, primary_key=True)
    user_id = db.Column(db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    code_hash = db.Column(db.String(255), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    used_at = db.Column(db.DateTime)


class SecurityEvent(db.Model):
    """One security-relevant event of a user's account (login, key issued, ...), shown
    to them on the security log page of their profile."""

    __tablename__ = "security_events"
    __table_args__ = (db.Index("ix_security_events_user_id", "user_id", "id"),)

    id = db.Column(BigId, primary_key=True)
    user_id = db.Column(db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    action = db.Column(db.String(40), nullable=False)
    detail = db.Column(db.String(200), nullable=False, default="")
    # The client's address as the app saw it (after ProxyFix) and its browser, if any.
    address = db.Column(db.String(64))
    user_agent = db.Column(db.String(200))
