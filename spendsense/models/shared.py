"""Shared bills between friends: projects, their members and their bills (ihatemoney's model).

Amounts are BIGINT minor units: ``Bill.amount`` in the bill's own currency and
``Bill.converted_amount`` in the project's currency (``XXX``, "no currency", counts
two decimals). Each ower's share of a bill is stored on its ``bill_owers`` row, split
to the minor unit so that the shares always add up to the converted amount; the
members' running totals (paid, owed, transferred, received) are cached on the member
and moved with ``x = x + :delta`` in the same database transaction as the bill, so a
project's balances never need a pass over its bills.
"""

from sqlalchemy import text

from spendsense.extensions import db
from spendsense.models.base import BigId, TimestampMixin, utcnow

BILL_TYPES = ("Expense", "Reimbursement")
NO_CURRENCY = "XXX"
# Weights are exact thousandths: 1.5 is stored as 1500.
WEIGHT_SCALE = 1000


class Project(TimestampMixin, db.Model):
    __tablename__ = "projects"

    # The slug clients address the project by; always lower-case.
    id = db.Column(db.String(64), primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    contact_email = db.Column(db.String(254), nullable=False)
    default_currency = db.Column(db.String(3), nullable=False, default=NO_CURRENCY)
    history_enabled = db.Column(db.Boolean, nullable=False, default=True)
    # The SpendSense user who created it while logged in, if any.
    owner_id = db.Column(db.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    members = db.relationship("Member", back_populates="project", order_by="Member.id",
                              passive_deletes=True)


class Member(db.Model):
    __tablename__ = "project_members"
    __table_args__ = (db.UniqueConstraint("project_id", "user_id"),)

    id = db.Column(BigId, primary_key=True)
    project_id = db.Column(db.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True)
    name = db.Column(db.String(100), nullable=False)
    weight_milli = db.Column(db.Integer, nullable=False, default=WEIGHT_SCALE)
    activated = db.Column(db.Boolean, nullable=False, default=True)
    # A SpendSense user who says "this member is me"; with record_share on, their share
    # of every expense is booked in their personal ledger (services/bills/booking.py).
    user_id = db.Column(db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    record_share = db.Column(db.Boolean, nullable=False, default=False)
    share_account_id = db.Column(db.ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    share_category_id = db.Column(db.ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    # Cached sums in the project's minor units (services/bills/splits.py keeps them).
    paid = db.Column(db.BigInteger, nullable=False, default=0)  # expenses this member paid
    owed = db.Column(db.BigInteger, nullable=False, default=0)  # their shares of expenses
    transferred = db.Column(db.BigInteger, nullable=False, default=0)  # reimbursements paid
    received = db.Column(db.BigInteger, nullable=False, default=0)  # their shares of reimbursements

    project = db.relationship("Project", back_populates="members")

    @property
    def balance(self):
        return self.paid - self.owed + self.transferred - self.received


bill_owers = db.Table(
    "bill_owers",
    db.Column("bill_id", db.ForeignKey("bills.id", ondelete="CASCADE"), primary_key=True),
    db.Column("member_id", db.ForeignKey("project_members.id", ondelete="CASCADE"), primary_key=True,
              index=True),
    # This ower's part of the bill's converted amount, in the project's minor units.
    db.Column("share", db.BigInteger, nullable=False),
    # The linked user's personal transaction that books this share, if any.
    db.Column("transaction_id", db.ForeignKey("transactions.id", ondelete="SET NULL"), index=True),
)


class Bill(db.Model):
    __tablename__ = "bills"
    __table_args__ = (
        # The list order (date desc, creation date desc, id desc) and the date filters.
        db.Index("ix_bills_project_date", "project_id", "date", "creation_date", "id"),
    )

    id = db.Column(BigId, primary_key=True)
    project_id = db.Column(db.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    payer_id = db.Column(db.ForeignKey("project_members.id", ondelete="CASCADE"), nullable=False, index=True)
    amount = db.Column(db.BigInteger, nullable=False)
    original_currency = db.Column(db.String(3), nullable=False)
    converted_amount = db.Column(db.BigInteger, nullable=False)
    # The offline ECB rate (project currency units per bill currency unit, as text so it
    # is never rounded) and its publication date, when the bill's currency was converted.
    fx_rate = db.Column(db.String(40))
    fx_rate_date = db.Column(db.Date)
    date = db.Column(db.Date, nullable=False)
    creation_date = db.Column(db.Date, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    what = db.Column(db.String(300), nullable=False)
    bill_type = db.Column(db.String(13), nullable=False, default="Expense",
                          server_default=text("'Expense'"))
    external_link = db.Column(db.String(2048), nullable=False, default="", server_default=text("''"))

    payer = db.relationship("Member", foreign_keys=[payer_id])
    # Rows of bill_owers are written by services/bills/splits.py (they carry the share).
    owers = db.relationship("Member", secondary=bill_owers, order_by="Member.id", viewonly=True)
