"""Totals over a ledger's history, from the per-month cache, never from every row."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, MonthlyTotal


@dataclass(frozen=True)
class Totals:
    currency: str
    spent: Decimal
    earned: Decimal

    @property
    def difference(self):
        return self.earned - self.spent


def all_time_totals(ledger_id):
    """Spent and earned over the whole history, one Totals per account currency.

    Sums the monthly totals of live accounts: cost grows with months x accounts,
    not with the number of transactions. Transfers count as neither.
    """
    rows = db.session.execute(
        select(Account.currency,
               func.coalesce(func.sum(MonthlyTotal.spent), 0),
               func.coalesce(func.sum(MonthlyTotal.earned), 0))
        .join(MonthlyTotal, MonthlyTotal.account_id == Account.id)
        .where(Account.ledger_id == ledger_id, Account.deleted_at.is_(None))
        .group_by(Account.currency)
        .order_by(Account.currency)
    ).all()
    return [Totals(currency, money.from_minor(spent, currency), money.from_minor(earned, currency))
            for currency, spent, earned in rows]


def totals_in(currency, totals):
    """The Totals of one currency among ``totals`` (zero when there are none in it)."""
    for entry in totals:
        if entry.currency == currency:
            return entry
    zero = money.from_minor(0, currency)
    return Totals(currency, zero, zero)
