"""Budget events: /users/{id}/events, /scenarios/{id}/events and /events/{id}.

An event is one occurrence of a series (services/planning/events.py), addressed as
``<series id>-<unix date>``. Lists hold the occurrences of a window of dates in date
order (the window is required, as in the spec), paged like the other v2 lists. Every
occurrence of a window is worked out from the series' rules in one read of the series
and one of their recorded states; an answer builds each category and scenario once.
"""

from flask import request
from sqlalchemy import select

from spendsense.api import pagination
from spendsense.api.v2 import lookup, present
from spendsense.api.v2.routes import BadQuery, Paged, operation
from spendsense.api.v2.schemas.planning import (
    Event,
    EventChange,
    EventDeletion,
    EventNew,
    EventWindow,
    UserEventNew,
)
from spendsense.extensions import db
from spendsense.models import Account
from spendsense.models.planning import BudgetEvent, Scenario
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.planning import events, occurrences, scenarios
from spendsense.services.planning.repeats import Repeat, occurrence_id, parse_occurrence_id
from spendsense.services.validation import is_row_id

TAG = "Events"
EVENT_ID = {"type": "string", "pattern": r"^\d+-\d+$", "examples": ["42-1601942400"]}
# A change sent as null: these it clears (the service reads None so), the others it leaves.
CLEARED_BY_NULL = ("note", "colour", "end_date")


class _Models:
    """Builds answers for one request: each category and scenario model once."""

    def __init__(self):
        self.as_of = lookup.as_of()
        self.categories = {}
        self.scenarios = {}

    def event(self, occurrence):
        series = occurrence.event
        if series.category_id not in self.categories:
            self.categories[series.category_id] = present.category(series.category)
        if series.scenario_id not in self.scenarios:
            plan = series.scenario
            self.scenarios[series.scenario_id] = present.scenario(plan, plan.account, **self.as_of)
        rule = Repeat.of(series)
        amount = occurrence.amount
        converted, _rate = present.in_base(amount, series.currency, today=occurrence.day,
                                           base_currency=self.as_of["base_currency"])
        return Event(
            id=occurrence.id, category=self.categories[series.category_id],
            scenario=self.scenarios[series.scenario_id], amount=amount, amount_in_base_currency=converted,
            currency_code=series.currency, date=occurrence.day, colour=series.colour, note=series.note or None,
            repeat_type=series.repeat_type, repeat_interval=series.repeat_interval,
            series_id=series.id, series_start_id=occurrence_id(series.id, rule.first() or series.start_date),
            infinite_series=rule.infinite,
        )


def _refuse(owner, what):
    """Raise for a row the caller's ledger does not hold: Forbidden when ``owner`` (the
    ledger of a live row with that id, None for none) is another ledger's."""
    if owner is not None:
        raise Forbidden(lookup.NOT_YOURS.format(what=what.lower()))
    raise NotFound(lookup.MISSING.format(what=what))


def _scenario(ledger_id, scenario_id):
    """The ledger's scenario on a live account, else 403 (another's) or 404."""
    try:
        return scenarios.get_scenario(ledger_id, scenario_id)
    except NotFound:
        owner = None
        if is_row_id(scenario_id):
            owner = db.session.scalar(select(Scenario.ledger_id).join(Account, Account.id == Scenario.account_id)
                                      .where(Scenario.id == scenario_id, Account.deleted_at.is_(None)))
        _refuse(owner if owner != ledger_id else None, "Scenario")


def _occurrence(ledger_id, text):
    """The occurrence ``text`` names, else 403 (a series of another ledger) or 404 (a
    malformed id, no such series, a date that is not one of its own, a deleted one)."""
    try:
        return events.get_occurrence(ledger_id, text)
    except NotFound:
        parsed = parse_occurrence_id(text)
        owner = None
        if parsed is not None and is_row_id(parsed[0]):
            owner = db.session.scalar(
                select(BudgetEvent.ledger_id).join(Scenario, Scenario.id == BudgetEvent.scenario_id)
                .join(Account, Account.id == Scenario.account_id)
                .where(BudgetEvent.id == parsed[0], Account.deleted_at.is_(None)))
        _refuse(owner if owner != ledger_id else None, "Event")


