"""Saved searches (services/ledger/searches.py): named filters of the transactions page,
holding only the page's own parameters, titles unique per ledger ignoring case."""

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import SavedSearch
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import searches
from spendsense.services.scope import ledger_for
from spendsense.web import transactions as transactions_page


@pytest.fixture
def bobs(other_user):
    return ledger_for(other_user)


def stored(search_id):
    db.session.expire_all()
    return db.session.get(SavedSearch, search_id)


def test_create_keeps_the_filter_as_the_pages_query_string(ledger):
    search = searches.create_search(ledger, "  Coffee this year ", {
        "q": " coffee ", "period": "year", "type": "spent", "sort": "largest", "account": "7",
        "category": "none", "label": "#treats"})
    row = stored(search.id)
    assert row.title == "Coffee this year"
    assert row.query_string == "period=year&type=spent&account=7&category=none&label=treats&q=coffee&sort=largest"
    assert row.filters == {"period": "year", "type": "spent", "account": "7", "category": "none",
                           "label": "treats", "q": "coffee", "sort": "largest"}
    assert row.created_at and row.updated_at


def test_only_the_pages_parameters_are_kept(ledger):
    search = searches.create_search(ledger, "Sneaky", {
        "q": "rent", "page": "4", "next": "https://evil.example/", "_external": "1", "csrf_token": "x",
        "title": "Sneaky", "account": ""})
    assert stored(search.id).filters == {"q": "rent"}


def test_the_service_knows_the_same_parameters_as_the_page():
    assert searches.FILTER_KEYS == transactions_page.FILTER_ARGS


def test_a_custom_range_keeps_its_days_other_periods_drop_them(ledger):
    custom = searches.create_search(ledger, "March", {"period": "custom", "start": "2024-03-01",
                                                      "end": "2024-03-31"})
    assert stored(custom.id).filters == {"period": "custom", "start": "2024-03-01", "end": "2024-03-31"}
    month = searches.create_search(ledger, "Month", {"period": "month", "start": "2024-03-01"})
    assert stored(month.id).filters == {"period": "month"}


@pytest.mark.parametrize(("filters", "field", "message"), [
    ({}, "filters", "Choose a filter before saving a search."),
    ({"page": "2", "q": "  "}, "filters", "Choose a filter before saving a search."),
    ({"period": "decade"}, "period", "Choose a period: week, month, 30days, year, all, custom."),
    ({"period": "custom", "start": "2024-03-01"}, "start", "Give both the first and the last day of the range."),
    ({"period": "custom", "start": "2024-03-31", "end": "2024-03-01"}, "end",
     "The last day must not be before the first."),
    ({"period": "custom", "start": "01/03/2024", "end": "2024-03-31"}, "start", "start must be a date like 2024-06-01."),
    ({"type": "gift"}, "type", "Choose a type: spent, earn, transfer."),
    ({"account": "abc"}, "account", "Choose an account from the list."),
    ({"account": "-3"}, "account", "Choose an account from the list."),
    ({"category": "²"}, "category", "Choose a category from the list."),
    ({"sort": "random"}, "sort", "Choose a sort order: newest, oldest, largest, smallest."),
    ({"q": "x" * 101}, "q", "Search must be at most 100 characters."),
    ({"q": "a\x00b"}, "q", "Search must not contain control characters."),
    ({"label": "#" + "y" * 51}, "label", "Label must be at most 50 characters."),
    ({"q": ["a", "b"]}, "q", "q must be text."),
])
def test_a_filter_the_page_would_not_read_is_refused(ledger, filters, field, message):
    with pytest.raises(Invalid) as caught:
        searches.create_search(ledger, "Name", filters)
    assert caught.value.errors == {field: message}
    assert db.session.scalars(select(SavedSearch)).all() == []


@pytest.mark.parametrize(("title", "message"), [
    ("", "Name is required."),
    ("   ", "Name is required."),
    (None, "Name is required."),
    ("x" * 101, "Name must be at most 100 characters."),
    ("tab\there", "Name must not contain control characters."),
])
def test_a_bad_name_is_refused(ledger, title, message):
    with pytest.raises(Invalid) as caught:
        searches.create_search(ledger, title, {"q": "x"})
    assert caught.value.errors == {"title": message}


def test_a_name_of_100_characters_is_fine(ledger):
    assert searches.create_search(ledger, "x" * 100, {"q": "x"}).title == "x" * 100


