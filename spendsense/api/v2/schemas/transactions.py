"""The transaction as every v2 list and read writes it.

``closing_balance`` is the account's balance after the transaction (in the account's
order: date, then id); ``category`` the full object; ``transaction_account`` the
account with its institution. A field the row has no value for is left out.
"""

from typing import Literal

from spendsense.api.v2.fields import Day, Money, Out, Timestamp
from spendsense.api.v2.schemas.accounts import TransactionAccount
from spendsense.api.v2.schemas.categories import Category


class Transaction(Out):
    id: int
    payee: str
    original_payee: str
    date: Day
    upload_source: str
    category: Category | None = None
    closing_balance: Money
    cheque_number: str | None = None
    memo: str | None = None
    amount: Money
    amount_in_base_currency: Money | None = None
    type: Literal["debit", "credit"]
    is_transfer: bool
    needs_review: bool
    status: Literal["pending", "posted"]
    note: str | None = None
    labels: list[str]
    transaction_account: TransactionAccount
    created_at: Timestamp
    updated_at: Timestamp
