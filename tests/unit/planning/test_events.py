"""Budget events: create a series, read an occurrence, change and delete occurrences
one | forward | all (checked with what occurrences.between then finds), and the
Budgets page's "set budget".

Most tests use make_event's series: -50.00 of groceries monthly from 2026-01-31, so its
dates are 31 Jan, 28 Feb, 31 Mar, 30 Apr, 31 May, 30 Jun, 31 Jul, 31 Aug ...
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import BudgetEvent, EventOccurrence, User
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts, categories
from spendsense.services.planning import category_budgets, events, occurrences, scenarios
from spendsense.services.planning.repeats import occurrence_id
from spendsense.services.uow import write_transaction

D = date
JANUARY, AUGUST_END = D(2026, 1, 1), D(2026, 8, 31)
SEPTEMBER, JANUARY_END = D(2026, 9, 1), D(2027, 1, 31)


def planned(ledger, first=JANUARY, last=AUGUST_END, **options):
    """[(date, minor units)] of the ledger's occurrences in the window."""
    return [(found.day.isoformat(), found.minor) for found in occurrences.between(ledger, first, last, **options)]


def series_ids(ledger):
    return [found.event.id for found in occurrences.between(ledger, D(2026, 1, 1), D(2026, 8, 31))]


def states(event_id):
    db.session.rollback()
    return {row.occurs_on.isoformat(): row.state for row in db.session.scalars(
        select(EventOccurrence).where(EventOccurrence.event_id == event_id))}


def mark(event_id, day, state):
    """What post-due or matching records (services/planning/recurring.py)."""
    db.session.add(EventOccurrence(event_id=event_id, occurs_on=day, state=state))
    db.session.commit()


def oid(event, day):
    return occurrence_id(event.id, day)


MONTH_ENDS = [("2026-01-31", -5000), ("2026-02-28", -5000), ("2026-03-31", -5000), ("2026-04-30", -5000),
              ("2026-05-31", -5000), ("2026-06-30", -5000), ("2026-07-31", -5000), ("2026-08-31", -5000)]


# --- create ---------------------------------------------------------------------------

def test_create_event_stores_the_series(ledger, scenario, groceries):
    event = events.create_event(ledger, scenario, category_id=groceries, amount="-50.25", date="2026-01-31",
                                repeat_type="monthly", note=" Food ", colour="#AABBCC")
    assert (event.amount, event.currency, event.start_date) == (-5025, "EUR", D(2026, 1, 31))
    assert (event.repeat_type, event.repeat_interval, event.end_date, event.occurrences) == ("monthly", 1, None, None)
    assert (event.note, event.colour, event.post_automatically) == ("Food", "#aabbcc", False)
    assert (event.ledger_id, event.scenario_id, event.category_id) == (ledger, scenario, groceries)
    assert planned(ledger) == [(day, -5025) for day, _ in MONTH_ENDS]


def test_create_event_takes_a_decimal_an_int_and_any_currency(ledger, scenario, groceries, salary, yen):
    assert events.create_event(ledger, scenario, category_id=salary, amount=Decimal("2500.5"), date=D(2026, 1, 1),
                               repeat_type="monthly").amount == 250050
    in_dollars = events.create_event(ledger, scenario, category_id=groceries, amount=-3, date=D(2026, 1, 1),
                                     repeat_type="once", currency="usd")
    assert (in_dollars.amount, in_dollars.currency) == (-300, "USD")
    # The default currency is the scenario's account's: yen have no minor unit.
    in_yen = events.create_event(ledger, scenarios.primary_for(ledger, yen).id, category_id=groceries,
                                 amount="-1500", date=D(2026, 1, 1), repeat_type="weekly")
    assert (in_yen.amount, in_yen.currency) == (-1500, "JPY")


def test_a_once_event_keeps_no_repeat(make_event):
    event = make_event(repeat_type="once", repeat_interval=3, end_date=D(2026, 6, 1))
    assert (event.repeat_interval, event.end_date, event.occurrences) == (1, None, None)


def test_end_date_and_count_limit_the_series(ledger, make_event):
    make_event(end_date=D(2026, 3, 30))
    make_event(amount="-1", date=D(2026, 6, 1), repeat_type="weekly", repeat_interval=2, occurrences=3)
    assert planned(ledger) == [("2026-01-31", -5000), ("2026-02-28", -5000),
                               ("2026-06-01", -100), ("2026-06-15", -100), ("2026-06-29", -100)]


