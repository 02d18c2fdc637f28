"""Totals over a ledger's history, from cached sums, never from every row."""

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

    Sums the all-time totals cached on the live accounts: one row per account, however
    many months or transactions there are. Transfers count as neither. A currency shows
    up once one of its accounts has had a transaction (has a monthly total row), as
    when these were summed from the monthly totals.
    """
    has_history = select(MonthlyTotal.id).where(MonthlyTotal.account_id == Account.id).exists()
    rows = db.session.execute(
        select(Account.currency, func.sum(Account.total_spent), func.sum(Account.total_earned))
        .where(Account.ledger_id == ledger_id, Account.deleted_at.is_(None), has_history)
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
