"""Envelopes: money assigned to each expense category month by month, kept by the rule
Actual Budget uses.

- A category's **assigned** money for a month is its BudgetAssignment row for that
  month, else what its budget events (in the accounts' primary scenarios) plan for
  that calendar month, as a positive amount.
- Its **leftover** is assigned + spent (negative) + what it carried in. A positive
  leftover always carries into the next month; a negative one carries only when the
  category rolls over (analysis.set_rollover). Otherwise the category starts the next
  month at 0 and the overspending comes off that month's "available to budget".
- **Available to budget** is what the months so far brought in (income) less what was
  assigned and less the overspending that did not carry; whatever is left unassigned
  (or was assigned beyond the income) carries on into the next month.

The months are counted from the ledger's first budgeted month (its earliest assignment
or budget event): before it nothing was put in envelopes. Amounts are in the ledger's
base currency; every figure comes from the month totals of the categories.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Ledger, User
from spendsense.models.planning import BudgetAssignment
from spendsense.services import validation
from spendsense.services.errors import Invalid
from spendsense.services.ledger import categories
from spendsense.services.planning import actuals, analysis
from spendsense.services.planning.repeats import Repeat
from spendsense.services.planning.rollover import Plan, series_rows
from spendsense.services.uow import write_transaction

NOT_AN_ENVELOPE = "Only an expense category (not a transfer one) has an envelope."


@dataclass(frozen=True)
class Envelope:
    """One expense category in one month (positive = money in the envelope)."""

    category: object
    assigned: Decimal
    spent: Decimal  # the month's activity: negative when money went out
    carried: Decimal  # brought in from the month before
    leftover: Decimal  # assigned + spent + carried: what is in the envelope at the month's end
    rollover: bool  # whether overspending carries too

    @property
    def available(self):
        return self.leftover


@dataclass(frozen=True)
class EnvelopeMonth:
    month: date  # its first day
    currency: str
    carried_in: Decimal  # available to budget at the end of the month before
    income: Decimal
    assigned: Decimal
    overspent_before: Decimal  # last month's overspending that did not carry (>= 0)
    available_to_budget: Decimal  # carried_in + income - assigned - overspent_before
    current: bool
    envelopes: list


def _months(first, last):
    found = []
    month = first
    while month <= last:
        found.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return found


def _month_end(month):
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _base_currency(ledger_id):
    return db.session.scalar(select(User.base_currency).join(Ledger, Ledger.owner_id == User.id)
                             .where(Ledger.id == ledger_id))


def _first_month(ledger_id, rows):
    """The ledger's first budgeted month: its earliest assignment or budget event."""
    candidates = [day for day in (Repeat.of(row).first() for row in rows) if day is not None]
    assigned = db.session.scalar(select(func.min(BudgetAssignment.month)).where(
        BudgetAssignment.ledger_id == ledger_id))
    if assigned is not None:
        candidates.append(assigned if isinstance(assigned, date) else date.fromisoformat(assigned))
    return min(candidates).replace(day=1) if candidates else None


def month(ledger_id, month, *, today):
    """The envelopes of one calendar month (any day of it) and what is available to budget."""
    month = validation.parse_date(month, "month").replace(day=1)
    currency = _base_currency(ledger_id)
    visible = [category for category in categories.list_categories(ledger_id) if not category.is_transfer]
    spent = [category for category in visible if category.kind == "spent"]
    earn_ids = [category.id for category in visible if category.kind == "earn"]
    rolling = analysis.rollover_categories(ledger_id)
    rows = series_rows(ledger_id, category_ids=[category.id for category in spent], primary=True)
    first = min(_first_month(ledger_id, rows) or month, month)
    months = _months(first, month)
    assignments = {(category_id, when if isinstance(when, date) else date.fromisoformat(when)): amount
                   for category_id, when, amount in db.session.execute(
                       select(BudgetAssignment.category_id, BudgetAssignment.month, BudgetAssignment.amount)
                       .where(BudgetAssignment.ledger_id == ledger_id, BudgetAssignment.month.between(first, month)))}
    planned = Plan(ledger_id, rows, first, _month_end(month), currency, _month_end(month)).by_month()
    money_in = actuals.monthly(ledger_id, first, month, category_ids=[category.id for category in visible],
                               currency=currency)
    nothing = money.from_minor(0, currency)

    def assigned(category_id, when):
        if (category_id, when) in assignments:
            return money.from_minor(assignments[(category_id, when)], currency)
        return -planned.get((category_id, when), nothing)

    def activity(category_id, when):
        found = money_in.get(category_id, {}).get(when)
        return found.net if found is not None else nothing

    spent_ids = [(category.id, category.id in rolling) for category in spent]
    carried = dict.fromkeys((category_id for category_id, _rolls in spent_ids), nothing)
    available, overspent = nothing, nothing
    for when in months:
        carried_in, overspent_before = available, overspent
        income = sum((activity(category_id, when) for category_id in earn_ids), nothing)
        total_assigned, overspent = nothing, nothing
        figures = []
        for category_id, rolls in spent_ids:
            given, used, brought = assigned(category_id, when), activity(category_id, when), carried[category_id]
            leftover = given + used + brought
            total_assigned += given
            if leftover < 0 and not rolls:
                overspent -= leftover
                carried[category_id] = nothing
            else:
                carried[category_id] = leftover
            figures.append((given, used, brought, leftover, rolls))
        available = carried_in + income - total_assigned - overspent_before
    envelopes = [Envelope(category, *found) for category, found in zip(spent, figures, strict=True)
                 if any(found[:3]) or (category.id, month) in assignments]
    return EnvelopeMonth(month, currency, carried_in, income, total_assigned, overspent_before, available,
                         month <= today <= _month_end(month), envelopes)


def assign(ledger_id, category_id, month, amount):
    """Put ``amount`` (base currency) in a category's envelope for a month; None or ""
    takes the assignment away (the month then follows the category's budget events)."""
    currency = _base_currency(ledger_id)
    month = validation.parse_date(month, "month").replace(day=1)
    clear = amount is None or (isinstance(amount, str) and not amount.strip())
    minor = None if clear else money.to_minor(validation.amount(amount, currency), currency)
    for attempt in range(2):
        try:
            with write_transaction() as session:
                category = categories.get_visible(ledger_id, category_id)
                if category.kind != "spent" or category.is_transfer:
                    raise Invalid.field("category", NOT_AN_ENVELOPE)
                where = (BudgetAssignment.ledger_id == ledger_id, BudgetAssignment.category_id == category.id,
                         BudgetAssignment.month == month)
                if minor is None:
                    session.execute(delete(BudgetAssignment).where(*where))
                    return None
                row = session.scalars(select(BudgetAssignment).where(*where)).first()
                if row is None:
                    row = BudgetAssignment(ledger_id=ledger_id, category_id=category.id, month=month, amount=minor)
                    session.add(row)
                else:
                    row.amount = minor
            return row
        except IntegrityError:  # a concurrent request made the month's row first: change that one
            if attempt:
                raise
    return None
