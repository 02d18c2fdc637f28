"""Budget events: create a series, read one occurrence, change or delete occurrences
one | forward | all (as PocketSmith does). The Budgets page's "set budget" is in
category_budgets.py.

An occurrence is addressed by ``<series id>-<unix date>`` (repeats.occurrence_id).
Changing one occurrence skips it in its series and puts a ``once`` series with the
changes on that date; changing from one forward cuts the series before the date and
starts a new series there; changing all changes the series. Whatever happened to an
occurrence (skipped, paid, posted: EventOccurrence) stays on its date: it moves with
the date to the series that now holds it, and is dropped when no series holds that
date any more, so every recorded state is on a date of its series.
"""

from datetime import date

from sqlalchemy import select, update

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Category
from spendsense.models.planning import REPEAT_TYPES, BudgetEvent, EventOccurrence, Scenario
from spendsense.services import validation
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import categories
from spendsense.services.ledger.resolver import check_kind
from spendsense.services.planning import scenarios
from spendsense.services.planning.occurrences import Occurrence
from spendsense.services.planning.repeats import Repeat, parse_occurrence_id
from spendsense.services.uow import write_transaction

FIRST_DAY = date(1970, 1, 1)
NOT_FOUND = "Event not found"
CATEGORY_NOT_FOUND = "Category not found!"
TRANSFER = "A transfer category cannot hold a budget event: transfers are neither spent nor earned."
BEHAVIOURS = ("one", "forward", "all")
MAX_INTERVAL = 1000
MAX_OCCURRENCES = 10_000
# What update_occurrence may change; the rule fields make no sense on a single date.
CHANGEABLE = ("amount", "repeat_type", "repeat_interval", "note", "category_id", "date", "end_date", "occurrences",
              "colour", "post_automatically")
RULE_FIELDS = ("repeat_type", "repeat_interval", "end_date", "occurrences")
# The columns a series passes on to the series split from it.
_COPIED = ("ledger_id", "scenario_id", "category_id", "amount", "currency", "start_date", "repeat_type",
           "repeat_interval", "end_date", "occurrences", "note", "colour", "post_automatically", "is_budget")


def event_category(ledger_id, value):
    """A category the ledger sees that may hold an event."""
    if value in (None, ""):
        raise Invalid.field("category_id", "Choose a category.")
    category_id = validation.identifier(value, "category_id")
    try:
        category = categories.get_visible(ledger_id, category_id)
    except NotFound as exc:
        raise NotFound(CATEGORY_NOT_FOUND, entity="category") from exc
    if category.is_transfer:
        raise Invalid.field("category_id", TRANSFER)
    return category


def _minor(value, currency):
    minor = money.to_minor(validation.amount(value, currency), currency)
    if minor == 0:
        raise Invalid.field("amount", "Amount must not be zero.")
    return minor


def _optional(check):
    return lambda value: None if value in (None, "") else check(value)


def _clean(ledger_id, fields, currency):
    """{column: value} of the given fields, each checked (every failure reported at once;
    a category that is not the ledger's is NotFound). ``date`` becomes ``start_date``."""
    cleaners = {
        "amount": lambda v: _minor(v, currency),
        "date": lambda v: validation.parse_date(v, "date"),
        "repeat_type": lambda v: validation.choice(v, "repeat_type", REPEAT_TYPES, label="Repeat type"),
        "repeat_interval": lambda v: validation.integer(1 if v in (None, "") else v, "repeat_interval", minimum=1,
                                                        maximum=MAX_INTERVAL, label="Repeat interval"),
        "end_date": _optional(lambda v: validation.parse_date(v, "end_date")),
        "occurrences": _optional(lambda v: validation.integer(v, "occurrences", minimum=1, maximum=MAX_OCCURRENCES,
                                                              label="Occurrences")),
        "note": lambda v: validation.text(v, "note", max_length=500, label="Note"),
        "colour": categories._clean_colour,  # one rule for colours
        "post_automatically": lambda v: validation.boolean(v, "post_automatically", default=False),
        "category_id": lambda v: event_category(ledger_id, v).id,
    }
    return validation.each(fields, cleaners, rename={"date": "start_date"})


