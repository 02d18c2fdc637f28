"""The query string of the four transaction lists (COMPAT.md §4).

Booleans arrive as 0/1 or false/true, and ``0``/``false`` means "no filter", not "only
the others". An empty value is no filter too. ``page`` and ``per_page`` are read by
api/pagination.by_page (they are here for the document).
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema

from spendsense.api.v2.fields import Query
from spendsense.services import validation

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
TRUE, FALSE = ("1", "true"), ("0", "false")
MAX_SEARCH = 200


def _empty_is_none(value):
    return None if isinstance(value, str) and not value.strip() else value


def _day(value):
    value = _empty_is_none(value)
    if value is None:
        return None
    if not isinstance(value, str) or not DAY.fullmatch(value.strip()):
        raise ValueError("must be a date as YYYY-MM-DD")
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("is not a date of the calendar") from None
    # No transaction is dated outside the range the services accept, so a bound beyond
    # it (clients send 9999-12-31 for "no end") means the range's own bound.
    return min(max(day, validation.MIN_DATE), validation.MAX_DATE)


def _moment(value):
    """ISO 8601 date and time (or a date: its midnight); a zone converts to UTC, none means UTC."""
    value = _empty_is_none(value)
    if value is None:
        return None
    text = value.strip() if isinstance(value, str) else ""
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" and text else text)
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment
    except (ValueError, OverflowError):
        raise ValueError("must be an ISO 8601 time such as 2024-05-01T12:00:00Z") from None


def _flag(value):
    value = _empty_is_none(value)
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError("must be 0, 1, false or true")


def _ids(value):
    """A comma-separated list of category ids; 0 (or nothing) means every category."""
    value = _empty_is_none(value)
    if value is None:
        return ()
    parts = [part.strip() for part in str(value).split(",")]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError("must be a category id or a comma-separated list of them")
    ids = {int(part) for part in parts} - {0}
    if any(number > validation.MAX_ID for number in ids):
        raise ValueError("names a category id larger than any id can be")
    if len(ids) > 100:
        raise ValueError("may name at most 100 categories")
    return tuple(sorted(ids))


def _type(value):
    value = _empty_is_none(value)
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().lower() not in ("debit", "credit"):
        raise ValueError("must be debit or credit")
    return value.strip().lower()


def _search(value):
    value = _empty_is_none(value)
    if value is None:
        return None
    if len(value) > MAX_SEARCH:
        raise ValueError(f"may be at most {MAX_SEARCH} characters")
    # SQLite ends a LIKE pattern at a NUL, which would then match every row.
    if any(ord(character) < 32 for character in value):
        raise ValueError("must not hold control characters")
    return value.strip()


Day = Annotated[date | None, BeforeValidator(_day),
                WithJsonSchema({"type": "string", "format": "date"}, mode="validation")]
Moment = Annotated[datetime | None, BeforeValidator(_moment),
                   WithJsonSchema({"type": "string", "format": "date-time"}, mode="validation")]
Flag = Annotated[bool, BeforeValidator(_flag),
                 WithJsonSchema({"type": "string", "enum": ["0", "1", "false", "true"]}, mode="validation")]
Ids = Annotated[tuple[int, ...], BeforeValidator(_ids),
                WithJsonSchema({"type": "string", "pattern": r"^\d+(,\d+)*$"}, mode="validation")]
Type = Annotated[str | None, BeforeValidator(_type),
                 WithJsonSchema({"type": "string", "enum": ["debit", "credit"]}, mode="validation")]
Search = Annotated[str | None, BeforeValidator(_search),
                   WithJsonSchema({"type": "string", "maxLength": MAX_SEARCH}, mode="validation")]
PageNumber = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 1}, mode="validation")]
PerPage = Annotated[str | None, WithJsonSchema({"type": "integer", "minimum": 10, "maximum": 1000},
                                               mode="validation")]


def _query_defaults(schema, _model):
    """A parameter left out means no filter: the document says so in words, not with
    the Python defaults (None, (), False), which are not values of the parameters' types."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)
    schema["properties"]["per_page"]["default"] = 30


class TransactionListQuery(Query):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_query_defaults)

    start_date: Day = Field(None, description="Only transactions on or after this date (YYYY-MM-DD).")
    end_date: Day = Field(None, description="Only transactions on or before this date (YYYY-MM-DD).")
    updated_since: Moment = Field(None, description="Only transactions changed at or after this time "
                                                    "(ISO 8601; without a zone, UTC).")
    uncategorised: Flag = Field(False, description="1/true: only uncategorised transactions; 0/false: no filter.")
    only_uncategorised: Flag = Field(False, description="The same as uncategorised.")
    type: Type = Field(None, description="debit (amount below zero) or credit.")
    needs_review: Flag = Field(False, description="1/true: only transactions that need review; 0/false: no filter.")
    search: Search = Field(None, description="Text in the payee, note or memo, or an amount (12.50 matches "
                                             "either sign, -12.50 only debits).")
    category_id: Ids = Field((), description="Only these categories (comma-separated ids); 0: no filter.")
    page: PageNumber = Field(None, description="The page, from 1.")
    per_page: PerPage = Field(None, description="Rows per page, 10 to 1000 (default 30).")
