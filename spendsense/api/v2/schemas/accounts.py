"""Institutions, accounts and transaction accounts.

One SpendSense account is one PocketSmith account with exactly one transaction
account, which shares its id (COMPAT.md §4): ``Account.primary_transaction_account``
and the one item of ``Account.transaction_accounts`` describe the same row.
"""

from typing import Literal

from spendsense.api.v2.fields import CurrencyOut, Day, Money, Out, Timestamp

AccountType = Literal["bank", "credits", "cash", "stocks", "mortgage", "loans", "vehicle", "property",
                      "insurance", "other_asset", "other_liability"]


class Institution(Out):
    id: int
    title: str
    currency_code: CurrencyOut
    created_at: Timestamp
    updated_at: Timestamp


class TransactionAccount(Out):
    id: int
    name: str
    number: str | None = None
    currency_code: CurrencyOut
    type: AccountType
    current_balance: Money
    current_balance_date: Day
    current_balance_in_base_currency: Money | None = None
    current_balance_exchange_rate: Money | None = None
    starting_balance: Money
    starting_balance_date: Day | None = None
    institution: Institution | None = None
    created_at: Timestamp
    updated_at: Timestamp


class Account(Out):
    id: int
    title: str
    currency_code: CurrencyOut
    type: AccountType
    is_net_worth: bool
    primary_transaction_account: TransactionAccount
    transaction_accounts: list[TransactionAccount]
    current_balance: Money
    current_balance_date: Day
    current_balance_in_base_currency: Money | None = None
    current_balance_exchange_rate: Money | None = None
    created_at: Timestamp
    updated_at: Timestamp
