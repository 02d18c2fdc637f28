"""Recording who changed what, and reading it back for a project's history page.

Services call ``record`` inside their own write transaction, so an event exists
exactly when its change does. A project can turn its history off: then nothing is
recorded (and what was recorded can be erased).
"""

import json
from dataclasses import dataclass

from sqlalchemy import delete, select

from spendsense.extensions import db
from spendsense.models import AuditEvent
from spendsense.models.base import utcnow


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a label to show and, when known, the SpendSense user."""

    label: str = ""
    user_id: int | None = None
    source: str = "web"  # the door it came through, for the transactions it books (web or api)


ANONYMOUS = Actor("")


def _plain(value):
    """JSON-friendly text for a changed value (dates and Decimals become strings)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return str(value)


def diff(before, after):
    """{field: [old, new]} for the fields whose value differs."""
    return {key: [_plain(before.get(key)), _plain(after.get(key))]
            for key in after if before.get(key) != after.get(key)}


def gone(before):
    """{field: [old, None]}: what a deleted entity was."""
    return {key: [_plain(value), None] for key, value in before.items()}


def record(project, entity, entity_id, action, changes, actor=ANONYMOUS):
    """Add one event to the project's history, if the project keeps one."""
    if not project.history_enabled:
        return None
    actor = actor or ANONYMOUS
    event = AuditEvent(project_id=project.id, created_at=utcnow(), user_id=actor.user_id,
                       actor=(actor.label or "")[:150], entity=entity, entity_id=str(entity_id),
                       action=action, changes=json.dumps({key: _plain(value) for key, value in changes.items()},
                                                         ensure_ascii=False))
    db.session.add(event)
    return event


def project_history(project_id, *, limit=200, before_id=None):
    """The project's newest events first, with their changes decoded."""
    query = select(AuditEvent).where(AuditEvent.project_id == project_id)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    events = db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()
    return [(event, json.loads(event.changes or "{}")) for event in events]


def erase_project_history(project_id):
    db.session.execute(delete(AuditEvent).where(AuditEvent.project_id == project_id))
