"""Whose is it: v2 answers 403 for another user's resource and 404 for a missing one.

The services scope every read to the caller's ledger and say "not found" for another
ledger's id (services/scope.py), which is what every other dialect answers. PocketSmith's
contract tells the two apart, so this module, and only it, asks whether a row the
caller cannot reach exists at all.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import g
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import User
from spendsense.services import scope
from spendsense.services.errors import Forbidden, NotFound
from spendsense.services.validation import is_row_id

NOT_YOURS = "You do not have access to this {what}."
MISSING = "{what} not found."


def caller():
    """The user the API key belongs to (set by the blueprint's authentication)."""
    return g.user


def as_of():
    """{"today": today in the caller's time zone, "base_currency": theirs}: what every
    balance is given with (present.transaction_account's keywords)."""
    user = caller()
    return {"today": datetime.now(ZoneInfo(user.timezone or "UTC")).date(), "base_currency": user.base_currency}


def ledger_id(*, write=False):
    """The caller's personal ledger, the one v2 serves."""
    return scope.ledger_for(caller(), write=write)


def check_user(user_id):
    """``/users/{id}/...`` is the caller's own: another user's id is 403, an unknown one 404."""
    if user_id == caller().id:
        return
    if is_row_id(user_id) and db.session.get(User, user_id) is not None:
        raise Forbidden(NOT_YOURS.format(what="user"))
    raise NotFound(MISSING.format(what="User"))


def refuse(model, row_id, what):
    """Raise for a row the caller's ledger does not hold: Forbidden when it exists in
    another ledger, NotFound when it does not exist (or is deleted)."""
    if is_row_id(row_id):
        query = select(model.id).where(model.id == row_id)
        if hasattr(model, "deleted_at"):
            query = query.where(model.deleted_at.is_(None))
        if db.session.execute(query).first() is not None:
            raise Forbidden(NOT_YOURS.format(what=what.lower()))
    raise NotFound(MISSING.format(what=what))


def owned(model, row_id, what, *, for_update=False):
    """The live row of the caller's ledger with this id, else 403 or 404 (see ``refuse``)."""
    try:
        return scope.get_owned(model, ledger_id(), row_id, for_update=for_update)
    except NotFound:
        refuse(model, row_id, what)


def in_body(call, *, path_row=None):
    """Run a service ``call`` for a body that names other rows (a category, an
    institution): one it cannot find is a fault of the body, 422, not a missing path.
    ``path_row`` (model, id) is the row the path names: when another writer deleted it
    while the request ran, the miss is that row's, a 404."""
    from spendsense.api.v2.routes import BadBody

    try:
        return call()
    except NotFound as exc:
        if path_row is not None and not _still_there(*path_row):
            raise
        raise BadBody(exc.message) from None


def _still_there(model, row_id):
    query = select(model.id).where(model.id == row_id)
    if hasattr(model, "deleted_at"):
        query = query.where(model.deleted_at.is_(None))
    return db.session.scalar(query) is not None
