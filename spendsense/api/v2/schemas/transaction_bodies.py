"""The bodies of the transaction writes: create, update (with splits), and the answer of
a split.

These models check shape only, in v2's words (``note`` is SpendSense's description;
``labels`` a comma-separated string or a list, COMPAT.md §4); every rule on the values
(the amount's decimals, the category's kind, lengths) is the transaction service's.
A field left out of an update is left as it is (``Body.given()``); one sent as null is
refused unless null means something for it (no memo, no category, no labels).
"""

import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, WithJsonSchema

from spendsense.api.openapi import no_null_defaults
from spendsense.api.v2.fields import AmountIn, Body, Out, Query
from spendsense.api.v2.schemas.transactions import Transaction

MAX_SPLITS = 100
NOT_A_TRANSFER = ("SpendSense records a transfer as two linked transactions, one in each account; "
                  "a single transaction cannot be made one.")
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value):
    """YYYY-MM-DD text only: pydantic would also read a number as a Unix time."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY_RE.match(value.strip()):
        raise ValueError("must be a date like 2018-02-27")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("must be a date like 2018-02-27") from None


def _labels(value):
    """A comma-separated string or a list of strings -> the names, as a tuple (the
    service then drops blanks and duplicates). Names may hold spaces: "eating out"."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ValueError("must be a comma-separated string or a list of strings")


def _category_ref(value):
    """A category id; null or "" means no category. A digit string is read as the id
    (form-encoded bodies send nothing else); a boolean is not an id."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a category id (or null or \"\" for none)")
    return value


def _text(value):
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _only_false(value):
    """A new row cannot be a transfer (NOT_A_TRANSFER); false is what it is anyway."""
    if value:
        raise ValueError(NOT_A_TRANSFER)
    return value


def _payee(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value


# Input: a date as YYYY-MM-DD.
DayIn = Annotated[date, BeforeValidator(_day),
                  WithJsonSchema({"type": "string", "format": "date", "examples": ["2018-02-27"]},
                                 mode="validation")]
# Input: labels as "a,b" or ["a", "b"].
LabelsIn = Annotated[tuple[str, ...], BeforeValidator(_labels),
                     WithJsonSchema({"anyOf": [{"type": "string", "examples": ["lunch,mexican"]},
                                               {"type": "array", "items": {"type": "string"}},
                                               {"type": "null"}]},
                                    mode="validation")]
# Input: a category id; null or "" for none.
CategoryRef = Annotated[int | None, BeforeValidator(_category_ref),
                        WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1}, {"const": ""},
                                                  {"type": "null"}]}, mode="validation")]
# Input: optional text; null or "" for none.
TextIn = Annotated[str | None, BeforeValidator(lambda value: value if value is None else _text(value)),
                   WithJsonSchema({"type": ["string", "null"]}, mode="validation")]

# Input: is_transfer of a new row: false or left out.
NotTransfer = Annotated[bool, AfterValidator(_only_false)]
# Input: a payee, never blank.
PayeeIn = Annotated[str, BeforeValidator(_payee), WithJsonSchema({"type": "string", "pattern": r"\S"},
                                                                 mode="validation")]


class _WriteBody(Body):
    # A field left out of a body is not set to null: the document names no such default.
    model_config = ConfigDict(json_schema_extra=no_null_defaults)


class NewTransactionBody(_WriteBody):
    """POST /transaction_accounts/{id}/transactions. With no ``category_id`` the
    ledger's category rules choose one from the payee."""

    payee: PayeeIn
    amount: AmountIn = Field(description="Signed: negative is a debit, positive a credit.")
    date: DayIn
    is_transfer: NotTransfer = False
    labels: LabelsIn = ()
    category_id: CategoryRef = None
    note: TextIn = None
    memo: TextIn = None
    cheque_number: TextIn = None
    needs_review: bool = False


class SplitBody(_WriteBody):
    """One part split off a transaction. Payee, category and date default to the
    transaction's (as this update leaves it); ``category_id`` null or "" leaves the
    part uncategorised."""

    amount: AmountIn
    payee: PayeeIn = None
    category_id: CategoryRef = None
    is_transfer: NotTransfer = False
    date: DayIn = None
    note: TextIn = None


class TransactionChangeBody(_WriteBody):
    """PUT /transactions/{id}: only the fields sent change. ``category_id`` null or ""
    uncategorises. With ``splits``, ``amount`` is what the transaction keeps: it plus the
    splits' amounts must equal its amount before the update."""

    memo: TextIn = None
    cheque_number: TextIn = None
    payee: PayeeIn = None
    amount: AmountIn = None
    date: DayIn = None
    is_transfer: bool = None
    category_id: CategoryRef = None
    note: TextIn = None
    needs_review: bool = None
    labels: LabelsIn = None
    splits: list[SplitBody] = Field(None, min_length=1, max_length=MAX_SPLITS)


class TransactionChangeQuery(Query):
    """The official client (pocketsmith-api) sends a PUT's ``labels`` in the query string,
    not the body; a ``labels`` in the body wins over it."""

    labels: LabelsIn = None


class SplitAnswer(Out):
    """The answer of an update with ``splits``: the transaction and the parts split off."""

    transaction: Transaction
    split_transactions: list[Transaction]
