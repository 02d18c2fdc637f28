"""Budget events: create a series, read an occurrence, change and delete occurrences
one | forward | all, and the Budgets page's "set budget"."""

from datetime import date
from decimal import Decimal

from spendsense.services.planning import events
from spendsense.services.planning.repeats import occurrence_id


def test_create_event_stores_the_series(ledger, scenario, groceries):
    event = events.create_event(ledger, scenario, category_id=groceries, amount="-50.25", date="2026-01-31",
                                repeat_type="monthly", note=" Food ", colour="#AABBCC")
    assert (event.amount, event.currency, event.start_date) == (-5025, "EUR", date(2026, 1, 31))
    assert (event.repeat_type, event.repeat_interval, event.end_date, event.occurrences) == ("monthly", 1, None, None)
    assert (event.note, event.colour, event.post_automatically) == ("Food", "#aabbcc", False)


def test_get_occurrence_of_a_date_of_the_series(ledger, make_event):
    event = make_event()
    found = events.get_occurrence(ledger, occurrence_id(event.id, date(2026, 2, 28)))
    assert (found.event.id, found.day, found.state, found.amount) == (event.id, date(2026, 2, 28), None,
                                                                      Decimal("-50.00"))
