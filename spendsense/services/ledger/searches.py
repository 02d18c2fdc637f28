"""Saved searches: the transactions page's filter kept under a name, to run again.

Only the parameters the page reads are stored, each checked as the page would read it
(web/transactions.py ``_filters``), so a saved search is a filter of that page and
nothing else: no pager position, no redirect target, no stray parameter. Titles are
required, at most 100 characters, and unique in the ledger ignoring case.
"""

from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from spendsense.extensions import db
from spendsense.models import SavedSearch
from spendsense.services import periods, validation
from spendsense.services.errors import Invalid
from spendsense.services.ledger import queries
from spendsense.services.scope import get_owned, owned
from spendsense.services.uow import write_transaction

# The transactions page's filter parameters, in the order a stored query string keeps.
FILTER_KEYS = ("period", "start", "end", "type", "account", "category", "label", "q", "sort")
MAX_TITLE = 100
# The page reads at most this much of each text parameter.
MAX_SEARCH = 100
MAX_LABEL = 50
UNCATEGORISED = "none"

DUPLICATE_TITLE = "A saved search with this name already exists."
NO_FILTER = "Choose a filter before saving a search."
NOT_FOUND = "Saved search not found"


def title_key(title):
    """The form of a title that must be unique: casefolded, so "Coffee" and "COFFEE" clash."""
    return title.casefold()


def _clean_title(title):
    return validation.text(title, "title", max_length=MAX_TITLE, required=True, label="Name")


def _one_of(value, field, choices, what):
    if value not in choices:
        raise Invalid.field(field, f"Choose {what}: " + ", ".join(choices) + ".")
    return value


def _row_id(value, field, what):
    number = validation.row_id_or_none(value)
    if number is None:
        raise Invalid.field(field, f"Choose {what} from the list.")
    return str(number)


def clean_filters(values):
    """The filter parameters of ``values`` (a mapping such as a query string or a form),
    checked one by one; others are left out. Empty values mean "no filter" and are left
    out too. Returns {parameter: text} in FILTER_KEYS order; refuses an empty filter."""
    given = {}
    for key in FILTER_KEYS:
        value = values.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise Invalid.field(key, f"{key} must be text.")
        value = value.strip()
        if value:
            given[key] = value
    cleaned = {}
    period = given.get("period")
    if period is not None:
        cleaned["period"] = _one_of(period, "period", tuple(periods.LABELS), "a period")
        if period == "custom":
            # The page's own rule for a range: both days, the last not before the first.
            chosen = periods.resolve("custom", None, start=given.get("start"), end=given.get("end"))
            cleaned["start"], cleaned["end"] = chosen.start.isoformat(), chosen.end.isoformat()
    # Without a custom period the page ignores start and end, so they are not kept.
    if "type" in given:
        cleaned["type"] = _one_of(given["type"], "type", queries.KINDS, "a type")
    if "account" in given:
        cleaned["account"] = _row_id(given["account"], "account", "an account")
    if "category" in given:
        category = given["category"]
        cleaned["category"] = UNCATEGORISED if category == UNCATEGORISED else _row_id(
            category, "category", "a category")
    if "label" in given:
        label = validation.text(given["label"].lstrip("#"), "label", max_length=MAX_LABEL, label="Label")
        if label:
            cleaned["label"] = label
    if "q" in given:
        cleaned["q"] = validation.text(given["q"], "q", max_length=MAX_SEARCH, label="Search")
    if "sort" in given:
        cleaned["sort"] = _one_of(given["sort"], "sort", tuple(queries.SORTS), "a sort order")
    if not cleaned:
        raise Invalid.field("filters", NO_FILTER)
    return {key: cleaned[key] for key in FILTER_KEYS if key in cleaned}


def list_searches(ledger_id):
    """The ledger's saved searches in title order (ignoring case)."""
    return db.session.scalars(owned(SavedSearch, ledger_id)
                              .order_by(SavedSearch.title_key, SavedSearch.id)).all()


def get_search(ledger_id, search_id):
    """The ledger's saved search with this id; another ledger's reads as not found."""
    return get_owned(SavedSearch, ledger_id, search_id, message=NOT_FOUND)


def _title_taken(ledger_id, key, exclude_id=None):
    query = select(SavedSearch.id).where(SavedSearch.ledger_id == ledger_id, SavedSearch.title_key == key)
    if exclude_id is not None:
        query = query.where(SavedSearch.id != exclude_id)
    return db.session.execute(query).first() is not None


def create_search(ledger_id, title, filters):
    """Save ``filters`` (a mapping of the page's parameters) under ``title``."""
    errors = {}
    try:
        title = _clean_title(title)
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        query_string = urlencode(clean_filters(filters))
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    key = title_key(title)
    try:
        with write_transaction() as session:
            if _title_taken(ledger_id, key):
                raise Invalid.field("title", DUPLICATE_TITLE)
            search = SavedSearch(ledger_id=ledger_id, title=title, title_key=key, query_string=query_string)
            session.add(search)
    except IntegrityError as exc:  # a concurrent request took the title first
        raise Invalid.field("title", DUPLICATE_TITLE) from exc
    return search


def rename_search(ledger_id, search_id, title):
    title = _clean_title(title)
    key = title_key(title)
    try:
        with write_transaction():
            search = get_search(ledger_id, search_id)
            if _title_taken(ledger_id, key, exclude_id=search.id):
                raise Invalid.field("title", DUPLICATE_TITLE)
            search.title, search.title_key = title, key
    except IntegrityError as exc:
        raise Invalid.field("title", DUPLICATE_TITLE) from exc
    return search


def delete_search(ledger_id, search_id):
    """Delete the saved search; returns it (detached) for the caller's message."""
    with write_transaction() as session:
        search = get_search(ledger_id, search_id)
        session.delete(search)
    return search
