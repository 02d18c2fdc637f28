"""Shape checks shared by services: text, dates, booleans, ids, amounts.

Every check raises ``Invalid`` naming the field, so each dialect can say which input
was wrong. Text is stripped and refused when it holds control characters (PostgreSQL
rejects NUL outright, and none of them belongs in a name or a note).
"""

import re
from datetime import date, datetime, time

from dateutil import parser as dateparser

from spendsense import money
from spendsense.services.errors import Invalid

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
MAX_ID = 2**63 - 1

# Unicode's control characters (category Cc) are exactly these 65 code points.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _label(field, label):
    return label or field.replace("_", " ").capitalize()


def text(value, field, *, max_length, required=False, label=None, strip=True):
    """Strip and check a piece of text; empty (or only spaces) becomes None unless
    required. ``strip=False`` keeps the spaces around the text as they are."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid.field(field, f"{_label(field, label)} must be text.")
    value = value.strip() if strip or not value.strip() else value
    if not value:
        if required:
            raise Invalid.field(field, f"{_label(field, label)} is required.")
        return None
    if _CONTROL_RE.search(value):
        raise Invalid.field(field, f"{_label(field, label)} must not contain control characters.")
    if len(value) > max_length:
        raise Invalid.field(field, f"{_label(field, label)} must be at most {max_length} characters.")
    return value


def choice(value, field, choices, *, label=None):
    if value not in choices:
        raise Invalid.field(field, f"{_label(field, label)} must be one of: {', '.join(choices)}.")
    return value


def boolean(value, field, *, default=None):
    if value is None or value == "":
        if default is None:
            raise Invalid.field(field, f"{field} is required.")
        return default
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise Invalid.field(field, f"{field} must be true or false.")


def is_row_id(value):
    """True for an int that can be a row id (bools are ints in Python, and are not ids)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


_ROW_ID_RE = re.compile(r"^[0-9]{1,19}$")


def row_id_or_none(value):
    """The positive integer that fits BIGINT which ``value`` spells, else None.

    The one parser of ids and page numbers typed by people and clients: ``str.isdigit``
    is true for "²" and "١", which ``int`` then refuses or reads as another number, so
    only ASCII digits count.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        raw = str(value).strip() if value is not None else ""
        if not _ROW_ID_RE.match(raw):
            return None
        number = int(raw)
    return number if 0 < number <= MAX_ID else None


def identifier(value, field):
    """A database id from user input: a positive integer that fits BIGINT."""
    number = row_id_or_none(value)
    if number is None:
        raise Invalid.field(field, f"{field} must be a positive whole number.")
    return number


def currency(value, field="currency"):
    try:
        return money.normalise_currency(value)
    except money.MoneyError as exc:
        raise Invalid.field(field, str(exc)) from exc


def amount(value, currency_code, field="amount", *, allow_negative=True):
    try:
        return money.parse_amount(value, currency_code, allow_negative=allow_negative)
    except money.MoneyError as exc:
        raise Invalid.field(field, str(exc)) from exc


def _check_range(day, field):
    if not MIN_DATE <= day <= MAX_DATE:
        raise Invalid.field(field, f"{field} must be between {MIN_DATE} and {MAX_DATE}.")


def parse_datetime(value, field, *, end_of_day=False):
    """ISO 8601 date or date-time -> naive datetime (an offset is dropped, not converted:
    a transaction's time is the wall-clock time its owner typed)."""
    if isinstance(value, datetime):
        result = value.replace(tzinfo=None)
    elif isinstance(value, date):
        result = datetime.combine(value, time.max if end_of_day else time.min)
    else:
        raw = str(value).strip() if value is not None else ""
        if not _ISO_RE.match(raw):
            raise Invalid.field(field, f"{field} must be an ISO 8601 date or date-time.")
        try:
            result = dateparser.isoparse(raw)
        except (ValueError, OverflowError) as exc:
            raise Invalid.field(field, f"{field} must be an ISO 8601 date or date-time.") from exc
        if len(raw) == 10 and end_of_day:
            result = datetime.combine(result.date(), time.max)
        result = result.replace(tzinfo=None)
    _check_range(result.date(), field)
    return result


def parse_date(value, field):
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        raw = str(value).strip() if value is not None else ""
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", raw):
            raise Invalid.field(field, f"{field} must be a date like 2024-06-01.")
        try:
            day = date.fromisoformat(raw)
        except ValueError as exc:
            raise Invalid.field(field, f"{field} must be a date like 2024-06-01.") from exc
    _check_range(day, field)
    return day


def integer(value, field, *, minimum, maximum, label=None):
    label = label or field.replace("_", " ").capitalize()
    if isinstance(value, bool):
        raise Invalid.field(field, f"{label} must be a whole number.")
    if not isinstance(value, int):
        raw = str(value).strip() if value is not None else ""
        if not re.match(r"^[+-]?\d{1,18}$", raw):
            raise Invalid.field(field, f"{label} must be a whole number.")
        value = int(raw)
    if not minimum <= value <= maximum:
        raise Invalid.field(field, f"{label} must be between {minimum} and {maximum}.")
    return value


def each(fields, cleaners, *, rename=None):
    """{column: cleaned value} of ``fields`` ({field: raw value}), each through its
    cleaner in ``cleaners``; every failure is reported at once, in one Invalid.
    ``rename`` maps a field to the column it fills (v2's ``date`` is ``start_date``)."""
    rename = rename or {}
    errors, cleaned = {}, {}
    for field, value in fields.items():
        try:
            cleaned[rename.get(field, field)] = cleaners[field](value)
        except Invalid as exc:
            errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    return cleaned