def _settle_rule(event):
    """A ``once`` event has no repeat; a repeating one ends on a date or after a count
    (or never), and must have a date."""
    if event.repeat_type == "once":
        event.repeat_interval, event.end_date, event.occurrences = 1, None, None
    if event.end_date is not None and event.occurrences is not None:
        raise Invalid.field("occurrences", "Give an end date or a number of occurrences, not both.")
    if event.end_date is not None and event.end_date < event.start_date:
        raise Invalid.field("end_date", "End date must not be before the start date.")
    if Repeat.of(event).first() is None:  # each weekday from a Saturday to the Sunday
        raise Invalid.field("end_date", "The event has no date on or before its end date.")
    if event.start_date < FIRST_DAY:
        # An occurrence's id is its series and the unix time of its date (repeats.py).
        raise Invalid.field("date", "An event starts on 1970-01-01 or later.")
    if event.post_automatically:
        # What post-due records must pass the transaction command's rule; a plan alone
        # may hold money back in an expense category (a deposit returned).
        try:
            check_kind(db.session.get(Category, event.category_id), event.amount)
        except Invalid as exc:
            raise Invalid.field("post_automatically", exc.errors["category"] + " It cannot be posted as a "
                                "transaction.") from exc


def create_event(ledger_id, scenario_id, *, category_id, amount, date, repeat_type, repeat_interval=1,
                 end_date=None, occurrences=None, note=None, colour=None, post_automatically=False, currency=None):
    """A new series in the scenario. ``amount`` is signed (negative = money out), in
    ``currency`` (default: the scenario's account's)."""
    with write_transaction() as session:
        scenario = scenarios.get_scenario(ledger_id, scenario_id)
        code = validation.currency(currency or scenario.account.currency)
        values = _clean(ledger_id, {"category_id": category_id, "amount": amount, "date": date,
                                    "repeat_type": repeat_type, "repeat_interval": repeat_interval,
                                    "end_date": end_date, "occurrences": occurrences, "note": note, "colour": colour,
                                    "post_automatically": post_automatically}, code)
        event = BudgetEvent(ledger_id=ledger_id, scenario_id=scenario.id, currency=code, **values)
        _settle_rule(event)
        session.add(event)
    return event


def get_series(ledger_id, event_id, *, for_update=False):
    """The ledger's series (on a live account) with this id, or NotFound."""
    if not validation.is_row_id(event_id):
        raise NotFound(NOT_FOUND, entity="event")
    query = (select(BudgetEvent).join(Scenario, Scenario.id == BudgetEvent.scenario_id)
             .join(Account, Account.id == Scenario.account_id)
             .where(BudgetEvent.ledger_id == ledger_id, BudgetEvent.id == event_id, Account.deleted_at.is_(None)))
    if for_update:
        query = query.with_for_update(key_share=True, of=BudgetEvent).execution_options(populate_existing=True)
    event = db.session.scalars(query).first()
    if event is None:
        raise NotFound(NOT_FOUND, entity="event")
    return event


def series_for_scenario(ledger_id, scenario_id):
    scenario = scenarios.get_scenario(ledger_id, scenario_id)
    return db.session.scalars(select(BudgetEvent).where(BudgetEvent.scenario_id == scenario.id)
                              .order_by(BudgetEvent.start_date, BudgetEvent.id)).all()


def _state(event_id, day):
    return db.session.scalars(select(EventOccurrence).where(EventOccurrence.event_id == event_id,
                                                            EventOccurrence.occurs_on == day)).first()


def _occurrence(event, day):
    row = _state(event.id, day)
    return Occurrence(event, day, row.state if row else None, row.transaction_id if row else None)


def get_occurrence(ledger_id, occurrence_id, *, for_update=False):
    """The occurrence ``<series id>-<unix date>``: NotFound when the id is not one, the
    series is not the ledger's, the date is not one of the series' or it was deleted."""
    parsed = parse_occurrence_id(occurrence_id)
    if parsed is None:
        raise NotFound(NOT_FOUND, entity="event")
    event_id, day = parsed
    event = get_series(ledger_id, event_id, for_update=for_update)
    if not validation.MIN_DATE <= day <= validation.MAX_DATE or not Repeat.of(event).occurs_on(day):
        raise NotFound(NOT_FOUND, entity="event")
    found = _occurrence(event, day)
    if found.state == "skipped":
        raise NotFound(NOT_FOUND, entity="event")
    return found


