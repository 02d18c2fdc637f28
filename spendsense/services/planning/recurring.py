"""Recurring transactions: planned occurrences matched to actual transactions, and the
due occurrences of "post automatically" series recorded as transactions.

**Matching.** An actual transaction is taken for a planned occurrence when it is in
the occurrence's account, at most ``MATCH_DAYS`` days before or after it, within
``MATCH_PERCENT`` of its amount (so of the same sign), and in its category or paid to
a payee equal to its note (ignoring case). A transaction pays one occurrence at most:
when several could match, the closest pairs (by days, then by amount) are taken
first, so this week's grocery run is not also counted as next week's. Transfers,
transactions this module posted itself and transactions already tied to an
occurrence are never candidates. Forecasts use the same matching, read-only
(services/planning/forecast.py), so a bill paid a few days early is not forecast again.

**Posting.** ``post_due`` goes through each ledger's "post automatically" series and
settles every due occurrence (dated today or earlier) that has no state yet: a
matching transaction marks it ``paid``; otherwise it is recorded through the one
transaction command (services/ledger/transactions.record) and marked ``posted``.
Both happen in one write transaction per occurrence, and both are guarded twice: the
EventOccurrence row is unique per series and date, and the posted transaction's
external id ``event:<series>:<date>`` is unique per account (a deleted one included,
so a posting the owner deleted never comes back). Running it twice, or in two
processes at once, records each occurrence once; the loser of a race finds the
winner's row and moves on.

A run catches up at most ``CATCH_UP_DAYS`` back from its today: enough for a server
nobody used for a month, while ticking "post automatically" on a series that started
in January does not book January to October again (the recent ones it does book are
usually matched to what the owner entered or imported). The bound counts from the
run's today, not from when the series was made, so a run's result depends only on
what is stored and the today it is given.
"""

import logging
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import not_, or_, select
from sqlalchemy.exc import SQLAlchemyError

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Ledger, Transaction, User
from spendsense.models.planning import BudgetEvent, EventOccurrence, Scenario
from spendsense.services import exchange
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import transactions
from spendsense.services.ledger.commands import NewTransaction
from spendsense.services.planning import occurrences
from spendsense.services.uow import write_transaction

log = logging.getLogger(__name__)

MATCH_DAYS = 7
MATCH_PERCENT = 10
CATCH_UP_DAYS = 31
SOURCE = "recurring"
EXTERNAL_PREFIX = "event:"
# A posted occurrence is booked at noon: a date, whatever the owner's clock says.
BOOKED_AT = time(12)
PAYEE_LENGTH = Transaction.__table__.c.payee.type.length


def external_id(event_id, day):
    return f"{EXTERNAL_PREFIX}{event_id}:{day.isoformat()}"


@dataclass(frozen=True, slots=True)
class Actual:
    """The columns of an actual transaction that matching reads (``payee`` folded)."""

    id: int
    account_id: int
    category_id: int | None
    payee: str | None
    amount: int
    day: date


class Planned(NamedTuple):
    """An open occurrence as matching reads it: its amount in its account's currency
    (minor units) and its note folded for comparing with payees. A tuple: a forecast
    makes thousands of them."""

    occurrence: occurrences.Occurrence
    event_id: int
    day: date
    account_id: int
    category_id: int
    note: str | None
    minor: int

    @property
    def key(self):
        return self.event_id, self.day


def _fold(text):
    return (text.strip().casefold() or None) if text else None


def planned_minor(occurrence, on=None):
    """The occurrence's amount in its account's currency, in minor units: converted at
    the reference rate of ``on`` (default: its own date) when the event is in another
    currency (at the nearest rate there is when that day has none). Invalid when one of
    the currencies has no rate at all."""
    currency = occurrence.event.scenario.account.currency
    if occurrence.currency == currency:
        return occurrence.minor
    converted = exchange.convert_near(occurrence.amount, occurrence.currency, currency, on or occurrence.day)
    if converted is None:
        raise Invalid.field("currency", f"There is no offline exchange rate between {occurrence.currency} "
                                        f"and {currency}.")
    return money.to_minor(converted.amount, currency)


def planned(open_occurrences, *, today, strict=False):
    """[Planned] of the occurrences without a state; an amount in another currency at
    the rate of its date (today's for a later one). Without a rate an occurrence is
    left out, or, ``strict``, Invalid. A series' columns are read once, not per date:
    a year of a daily series is 365 occurrences of one row."""
    facts, rates, found = {}, {}, []
    for occurrence in open_occurrences:
        if occurrence.state is not None:
            continue
        event = occurrence.event
        fact = facts.get(event.id)
        if fact is None:
            account = event.scenario.account
            same = event.currency == account.currency
            fact = facts[event.id] = (account.id, event.category_id, _fold(event.note), event.amount if same else None)
        minor = fact[3]
        if minor is None:
            on = min(occurrence.day, today)
            if (event.id, on) not in rates:
                try:
                    rates[event.id, on] = planned_minor(occurrence, on)
                except Invalid:
                    if strict:
                        raise
                    rates[event.id, on] = None
            minor = rates[event.id, on]
            if minor is None:
                continue
        found.append(Planned(occurrence, event.id, occurrence.day, fact[0], fact[1], fact[2], minor))
    return found


