"""Reading transactions: filtered, sorted, paginated in SQL."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from spendsense.extensions import db
from spendsense.models import Account, Category, Label, Transaction, transaction_labels

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
    # Lists show a transfer once, as its outgoing leg, unless they follow one account.
    one_leg_per_transfer: bool = False
    account_ids: list[int] = field(default_factory=list)


def _label_ids(ledger_id, name):
    """Ids of the ledger's labels called ``name``, ignoring case. Compared in Python:
    SQLite's lower() folds only ASCII letters, so "été" would miss "Été"."""
    key = name.strip().lstrip("#").lower()
    rows = db.session.execute(select(Label.id, Label.name).where(Label.ledger_id == ledger_id)).all()
    return [label_id for label_id, label_name in rows if label_name.lower() == key]


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
    elif flt.one_leg_per_transfer:
        query = query.where(or_(Transaction.transfer_id.is_(None), Transaction.amount < 0))
    if flt.account_ids:
        query = query.where(Transaction.account_id.in_(flt.account_ids))
    if flt.uncategorised:
        query = query.where(Transaction.category_id.is_(None), Transaction.transfer_id.is_(None))
    elif flt.category_id is not None:
        query = query.where(Transaction.category_id == flt.category_id)
    if flt.label:
        query = query.where(Transaction.id.in_(
            select(transaction_labels.c.transaction_id)
            .where(transaction_labels.c.label_id.in_(_label_ids(ledger_id, flt.label)))))
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


# What a read model of one transaction needs, as plain columns (page_rows).
ROW_COLUMNS = (
    Transaction.id, Transaction.amount, Transaction.occurred_at, Transaction.description,
    Transaction.payee, Transaction.source, Transaction.transfer_id, Transaction.created_at, Transaction.updated_at,
    Account.name.label("account_name"), Account.currency.label("currency"),
    Category.value.label("category_value"),
)


def page_rows(ledger_id, flt, *, limit, offset=0):
    """One page as Core rows (ROW_COLUMNS), for serializers that need no ORM objects:
    one SELECT joining account and category, one more for the page's labels.

    Returns (rows, labels, has_more): ``labels`` maps a transaction id to its label
    names in name order, as ``Transaction.labels`` holds them.
    """
    query = (filtered(ledger_id, flt).with_only_columns(*ROW_COLUMNS, maintain_column_froms=False)
             .select_from(Transaction)
             .join(Account, Account.id == Transaction.account_id)
             .outerjoin(Category, Category.id == Transaction.category_id)
             .order_by(*SORTS[flt.sort]).limit(limit + 1).offset(offset))
    rows = db.session.execute(query).all()
    rows, has_more = rows[:limit], len(rows) > limit
    labels = {}
    if rows:
        pairs = db.session.execute(
            select(transaction_labels.c.transaction_id, Label.name)
            .join(Label, Label.id == transaction_labels.c.label_id)
            .where(transaction_labels.c.transaction_id.in_([row.id for row in rows]))
            .order_by(Label.name)
        ).all()
        for transaction_id, name in pairs:
            labels.setdefault(transaction_id, []).append(name)
    return rows, labels, has_more


def count(ledger_id, flt):
    return db.session.scalar(select(func.count()).select_from(filtered(ledger_id, flt).subquery()))


def day_sums(ledger_id, flt, days):
    """{day: {currency: (spent, earned)}} in minor units for the given days, under the
    same filter as the list, so a day's sums are whole even when it spans two pages.
    Transfers are movements, not income or expense, and are left out."""
    if not days:
        return {}
    subquery = filtered(ledger_id, flt).where(Transaction.transfer_id.is_(None)).subquery()
    rows = db.session.execute(
        select(func.date(subquery.c.occurred_at), Account.currency,
               func.sum(case((subquery.c.amount < 0, -subquery.c.amount), else_=0)),
               func.sum(case((subquery.c.amount > 0, subquery.c.amount), else_=0)))
        .join(Account, Account.id == subquery.c.account_id)
        .where(subquery.c.occurred_at >= datetime.combine(min(days), time.min),
               subquery.c.occurred_at <= datetime.combine(max(days), time.max))
        .group_by(func.date(subquery.c.occurred_at), Account.currency)
    ).all()
    result = {}
    for value, currency, spent, earned in rows:
        key = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        if key in days:
            result.setdefault(key, {})[currency] = (int(spent), int(earned))
    return result


def transfer_partners(rows):
    """{transaction id: the other leg} for the transfers among ``rows``, in one query."""
    wanted = {txn.transfer_id: txn.id for txn in rows if txn.transfer_id}
    if not wanted:
        return {}
    others = db.session.scalars(
        select(Transaction).where(Transaction.id.in_(wanted)).options(selectinload(Transaction.account))).all()
    return {wanted[other.id]: other for other in others}