def _record(session, event_id, day, state, transaction_id=None):
    row = _state(event_id, day)
    if row is None:
        session.add(EventOccurrence(event_id=event_id, occurs_on=day, state=state, transaction_id=transaction_id))
    else:
        row.state, row.transaction_id = state, transaction_id


def _prune_states(session, event):
    """Drop the states recorded on dates that are no longer the series'."""
    rows = session.scalars(select(EventOccurrence).where(EventOccurrence.event_id == event.id)).all()
    if not rows:
        return
    days = set(Repeat.of(event).between(min(r.occurs_on for r in rows), max(r.occurs_on for r in rows)))
    for row in rows:
        if row.occurs_on not in days:
            session.delete(row)


def _delete(session, event):
    session.execute(EventOccurrence.__table__.delete().where(EventOccurrence.event_id == event.id))
    session.delete(event)


def cut_before(session, event, day):
    """End the series before ``day`` (the states from ``day`` on go), or delete it when
    nothing is left of it."""
    cut = Repeat.of(event).ending_before(day)
    if cut is None:
        _delete(session, event)
        return
    event.end_date, event.occurrences = cut.end, None
    session.execute(EventOccurrence.__table__.delete().where(EventOccurrence.event_id == event.id,
                                                             EventOccurrence.occurs_on >= day))


def _pieces(event, day, values):
    """The rules the series is made of from ``day`` (one of its dates) on: usually one,
    the series restarted there. A monthly or yearly series on the 29th to 31st restarted
    on a shorter month's last day would fall on that day of the month from then on (a
    rule's day is its start's), so while the rule stays, the dates up to the next one on
    the series' own day stand alone as ``once`` rules."""
    rule = Repeat.of(event)
    same_rule = "start_date" not in values and all(values.get(column, getattr(event, column)) == getattr(event, column)
                                                   for column in ("repeat_type", "repeat_interval"))
    pieces = []
    if same_rule and event.repeat_type in ("monthly", "yearly"):
        while day is not None and day.day < event.start_date.day:
            pieces.append(Repeat(day))
            day = rule.after(day)
    if day is not None:
        pieces.append(rule.starting_on(day))
    return pieces


def split_at(session, event, day, values):
    """Cut the series before ``day`` (one of its dates, not the first) and continue it
    from there with ``values`` in new series (see _pieces); each takes the states
    recorded on its dates. Returns the first of them."""
    made = []
    pieces = _pieces(event, day, values)
    for index, piece in enumerate(pieces):
        columns = {column: getattr(event, column) for column in _COPIED}
        columns.update(start_date=piece.start, repeat_type=piece.repeat_type, end_date=piece.end,
                       occurrences=piece.count)
        alone = index < len(pieces) - 1  # a once piece keeps its rule
        columns.update({column: value for column, value in values.items() if not alone or column not in RULE_FIELDS})
        new = BudgetEvent(**columns)
        _settle_rule(new)
        session.add(new)
        made.append(new)
    session.flush()
    for new, following in zip(made, [*made[1:], None], strict=True):
        taken = EventOccurrence.occurs_on >= new.start_date
        if following is not None:
            taken = taken & (EventOccurrence.occurs_on < following.start_date)
        session.execute(update(EventOccurrence).where(EventOccurrence.event_id == event.id, taken)
                        .values(event_id=new.id).execution_options(synchronize_session=False))
    cut_before(session, event, day)
    session.expire_all()
    for new in made:
        _prune_states(session, new)
    return made[0]


def change_all(session, event, values):
    before = Repeat.of(event)
    for column, value in values.items():
        setattr(event, column, value)
    _settle_rule(event)
    session.flush()
    after = Repeat.of(event)
    if after.start != before.start and (after.repeat_type, after.interval) == (before.repeat_type, before.interval):
        _renumber_states(session, event, before, after)
    _prune_states(session, event)


