"""Imports of bank statements: one batch per imported file, and remembered CSV mappings.

Every row an import creates points at its batch (``Transaction.import_batch_id``), so
reverting the batch removes exactly those rows. The batch keeps what the file said
of itself (its statement balance) beside what the account held afterwards, for
reconciliation.
"""

from spendsense.extensions import db
from spendsense.models.base import BigId, TimestampMixin


class ImportBatch(TimestampMixin, db.Model):
    __tablename__ = "import_batches"
    __table_args__ = (db.Index("ix_import_batches_ledger_created", "ledger_id", "created_at"),)

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    account_id = db.Column(db.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True)
    name = db.Column(db.String(200), nullable=False)
    file_name = db.Column(db.String(255))
    format = db.Column(db.String(30), nullable=False)
    new_count = db.Column(db.Integer, nullable=False, default=0)
    duplicate_count = db.Column(db.Integer, nullable=False, default=0)
    matched_count = db.Column(db.Integer, nullable=False, default=0)
    # The file's own closing balance, in minor units of the account's currency, and the
    # account's balance right after the import: their difference is what to reconcile.
    statement_balance = db.Column(db.BigInteger)
    statement_balance_date = db.Column(db.Date)
    balance_after = db.Column(db.BigInteger)
    reverted_at = db.Column(db.DateTime)

    account = db.relationship("Account")


class CsvProfile(TimestampMixin, db.Model):
    """A CSV column mapping, recognised next time by the file's header row."""

    __tablename__ = "csv_profiles"
    __table_args__ = (db.UniqueConstraint("ledger_id", "name"),
                      db.Index("ix_csv_profiles_ledger_header", "ledger_id", "header_key"))

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    name = db.Column(db.String(100), nullable=False)
    # The header row folded (lower case, cells joined by a unit separator), to find the
    # profile again by the next file of the same bank.
    header_key = db.Column(db.String(2000), nullable=False)
    # The dialect as JSON: encoding, delimiter, decimal mark, date format, column roles.
    dialect = db.Column(db.Text, nullable=False)
