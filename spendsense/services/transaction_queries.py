"""Reading transactions: filtered, sorted, paginated in SQL."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from spendsense.extensions import db
from spendsense.models import Label, Transaction, transaction_labels

SORTS = {
    "newest": (Transaction.occurred_at.desc(), Transaction.id.desc()),
    "oldest": (Transaction.occurred_at.asc(), Transaction.id.asc()),
    "largest": (func.abs(Transaction.amount).desc(), Transaction.occurred_at.desc(), Transaction.id.desc()),
    "smallest": (func.abs(Transaction.amount).asc(), Transaction.occurred_at.desc(), Transaction.id.desc()),
}
KINDS = ("spent", "earn", "transfer")


@dataclass
class TransactionFilter:
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # inclusive
    kind: str | None = None  # spent, earn, transfer
    account_id: int | None = None
    category_id: int | None = None
    uncategorised: bool = False
    label: str | None = None
    search: str | None = None
    sort: str = "newest"
    include_deleted: bool = False
    account_ids: list[int] = field(default_factory=list)


def filtered(ledger_id, flt):
    """A SELECT of the ledger's transactions matching the filter (no order, no limit)."""
    query = select(Transaction).where(Transaction.ledger_id == ledger_id)
    if not flt.include_deleted:
        query = query.where(Transaction.deleted_at.is_(None))
    if flt.start is not None:
        query = query.where(Transaction.occurred_at >= flt.start)
    if flt.end is not None:
        query = query.where(Transaction.occurred_at <= flt.end)
    if flt.kind == "transfer":
        query = query.where(Transaction.transfer_id.is_not(None))
    elif flt.kind == "spent":
        query = query.where(Transaction.amount < 0, Transaction.transfer_id.is_(None))
    elif flt.kind == "earn":
        query = query.where(Transaction.amount > 0, Transaction.transfer_id.is_(None))
    if flt.account_id is not None:
        query = query.where(Transaction.account_id == flt.account_id)
    if flt.account_ids:
        query = query.where(Transaction.account_id.in_(flt.account_ids))
    if flt.uncategorised:
        query = query.where(Transaction.category_id.is_(None), Transaction.transfer_id.is_(None))
    elif flt.category_id is not None:
        query = query.where(Transaction.category_id == flt.category_id)
    if flt.label:
        query = query.where(Transaction.id.in_(
            select(transaction_labels.c.transaction_id)
            .join(Label, Label.id == transaction_labels.c.label_id)
            .where(Label.ledger_id == ledger_id, func.lower(Label.name) == flt.label.lower())))
    if flt.search:
        pattern = "%" + flt.search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(
            func.lower(Transaction.description).like(pattern, escape="\\"),
            func.lower(Transaction.payee).like(pattern, escape="\\"),
            func.lower(Transaction.memo).like(pattern, escape="\\"),
        ))
    return query


def page(ledger_id, flt, *, limit, offset=0):
    """One page of transactions, with account, category and labels loaded in bulk.

    Returns (rows, has_more): one extra row is fetched to know whether more follow.
    """
    query = (filtered(ledger_id, flt).order_by(*SORTS[flt.sort]).limit(limit + 1).offset(offset)
             .options(selectinload(Transaction.account), selectinload(Transaction.category),
                      selectinload(Transaction.labels)))
    rows = db.session.scalars(query).all()
    return rows[:limit], len(rows) > limit


def count(ledger_id, flt):
    return db.session.scalar(select(func.count()).select_from(filtered(ledger_id, flt).subquery()))

