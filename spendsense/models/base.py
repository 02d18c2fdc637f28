"""Column helpers shared by every model."""

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Integer

from spendsense.extensions import db

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY, so ids are
# BIGINT on PostgreSQL and INTEGER on SQLite (where INTEGER is 64-bit anyway).
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow():
    """Naive UTC now: timestamps are stored naive-UTC on every backend."""
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