def test_a_system_category_can_hold_an_event(ledger, make_event):
    supermarket = categories.find_by_value(ledger, "supermarket", "spent")
    assert supermarket.is_system
    assert make_event(category_id=supermarket.id).category_id == supermarket.id


@pytest.mark.parametrize(("fields", "field"), [
    ({"amount": "abc"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": "-1.234"}, "amount"),
    ({"amount": None}, "amount"),
    ({"amount": "1e3"}, "amount"),
    ({"amount": "-10000000000000000"}, "amount"),
    ({"date": "2026-02-30"}, "date"),
    ({"date": "31/01/2026"}, "date"),
    ({"date": None}, "date"),
    ({"date": "3000-01-01"}, "date"),
    ({"repeat_type": "hourly"}, "repeat_type"),
    ({"repeat_type": None}, "repeat_type"),
    ({"repeat_interval": 0}, "repeat_interval"),
    ({"repeat_interval": 1001}, "repeat_interval"),
    ({"repeat_interval": "two"}, "repeat_interval"),
    ({"repeat_interval": True}, "repeat_interval"),
    ({"end_date": "2026-01-30"}, "end_date"),  # before the start
    ({"end_date": "soon"}, "end_date"),
    ({"end_date": "2026-06-30", "occurrences": 3}, "occurrences"),
    ({"occurrences": 0}, "occurrences"),
    ({"occurrences": 10_001}, "occurrences"),
    ({"note": "a\x00b"}, "note"),
    ({"note": "x" * 501}, "note"),
    ({"colour": "red"}, "colour"),
    ({"colour": "#12345"}, "colour"),
    ({"post_automatically": "maybe"}, "post_automatically"),
    ({"currency": "XYZ"}, "currency"),
    ({"category_id": None}, "category_id"),
    ({"category_id": "abc"}, "category_id"),
    ({"category_id": -1}, "category_id"),
    # Saturday 5 to Sunday 6 December holds no weekday.
    ({"date": "2026-12-05", "repeat_type": "each weekday", "end_date": "2026-12-06"}, "end_date"),
])
def test_create_event_refuses_bad_input(ledger, make_event, fields, field):
    with pytest.raises(Invalid) as caught:
        make_event(**fields)
    assert set(caught.value.errors) == {field}
    assert db.session.scalars(select(BudgetEvent)).all() == []


def test_every_bad_field_is_reported_at_once(make_event):
    with pytest.raises(Invalid) as caught:
        make_event(amount="x", repeat_type="hourly", note="\x07")
    assert set(caught.value.errors) == {"amount", "repeat_type", "note"}


def test_a_transfer_category_cannot_hold_an_event(make_event, transfer_category):
    with pytest.raises(Invalid) as caught:
        make_event(category_id=transfer_category)
    assert caught.value.errors == {"category_id": events.TRANSFER}


def test_another_ledgers_category_or_scenario_is_not_found(ledger, make_event, other_ledger, other_scenario):
    theirs = categories.create_category(other_ledger, "Bob's food", "🍕", "spent").id
    with pytest.raises(NotFound, match="Category not found"):
        make_event(category_id=theirs)
    with pytest.raises(NotFound, match="Category not found"):
        make_event(category_id=10**12)
    with pytest.raises(NotFound, match="Scenario not found"):
        make_event(scenario_id=other_scenario)
    with pytest.raises(NotFound, match="Scenario not found"):
        make_event(scenario_id="1")
    assert db.session.scalars(select(BudgetEvent)).all() == []


def test_a_deleted_accounts_scenario_takes_no_event(ledger, account, make_event, scenario):
    accounts.delete_account(ledger, account)
    with pytest.raises(NotFound, match="Scenario not found"):
        make_event()


# --- get_occurrence ---------------------------------------------------------------------

def test_get_occurrence_of_a_date_of_the_series(ledger, make_event):
    event = make_event()
    found = events.get_occurrence(ledger, oid(event, D(2026, 2, 28)))
    assert (found.event.id, found.day, found.state, found.amount) == (event.id, D(2026, 2, 28), None,
                                                                      Decimal("-50.00"))
    assert found.id == oid(event, D(2026, 2, 28))
    mark(event.id, D(2026, 3, 31), "paid")
    assert events.get_occurrence(ledger, oid(event, D(2026, 3, 31))).state == "paid"


@pytest.mark.parametrize("make_id", [
    lambda event: oid(event, D(2026, 2, 27)),  # not one of its dates
    lambda event: oid(event, D(2025, 12, 31)),  # before it starts
    lambda event: f"{event.id}-1601942401",  # not a midnight
    lambda event: f"{event.id}",
    lambda event: f"{event.id}-",
    lambda event: f"x{event.id}-1769817600",
    lambda event: occurrence_id(event.id + 1, D(2026, 1, 31)),  # no such series
    lambda event: occurrence_id(0, D(2026, 1, 31)),
    lambda event: f"{event.id}-32503680000",  # 3000-01-01: past any date kept
    lambda event: None,
    lambda event: event.id,
])
def test_get_occurrence_not_found(ledger, make_event, make_id):
    event = make_event()
    with pytest.raises(NotFound, match="Event not found"):
        events.get_occurrence(ledger, make_id(event))


def test_get_occurrence_of_another_ledger_a_skipped_one_or_a_deleted_account(ledger, account, make_event,
                                                                               other_ledger):
    event = make_event()
    with pytest.raises(NotFound):
        events.get_occurrence(other_ledger, oid(event, D(2026, 1, 31)))
    events.delete_occurrence(ledger, oid(event, D(2026, 2, 28)), "one")
    with pytest.raises(NotFound):
        events.get_occurrence(ledger, oid(event, D(2026, 2, 28)))
    accounts.delete_account(ledger, account)
    with pytest.raises(NotFound):
        events.get_occurrence(ledger, oid(event, D(2026, 1, 31)))


# --- update -----------------------------------------------------------------------------

def test_update_one_skips_the_date_and_puts_a_once_event_there(ledger, make_event):
    event = make_event()
    changed = events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), "one", amount="-80", note="Party",
                                       repeat_type="weekly")  # a repeat rule means nothing for one date
    assert changed.day == D(2026, 3, 31) and changed.minor == -8000 and changed.event.id != event.id
    assert (changed.event.repeat_type, changed.event.note, changed.event.category_id) == ("once", "Party",
                                                                                         event.category_id)
    expected = list(MONTH_ENDS)
    expected[2] = ("2026-03-31", -8000)
    assert planned(ledger) == expected
    assert states(event.id) == {"2026-03-31": "skipped"}
    with pytest.raises(NotFound):
        events.get_occurrence(ledger, oid(event, D(2026, 3, 31)))
    assert events.get_occurrence(ledger, changed.id).minor == -8000


