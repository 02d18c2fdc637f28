"""Rows -> v2 answer models, for the objects that nest inside others: a transaction
carries its category and its transaction account (with the institution), an account
its transaction account and its scenarios, an event its category and its scenario. Each takes a row with the model's attributes (ORM object or
Core row) and makes no query of its own, so a list builds its answer from rows it read
in one go (a converted balance's rate comes from the offline table, not the database).
"""

from datetime import date
from decimal import Decimal, localcontext
from functools import lru_cache

from spendsense import money
from spendsense.api.v2.schemas.accounts import Account, Institution, TransactionAccount
from spendsense.api.v2.schemas.categories import Category
from spendsense.api.v2.schemas.scenarios import Scenario
from spendsense.services import exchange
from spendsense.services.errors import Invalid


def institution(row):
    return Institution(id=row.id, title=row.title, currency_code=row.currency, created_at=row.created_at,
                       updated_at=row.updated_at)


def category(row, children=()):
    """A category; ``children`` are its sub-categories' models, already built."""
    return Category(id=row.id, title=row.name, colour=row.colour, children=list(children),
                    parent_id=row.parent_id, is_transfer=row.is_transfer, is_bill=row.is_bill,
                    roll_up=row.roll_up, refund_behaviour=row.refund_behaviour, created_at=row.created_at,
                    updated_at=row.updated_at)


@lru_cache(maxsize=256)
def _base_rate(currency, base_currency, day):
    """Units of the base currency for one unit of ``currency`` on ``day`` (offline ECB
    rates), or None when there is none. The shipped rates for a day never change, so
    one look-up per currency and day serves every row and request that needs it."""
    try:
        return exchange.rate(currency, base_currency, day)[0]
    except Invalid:
        return None


def in_base(balance, currency, *, today, base_currency):
    """(balance in the base currency, rate used): the balance itself and no rate when the
    currencies agree (the spec's rate is null then), neither when there is no rate."""
    if currency == base_currency:
        return balance, None
    rate = _base_rate(currency, base_currency, today)
    if rate is None:
        return None, None
    with localcontext() as context:
        # Enough digits for the largest balance BIGINT holds times any rate, unrounded.
        context.prec = 60
        return money.quantize(balance * rate, base_currency), rate


def transaction_account(account, institution_row, *, today: date, base_currency: str):
    """The one transaction account of a SpendSense account (they share the id).

    The balance is the cached one (opening balance + live transactions) as of ``today``
    in the owner's time zone; in another currency than the base one it is also given
    converted at the day's reference rate, when the offline rates have one.
    """
    balance = money.from_minor(account.balance, account.currency)
    converted, rate = in_base(balance, account.currency, today=today, base_currency=base_currency)
    return TransactionAccount(
        id=account.id, name=account.name, currency_code=account.currency, type=account.type,
        current_balance=balance, current_balance_date=today,
        current_balance_in_base_currency=converted, current_balance_exchange_rate=rate,
        starting_balance=money.from_minor(account.opening_balance, account.currency),
        starting_balance_date=account.opening_date,
        institution=institution(institution_row) if institution_row is not None else None,
        created_at=account.created_at, updated_at=account.updated_at,
    )


def _minor_or_none(value, currency):
    return money.from_minor(value, currency) if value is not None else None


def scenario(row, account_row, *, today: date, base_currency: str):
    """A scenario of ``account_row`` (its account). SpendSense keeps one balance per
    account and every scenario plans on top of it, so the balances are the account's."""
    currency = account_row.currency
    balance = money.from_minor(account_row.balance, currency)
    converted, rate = in_base(balance, currency, today=today, base_currency=base_currency)
    return Scenario(
        id=row.id, title=row.title, description=row.description or None,
        interest_rate=Decimal(row.interest_rate) if row.interest_rate else None,
        interest_rate_repeat_id=row.interest_rate_repeat_id or 0, type=row.type,
        minimum_value=_minor_or_none(row.minimum_value, currency),
        maximum_value=_minor_or_none(row.maximum_value, currency), achieve_date=row.achieve_date,
        starting_balance=money.from_minor(account_row.opening_balance, currency),
        starting_balance_date=account_row.opening_date, current_balance=balance, current_balance_date=today,
        current_balance_in_base_currency=converted, current_balance_exchange_rate=rate,
        created_at=row.created_at, updated_at=row.updated_at,
    )


def account(row, institution_row, *, today: date, base_currency: str, scenarios=()):
    """A SpendSense account as a PocketSmith account: its one transaction account is
    both the primary one and the whole list, and the balances are that one's.
    ``scenarios`` are the account's scenario rows, the primary one first."""
    held = transaction_account(row, institution_row, today=today, base_currency=base_currency)
    plans = [scenario(plan, row, today=today, base_currency=base_currency) for plan in scenarios]
    primary = next((model for plan, model in zip(scenarios, plans, strict=True) if plan.is_primary), None)
    return Account(
        id=row.id, title=row.name, currency_code=row.currency, type=row.type, is_net_worth=row.is_net_worth,
        primary_transaction_account=held, transaction_accounts=[held],
        primary_scenario=primary, scenarios=plans,
        current_balance=held.current_balance, current_balance_date=today,
        current_balance_in_base_currency=held.current_balance_in_base_currency,
        current_balance_exchange_rate=held.current_balance_exchange_rate,
        created_at=row.created_at, updated_at=row.updated_at,
    )