def _listed(ledger_id, query, scenario_ids=None):
    try:
        page = pagination.by_page(request.args, default_per_page=30, min_per_page=10, max_per_page=1000)
    except Invalid as exc:
        raise BadQuery(exc.message) from None
    found = occurrences.between(ledger_id, query.start_date, query.end_date, scenario_ids=scenario_ids)
    try:
        page.check_in_range(len(found))
    except Invalid as exc:
        raise BadQuery(exc.message) from None
    models = _Models()
    return Paged([models.event(occurrence) for occurrence in found[page.offset:page.offset + page.limit]],
                 page.headers(len(found)))


def _created(ledger_id, scenario_id, body):
    """Make the series and answer with its first event."""
    values = body.model_dump(exclude={"scenario_id", "currency_code"})
    series = lookup.in_body(lambda: events.create_event(ledger_id, scenario_id, currency=body.currency_code,
                                                        **values))
    return _Models().event(events.get_occurrence(ledger_id, occurrence_id(series.id, Repeat.of(series).first())))


LIST = {"tag": TAG, "query": EventWindow, "response": list[Event], "paged": True,
        "description": "The events from start_date to end_date, in date order."}
CREATE = {"tag": TAG, "response": Event, "status": 201,
          "description": "Creates a series and answers with its first event."}


@operation("GET", "/users/<int:id>/events", summary="List events in user", **LIST)
def list_user_events(id, query):
    lookup.check_user(id)
    return _listed(lookup.ledger_id(), query)


@operation("POST", "/users/<int:id>/events", summary="Create event in user", body=UserEventNew, **CREATE)
def create_user_event(id, body):
    lookup.check_user(id)
    ledger_id = lookup.ledger_id(write=True)
    if body.scenario_id is None:
        scenario_id = scenarios.default_scenario(ledger_id).id
    else:
        scenario_id = lookup.in_body(lambda: scenarios.get_scenario(ledger_id, body.scenario_id)).id
    return _created(ledger_id, scenario_id, body)


@operation("GET", "/scenarios/<int:id>/events", summary="List events in scenario", **LIST)
def list_scenario_events(id, query):
    ledger_id = lookup.ledger_id()
    return _listed(ledger_id, query, scenario_ids=[_scenario(ledger_id, id).id])


@operation("POST", "/scenarios/<int:id>/events", summary="Create event in scenario", body=EventNew, **CREATE)
def create_scenario_event(id, body):
    ledger_id = lookup.ledger_id(write=True)
    return _created(ledger_id, _scenario(ledger_id, id).id, body)


ONE = {"tag": TAG, "path_params": {"id": EVENT_ID}}


@operation("GET", "/events/<string:id>", summary="Get event", response=Event, **ONE)
def get_event(id):
    return _Models().event(_occurrence(lookup.ledger_id(), id))


@operation("PUT", "/events/<string:id>", summary="Update event", body=EventChange, response=Event,
           description="`behaviour` says which events the change reaches: one (this one only), forward "
                       "(this one and the later ones of its series) or all (the whole series).", **ONE)
def update_event(id, body):
    ledger_id = lookup.ledger_id(write=True)
    occurrence = _occurrence(ledger_id, id)
    changes = {field: value for field, value in body.given().items()
               if field != "behaviour" and (value is not None or field in CLEARED_BY_NULL)}
    changed = lookup.in_body(lambda: events.update_occurrence(ledger_id, occurrence.id, body.behaviour,
                                                              **changes))
    return _Models().event(changed)


@operation("DELETE", "/events/<string:id>", summary="Delete event", query=EventDeletion,
           description="`behaviour`: one (this event only), forward (this one and the later ones of its "
                       "series) or all (the whole series).", **ONE)
def delete_event(id, query):
    ledger_id = lookup.ledger_id(write=True)
    events.delete_occurrence(ledger_id, _occurrence(ledger_id, id).id, query.behaviour)