def test_update_one_can_move_the_date(ledger, make_event):
    event = make_event()
    moved = events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), "one", date="2026-04-02")
    assert moved.day == D(2026, 4, 2) and moved.minor == -5000
    expected = [*MONTH_ENDS[:2], ("2026-04-02", -5000), *MONTH_ENDS[3:]]
    assert planned(ledger) == expected


def test_update_one_keeps_what_happened_to_the_occurrence(ledger, make_event):
    event = make_event()
    mark(event.id, D(2026, 2, 28), "posted")
    changed = events.update_occurrence(ledger, oid(event, D(2026, 2, 28)), "one", note="Posted already")
    assert changed.state == "posted"
    assert states(changed.event.id) == {"2026-02-28": "posted"}
    assert states(event.id) == {"2026-02-28": "skipped"}


def test_update_one_of_a_once_event_changes_it(ledger, make_event):
    event = make_event(repeat_type="once")
    changed = events.update_occurrence(ledger, oid(event, D(2026, 1, 31)), "one", amount="-20")
    assert changed.event.id == event.id
    assert planned(ledger) == [("2026-01-31", -2000)]


def test_update_forward_cuts_the_series_and_starts_a_new_one(ledger, make_event):
    event = make_event()
    changed = events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), "forward", amount="-80")
    assert changed.day == D(2026, 3, 31) and changed.event.id != event.id
    assert events.get_series(ledger, event.id).end_date == D(2026, 2, 28)
    assert planned(ledger) == [*MONTH_ENDS[:2], *[(day, -8000) for day, _ in MONTH_ENDS[2:]]]
    ids = series_ids(ledger)
    assert ids[:2] == [event.id] * 2 and ids[2:] == [changed.event.id] * 6


