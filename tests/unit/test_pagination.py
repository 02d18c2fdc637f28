"""The API paginator: limit/offset (v1), page/per_page (ihatemoney bills, PocketSmith v2),
range errors, a page past the end, and the Per-Page / Total / Link headers."""

import pytest
from flask import Flask, request
from werkzeug.datastructures import MultiDict

from spendsense.api.pagination import Page, by_offset, by_page
from spendsense.services.errors import Invalid

V2 = {"default_per_page": 30, "min_per_page": 10, "max_per_page": 1000,
      "message": "{field} must be a whole number from {minimum} to {maximum}."}


def refused(function, values, **options):
    with pytest.raises(Invalid) as caught:
        function(MultiDict(values), **options)
    return caught.value


# --- limit / offset ---------------------------------------------------------------------

def test_by_offset_defaults_and_values():
    assert by_offset({}, default_limit=1000, max_limit=10000) == Page(limit=1000, offset=0)
    page = by_offset(MultiDict({"limit": "2", "offset": "4"}), default_limit=1000, max_limit=10000)
    assert (page.limit, page.offset, page.next_offset, page.number) == (2, 4, 6, None)
    assert by_offset({"limit": 5, "offset": 0}, default_limit=1, max_limit=10) == Page(limit=5, offset=0)


@pytest.mark.parametrize("values, errors", [
    ({"limit": "0"}, {"limit": "Limit must be between 1 and 10000."}),
    ({"limit": ""}, {"limit": "Limit must be a whole number."}),
    ({"limit": True}, {"limit": "Limit must be a whole number."}),
    ({"limit": "9" * 40}, {"limit": "Limit must be a whole number."}),
    ({"offset": "-1"}, {"offset": "Offset must be between 0 and 1000000000."}),
    ({"offset": "²"}, {"offset": "Offset must be a whole number."}),
    ({"limit": "x", "offset": "y"}, {"limit": "Limit must be a whole number.",
                                     "offset": "Offset must be a whole number."}),
])
def test_by_offset_range_errors(values, errors):
    exc = refused(by_offset, values, default_limit=1000, max_limit=10000)
    assert exc.errors == errors
    assert exc.message == next(iter(errors.values()))  # v1 answers the first: limit's


# --- page / per_page --------------------------------------------------------------------

def test_by_page_is_optional_for_lists_that_answer_everything():
    assert by_page({}, default_per_page=100, max_per_page=1000, optional=True) == Page(limit=None)
    assert by_page({"page": "3"}, default_per_page=100, max_per_page=1000, optional=True) == Page(
        limit=100, offset=200, number=3)


def test_by_page_numbers_from_one():
    assert by_page({}, **V2) == Page(limit=30, offset=0, number=1)
    assert by_page(MultiDict({"page": "2", "per_page": "10"}), **V2) == Page(limit=10, offset=10, number=2)
    assert by_page({"page": 4, "per_page": 1000}, **V2) == Page(limit=1000, offset=3000, number=4)


@pytest.mark.parametrize("values, field", [
    ({"page": "0"}, "page"), ({"page": "-1"}, "page"), ({"page": "+1"}, "page"), ({"page": "1.0"}, "page"),
    ({"page": ""}, "page"), ({"page": "²"}, "page"), ({"page": "١"}, "page"), ({"page": "9" * 5000}, "page"),
    ({"page": "1000000001"}, "page"), ({"page": True}, "page"),
    ({"per_page": "9"}, "per_page"), ({"per_page": "1001"}, "per_page"), ({"per_page": "ten"}, "per_page"),
])
def test_by_page_range_errors(values, field):
    exc = refused(by_page, values, **V2)
    low, high = (1, 1000000000) if field == "page" else (10, 1000)
    assert exc.errors == {field: f"{field} must be a whole number from {low} to {high}."}


def test_by_page_reports_every_bad_field_with_the_default_message():
    exc = refused(by_page, {"page": "0", "per_page": "5000"}, default_per_page=100, max_per_page=1000)
    assert exc.errors == {"page": "Must be a whole number from 1 to 1000000000.",
                          "per_page": "Must be a whole number from 1 to 1000."}


@pytest.mark.parametrize("number, total, last", [(1, 0, 1), (1, 30, 1), (2, 31, 2), (4, 100, 4)])
def test_pages_within_the_list(number, total, last):
    page = by_page({"page": str(number)}, **V2)
    assert page.last_page(total) == last
    page.check_in_range(total)


@pytest.mark.parametrize("number, total", [(2, 0), (2, 30), (5, 100)])
def test_a_page_past_the_end_is_refused(number, total):
    with pytest.raises(Invalid) as caught:
        by_page({"page": str(number)}, **V2).check_in_range(total)
    assert set(caught.value.errors) == {"page"}
    assert "out of bounds" in caught.value.message


# --- headers ----------------------------------------------------------------------------

@pytest.fixture
def bare_app():
    return Flask(__name__)


def headers_for(app, query, total, base_url="https://money.example/sub"):
    with app.test_request_context(f"/v2/users/1/transactions?{query}", base_url=base_url):
        return by_page(request.args, **V2).headers(total)


def links(header):
    result = {}
    for part in header.split(", "):
        url, rel = part.split("; ")
        result[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return result


def test_headers_of_a_middle_page_keep_the_other_parameters(bare_app):
    headers = headers_for(bare_app, "start_date=2024-01-01&page=2&per_page=10&search=caf%C3%A9", 45)
    assert (headers["Per-Page"], headers["Total"]) == ("10", "45")
    base = "https://money.example/sub/v2/users/1/transactions?start_date=2024-01-01&per_page=10&search=caf%C3%A9"
    assert links(headers["Link"]) == {"first": f"{base}&page=1", "prev": f"{base}&page=1",
                                      "next": f"{base}&page=3", "last": f"{base}&page=5"}


def test_first_and_last_pages_have_no_prev_or_next(bare_app):
    first = links(headers_for(bare_app, "per_page=10", 25)["Link"])
    assert set(first) == {"first", "next", "last"}
    assert first["next"] == "https://money.example/sub/v2/users/1/transactions?per_page=10&page=2"
    last = links(headers_for(bare_app, "per_page=10&page=3", 25)["Link"])
    assert set(last) == {"first", "prev", "last"}


def test_headers_of_an_empty_list(bare_app):
    headers = headers_for(bare_app, "", 0, base_url="http://127.0.0.1:5000")
    assert (headers["Per-Page"], headers["Total"]) == ("30", "0")
    assert links(headers["Link"]) == {"first": "http://127.0.0.1:5000/v2/users/1/transactions?page=1",
                                      "last": "http://127.0.0.1:5000/v2/users/1/transactions?page=1"}
