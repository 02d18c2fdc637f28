"""The Budgets page's "set a category's budget": a repeating event in the ledger's
default scenario, marked ``is_budget``, changed from the current period on.

The series surgery (cutting a series, splitting it at a date, changing it all) is
events.py's; this module decides which series is the category's budget and what to do
with it.
"""

from datetime import timedelta

from sqlalchemy import select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Ledger, User
from spendsense.models.planning import BudgetEvent
from spendsense.services import validation
from spendsense.services.ledger import accounts
from spendsense.services.planning import events, scenarios
from spendsense.services.planning.repeats import Repeat
from spendsense.services.uow import write_transaction

BUDGET_PERIODS = ("weekly", "fortnightly", "monthly", "yearly")


def _period_start(ledger_id, period, today):
    """The first day of the calendar period holding ``today``: a month's 1st, 1 January,
    or the owner's week start day (a fortnight starts on a week's)."""
    if period == "monthly":
        return today.replace(day=1)
    if period == "yearly":
        return today.replace(month=1, day=1)
    week_start = db.session.scalar(select(User.week_start).join(Ledger, Ledger.owner_id == User.id)
                                   .where(Ledger.id == ledger_id)) or 0
    return today - timedelta(days=(today.weekday() - week_start) % 7)


def in_effect(rows, day, period=None):
    """Of one category's series (by start date), the budget in effect on ``day``: the
    latest repeating series this page set (``is_budget``) or, failing one, an
    open-ended repeating series made by hand (of ``period`` when given: a bill of
    another rhythm, yearly insurance, is never taken for a monthly budget)."""
    live = [row for row in rows if row.repeat_type != "once" and row.start_date <= day
            and (row.end_date is None or row.end_date >= day)]
    set_here = [row for row in live if row.is_budget]
    by_hand = [row for row in live if not row.is_budget and row.end_date is None and row.occurrences is None
               and (period is None or row.repeat_type == period)]
    return (set_here or by_hand or [None])[-1]


def _budget_series(scenario_id, category_id, today, period):
    """The category's budget in the scenario in effect today, and the start of the next
    budget set for later, if any (locked, as they may change)."""
    rows = db.session.scalars(
        select(BudgetEvent).where(BudgetEvent.scenario_id == scenario_id, BudgetEvent.category_id == category_id,
                                  BudgetEvent.repeat_type != "once",
                                  (BudgetEvent.end_date.is_(None)) | (BudgetEvent.end_date >= today))
        .order_by(BudgetEvent.start_date, BudgetEvent.id)
        .with_for_update(key_share=True)).all()
    later = [row.start_date for row in rows if row.is_budget and row.start_date > today]
    return in_effect(rows, today, period), (later[0] if later else None)


def set_category_budget(ledger_id, category_id, amount, *, period="monthly", today):
    """Budget ``amount`` (typed positive, in the base currency) for the category every
    ``period`` from the current one on, in the default scenario; 0 or empty removes
    the budget from the current period on. Returns the series now holding the budget
    (None when removed).

    An existing budget of the same period changes from its period holding ``today``
    (one occurrence to the day before the next); one of another period (or currency)
    ends before the current calendar period, where the new one starts.
    """
    period = validation.choice(period, "period", BUDGET_PERIODS, label="Period")
    currency = accounts.ledger_currency(ledger_id)
    typed = 0 if amount in (None, "") else validation.amount(amount, currency, allow_negative=False)
    minor = money.to_minor(typed, currency)
    with write_transaction() as session:
        category = events.event_category(ledger_id, category_id)
        signed = -minor if category.kind == "spent" else minor
        scenario = scenarios.default_scenario(ledger_id)
        existing, next_start = _budget_series(scenario.id, category.id, today, period)
        if existing is not None and existing.repeat_type == period and existing.currency == currency:
            rule = Repeat.of(existing)
            day = rule.before(today, inclusive=True) or rule.first()
            if signed == 0:
                events.cut_before(session, existing, day)
                return None
            if existing.amount == signed:
                return existing
            if day == rule.first():
                events.change_all(session, existing, {"amount": signed})
                return existing
            return events.split_at(session, existing, day, {"amount": signed})
        start = _period_start(ledger_id, period, today)
        if existing is not None:
            events.cut_before(session, existing, start)
        if signed == 0:
            return None
        # A budget already set for a later period keeps it: this one ends the day before.
        until = next_start - timedelta(days=1) if next_start and next_start > start else None
        event = BudgetEvent(ledger_id=ledger_id, scenario_id=scenario.id, category_id=category.id, amount=signed,
                            currency=currency, start_date=start, repeat_type=period, repeat_interval=1,
                            end_date=until, is_budget=True)
        session.add(event)
    return event