def test_update_forward_from_a_short_months_end_stays_on_the_month_end(ledger, make_event):
    """From 30 April, "the 31st" continues on 31 May (a series starting on 30 April would
    fall on the 30th): 30 April stands alone, the series restarts on 31 May."""
    event = make_event()
    changed = events.update_occurrence(ledger, oid(event, D(2026, 4, 30)), "forward", amount="-80",
                                       date="2026-04-30")  # the date sent back unchanged
    assert changed.day == D(2026, 4, 30) and changed.event.repeat_type == "once"
    assert planned(ledger) == [*MONTH_ENDS[:3], *[(day, -8000) for day, _ in MONTH_ENDS[3:]]]
    assert planned(ledger, D(2026, 9, 1), D(2026, 12, 31)) == [
        ("2026-09-30", -8000), ("2026-10-31", -8000), ("2026-11-30", -8000), ("2026-12-31", -8000)]
    assert len(set(series_ids(ledger))) == 3


def test_update_forward_keeps_the_rest_of_a_count(ledger, make_event):
    event = make_event(occurrences=6)  # 31 Jan .. 30 Jun
    events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), "forward", amount="-80")
    # 2 before the cut, 4 from it: 31 Mar, 30 Apr, 31 May, 30 Jun; nothing in July.
    assert planned(ledger) == [*MONTH_ENDS[:2], *[(day, -8000) for day, _ in MONTH_ENDS[2:6]]]


def test_update_forward_moves_the_recorded_states_with_their_dates(ledger, make_event):
    event = make_event()
    mark(event.id, D(2026, 2, 28), "paid")
    events.delete_occurrence(ledger, oid(event, D(2026, 5, 31)), "one")
    changed = events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), "forward", amount="-80")
    assert states(event.id) == {"2026-02-28": "paid"}
    assert states(changed.event.id) == {"2026-05-31": "skipped"}
    assert ("2026-05-31", -8000) not in planned(ledger)


def test_update_forward_from_the_first_date_changes_the_series(ledger, make_event):
    event = make_event()
    changed = events.update_occurrence(ledger, oid(event, D(2026, 1, 31)), "forward", amount="-80")
    assert changed.event.id == event.id
    assert planned(ledger) == [(day, -8000) for day, _ in MONTH_ENDS]


def test_update_forward_with_a_new_rule(ledger, make_event):
    event = make_event()
    changed = events.update_occurrence(ledger, oid(event, D(2026, 6, 30)), "forward", repeat_type="weekly",
                                       end_date="2026-07-14")
    assert changed.day == D(2026, 6, 30)
    assert planned(ledger) == [*MONTH_ENDS[:5], ("2026-06-30", -5000), ("2026-07-07", -5000),
                               ("2026-07-14", -5000)]


def test_update_all_changes_the_series(ledger, make_event):
    event = make_event()
    changed = events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), "all", amount="-80", colour="#00ff00")
    assert (changed.event.id, changed.day, changed.minor, changed.event.colour) == (event.id, D(2026, 3, 31),
                                                                                   -8000, "#00ff00")
    assert planned(ledger) == [(day, -8000) for day, _ in MONTH_ENDS]


def test_update_all_with_a_date_moves_the_whole_series(ledger, make_event):
    event = make_event()
    # 31 Mar -> 2 Apr is 2 days later: the series starts on 2 Feb instead of 31 Jan.
    changed = events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), "all", date="2026-04-02")
    assert changed.day == D(2026, 4, 2) and changed.event.start_date == D(2026, 2, 2)
    assert [day for day, _ in planned(ledger)] == ["2026-02-02", "2026-03-02", "2026-04-02", "2026-05-02",
                                                   "2026-06-02", "2026-07-02", "2026-08-02"]


