"""Saved searches on the web: save the transactions page's filter, see it above the
filter, run it, rename and delete it on /searches; CSRF on every POST; bob reaches
none of alice's."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import SavedSearch
from spendsense.services.ledger import searches
from tests import factories
from tests.statements import recorded
from tests.web.helpers import at, csrf_protected, csrf_token, fresh, row_ids, text


def add(ledger, account, amount, day, description):
    return factories.create_transaction(ledger, account_id=account, amount=amount, occurred_at=at(day),
                                        description=description).id


@pytest.fixture
def rows(ledger, main):
    return {"coffee": add(ledger, main, "-3.20", "2024-03-01", "Coffee beans"),
            "rent": add(ledger, main, "-900", "2024-03-02", "Rent"),
            "more coffee": add(ledger, main, "-2.80", "2024-03-05", "Coffee to go"),
            "pay": add(ledger, main, "2500", "2024-03-06", "Salary")}


def chips(html):
    """[(id, title, current?)] of the saved-search chips above the filter."""
    found = re.findall(r'<a class="search-chip" href="/searches/(\d+)" data-search-id="\d+"\s*'
                       r'(aria-current="true")?><span aria-hidden="true">🔖</span><span class="chip-title">([^<]*)</span></a>',
                       html)
    return [(int(search_id), unescape(title), bool(current)) for search_id, current, title in found]


def flashes(html):
    return [unescape(m) for m in re.findall(r'<div class="flash flash-\w+">([^<]*)</div>', html)]


def saved():
    fresh()
    return [(s.title, s.filters) for s in db.session.scalars(select(SavedSearch).order_by(SavedSearch.id))]


COFFEE = {"period": "all", "type": "spent", "q": "coffee", "sort": "newest"}


def test_no_filter_no_save_form(logged_in, rows):
    html = text(logged_in.get("/transactions"))
    assert 'id="save-search"' not in html
    assert chips(html) == []


def test_a_filtered_page_offers_to_save_its_filter(logged_in, rows):
    html = text(logged_in.get("/transactions", query_string={**COFFEE, "page": "1", "account": ""}))
    form = re.search(r'<form method="post" action="/searches" class="save-search" id="save-search">(.*?)</form>',
                     html, re.S).group(1)
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    hidden.pop("csrf_token")
    # The filter shown, and nothing else (no page, no empty parameter).
    assert hidden == COFFEE
    assert 'name="title"' in form and "Save this search" in form


def test_save_run_rename_delete(logged_in, ledger, rows):
    response = logged_in.post("/searches", data={**COFFEE, "title": " Coffee runs ", "page": "3",
                                                 "next": "https://evil.example/"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/transactions?")
    assert "page" not in location and "evil" not in location
    html = text(logged_in.get(location))
    assert "Search “Coffee runs” saved." in flashes(html)
    assert row_ids(html) == [rows["more coffee"], rows["coffee"]]
    [(search_id, title, current)] = chips(html)
    assert (title, current) == ("Coffee runs", True)
    assert 'id="save-search"' not in html  # this filter is saved already
    assert saved() == [("Coffee runs", COFFEE)]

    # Another filter: the chip is there, not current, and runs the saved filter.
    other = text(logged_in.get("/transactions", query_string={"period": "all"}))
    assert chips(other) == [(search_id, "Coffee runs", False)]
    assert 'id="save-search"' in other
    run = logged_in.get(f"/searches/{search_id}")
    assert run.status_code == 302
    assert row_ids(text(logged_in.get(run.headers["Location"]))) == [rows["more coffee"], rows["coffee"]]

    page = text(logged_in.get("/searches"))
    assert "Coffee runs" in page
    for part in ("Period: All time", "Type: Expenses", "Search: “coffee”", "Sort: Newest first"):
        assert part in unescape(page)

    response = logged_in.post(f"/searches/{search_id}/rename", data={"title": "Caffeine"})
    assert response.status_code == 302 and response.headers["Location"] == "/searches"
    assert "“Coffee runs” renamed to “Caffeine”." in flashes(text(logged_in.get("/searches")))
    assert saved() == [("Caffeine", COFFEE)]

    response = logged_in.post(f"/searches/{search_id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/searches"
    html = text(logged_in.get("/searches"))
    assert "Saved search “Caffeine” deleted." in flashes(html)
    assert "No saved searches yet." in html
    assert saved() == []
    assert logged_in.get(f"/searches/{search_id}").status_code == 404


def test_a_custom_range_is_saved_and_run(logged_in, rows):
    logged_in.post("/searches", data={"title": "Early March", "period": "custom", "start": "2024-03-01",
                                      "end": "2024-03-02"})
    [(title, filters)] = saved()
    assert filters == {"period": "custom", "start": "2024-03-01", "end": "2024-03-02"}
    search_id = db.session.scalars(select(SavedSearch.id)).one()
    html = text(logged_in.get(logged_in.get(f"/searches/{search_id}").headers["Location"]))
    assert row_ids(html) == [rows["rent"], rows["coffee"]]
    assert "Period: 2024-03-01 – 2024-03-02" in unescape(text(logged_in.get("/searches")))


def test_the_list_names_accounts_and_categories(logged_in, ledger, main, rows):
    searches.create_search(ledger, "Main, uncategorised", {"account": str(main), "category": "none",
                                                           "label": "trip"})
    searches.create_search(ledger, "Gone", {"account": "987654"})
    page = unescape(text(logged_in.get("/searches")))
    assert "Account: Main (EUR)" in page
    assert "Category: ❔ Uncategorised" in page
    assert "Label: #trip" in page
    assert "Account: an account no longer here" in page


@pytest.mark.parametrize(("data", "message"), [
    ({**COFFEE, "title": ""}, "Name is required."),
    ({**COFFEE, "title": "x" * 101}, "Name must be at most 100 characters."),
    ({"title": "Nothing", "page": "2"}, "Choose a filter before saving a search."),
    ({"title": "Odd", "period": "decade"}, "Choose a period: week, month, 30days, year, all, custom."),
])
def test_a_refused_save_says_why_and_keeps_the_filter(logged_in, rows, data, message):
    response = logged_in.post("/searches", data=data)
    assert response.status_code == 302
    html = text(logged_in.get(response.headers["Location"]))
    assert message in flashes(html)
    assert saved() == []
    if "q" in data:
        assert response.headers["Location"].startswith("/transactions?")
        assert "q=coffee" in response.headers["Location"]


def test_a_duplicate_name_is_refused_ignoring_case(logged_in, ledger, rows):
    searches.create_search(ledger, "Coffee", {"q": "coffee"})
    response = logged_in.post("/searches", data={"title": "COFFEE", "q": "tea"})
    assert "A saved search with this name already exists." in flashes(text(logged_in.get(response.headers["Location"])))
    assert saved() == [("Coffee", {"q": "coffee"})]
    tea = searches.create_search(ledger, "Tea", {"q": "tea"})
    logged_in.post(f"/searches/{tea.id}/rename", data={"title": "coffee"})
    assert "A saved search with this name already exists." in flashes(text(logged_in.get("/searches")))
    assert [title for title, _ in saved()] == ["Coffee", "Tea"]


def test_the_chips_are_in_title_order(logged_in, ledger, rows):
    for title in ("rent", "Bills", "apples"):
        searches.create_search(ledger, title, {"q": title})
    assert [title for _id, title, _current in chips(text(logged_in.get("/transactions")))] == ["apples", "Bills", "rent"]


def test_the_transactions_page_costs_one_statement_for_any_number_of_searches(logged_in, ledger, rows):
    def statements():
        with recorded() as seen:
            assert logged_in.get("/transactions", query_string={"period": "all"}).status_code == 200
        return len(seen)

    searches.create_search(ledger, "One", {"q": "one"})
    statements()
    few = statements()
    for number in range(20):
        searches.create_search(ledger, f"Search {number}", {"q": str(number)})
    assert statements() == few


# --- another user ---------------------------------------------------------------

@pytest.fixture
def alices(ledger):
    return searches.create_search(ledger, "Alice's", {"q": "coffee"})


def test_bob_cannot_run_rename_or_delete_alices_search(bob_client, alices):
    assert bob_client.get(f"/searches/{alices.id}").status_code == 404
    assert bob_client.post(f"/searches/{alices.id}/rename", data={"title": "Bob's now"}).status_code == 404
    assert bob_client.post(f"/searches/{alices.id}/delete").status_code == 404
    assert saved() == [("Alice's", {"q": "coffee"})]
    assert "Alice's" not in text(bob_client.get("/searches"))
    assert "Alice" not in text(bob_client.get("/transactions", query_string={"q": "coffee"}))


@pytest.mark.parametrize("path", ["/searches/0", "/searches/-1", "/searches/abc", "/searches/99999999999999999999"])
def test_an_id_that_is_not_one_is_not_found(logged_in, path):
    assert logged_in.get(path).status_code == 404


def test_logged_out_is_sent_to_log_in(client, alices):
    for response in (client.get("/searches"), client.get(f"/searches/{alices.id}"),
                     client.post("/searches", data={"title": "x", "q": "y"})):
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- CSRF -----------------------------------------------------------------------

@pytest.fixture
def alice_browser(app, database_url, user):
    """alice in an app with CSRF protection on, as in production."""
    with csrf_protected(database_url) as browser:
        yield browser


def test_every_post_needs_the_pages_csrf_token(alice_browser, alices):
    for path, data in (("/searches", {"title": "Forged", "q": "x"}),
                       (f"/searches/{alices.id}/rename", {"title": "Forged"}),
                       (f"/searches/{alices.id}/delete", {})):
        response = alice_browser.post(path, data=data)
        assert response.status_code == 400
        assert "The CSRF token is missing." in text(response)
    assert saved() == [("Alice's", {"q": "coffee"})]


def test_the_pages_forms_carry_the_token(alice_browser, alices):
    html = text(alice_browser.get("/transactions", query_string={"q": "tea"}))
    token = csrf_token(html.split('id="save-search"')[1])
    response = alice_browser.post("/searches", data={"title": "Tea", "q": "tea", "csrf_token": token})
    assert response.status_code == 302
    page = text(alice_browser.get("/searches"))
    token = csrf_token(page)
    assert alice_browser.post(f"/searches/{alices.id}/rename",
                              data={"title": "Coffee", "csrf_token": token}).status_code == 302
    assert alice_browser.post(f"/searches/{alices.id}/delete", data={"csrf_token": token}).status_code == 302
    assert saved() == [("Tea", {"q": "tea"})]