def _renumber_states(session, event, before, after):
    """A series moved in time keeps what happened to each occurrence on the occurrence
    of the same number: rent posted for 1 March stays posted on the third date of a
    series moved from the 1st to the 3rd (else ``post-due`` would post it again)."""
    rows = session.scalars(select(EventOccurrence).where(EventOccurrence.event_id == event.id)).all()
    if not rows:
        return
    numbers = {day: number for number, day in enumerate(before.between(before.start, max(r.occurs_on for r in rows)))}
    moved = [row for row in rows if row.occurs_on in numbers]
    new_days = after.take(max(numbers[row.occurs_on] for row in moved) + 1) if moved else []
    kept = [(new_days[numbers[row.occurs_on]], row.state, row.transaction_id) for row in moved
            if numbers[row.occurs_on] < len(new_days)]
    for row in moved:  # re-added below: moving in place could meet the unique (event, date) midway
        session.delete(row)
    session.flush()
    for day, state, transaction_id in kept:
        session.add(EventOccurrence(event_id=event.id, occurs_on=day, state=state, transaction_id=transaction_id))
    session.flush()


def _change_one(session, occurrence, values):
    """Skip the occurrence and put a ``once`` series with ``values`` on its date (or on
    the date given); a paid or posted one keeps that on its new date."""
    event = occurrence.event
    columns = {column: getattr(event, column) for column in _COPIED}
    columns.update(start_date=occurrence.day)
    columns.update({column: value for column, value in values.items() if column not in RULE_FIELDS})
    columns.update(repeat_type="once", repeat_interval=1, end_date=None, occurrences=None)
    new = BudgetEvent(**columns)
    _settle_rule(new)
    session.add(new)
    session.flush()
    _record(session, event.id, occurrence.day, "skipped")
    if occurrence.state is not None:
        _record(session, new.id, new.start_date, occurrence.state, occurrence.transaction_id)
    return new


def update_occurrence(ledger_id, occurrence_id, behaviour, **changes):
    """Change the occurrence (``one``), it and those after it (``forward``) or its whole
    series (``all``). ``changes`` are any of CHANGEABLE; None or "" clears note,
    colour, end date and count. ``date`` moves this occurrence: with ``all`` the whole
    series moves by as many days. Returns the occurrence now at that date (for ``all``
    with another repeat type or interval, the series' first one)."""
    behaviour = validation.choice(behaviour, "behaviour", BEHAVIOURS, label="Behaviour")
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise TypeError(f"update_occurrence() got unexpected fields: {', '.join(sorted(unknown))}")
    with write_transaction() as session:
        occurrence = get_occurrence(ledger_id, occurrence_id, for_update=True)
        event, day = occurrence.event, occurrence.day
        values = _clean(ledger_id, changes, event.currency)
        if values.get("start_date") == day:  # clients send the date back unchanged
            del values["start_date"]
        # A new end replaces the other kind of end.
        for given, other in (("end_date", "occurrences"), ("occurrences", "end_date")):
            if values.get(given) is not None and other not in values:
                values[other] = None
        rule = Repeat.of(event)
        if event.repeat_type == "once":
            behaviour = "all"  # its one date is all of it
        if behaviour == "one":
            new = _change_one(session, occurrence, values)
            return _occurrence(new, new.start_date)
        if behaviour == "forward" and day != rule.first():
            new = split_at(session, event, day, values)
            return _occurrence(new, Repeat.of(new).first())
        target = values.get("start_date", day)
        if behaviour == "all" and "start_date" in values:
            values["start_date"] = event.start_date + (target - day)
        rule_changed = any(column in values and values[column] != getattr(event, column)
                           for column in ("repeat_type", "repeat_interval"))
        change_all(session, event, values)
        rule = Repeat.of(event)
        if rule_changed or not rule.occurs_on(target):
            target = rule.first()
        return _occurrence(event, target)


def delete_occurrence(ledger_id, occurrence_id, behaviour):
    """Delete the occurrence (``one``: it is skipped), it and those after it
    (``forward``: the series ends before it) or the whole series (``all``)."""
    behaviour = validation.choice(behaviour, "behaviour", BEHAVIOURS, label="Behaviour")
    with write_transaction() as session:
        occurrence = get_occurrence(ledger_id, occurrence_id, for_update=True)
        event, day = occurrence.event, occurrence.day
        rule = Repeat.of(event)
        if behaviour == "all" or rule.first() == rule.last() == day:
            _delete(session, event)
        elif behaviour == "forward":
            cut_before(session, event, day)
        else:
            _record(session, event.id, day, "skipped")


def delete_series(ledger_id, event_id):
    with write_transaction() as session:
        _delete(session, get_series(ledger_id, event_id, for_update=True))
