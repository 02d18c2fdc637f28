"""People and their credentials: users, ledgers they can reach, API tokens."""

from flask_login import UserMixin
from sqlalchemy import func

from spendsense.extensions import db
from spendsense.models.base import BigId, TimestampMixin


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(BigId, primary_key=True)
    username = db.Column(db.String(150), nullable=False)
    email = db.Column(db.String(254), nullable=False, unique=True)
    password_hash = db.Column(db.String(255), nullable=False)
    base_currency = db.Column(db.String(3), nullable=False)
    timezone = db.Column(db.String(64), nullable=False, default="UTC")
    # 0 = Monday ... 6 = Sunday, as in datetime.weekday().
    week_start = db.Column(db.SmallInteger, nullable=False, default=0)
    locale = db.Column(db.String(16), nullable=False, default="en_GB")
    # Shown instead of the username where a client shows a name (PocketSmith's "name").
    display_name = db.Column(db.String(100))
    # Preferences PocketSmith clients read and set; kept as given.
    beta_user = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    always_show_base_currency = db.Column(db.Boolean, nullable=False, default=False,
                                          server_default=db.false())
    # Part of every session's and remember cookie's identity: bumping it (logout,
    # password change, "log out everywhere") ends all of them at once.
    session_version = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    # Two-factor login (TOTP): the base32 secret, when it was switched on (None: off), and
    # the last time step a code was accepted for, so one code never works twice.
    totp_secret = db.Column(db.String(64))
    totp_enabled_at = db.Column(db.DateTime)
    totp_last_step = db.Column(db.BigInteger)

    memberships = db.relationship("LedgerMember", back_populates="user", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<User {self.username!r}>"


# Usernames are unique regardless of case ("Alice" and "alice" are one user).
db.Index("uq_users_username_lower", func.lower(User.username), unique=True)


class Ledger(TimestampMixin, db.Model):
    """The unit every financial row belongs to; a user's personal ledger is made at sign-up."""

    __tablename__ = "ledgers"

    id = db.Column(BigId, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    owner_id = db.Column(db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)

    members = db.relationship("LedgerMember", back_populates="ledger", cascade="all, delete-orphan")


class LedgerMember(db.Model):
    """Who may use a ledger and how: owner, editor or viewer."""

    __tablename__ = "ledger_members"
    __table_args__ = (db.UniqueConstraint("ledger_id", "user_id"),)

    ROLES = ("owner", "editor", "viewer")

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    user_id = db.Column(db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    role = db.Column(db.String(10), nullable=False, default="owner")
    is_personal = db.Column(db.Boolean, nullable=False, default=False)

    ledger = db.relationship("Ledger", back_populates="members")
    user = db.relationship("User", back_populates="memberships")


class ApiToken(db.Model):
    """An API key. Only a SHA-256 of the secret is kept; the secret is shown once."""

    __tablename__ = "api_tokens"

    id = db.Column(BigId, primary_key=True)
    user_id = db.Column(db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name = db.Column(db.String(100), nullable=False)
    prefix = db.Column(db.String(12), nullable=False)
    secret_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(db.DateTime, nullable=False)
    last_used_at = db.Column(db.DateTime)
    expires_at = db.Column(db.DateTime)
    revoked_at = db.Column(db.DateTime)

    user = db.relationship("User")