def test_update_all_with_a_new_rule_answers_the_first_date_and_drops_stale_states(ledger, make_event):
    event = make_event()
    events.delete_occurrence(ledger, oid(event, D(2026, 3, 31)), "one")
    # Weekly from Saturday 31 Jan: 31 Mar (a Tuesday) is not one of its dates.
    changed = events.update_occurrence(ledger, oid(event, D(2026, 4, 30)), "all", repeat_type="weekly")
    assert changed.day == D(2026, 1, 31) and changed.event.id == event.id
    assert planned(ledger, D(2026, 1, 1), D(2026, 2, 14)) == [("2026-01-31", -5000), ("2026-02-07", -5000),
                                                              ("2026-02-14", -5000)]
    assert states(event.id) == {}
    # Monthly again: 31 March is back, as nothing skips it any more.
    events.update_occurrence(ledger, changed.id, "all", repeat_type="monthly")
    assert planned(ledger) == MONTH_ENDS


def test_update_all_an_end_date_replaces_a_count(ledger, make_event):
    event = make_event(occurrences=2)
    changed = events.update_occurrence(ledger, oid(event, D(2026, 1, 31)), "all", end_date="2026-04-30")
    assert (changed.event.end_date, changed.event.occurrences) == (D(2026, 4, 30), None)
    assert planned(ledger) == MONTH_ENDS[:4]
    events.update_occurrence(ledger, changed.id, "all", end_date=None)
    assert planned(ledger) == MONTH_ENDS


def test_update_all_clears_a_note(ledger, make_event):
    event = make_event(note="Weekly shop")
    assert events.update_occurrence(ledger, oid(event, D(2026, 1, 31)), "all", note="").event.note is None


@pytest.mark.parametrize(("behaviour", "changes", "field"), [
    ("some", {"amount": "-1"}, "behaviour"),
    (None, {}, "behaviour"),
    ("all", {"amount": "0"}, "amount"),
    ("all", {"amount": "-0.001"}, "amount"),
    ("one", {"date": "tomorrow"}, "date"),
    ("forward", {"repeat_interval": 0}, "repeat_interval"),
    ("all", {"repeat_type": "sometimes"}, "repeat_type"),
    ("all", {"end_date": "2025-01-01"}, "end_date"),
    ("all", {"category_id": None}, "category_id"),
])
def test_update_refuses_bad_input_and_changes_nothing(ledger, make_event, behaviour, changes, field):
    event = make_event()
    with pytest.raises(Invalid) as caught:
        events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), behaviour, **changes)
    assert set(caught.value.errors) == {field}
    assert planned(ledger) == MONTH_ENDS
    assert len(db.session.scalars(select(BudgetEvent)).all()) == 1


def test_update_into_a_transfer_or_another_ledgers_category(ledger, make_event, transfer_category, other_ledger):
    event = make_event()
    with pytest.raises(Invalid):
        events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), "all", category_id=transfer_category)
    theirs = categories.create_category(other_ledger, "Bob's food", "🍕", "spent").id
    with pytest.raises(NotFound):
        events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), "forward", category_id=theirs)
    assert planned(ledger) == MONTH_ENDS


def test_update_another_ledgers_occurrence_is_not_found(ledger, make_event, other_ledger):
    event = make_event()
    with pytest.raises(NotFound):
        events.update_occurrence(other_ledger, oid(event, D(2026, 3, 31)), "all", amount="-1")
    assert planned(ledger) == MONTH_ENDS


def test_update_an_unknown_field_is_a_programming_error(ledger, make_event):
    event = make_event()
    with pytest.raises(TypeError, match="currency"):
        events.update_occurrence(ledger, oid(event, D(2026, 3, 31)), "all", currency="USD")


# --- delete -----------------------------------------------------------------------------

def test_delete_one_skips_it(ledger, make_event):
    event = make_event()
    events.delete_occurrence(ledger, oid(event, D(2026, 3, 31)), "one")
    assert planned(ledger) == [*MONTH_ENDS[:2], *MONTH_ENDS[3:]]
    skipped = occurrences.between(ledger, D(2026, 3, 31), D(2026, 3, 31), include_skipped=True)
    assert [(found.day, found.state) for found in skipped] == [(D(2026, 3, 31), "skipped")]


def test_delete_one_of_a_once_event_deletes_it(ledger, make_event):
    event = make_event(repeat_type="once")
    events.delete_occurrence(ledger, oid(event, D(2026, 1, 31)), "one")
    assert db.session.scalars(select(BudgetEvent)).all() == []


