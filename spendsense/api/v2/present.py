"""Rows -> v2 answer models, for the objects that nest inside others: a transaction
carries its category and its transaction account (with the institution), an account
its transaction account. Each takes a row with the model's attributes (ORM object or
Core row) and makes no query of its own, so a list builds its answer from rows it read
in one go.
"""

from datetime import date

from spendsense import money
from spendsense.api.v2.schemas.accounts import Institution, TransactionAccount
from spendsense.api.v2.schemas.categories import Category


def institution(row):
    return Institution(id=row.id, title=row.title, currency_code=row.currency, created_at=row.created_at,
                       updated_at=row.updated_at)


def category(row, children=()):
    """A category; ``children`` are its sub-categories' models, already built."""
    return Category(id=row.id, title=row.name, colour=row.colour, children=list(children),
                    parent_id=row.parent_id, is_transfer=row.is_transfer, is_bill=row.is_bill,
                    roll_up=row.roll_up, refund_behaviour=row.refund_behaviour, created_at=row.created_at,
                    updated_at=row.updated_at)


def transaction_account(account, institution_row, *, today: date, base_currency: str):
    """The one transaction account of a SpendSense account (they share the id).

    The balance is the cached one (opening balance + live transactions) as of ``today``
    in the owner's time zone; in the base currency only when the currencies agree,
    since a converted figure needs a rate this read does not look up.
    """
    balance = money.from_minor(account.balance, account.currency)
    same = account.currency == base_currency
    return TransactionAccount(
        id=account.id, name=account.name, currency_code=account.currency, type=account.type,
        current_balance=balance, current_balance_date=today,
        current_balance_in_base_currency=balance if same else None,
        starting_balance=money.from_minor(account.opening_balance, account.currency),
        starting_balance_date=account.opening_date,
        institution=institution(institution_row) if institution_row is not None else None,
        created_at=account.created_at, updated_at=account.updated_at,
    )
