"""The occurrences of a ledger's budget events in a window of dates, read in one go.

Series are few (tens, not thousands), so a window costs one query for the series of
live accounts, one for the recorded states (skipped, paid, posted) in the window, and
the repeat rules worked out in Python (repeats.py). Nothing here depends on how long
the history is.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account
from spendsense.models.planning import BudgetEvent, EventOccurrence, Scenario
from spendsense.services.planning.repeats import Repeat, occurrence_id


@dataclass(frozen=True)
class Occurrence:
    """One date of a series. ``state`` is None while it is still expected."""

    event: BudgetEvent
    day: date
    state: str | None = None
    transaction_id: int | None = None

    @property
    def id(self):
        return occurrence_id(self.event.id, self.day)

    @property
    def amount(self) -> Decimal:
        return money.from_minor(self.event.amount, self.event.currency)

    @property
    def minor(self):
        return self.event.amount

    @property
    def currency(self):
        return self.event.currency

    @property
    def category_id(self):
        return self.event.category_id

    @property
    def scenario_id(self):
        return self.event.scenario_id

    @property
    def account_id(self):
        return self.event.scenario.account_id


def series(ledger_id, *, scenario_ids=None, category_ids=None, first=None, last=None):
    """The ledger's series on live accounts (their scenario and category loaded), those
    that can have an occurrence between ``first`` and ``last`` when given."""
    query = (select(BudgetEvent).join(Scenario, Scenario.id == BudgetEvent.scenario_id)
             .join(Account, Account.id == Scenario.account_id)
             .where(BudgetEvent.ledger_id == ledger_id, Account.deleted_at.is_(None))
             .order_by(BudgetEvent.start_date, BudgetEvent.id))
    if scenario_ids is not None:
        query = query.where(BudgetEvent.scenario_id.in_(list(scenario_ids)))
    if category_ids is not None:
        query = query.where(BudgetEvent.category_id.in_(list(category_ids)))
    if last is not None:
        query = query.where(BudgetEvent.start_date <= last)
    if first is not None:
        query = query.where((BudgetEvent.end_date.is_(None)) | (BudgetEvent.end_date >= first))
    rows = db.session.scalars(query.options(db.joinedload(BudgetEvent.scenario).joinedload(Scenario.account),
                                            db.joinedload(BudgetEvent.category))).unique().all()
    return rows


def states(event_ids, first, last):
    """{(event id, date): (state, transaction id)} recorded in the window."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(EventOccurrence.event_id, EventOccurrence.occurs_on, EventOccurrence.state,
               EventOccurrence.transaction_id)
        .where(EventOccurrence.event_id.in_(list(event_ids)), EventOccurrence.occurs_on.between(first, last)))
    return {(event_id, day): (state, transaction_id) for event_id, day, state, transaction_id in rows}


def between(ledger_id, first, last, *, scenario_ids=None, category_ids=None, include_skipped=False,
            rows=None):
    """Every occurrence from ``first`` to ``last`` (both included), by date then series.

    Skipped ones (deleted on their own) are left out unless ``include_skipped``; paid
    and posted ones stay (they were planned, and a budget counts them). ``rows`` lets
    a caller that has the series already pass them in.
    """
    if rows is None:
        rows = series(ledger_id, scenario_ids=scenario_ids, category_ids=category_ids, first=first, last=last)
    known = states([row.id for row in rows], first, last)
    found = []
    for row in rows:
        for day in Repeat.of(row).between(first, last):
            state, transaction_id = known.get((row.id, day), (None, None))
            if state == "skipped" and not include_skipped:
                continue
            found.append(Occurrence(row, day, state, transaction_id))
    found.sort(key=lambda occurrence: (occurrence.day, occurrence.event.id))
    return found