def test_delete_forward_ends_the_series_before_it(ledger, make_event):
    event = make_event()
    events.delete_occurrence(ledger, oid(event, D(2026, 5, 31)), "one")
    mark(event.id, D(2026, 2, 28), "paid")
    events.delete_occurrence(ledger, oid(event, D(2026, 4, 30)), "forward")
    assert planned(ledger) == MONTH_ENDS[:3]
    assert events.get_series(ledger, event.id).end_date == D(2026, 3, 31)
    assert states(event.id) == {"2026-02-28": "paid"}


def test_delete_forward_of_a_count_series(ledger, make_event):
    event = make_event(occurrences=5)
    events.delete_occurrence(ledger, oid(event, D(2026, 3, 31)), "forward")
    assert planned(ledger) == MONTH_ENDS[:2]
    assert events.get_series(ledger, event.id).occurrences is None


def test_delete_forward_from_the_first_date_deletes_the_series(ledger, make_event):
    event = make_event()
    mark(event.id, D(2026, 2, 28), "paid")
    events.delete_occurrence(ledger, oid(event, D(2026, 1, 31)), "forward")
    assert planned(ledger) == []
    assert db.session.scalars(select(BudgetEvent)).all() == [] and states(event.id) == {}


def test_delete_all_deletes_the_series(ledger, make_event):
    event = make_event()
    other = make_event(amount="-1", repeat_type="once", date=D(2026, 3, 3))
    mark(event.id, D(2026, 2, 28), "posted")
    events.delete_occurrence(ledger, oid(event, D(2026, 3, 31)), "all")
    assert planned(ledger) == [("2026-03-03", -100)]
    assert states(event.id) == {}
    assert [row.id for row in db.session.scalars(select(BudgetEvent))] == [other.id]


def test_delete_refuses_a_bad_behaviour_and_another_ledgers_occurrence(ledger, make_event, other_ledger):
    event = make_event()
    with pytest.raises(Invalid) as caught:
        events.delete_occurrence(ledger, oid(event, D(2026, 3, 31)), "everything")
    assert set(caught.value.errors) == {"behaviour"}
    with pytest.raises(NotFound):
        events.delete_occurrence(other_ledger, oid(event, D(2026, 3, 31)), "all")
    assert planned(ledger) == MONTH_ENDS


# --- series -----------------------------------------------------------------------------

def test_series_for_scenario_get_series_and_delete_series(ledger, make_event, scenario, other_ledger, yen):
    later = make_event(date=D(2026, 5, 1))
    first = make_event(date=D(2026, 2, 1))
    make_event(scenario_id=scenarios.primary_for(ledger, yen).id)
    assert [row.id for row in events.series_for_scenario(ledger, scenario)] == [first.id, later.id]
    assert events.get_series(ledger, later.id).id == later.id
    with pytest.raises(NotFound, match="Scenario not found"):
        events.series_for_scenario(other_ledger, scenario)
    with pytest.raises(NotFound, match="Event not found"):
        events.get_series(other_ledger, later.id)
    with pytest.raises(NotFound, match="Event not found"):
        events.delete_series(other_ledger, later.id)
    with pytest.raises(NotFound, match="Event not found"):
        events.get_series(ledger, "1")
    events.delete_series(ledger, later.id)
    assert [row.id for row in events.series_for_scenario(ledger, scenario)] == [first.id]


# --- set_category_budget ----------------------------------------------------------------

def budget(ledger, first=SEPTEMBER, last=JANUARY_END):
    return planned(ledger, first, last)


def test_set_a_budget_starts_it_this_month(ledger, account, groceries, today):
    event = category_budgets.set_category_budget(ledger, groceries, "400", today=today)
    # Typed positive, stored negative for a spent category, from the 1st of this month.
    assert (event.amount, event.currency, event.start_date, event.repeat_type) == (-40000, "EUR", D(2026, 12, 1),
                                                                                  "monthly")
    assert event.scenario_id == scenarios.default_scenario(ledger).id
    assert budget(ledger) == [("2026-12-01", -40000), ("2027-01-01", -40000)]


def test_an_earn_categorys_budget_is_positive(ledger, account, salary, today):
    assert category_budgets.set_category_budget(ledger, salary, "3000.50", today=today).amount == 300050


