"""Reading transactions: /transactions/{id} and the four lists (by user, account,
category and transaction account), newest first, filtered and paged.

Rows come from services/ledger/pages.py with everything their answers need, read in a
fixed number of statements per page; this module only turns them into models.
Creating, changing and deleting are in transaction_writes.py, which answers with
``answer``.
"""

from flask import request
from sqlalchemy import select

from spendsense import money
from spendsense.api import pagination
from spendsense.api.v2 import lookup, present
from spendsense.api.v2.routes import BadQuery, Paged, operation
from spendsense.api.v2.schemas.transaction_queries import TransactionListQuery
from spendsense.api.v2.schemas.transactions import Transaction
from spendsense.extensions import db
from spendsense.models import Account, Category
from spendsense.models import Transaction as TransactionRow
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import pages
from spendsense.services.validation import is_row_id

TAG = "Transactions"
# Transaction.source in the words of PocketSmith's upload_source.
UPLOAD_SOURCES = {"import": "file"}
CATEGORY_IDS = {"type": "string", "pattern": r"^\d+(,\d+)*$"}
MAX_CATEGORIES = 100


def _models(listed):
    """The answer models of ``listed.rows``; a page's rows share a few accounts and
    categories, so each of those is built once."""
    as_of = lookup.as_of()
    held = {account_id: present.transaction_account(account, institution, **as_of)
            for account_id, (account, institution) in listed.accounts.items()
            if any(row.account_id == account_id for row in listed.rows)}
    categories = {category_id: present.category(row) for category_id, row in listed.categories.items()}
    return [_model(row, listed, held[row.account_id], categories.get(row.category_id),
                   as_of["base_currency"])
            for row in listed.rows]


def _model(row, listed, held, category, base_currency):
    currency = held.currency_code
    amount = money.from_minor(row.amount, currency)
    payee = row.payee or row.description or ""
    return Transaction(
        id=row.id, payee=payee, original_payee=row.original_payee or payee, date=row.occurred_at.date(),
        upload_source=UPLOAD_SOURCES.get(row.source, row.source), category=category,
        closing_balance=money.from_minor(listed.closing[row.id], currency),
        cheque_number=row.cheque_number, memo=row.memo, amount=amount,
        amount_in_base_currency=_in_base(row, amount, currency, base_currency),
        type="debit" if row.amount < 0 else "credit",
        is_transfer=row.transfer_id is not None or bool(category is not None and category.is_transfer),
        needs_review=row.needs_review, status=row.status, note=row.description,
        labels=listed.labels.get(row.id, []), transaction_account=held,
        created_at=row.created_at, updated_at=row.updated_at,
    )


def _in_base(row, amount, currency, base_currency):
    """The amount in the base currency: as typed, when it was typed in that currency and
    converted into the account's; else at the reference rate of the row's day."""
    if row.foreign_currency == base_currency and row.foreign_amount is not None:
        return money.from_minor(row.foreign_amount, base_currency)
    return present.in_base(amount, currency, today=row.occurred_at.date(), base_currency=base_currency)[0]


def answer(ledger_id, txn_id) -> Transaction:
    """One live transaction of the ledger as every v2 read writes it (closing balance
    included); NotFound when the ledger holds no such live row."""
    return _models(pages.one(ledger_id, txn_id))[0]


@operation("GET", "/transactions/<int:id>", summary="Get a transaction", tag=TAG, response=Transaction)
def get_transaction(id):
    try:
        return answer(lookup.ledger_id(), id)
    except NotFound:
        lookup.refuse(TransactionRow, id, "Transaction")


def _filters(query, category_ids):
    """The service's filter; on /categories/{ids}/transactions the path names the categories."""
    return pages.Filters(
        start=query.start_date, end=query.end_date, updated_since=query.updated_since,
        uncategorised=query.uncategorised or query.only_uncategorised, type=query.type,
        needs_review=query.needs_review, search=query.search, category_ids=category_ids or query.category_id)


def _paged(query, *, account_id=None, category_ids=()):
    try:
        page = pagination.by_page(request.args, default_per_page=30, min_per_page=10, max_per_page=1000)
    except Invalid as exc:
        raise BadQuery(exc.message) from None
    ledger_id = lookup.ledger_id()
    listed = pages.page(ledger_id, _filters(query, category_ids), limit=page.limit, offset=page.offset, account_id=account_id)
    try:
        page.check_in_range(listed.total)
    except Invalid as exc:
        raise BadQuery(exc.message) from None
    return Paged(_models(listed), page.headers(listed.total))


LIST = {"tag": TAG, "query": TransactionListQuery, "response": list[Transaction], "paged": True}


@operation("GET", "/users/<int:id>/transactions", summary="List transactions in user", **LIST)
def list_user_transactions(id, query):
    lookup.check_user(id)
    return _paged(query)


@operation("GET", "/accounts/<int:id>/transactions", summary="List transactions in account", **LIST)
def list_account_transactions(id, query):
    return _paged(query, account_id=lookup.owned(Account, id, "Account").id)


@operation("GET", "/transaction_accounts/<int:id>/transactions", summary="List transactions in transaction account",
           **LIST)
def list_transaction_account_transactions(id, query):
    return _paged(query, account_id=lookup.owned(Account, id, "Transaction account").id)


@operation("GET", "/categories/<string:id>/transactions", summary="List transactions in categories",
           description="`id` may be a comma-separated list of category ids; each must be one the caller sees.",
           path_params={"id": CATEGORY_IDS}, **LIST)
def list_category_transactions(id, query):
    return _paged(query, category_ids=_categories(id))


def _categories(text):
    """The ids of a comma-separated list, each a category the caller's ledger sees (its
    own or a system one): another ledger's is 403, a missing or malformed one 404."""
    parts = text.split(",")
    if len(parts) > MAX_CATEGORIES or not all(part.isascii() and part.isdigit() for part in parts):
        raise NotFound("Category not found.")
    ids = {int(part) for part in parts}
    ledger_id = lookup.ledger_id()
    seen = set(db.session.scalars(select(Category.id).where(
        Category.id.in_([category_id for category_id in ids if is_row_id(category_id)]),
        (Category.ledger_id == ledger_id) | Category.ledger_id.is_(None))))
    for category_id in sorted(ids - seen):
        lookup.refuse(Category, category_id, "Category")
    return tuple(sorted(ids))
