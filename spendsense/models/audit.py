"""AuditEvent: who changed what, when. Project history reads it; so can a ledger's."""

from spendsense.extensions import db
from spendsense.models.base import BigId, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        db.Index("ix_audit_events_project_id", "project_id", "id"),
        db.Index("ix_audit_events_ledger_id", "ledger_id", "id"),
    )

    id = db.Column(BigId, primary_key=True)
    project_id = db.Column(db.ForeignKey("projects.id", ondelete="CASCADE"))
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Who: the SpendSense user when there is one, and always a label to show.
    user_id = db.Column(db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor = db.Column(db.String(150), nullable=False, default="")
    entity = db.Column(db.String(20), nullable=False)  # project, member, bill
    entity_id = db.Column(db.String(64), nullable=False)
    action = db.Column(db.String(10), nullable=False)
    # JSON text: {"field": [old, new], ...}; also the entity's name for display.
    changes = db.Column(db.Text, nullable=False, default="{}")
