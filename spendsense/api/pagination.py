"""The one paginator of the API dialects: which rows a list request asks for, and the
headers a page-numbered answer carries.

Two ways in, one ``Page`` out:

- ``by_offset(values, ...)``: ``limit`` and ``offset`` (SpendSense v1);
- ``by_page(values, ...)``: ``page`` (1-based) and ``per_page``, as the ihatemoney bills
  list (only when asked) and PocketSmith-style lists take them.

Input is checked before any query runs, in the manner of redash's ``paginate()``: a value
out of range raises ``Invalid`` with one message per field, which each dialect answers
as its own 400. ``Page.check_in_range(total)`` refuses a page past the end, and
``Page.headers(total)`` gives ``Per-Page``, ``Total`` and an RFC 5988 ``Link``. A
PocketSmith-style list reads::

    page = by_page(request.args, default_per_page=30, min_per_page=10, max_per_page=1000)
    total = count(...)
    page.check_in_range(total)
    rows = read(..., limit=page.limit, offset=page.offset)
    response.headers.update(page.headers(total))
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request

from spendsense.services import validation
from spendsense.services.errors import Invalid

MAX_OFFSET = 10**9
MAX_PAGE = 10**9
RANGE_MESSAGE = "Must be a whole number from {minimum} to {maximum}."
OUT_OF_BOUNDS = "Page {page} is out of bounds: the last page is {last}."


@dataclass(frozen=True)
class Page:
    """The rows one request reads: ``limit`` rows from ``offset`` (``limit`` None: all of
    them). ``number`` is the 1-based page number when the request paged by number."""

    limit: int | None
    offset: int = 0
    number: int | None = None

    @property
    def next_offset(self):
        return self.offset + self.limit

    def last_page(self, total):
        """The number of the last page of ``total`` rows; an empty list has one, empty, page."""
        return max(1, -(-total // self.limit))

    def check_in_range(self, total, message=OUT_OF_BOUNDS):
        """Refuse a page past the end of ``total`` rows (``message`` may name {page} and {last})."""
        last = self.last_page(total)
        if self.number > last:
            raise Invalid.field("page", message.format(page=self.number, last=last))

    def headers(self, total):
        """``Per-Page``, ``Total`` and ``Link`` (first, prev, next, last) for ``total`` rows.

        Each link is the request's absolute URL with its query string kept, only ``page``
        changed, so a client that follows rel="next" keeps its filters and page size.
        """
        last = self.last_page(total)
        pages = {"first": 1, "prev": self.number - 1 if self.number > 1 else None,
                 "next": self.number + 1 if self.number < last else None, "last": last}
        links = [f'<{_url_of_page(number)}>; rel="{rel}"' for rel, number in pages.items() if number is not None]
        return {"Per-Page": str(self.limit), "Total": str(total), "Link": ", ".join(links)}


def _url_of_page(number):
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "page"]
    return f"{request.base_url}?{urlencode([*query, ('page', number)])}"


def by_offset(values, *, default_limit, max_limit, max_offset=MAX_OFFSET):
    """``limit`` (1..max_limit, default ``default_limit``) rows from ``offset`` (0..max_offset).

    Messages read "Limit must be a whole number." / "Limit must be between 1 and N."
    (v1's, which its clients see as ``{"error": ...}``); limit's comes first.
    """
    errors = {}
    limit = _checked(errors, "limit", values.get("limit", default_limit), 1, max_limit)
    offset = _checked(errors, "offset", values.get("offset", 0), 0, max_offset)
    if errors:
        raise Invalid(errors)
    return Page(limit=limit, offset=offset)


def _checked(errors, field, value, minimum, maximum):
    try:
        return validation.integer(value, field, minimum=minimum, maximum=maximum)
    except Invalid as exc:
        errors.update(exc.errors)
        return None


def by_page(values, *, default_per_page, max_per_page, min_per_page=1, max_page=MAX_PAGE, optional=False,
            message=RANGE_MESSAGE):
    """Page ``page`` (1..max_page, default 1) of ``per_page`` rows (min..max_per_page).

    ``optional``: without either parameter the request reads the whole list (``limit``
    None), as ihatemoney's clients expect. Only ASCII digits count. A bad value gets
    ``message``, which may name {field}, {minimum} and {maximum}; every bad field is
    reported at once.
    """
    if optional and "page" not in values and "per_page" not in values:
        return Page(limit=None)
    errors = {}
    number = _whole(errors, values, "page", 1, 1, max_page, message)
    per_page = _whole(errors, values, "per_page", default_per_page, min_per_page, max_per_page, message)
    if errors:
        raise Invalid(errors)
    return Page(limit=per_page, offset=(number - 1) * per_page, number=number)


def _whole(errors, values, field, default, minimum, maximum, message):
    raw = values.get(field)
    number = default if raw is None else validation.row_id_or_none(raw)
    if number is None or not minimum <= number <= maximum:
        errors[field] = message.format(field=field, minimum=minimum, maximum=maximum)
    return number