def unclaimed(ledger_id, account_ids, first, last):
    """The actual transactions of these accounts dated from ``first - MATCH_DAYS`` to
    ``last + MATCH_DAYS`` that could still pay an occurrence."""
    if not account_ids:
        return []
    claimed = select(EventOccurrence.id).where(EventOccurrence.transaction_id == Transaction.id).exists()
    rows = db.session.execute(
        select(Transaction.id, Transaction.account_id, Transaction.category_id, Transaction.payee,
               Transaction.amount, Transaction.occurred_at)
        .where(Transaction.ledger_id == ledger_id, Transaction.account_id.in_(sorted(account_ids)),
               Transaction.deleted_at.is_(None), Transaction.transfer_id.is_(None),
               Transaction.occurred_at >= datetime.combine(first - timedelta(days=MATCH_DAYS), time.min),
               Transaction.occurred_at < datetime.combine(last + timedelta(days=MATCH_DAYS + 1), time.min),
               or_(Transaction.external_id.is_(None), not_(Transaction.external_id.startswith(EXTERNAL_PREFIX))),
               ~claimed)
        .order_by(Transaction.id))
    return [Actual(row.id, row.account_id, row.category_id, _fold(row.payee), row.amount, row.occurred_at.date())
            for row in rows]


def _close_enough(actual, minor):
    return minor != 0 and abs(actual.amount - minor) * 100 <= abs(minor) * MATCH_PERCENT


def assign(plans, actuals):
    """{(series id, date): Actual} pairing planned occurrences with transactions, each
    used once: the closest pairs first (fewest days apart, then the smallest difference
    in amount; ties by date, series and transaction id).

    Transactions are indexed by account and category and by account and payee, each
    list in date order, so an occurrence looks only at the few within MATCH_DAYS that
    could be it: a year of occurrences against weeks of transactions stays cheap."""
    index = {}
    for actual in sorted(actuals, key=lambda row: (row.day, row.id)):
        if actual.category_id is not None:
            index.setdefault(("category", actual.account_id, actual.category_id), []).append(actual)
        if actual.payee:
            index.setdefault(("payee", actual.account_id, actual.payee), []).append(actual)
    days = {key: [row.day for row in rows] for key, rows in index.items()}
    window = timedelta(days=MATCH_DAYS)
    pairs = []
    for plan in plans:
        day = plan.day
        seen = set()
        for key in (("category", plan.account_id, plan.category_id), ("payee", plan.account_id, plan.note)):
            rows = index.get(key)
            if not rows:
                continue
            start, stop = bisect_left(days[key], day - window), bisect_right(days[key], day + window)
            for actual in rows[start:stop]:
                if actual.id not in seen and _close_enough(actual, plan.minor):
                    seen.add(actual.id)
                    pairs.append(((abs((actual.day - day).days), abs(actual.amount - plan.minor), day,
                                   plan.event_id, actual.id), plan, actual))
    pairs.sort(key=lambda pair: pair[0])
    found, used = {}, set()
    for _order, plan, actual in pairs:
        if plan.key in found or actual.id in used:
            continue
        found[plan.key] = actual
        used.add(actual.id)
    return found


def paid_by(ledger_id, plans):
    """{(series id, date): Actual} for the planned occurrences an actual transaction
    pays. Reads only: nothing is recorded. A category budget (set on the Budgets page)
    is an allowance, not a bill: one meal never pays it, nor takes a bill's payment."""
    plans = [plan for plan in plans if not plan.occurrence.event.is_budget]
    if not plans:
        return {}
    days = [plan.day for plan in plans]
    first, last = min(days), max(days)
    return assign(plans, unclaimed(ledger_id, {plan.account_id for plan in plans}, first, last))


def matches(ledger_id, open_occurrences, *, today):
    """{(series id, date): Actual} for the occurrences (those without a state) that an
    actual transaction pays. Reads only."""
    return paid_by(ledger_id, planned(open_occurrences, today=today))


def match(ledger_id, occurrence, *, today=None):
    """The transaction (not yet tied to an occurrence) that pays this occurrence, or
    None: the closest one that fits, for the UI to offer. Reads only."""
    if occurrence.event.ledger_id != ledger_id:
        raise NotFound("Event not found", entity="event")
    found = matches(ledger_id, [occurrence], today=today or occurrence.day).get((occurrence.event.id, occurrence.day))
    return db.session.get(Transaction, found.id) if found else None


def _zone(ledger_id):
    name = db.session.scalar(select(User.timezone).join(Ledger, Ledger.owner_id == User.id)
                             .where(Ledger.id == ledger_id)) or "UTC"
    return ZoneInfo(name)


