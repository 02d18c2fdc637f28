"""Attachments: files (receipts, invoices) kept in a ledger and linked to transactions.

The bytes live outside the database, once per content (services/files/storage.py):
a row names its file, its large preview and its thumbnail by their SHA-256 digests, so
two uploads of one file, in any ledgers, share one copy. A file is removed when the
last row naming its digest goes. One attachment may be on several transactions;
links to a deleted (tombstoned) transaction do not count, and removing a transaction
row for good (its account's or ledger's deletion) removes its links.
"""

from spendsense.extensions import db
from spendsense.models.base import BigId, TimestampMixin

DIGEST_LENGTH = 64  # hex SHA-256


class Attachment(TimestampMixin, db.Model):
    __tablename__ = "attachments"
    __table_args__ = (db.Index("ix_attachments_ledger_created", "ledger_id", "created_at"),)

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    title = db.Column(db.String(255), nullable=False)
    file_name = db.Column(db.String(255), nullable=False)
    # Sniffed from the bytes (services/files/sniffing.py), never taken from the name.
    content_type = db.Column(db.String(100), nullable=False)
    size = db.Column(db.BigInteger, nullable=False)
    digest = db.Column(db.String(DIGEST_LENGTH), nullable=False, index=True)
    # Image previews (services/files/thumbnails.py); NULL for other files. A preview
    # may be the original itself (same digest) when the image is already small.
    large_digest = db.Column(db.String(DIGEST_LENGTH), index=True)
    thumb_digest = db.Column(db.String(DIGEST_LENGTH), index=True)

    def variant_digest(self, variant):
        """The digest of one of its files (services/files/links.VARIANTS); None when it
        has no such preview."""
        return {"original": self.digest, "large": self.large_digest, "thumb": self.thumb_digest}.get(variant)

    @property
    def digests(self):
        """The digests of every file it names."""
        return {digest for digest in (self.digest, self.large_digest, self.thumb_digest) if digest}


attachment_transactions = db.Table(
    "attachment_transactions",
    db.Column("attachment_id", db.ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True),
    db.Column("transaction_id", db.ForeignKey("transactions.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)
