"""What a ledger holds: institutions, accounts, categories, labels, transactions.

Amounts are BIGINT minor units of the account's currency; `Transaction.amount` is
signed (negative = money out). `Account.balance` caches opening balance + live
transactions and `MonthlyTotal` caches per-account, per-month sums, both updated in
the same database transaction as every row change (see services/ledger/balances.py).
"""

from sqlalchemy import func, text

from spendsense.extensions import db
from spendsense.models.base import BigId, TimestampMixin

ACCOUNT_TYPES = (
    "bank", "credits", "cash", "stocks", "mortgage", "loans", "vehicle", "property",
    "insurance", "other_asset", "other_liability",
)
CATEGORY_KINDS = ("spent", "earn")
TRANSACTION_STATUSES = ("pending", "posted")
TRANSACTION_SOURCES = ("web", "api", "quick", "import", "recurring")

LIVE = text("deleted_at IS NULL")


class Institution(TimestampMixin, db.Model):
    __tablename__ = "institutions"

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False, index=True)
    title = db.Column(db.String(100), nullable=False)
    currency = db.Column(db.String(3), nullable=False)


class Account(TimestampMixin, db.Model):
    __tablename__ = "accounts"
    __table_args__ = (
        db.Index("ix_accounts_ledger_position", "ledger_id", "position"),
    )

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    institution_id = db.Column(db.ForeignKey("institutions.id", ondelete="SET NULL"), index=True)
    name = db.Column(db.String(100), nullable=False)
    type = db.Column(db.String(20), nullable=False, default="bank")
    currency = db.Column(db.String(3), nullable=False)
    opening_balance = db.Column(db.BigInteger, nullable=False, default=0)
    opening_date = db.Column(db.Date)
    is_net_worth = db.Column(db.Boolean, nullable=False, default=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    archived = db.Column(db.Boolean, nullable=False, default=False)
    # Cached: opening_balance + sum(amount of live transactions). Written only by SQL
    # "balance = balance + :delta" so concurrent writers cannot lose an update.
    balance = db.Column(db.BigInteger, nullable=False, default=0)
    # Cached all-time sums of the live transactions, written with the balance in the
    # same statement (services/ledger/balances.py), so whole-history totals cost one row
    # per account: spent and earned (>= 0) leave transfers out, transferred is their
    # signed net; count is the number of live transactions.
    total_spent = db.Column(db.BigInteger, nullable=False, default=0, server_default="0")
    total_earned = db.Column(db.BigInteger, nullable=False, default=0, server_default="0")
    total_transferred = db.Column(db.BigInteger, nullable=False, default=0, server_default="0")
    total_count = db.Column(db.BigInteger, nullable=False, default=0, server_default="0")
    deleted_at = db.Column(db.DateTime)

    institution = db.relationship("Institution")


# Names are unique, ignoring case, among a ledger's live accounts; a deleted name can be
# reused. Clients address accounts by name, so "Cash" and "cash" must not both exist.
db.Index("uq_accounts_ledger_name", Account.ledger_id, func.lower(Account.name), unique=True,
         sqlite_where=LIVE, postgresql_where=LIVE)


class Category(TimestampMixin, db.Model):
    __tablename__ = "categories"
    __table_args__ = (
        db.UniqueConstraint("ledger_id", "kind", "value"),
        # NULLs never collide in a unique constraint, so system categories need their own.
        db.Index("uq_categories_system_kind_value", "kind", "value", unique=True,
                 sqlite_where=text("ledger_id IS NULL"), postgresql_where=text("ledger_id IS NULL")),
    )

    id = db.Column(BigId, primary_key=True)
    # NULL = a system category, visible to every ledger and editable by none.
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), index=True)
    name = db.Column(db.String(100), nullable=False)
    value = db.Column(db.String(100), nullable=False)
    icon = db.Column(db.String(32), nullable=False)
    kind = db.Column(db.String(5), nullable=False)
    parent_id = db.Column(db.ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    colour = db.Column(db.String(7))
    is_transfer = db.Column(db.Boolean, nullable=False, default=False)
    is_bill = db.Column(db.Boolean, nullable=False, default=False)
    roll_up = db.Column(db.Boolean, nullable=False, default=False)
    # "debits_are_deductions" is 21 characters. SQLite ignores a VARCHAR's length, and
    # changing the declared one there would mean rebuilding the table, which (foreign
    # keys on) cascades into every row that points at a category: it stays 20 there.
    refund_behaviour = db.Column(db.String(30).with_variant(db.String(20), "sqlite"))

    parent = db.relationship("Category", remote_side=[id])

    @property
    def is_system(self):
        return self.ledger_id is None


class CategoryRule(TimestampMixin, db.Model):
    """A payee pattern that files matching transactions under a category.

    A ledger's rules are tried in ``position`` order (then id); the first that fits a
    transaction files it (services/ledger/rules.py).
    """

    __tablename__ = "category_rules"
    __table_args__ = (db.Index("ix_category_rules_ledger_position", "ledger_id", "position"),)

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    category_id = db.Column(db.ForeignKey("categories.id", ondelete="CASCADE"), nullable=False, index=True)
    payee_pattern = db.Column(db.String(200), nullable=False)
    # How the pattern meets a payee, ignoring case: contains, starts_with or exact.
    match_mode = db.Column(db.String(12), nullable=False, default="contains", server_default="contains")
    position = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    category = db.relationship("Category")


transaction_labels = db.Table(
    "transaction_labels",
    db.Column("transaction_id", db.ForeignKey("transactions.id", ondelete="CASCADE"), primary_key=True),
    db.Column("label_id", db.ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Label(db.Model):
    __tablename__ = "labels"
    __table_args__ = (db.UniqueConstraint("ledger_id", "name"),)

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    name = db.Column(db.String(50), nullable=False)


class Transaction(TimestampMixin, db.Model):
    __tablename__ = "transactions"
    __table_args__ = (
        db.Index("ix_transactions_ledger_occurred", "ledger_id", "occurred_at"),
        db.Index("ix_transactions_account_occurred", "account_id", "occurred_at"),
        db.Index("ix_transactions_ledger_updated", "ledger_id", "updated_at"),
        db.Index("uq_transactions_account_external", "account_id", "external_id", unique=True,
                 sqlite_where=text("external_id IS NOT NULL"),
                 postgresql_where=text("external_id IS NOT NULL")),
    )

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    account_id = db.Column(db.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    category_id = db.Column(db.ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    # Signed minor units of the account's currency; negative = money out.
    amount = db.Column(db.BigInteger, nullable=False)
    # Wall-clock date and time of the operation in the owner's time zone.
    occurred_at = db.Column(db.DateTime, nullable=False)
    payee = db.Column(db.String(200))
    original_payee = db.Column(db.String(200))
    description = db.Column(db.String(500))
    memo = db.Column(db.String(500))
    cheque_number = db.Column(db.String(30))
    status = db.Column(db.String(10), nullable=False, default="posted")
    needs_review = db.Column(db.Boolean, nullable=False, default=False)
    # The other leg of a transfer; both legs point at each other.
    transfer_id = db.Column(db.ForeignKey("transactions.id", ondelete="SET NULL"), index=True)
    foreign_amount = db.Column(db.BigInteger)
    foreign_currency = db.Column(db.String(3))
    # Kept as text so the exact rate used is never rounded by the database.
    fx_rate = db.Column(db.String(40))
    fx_rate_date = db.Column(db.Date)
    source = db.Column(db.String(10), nullable=False, default="web")
    external_id = db.Column(db.String(255))
    # The Xpenser folder (models/report.py) the expense is filed in; NULL = unfiled.
    report_id = db.Column(db.ForeignKey("expense_reports.id", ondelete="SET NULL"), index=True)
    # The import that created the row (models/imports.py); reverting it removes the row.
    import_batch_id = db.Column(db.ForeignKey("import_batches.id", ondelete="SET NULL"), index=True)
    deleted_at = db.Column(db.DateTime)

    account = db.relationship("Account")
    category = db.relationship("Category")
    labels = db.relationship("Label", secondary=transaction_labels, order_by="Label.name")
    transfer = db.relationship("Transaction", remote_side=[id], post_update=True)

    @property
    def kind(self):
        return "spent" if self.amount < 0 else "earn"

    @property
    def is_transfer(self):
        return self.transfer_id is not None


class MonthlyTotal(db.Model):
    """Per account and calendar month: money spent, earned and moved by transfers.

    Lets whole-history totals and month series be summed over a few hundred rows
    instead of every transaction. Kept up to date by services/ledger/balances.py.
    """

    __tablename__ = "monthly_totals"
    __table_args__ = (db.UniqueConstraint("account_id", "month"),
                      db.Index("ix_monthly_totals_ledger_month", "ledger_id", "month"))

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    account_id = db.Column(db.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)
    month = db.Column(db.Date, nullable=False)  # first day of the month
    spent = db.Column(db.BigInteger, nullable=False, default=0)  # >= 0
    earned = db.Column(db.BigInteger, nullable=False, default=0)  # >= 0
    transferred = db.Column(db.BigInteger, nullable=False, default=0)  # signed net
    count = db.Column(db.Integer, nullable=False, default=0)
