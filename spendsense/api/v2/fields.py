"""The value types of v2's models: how money, dates, times and currency codes read and
write (COMPAT.md §4), and the base classes every v2 model derives from.

Output models are written with ``exclude_none``: a key the row has no value for is left
out, never sent as ``null`` (the official Python client refuses nulls the spec does not
allow). Money stays a ``Decimal`` until the JSON provider writes it as a number with the
currency's digits.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from spendsense import money


def _timestamp(value):
    return value.replace(microsecond=0).isoformat() + "Z"


def _lower_code(value):
    return value.lower()


def _currency_in(value):
    """Any case in; the stored code is upper case. Unknown codes are refused."""
    if not isinstance(value, str):
        raise ValueError("must be a currency code such as 'nzd'")
    try:
        return money.normalise_currency(value)
    except money.MoneyError as exc:
        raise ValueError(str(exc)) from None


def _strict_number(value):
    """Money arrives as a JSON number; a string, a bool or a non-finite value is refused
    (the official client never sends strings, so one is a mistake worth reporting)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("must be a number")
    number = Decimal(value) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        raise ValueError("must be a finite number")
    return number


# Output: a naive-UTC datetime written as YYYY-MM-DDTHH:MM:SSZ.
Timestamp = Annotated[datetime, PlainSerializer(_timestamp, return_type=str),
                      WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization")]
# Output: a date written as YYYY-MM-DD.
Day = Annotated[date, PlainSerializer(date.isoformat, return_type=str),
                WithJsonSchema({"type": "string", "format": "date"}, mode="serialization")]
# Output: an exact amount as a JSON number (the provider writes Decimal digits as they are).
Money = Annotated[Decimal, PlainSerializer(lambda value: value, return_type=Decimal),
                  WithJsonSchema({"type": "number"}, mode="serialization")]
# Output: a currency code in lower case.
CurrencyOut = Annotated[str, PlainSerializer(_lower_code, return_type=str)]
# Input: a currency code in any case, stored upper case.
CurrencyIn = Annotated[str, BeforeValidator(_currency_in),
                       WithJsonSchema({"type": "string", "minLength": 3, "maxLength": 3,
                                       "examples": ["nzd", "EUR"]}, mode="validation")]
# Input: an amount, as a JSON number.
AmountIn = Annotated[Decimal, BeforeValidator(_strict_number),
                     WithJsonSchema({"type": "number"}, mode="validation")]


def _never_null(schema, _model):
    """An answer leaves a None field out (``exclude_none``), so the document says the
    key may be missing, never that it may be null."""
    for prop in schema.get("properties", {}).values():
        branches = prop.get("anyOf")
        if branches and {"type": "null"} in branches:
            rest = [branch for branch in branches if branch != {"type": "null"}]
            del prop["anyOf"]
            prop.pop("default", None)
            if len(rest) == 1:
                prop.update(rest[0])
            else:
                prop["anyOf"] = rest


class Out(BaseModel):
    """Base of every answer model: attributes are read from rows, nulls are left out."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra=_never_null)


class Body(BaseModel):
    """Base of every request body: unknown keys are ignored (clients send more than the
    spec lists), a body field not sent stays out of ``model_fields_set``."""

    model_config = ConfigDict(extra="ignore")

    def given(self):
        """{field: value} of the fields the client sent."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class Query(BaseModel):
    """Base of every query-string model: unknown parameters are ignored."""

    model_config = ConfigDict(extra="ignore")


class Error(BaseModel):
    """Every v2 error body."""

    error: str
