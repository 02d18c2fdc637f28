"""The one place that scopes queries to a ledger.

Views resolve the caller's ledger with ``ledger_for`` and pass its id to services;
services fetch rows with ``get_owned`` / ``owned`` so that another ledger's id reads as
"not found", never as "forbidden" (which would confirm that the id exists).
"""

from sqlalchemy import bindparam, select

from spendsense.extensions import db
from spendsense.models import LedgerMember
from spendsense.services.errors import Forbidden, NotFound
from spendsense.services.validation import is_row_id

WRITE_ROLES = ("owner", "editor")

_MEMBERS = LedgerMember.__table__
# Built once: every request resolves its ledger, and binding two ids costs far less than
# building an ORM statement (and hydrating a LedgerMember) each time.
_MEMBERSHIP = select(_MEMBERS.c.ledger_id, _MEMBERS.c.role).where(_MEMBERS.c.user_id == bindparam("user_id"))
_PERSONAL = _MEMBERSHIP.where(_MEMBERS.c.is_personal.is_(True))
_CHOSEN = _MEMBERSHIP.where(_MEMBERS.c.ledger_id == bindparam("ledger_id"))


def ledger_for(user, ledger_id=None, *, write=False):
    """The ledger id the user acts on: the given one if they are a member, else personal.

    An API key's user (tokens.TokenUser) comes with its personal membership, read with
    the key: the default ledger then costs no query.
    """
    membership = getattr(user, "personal_membership", None) if ledger_id is None else None
    if membership is None:
        if ledger_id is None:
            statement, params = _PERSONAL, {"user_id": user.id}
        else:
            statement, params = _CHOSEN, {"user_id": user.id, "ledger_id": ledger_id}
        membership = db.session.connection().execute(statement, params).first()
    if membership is None:
        raise NotFound("Ledger not found")
    ledger, role = membership
    if write and role not in WRITE_ROLES:
        raise Forbidden("You can only view this ledger.")
    return ledger


def owned(model, ledger_id):
    """A SELECT of the model's live rows in the ledger."""
    query = select(model).where(model.ledger_id == ledger_id)
    if hasattr(model, "deleted_at"):
        query = query.where(model.deleted_at.is_(None))
    return query


def get_owned(model, ledger_id, object_id, *, message="Not found", for_update=False):
    """The live row with this id in the ledger, or NotFound.

    ``for_update`` row-locks it (PostgreSQL; SQLite's writers already run one at a time)
    and reloads it, so the caller sees the row as last committed, not a stale copy.
    """
    if not is_row_id(object_id):
        raise NotFound(message)
    query = owned(model, ledger_id).where(model.id == object_id)
    if for_update:
        query = query.with_for_update(key_share=True).execution_options(populate_existing=True)
    row = db.session.scalars(query).first()
    if row is None:
        raise NotFound(message)
    return row