def test_changing_a_budget_keeps_the_past_periods(ledger, account, groceries):
    first = category_budgets.set_category_budget(ledger, groceries, "400", today=D(2026, 10, 15))
    changed = category_budgets.set_category_budget(ledger, groceries, "450.25", today=D(2026, 12, 1))
    assert changed.id != first.id and changed.start_date == D(2026, 12, 1)
    assert budget(ledger) == [("2026-10-01", -40000), ("2026-11-01", -40000), ("2026-12-01", -45025),
                              ("2027-01-01", -45025)]
    # Again in the same month: the December series changes in place.
    again = category_budgets.set_category_budget(ledger, groceries, "300", today=D(2026, 12, 20))
    assert again.id == changed.id
    assert budget(ledger) == [("2026-10-01", -40000), ("2026-11-01", -40000), ("2026-12-01", -30000),
                              ("2027-01-01", -30000)]
    assert category_budgets.set_category_budget(ledger, groceries, "300.00", today=D(2026, 12, 20)).id == changed.id
    assert len(db.session.scalars(select(BudgetEvent)).all()) == 2


def test_a_budget_of_a_series_made_by_hand_changes_from_its_period(ledger, make_event):
    event = make_event(amount="-100", date=D(2026, 1, 20))  # periods run from the 20th to the 19th
    category_budgets.set_category_budget(ledger, event.category_id, "120", today=D(2026, 4, 10))
    # 10 April is in the period from 20 March: that one changes on.
    assert planned(ledger, D(2026, 1, 1), D(2026, 5, 31)) == [
        ("2026-01-20", -10000), ("2026-02-20", -10000), ("2026-03-20", -12000), ("2026-04-20", -12000),
        ("2026-05-20", -12000)]


@pytest.mark.parametrize("nothing", ["0", "", None, "0.00"])
def test_zero_or_nothing_removes_the_budget_from_this_period(ledger, account, groceries, nothing):
    category_budgets.set_category_budget(ledger, groceries, "400", today=D(2026, 10, 15))
    assert category_budgets.set_category_budget(ledger, groceries, nothing, today=D(2026, 12, 1)) is None
    assert budget(ledger) == [("2026-10-01", -40000), ("2026-11-01", -40000)]
    # Removing again, or a budget that never was, does nothing.
    assert category_budgets.set_category_budget(ledger, groceries, nothing, today=D(2026, 12, 1)) is None
    assert budget(ledger) == [("2026-10-01", -40000), ("2026-11-01", -40000)]


def test_removing_a_budget_in_its_first_period_deletes_it(ledger, account, groceries, today):
    category_budgets.set_category_budget(ledger, groceries, "400", today=today)
    category_budgets.set_category_budget(ledger, groceries, "0", today=today)
    assert db.session.scalars(select(BudgetEvent)).all() == []


def test_a_budget_of_another_period_replaces_the_old_one_from_this_week(ledger, account, groceries):
    category_budgets.set_category_budget(ledger, groceries, "400", today=D(2026, 10, 15))
    # Thursday 3 December: the week starts on Monday 30 November; the monthly budget's
    # last date is 1 November.
    weekly = category_budgets.set_category_budget(ledger, groceries, "100", period="weekly", today=D(2026, 12, 3))
    assert (weekly.start_date, weekly.repeat_type) == (D(2026, 11, 30), "weekly")
    assert budget(ledger, last=D(2026, 12, 14)) == [("2026-10-01", -40000), ("2026-11-01", -40000),
                                                    ("2026-11-30", -10000), ("2026-12-07", -10000),
                                                    ("2026-12-14", -10000)]


def test_a_weekly_budget_starts_on_the_owners_week_start(ledger, user, account, groceries):
    db.session.get(User, user.id).week_start = 6  # Sunday
    db.session.commit()
    weekly = category_budgets.set_category_budget(ledger, groceries, "100", period="weekly", today=D(2026, 12, 3))
    assert weekly.start_date == D(2026, 11, 29)


def test_a_yearly_budget_starts_on_1_january(ledger, account, groceries, today):
    assert category_budgets.set_category_budget(ledger, groceries, "1200", period="yearly", today=today).start_date == D(
        2026, 1, 1)


def test_a_budget_goes_to_the_first_unarchived_account(ledger, account, savings, groceries, today):
    accounts.archive_account(ledger, account)
    event = category_budgets.set_category_budget(ledger, groceries, "400", today=today)
    assert event.scenario_id == scenarios.primary_for(ledger, savings).id


