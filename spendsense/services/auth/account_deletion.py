"""Deleting an account: the user and every ledger they own, with all that is in them.

One DELETE of the user row in one write transaction; the database's foreign keys do
the rest, the same on SQLite (``PRAGMA foreign_keys = ON``, db_setup.py) and
PostgreSQL: ``ON DELETE CASCADE`` from ``users`` takes their ledgers (and from
``ledgers`` every account, transaction, category, rule, label, plan row, saved search,
import, folder and attachment row of them), their ledger memberships, API keys,
recovery codes and security log; ``ON DELETE SET NULL`` keeps the shared-bill projects
they own (no owner any more) and the project members linked to them (unlinked), and
keeps project history, which belongs to the project's other people.
tests/unit/test_account_deletion.py counts every table's rows before and after on both.

The attached files are shared by content with other ledgers' attachments, so they are
unlinked after the commit, those that no remaining attachment names.
"""

from dataclasses import dataclass

from sqlalchemy import delete, func, select, union

from spendsense.models import Attachment, Ledger, Transaction, User
from spendsense.services.errors import NotFound
from spendsense.services.ledger import attachments
from spendsense.services.uow import write_transaction


@dataclass(frozen=True)
class Deleted:
    """What went, for the operator's log (the user's own security log goes with them)."""

    user_id: int
    ledgers: int
    transactions: int
    attachments: int


def delete_account(user_id):
    """Delete the user and everything that is theirs alone; NotFound if there is no such user."""
    owned = select(Ledger.id).where(Ledger.owner_id == user_id).scalar_subquery()
    with write_transaction() as session:
        if session.get(User, user_id) is None:
            raise NotFound("User not found")
        digests = set(session.scalars(union(*(
            select(column).where(Attachment.ledger_id.in_(owned), column.is_not(None))
            for column in (Attachment.digest, Attachment.large_digest, Attachment.thumb_digest)))))
        summary = Deleted(
            user_id=user_id,
            ledgers=session.scalar(select(func.count()).select_from(Ledger).where(Ledger.owner_id == user_id)),
            transactions=session.scalar(select(func.count()).select_from(Transaction)
                                        .where(Transaction.ledger_id.in_(owned))),
            attachments=session.scalar(select(func.count()).select_from(Attachment)
                                       .where(Attachment.ledger_id.in_(owned))))
        session.execute(delete(User).where(User.id == user_id).execution_options(synchronize_session=False))
    attachments.discard_files(digests)
    return summary