def _ledgers_posting():
    """Ledgers with a "post automatically" series on a live account."""
    return db.session.scalars(
        select(BudgetEvent.ledger_id).distinct()
        .join(Scenario, Scenario.id == BudgetEvent.scenario_id).join(Account, Account.id == Scenario.account_id)
        .where(BudgetEvent.post_automatically.is_(True), Account.deleted_at.is_(None))
        .order_by(BudgetEvent.ledger_id)).all()


def post_due(*, today=None, ledger_id=None):
    """Settle the due occurrences of "post automatically" series of one ledger, or of
    every ledger: {"posted": n, "matched": n, "failed": n}. ``today`` None is each
    ledger's own today (its owner's time zone). A failed occurrence (its category no
    longer fits its amount, no exchange rate ...) is logged and left for the next run."""
    counts = {"posted": 0, "matched": 0, "failed": 0}
    for ledger in ([ledger_id] if ledger_id is not None else _ledgers_posting()):
        for outcome in _post_ledger(ledger, today):
            counts[outcome] += 1
    return counts


def _post_ledger(ledger_id, today):
    today = today or datetime.now(_zone(ledger_id)).date()
    # Open occurrences compete for the transactions near them: a due one may be paid by
    # a transaction up to MATCH_DAYS away, which an occurrence MATCH_DAYS further on
    # (or back) could claim too.
    oldest = today - timedelta(days=CATCH_UP_DAYS)
    first, horizon = oldest - timedelta(days=2 * MATCH_DAYS), today + timedelta(days=2 * MATCH_DAYS)
    rows = [row for row in occurrences.series(ledger_id, first=first, last=horizon)
            if not row.scenario.account.archived]
    if not any(row.post_automatically for row in rows):
        return []
    found = occurrences.between(ledger_id, first, horizon, rows=rows)
    open_ones = [occurrence for occurrence in found if occurrence.state is None]
    paid = matches(ledger_id, open_ones, today=today)
    due = [o for o in open_ones if o.event.post_automatically and oldest <= o.day <= today]
    outcomes = []
    for occurrence in due:
        outcome = _settle(ledger_id, occurrence, paid.get((occurrence.event.id, occurrence.day)))
        if outcome:
            outcomes.append(outcome)
    return outcomes


def _state_of(event_id, day):
    return db.session.scalar(select(EventOccurrence.state).where(EventOccurrence.event_id == event_id,
                                                                 EventOccurrence.occurs_on == day))


def _posted_id(account_id, reference):
    """The transaction (a tombstone too) that an earlier run posted for this occurrence."""
    return db.session.scalar(select(Transaction.id).where(Transaction.account_id == account_id,
                                                          Transaction.external_id == reference))


def _still_unclaimed(actual):
    return db.session.scalar(select(Transaction.id).where(
        Transaction.id == actual.id, Transaction.deleted_at.is_(None),
        ~select(EventOccurrence.id).where(EventOccurrence.transaction_id == Transaction.id).exists())) is not None


def command(occurrence):
    """The NewTransaction that posts an occurrence into its scenario's account."""
    event, account = occurrence.event, occurrence.event.scenario.account
    note = event.note.strip() if event.note and event.note.strip() else None
    amount, conversion = occurrence.amount, None
    if occurrence.currency != account.currency:
        # A conversion holds sizes; the amount carries the sign (resolver.conversion_columns).
        conversion = exchange.convert(abs(occurrence.amount), occurrence.currency, account.currency, occurrence.day)
        amount = conversion.amount.copy_sign(occurrence.amount)
    return NewTransaction(
        amount=amount, account_id=account.id, category_id=event.category_id,
        occurred_at=datetime.combine(occurrence.day, BOOKED_AT),
        payee=note[:PAYEE_LENGTH].rstrip() if note else None, description=note, source=SOURCE,
        external_id=external_id(event.id, occurrence.day), apply_rules=False, conversion=conversion)


def _settle(ledger_id, occurrence, actual):
    """Record one due occurrence as paid (by ``actual``) or posted; None when another
    run got there first, else "matched", "posted" or "failed"."""
    event_id, day, account_id = occurrence.event.id, occurrence.day, occurrence.account_id
    reference = external_id(event_id, day)
    try:
        with write_transaction() as session:
            if _state_of(event_id, day) is not None:
                return None
            if actual is not None and _still_unclaimed(actual):
                session.add(EventOccurrence(event_id=event_id, occurs_on=day, state="paid", transaction_id=actual.id))
                session.flush()
                return "matched"
            posted_id, outcome = _posted_id(account_id, reference), None
            if posted_id is None:
                posted_id, outcome = transactions.record(ledger_id, command(occurrence)).id, "posted"
            session.add(EventOccurrence(event_id=event_id, occurs_on=day, state="posted", transaction_id=posted_id))
            session.flush()
            return outcome
    except (Invalid, NotFound, SQLAlchemyError) as exc:
        db.session.rollback()
        if _state_of(event_id, day) is not None:
            return None  # a concurrent run settled it
        log.warning("post-due: occurrence %s of ledger %s not posted: %s", occurrence.id, ledger_id,
                    getattr(exc, "message", exc))
        return "failed"