def test_a_budget_needs_an_account(ledger, groceries, today):
    with pytest.raises(Invalid) as caught:
        category_budgets.set_category_budget(ledger, groceries, "400", today=today)
    assert caught.value.errors == {"account": scenarios.NO_ACCOUNT}


@pytest.mark.parametrize(("amount", "period", "field"), [
    ("-400", "monthly", "amount"),
    ("abc", "monthly", "amount"),
    ("1.001", "monthly", "amount"),
    ("400", "daily", "period"),
    ("400", "months", "period"),
])
def test_set_budget_refuses_bad_input(ledger, account, groceries, today, amount, period, field):
    with pytest.raises(Invalid) as caught:
        category_budgets.set_category_budget(ledger, groceries, amount, period=period, today=today)
    assert set(caught.value.errors) == {field}


def test_set_budget_refuses_a_transfer_or_another_ledgers_category(ledger, account, transfer_category,
                                                                   other_ledger, today):
    with pytest.raises(Invalid):
        category_budgets.set_category_budget(ledger, transfer_category, "400", today=today)
    theirs = categories.create_category(other_ledger, "Bob's food", "🍕", "spent").id
    with pytest.raises(NotFound):
        category_budgets.set_category_budget(ledger, theirs, "400", today=today)
    assert db.session.scalars(select(BudgetEvent)).all() == []


def test_a_bill_of_the_category_is_not_taken_for_its_budget(ledger, scenario, groceries, today):
    # A yearly bill in Groceries from next March is a bill, not the budget: setting a
    # monthly budget leaves it whole and starts a series of its own on 1 December.
    bill = events.create_event(ledger, scenario, category_id=groceries, amount="-120", date=date(2027, 3, 1),
                               repeat_type="yearly")
    budget = category_budgets.set_category_budget(ledger, groceries, "400", today=today)
    assert budget.id != bill.id and budget.is_budget and not bill.is_budget
    assert (budget.start_date, budget.end_date, budget.amount) == (date(2026, 12, 1), None, -40000)
    assert events.get_series(ledger, bill.id).start_date == date(2027, 3, 1)
    # Set again, it changes that same budget series.
    assert category_budgets.set_category_budget(ledger, groceries, "450", today=today).id == budget.id


def test_a_budget_set_for_later_keeps_its_start(ledger, account, groceries, today):
    later = category_budgets.set_category_budget(ledger, groceries, "300", today=date(2027, 2, 10))
    now = category_budgets.set_category_budget(ledger, groceries, "400", today=today)
    # December and January at 400, from February the budget set for it.
    assert (now.start_date, now.end_date) == (date(2026, 12, 1), date(2027, 1, 31))
    assert (later.start_date, later.end_date, later.amount) == (date(2027, 2, 1), None, -30000)


def test_a_series_moved_in_time_keeps_its_states_on_the_same_occurrences(ledger, make_event):
    # Rent on the 1st; March was skipped, April posted. Moved to the 3rd (all, from the
    # May occurrence), the skip stays on the third date and the posting on the fourth:
    # March is not planned twice and post-due does not post April again.
    event = make_event(date=D(2026, 1, 1))
    events.delete_occurrence(ledger, oid(event, D(2026, 3, 1)), "one")
    with write_transaction() as session:
        session.add(EventOccurrence(event_id=event.id, occurs_on=D(2026, 4, 1), state="posted"))
    events.update_occurrence(ledger, oid(event, D(2026, 5, 1)), "all", date="2026-05-03")
    assert states(event.id) == {"2026-03-03": "skipped", "2026-04-03": "posted"}
    assert [day for day, _ in planned(ledger)] == ["2026-01-03", "2026-02-03", "2026-04-03", "2026-05-03",
                                                   "2026-06-03", "2026-07-03", "2026-08-03"]


def test_an_event_starts_in_1970_or_later(ledger, make_event):
    with pytest.raises(Invalid) as caught:
        make_event(date=D(1969, 12, 31))
    assert "1970-01-01" in caught.value.errors["date"]
    event = make_event(date=D(1970, 1, 1), repeat_type="once")
    assert occurrence_id(event.id, D(1970, 1, 1)) == f"{event.id}-0"
    assert events.get_occurrence(ledger, f"{event.id}-0").day == D(1970, 1, 1)
