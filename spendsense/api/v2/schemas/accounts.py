"""Institutions, accounts and transaction accounts.

One SpendSense account is one PocketSmith account with exactly one transaction
account, which shares its id (COMPAT.md §4): ``Account.primary_transaction_account``
and the one item of ``Account.transaction_accounts`` describe the same row. Its
``scenarios`` are its plans, the primary one first (schemas/scenarios.py).
The request bodies read only what SpendSense keeps; the services check the rules
(unique account names, an institution of the caller's).
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema

from spendsense.api.v2.fields import (
    AmountIn,
    Body,
    CurrencyIn,
    CurrencyOut,
    Day,
    Money,
    Out,
    Query,
    Timestamp,
)
from spendsense.api.v2.schemas.scenarios import Scenario
from spendsense.services import validation
from spendsense.services.errors import Invalid

AccountType = Literal["bank", "credits", "cash", "stocks", "mortgage", "loans", "vehicle", "property",
                      "insurance", "other_asset", "other_liability"]
# What answers say: the types the official client accepts (COMPAT.md §4). It refuses
# every account list holding one other type, so the three it lacks are said as the
# nearest one it knows; the account keeps its own type (the web UI and v1 show it).
AS_CLIENTS_KNOW = {"cash": "bank", "insurance": "property", "other_asset": "property"}
AccountTypeOut = Annotated[
    Literal["bank", "credits", "stocks", "mortgage", "loans", "vehicle", "property", "other_liability"],
    BeforeValidator(lambda value: AS_CLIENTS_KNOW.get(value, value))]


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
    type: AccountTypeOut
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
    type: AccountTypeOut
    is_net_worth: bool
    primary_transaction_account: TransactionAccount
    primary_scenario: Scenario | None = None
    transaction_accounts: list[TransactionAccount]
    scenarios: list[Scenario] = []
    current_balance: Money
    current_balance_date: Day
    current_balance_in_base_currency: Money | None = None
    current_balance_exchange_rate: Money | None = None
    created_at: Timestamp
    updated_at: Timestamp


def _iso_day(value):
    """A date as ``YYYY-MM-DD`` text (pydantic's lax date would also read a number as a
    Unix time), within the dates SpendSense keeps."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date like 2015-03-15")
    try:
        return validation.parse_date(value, "date")
    except Invalid:
        raise ValueError(f"must be a date like 2015-03-15, between {validation.MIN_DATE} "
                         f"and {validation.MAX_DATE}") from None


DayIn = Annotated[date, BeforeValidator(_iso_day),
                  WithJsonSchema({"type": "string", "format": "date", "examples": ["2015-03-15"]},
                                 mode="validation")]


def _not_bool(value):
    if isinstance(value, bool):
        raise ValueError("must be an id (a whole number)")
    return value


# An id in a body: JSON's true is no id (pydantic would read it as 1).
IdIn = Annotated[int, BeforeValidator(_not_bool)]
Title = Annotated[str, Field(min_length=1, max_length=100)]
RowId = Annotated[int, Field(ge=1, le=validation.MAX_ID)]


class InstitutionNew(Body):
    title: Title
    currency_code: CurrencyIn


class InstitutionChange(Body):
    title: Title | None = None
    currency_code: CurrencyIn | None = None


class InstitutionDeletion(Query):
    merge_into_institution_id: RowId | None = None


class AccountNew(Body):
    institution_id: IdIn
    title: Title
    currency_code: CurrencyIn
    type: AccountType


class AccountChange(Body):
    title: Title | None = None
    currency_code: CurrencyIn | None = None
    type: AccountType | None = None
    is_net_worth: bool | None = None


class AccountPlace(Body):
    """An account in a new display order: only its id is read (clients send the whole
    account object back)."""

    id: IdIn


class AccountOrder(Body):
    accounts: Annotated[list[AccountPlace], Field(min_length=1, max_length=1000)]


class TransactionAccountChange(Body):
    """``institution_id`` null takes the account out of its institution;
    ``starting_balance_date`` null clears the date."""

    institution_id: IdIn | None = None
    starting_balance: AmountIn | None = None
    starting_balance_date: DayIn | None = None