def test_name_and_filter_faults_are_reported_together(ledger):
    with pytest.raises(Invalid) as caught:
        searches.create_search(ledger, "", {})
    assert caught.value.errors == {"title": "Name is required.", "filters": "Choose a filter before saving a search."}


@pytest.mark.parametrize("again", ["Coffee", "coffee", " COFFEE "])
def test_a_name_taken_in_the_ledger_ignoring_case_is_refused(ledger, again):
    searches.create_search(ledger, "Coffee", {"q": "coffee"})
    with pytest.raises(Invalid) as caught:
        searches.create_search(ledger, again, {"q": "tea"})
    assert caught.value.errors == {"title": "A saved search with this name already exists."}


def test_case_is_ignored_beyond_ascii(ledger):
    searches.create_search(ledger, "Été", {"q": "x"})
    with pytest.raises(Invalid):
        searches.create_search(ledger, "ÉTÉ", {"q": "y"})


def test_another_ledger_may_use_the_same_name(ledger, bobs):
    searches.create_search(ledger, "Coffee", {"q": "coffee"})
    assert searches.create_search(bobs, "Coffee", {"q": "coffee"}).ledger_id == bobs


def test_the_list_is_the_ledgers_own_in_title_order(ledger, bobs):
    for title in ("rent", "Bills", "Été", "apples"):
        searches.create_search(ledger, title, {"q": title})
    searches.create_search(bobs, "Bob's", {"q": "x"})
    assert [s.title for s in searches.list_searches(ledger)] == ["apples", "Bills", "rent", "Été"]


def test_rename(ledger):
    search = searches.create_search(ledger, "Coffee", {"q": "coffee"})
    before = stored(search.id).updated_at
    searches.rename_search(ledger, search.id, "  Coffee & cake ")
    row = stored(search.id)
    assert row.title == "Coffee & cake" and row.title_key == "coffee & cake"
    assert row.filters == {"q": "coffee"}
    assert row.updated_at >= before


def test_rename_to_its_own_name_in_another_case_is_fine(ledger):
    search = searches.create_search(ledger, "coffee", {"q": "coffee"})
    assert searches.rename_search(ledger, search.id, "Coffee").title == "Coffee"


def test_rename_to_another_searchs_name_is_refused(ledger):
    searches.create_search(ledger, "Coffee", {"q": "coffee"})
    tea = searches.create_search(ledger, "Tea", {"q": "tea"})
    with pytest.raises(Invalid) as caught:
        searches.rename_search(ledger, tea.id, "COFFEE")
    assert caught.value.errors == {"title": "A saved search with this name already exists."}
    assert stored(tea.id).title == "Tea"


@pytest.mark.parametrize(("title", "message"), [("", "Name is required."),
                                                ("x" * 101, "Name must be at most 100 characters.")])
def test_rename_to_a_bad_name_is_refused(ledger, title, message):
    search = searches.create_search(ledger, "Coffee", {"q": "coffee"})
    with pytest.raises(Invalid) as caught:
        searches.rename_search(ledger, search.id, title)
    assert caught.value.errors == {"title": message}


def test_delete(ledger):
    search = searches.create_search(ledger, "Coffee", {"q": "coffee"})
    assert searches.delete_search(ledger, search.id).title == "Coffee"
    assert stored(search.id) is None
    with pytest.raises(NotFound):
        searches.delete_search(ledger, search.id)
    # The name is free again.
    searches.create_search(ledger, "Coffee", {"q": "coffee"})


@pytest.mark.parametrize("call", [
    lambda ledger, search_id: searches.get_search(ledger, search_id),
    lambda ledger, search_id: searches.rename_search(ledger, search_id, "Mine now"),
    lambda ledger, search_id: searches.delete_search(ledger, search_id),
])
def test_another_ledgers_search_is_not_found(ledger, bobs, call):
    bobs_search = searches.create_search(bobs, "Bob's", {"q": "x"})
    with pytest.raises(NotFound) as caught:
        call(ledger, bobs_search.id)
    assert caught.value.message == "Saved search not found"
    row = stored(bobs_search.id)
    assert row is not None and row.title == "Bob's"


@pytest.mark.parametrize("search_id", [0, -1, 10**30, "abc", None])
def test_an_id_that_is_not_one_is_not_found(ledger, search_id):
    with pytest.raises(NotFound):
        searches.get_search(ledger, search_id)
