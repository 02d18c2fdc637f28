"""Reports: named folders of expenses (the Xpenser dialect's "report").

A ledger has any number of them and at most one current one, where quick entries go
when the caller names none. A closed report keeps its expenses but takes no new ones.
Transactions point at their report through ``Transaction.report_id`` (NULL = unfiled).
"""

from sqlalchemy import text

from spendsense.extensions import db
from spendsense.models.base import BigId, TimestampMixin

CURRENT = text("is_current")


class Report(TimestampMixin, db.Model):
    __tablename__ = "expense_reports"
    __table_args__ = (
        db.UniqueConstraint("ledger_id", "name"),
        # One current report per ledger, even under concurrent writers.
        db.Index("uq_expense_reports_current", "ledger_id", unique=True,
                 sqlite_where=CURRENT, postgresql_where=CURRENT),
    )

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    name = db.Column(db.String(100), nullable=False)
    is_current = db.Column(db.Boolean, nullable=False, default=False)
    closed_at = db.Column(db.DateTime)

    @property
    def is_closed(self):
        return self.closed_at is not None
