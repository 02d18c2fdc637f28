"""/api/v1/openapi.json: v1's route table with the shapes of its hand-written answers.

v1 keeps its serializers (serializers.py; DESIGN.md says why); these models describe
what they write, key for key (``Shape`` forbids keys the model does not list), and what
the views read. tests/api/test_openapi_documents.py checks that every v1 rule is here
and every operation here is a rule; the fuzz suite (tests/fuzz/) sends generated
requests and checks each answer against the document.
"""

from typing import Annotated, Literal

from flask import jsonify, request
from pydantic import Field, WithJsonSchema

from spendsense.api.openapi import Fields, Omitted, Operation, Registry, Shape
from spendsense.api.v1 import bp
from spendsense.config import Config
from spendsense.models import ACCOUNT_TYPES

# Query strings and forms carry text; a JSON body may carry a number: both are read.
Number = Annotated[str, WithJsonSchema({"type": "number"})]
Moment = Annotated[str, WithJsonSchema({"type": "string", "examples": ["2024-06-01T00:00:00", "2024-06-01"]})]
Kind = Literal["spent", "earn"]
BATCH_ID = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}


class Error(Shape):
    """Every v1 error but authentication and throttling."""

    error: str


class Detail(Shape):
    """Django REST Framework's body, which authentication (401) and throttling (429) answer with."""

    detail: str


# POST /token/ refuses missing fields one list per field, bad credentials under
# non_field_errors (DRF's shapes), and a body that is not a JSON object with Error.
TokenErrors = dict[str, list[str]] | Error


class TokenRequest(Fields):
    username: str
    password: str


class Token(Shape):
    token: str = Field(description="The API key: send it as `Authorization: Token <key>`.")


class TokenCheck(Shape):
    status: Literal["valid"]
    user: str


class Created(Shape):
    status: Literal["ok"]
    id: int = Field(description="The new row's id (a SpendSense addition).")


class Account(Shape):
    name: str
    account: str = Field(description="The name again, under the original server's key.")
    balance: float = Field(description="Exact, with the currency's decimals.")
    id: int
    currency: str
    type: Literal[ACCOUNT_TYPES]
    archived: bool


class AccountList(Shape):
    user: str
    accounts: list[Account]


class NewAccount(Fields):
    account: str = Field(min_length=1, description="The new account's name, unique in the ledger.",
                         examples=["Savings"])
    amount: Number | Omitted = Field(None, description="Opening balance; 0 when not given.")
    currency: str | Omitted = Field(None, description="ISO 4217 code; the ledger's currency when not given.")
    type: Literal[ACCOUNT_TYPES] | Omitted = Field(None, description="bank when not given.")


class Transaction(Shape):
    type: Kind
    amount: float = Field(ge=0, description="Unsigned; `type` says which way the money went.")
    category: str | None = Field(description="The category's value; null when uncategorised.")
    description: str
    account: str = Field(description="The account's name.")
    time_create: str | None
    time_update: str | None
    id: int
    date: str = Field(description="When it happened, ISO 8601 without a zone.")
    currency: str
    is_transfer: bool
    labels: list[str]


class TransactionList(Shape):
    user: str
    transactions: list[Transaction] = Field(description="Newest first.")
    has_more: bool
    next_offset: int | Omitted = Field(None, description="The `offset` of the next page, when there is one.")


class TransactionQuery(Fields):
    from_: Moment | Omitted = Field(None, alias="from",
                                    description="Start, ISO 8601; 30 days ago when not given.")
    to: Moment | Omitted = Field(None, description="End, ISO 8601 (a date means its whole day); now when "
                                                   "not given.")
    limit: Annotated[int, Field(ge=1, le=Config.V1_TRANSACTIONS_MAX_LIMIT)] | Omitted = Field(
        None, description=f"Rows per answer, {Config.V1_TRANSACTIONS_DEFAULT_LIMIT} by default.")
    offset: Annotated[int, Field(ge=0)] | Omitted = Field(None, description="Rows to skip.")


class NewTransaction(Fields):
    type: Kind
    account: str = Field(min_length=1, description="The account's name.", examples=["Main"])
    category: str = Field(min_length=1, description="The category's value, of the same type.",
                          examples=["supermarket"])
    amount: Number = Field(description="Positive, at most the currency's decimals.", examples=[150])
    date: Moment | Omitted = Field(None, description="ISO 8601; now when not given.")
    description: str | Omitted = None


class Category(Shape):
    name: str
    value: str
    icon: str
    type: Kind
    id: int
    is_system: bool


class CategoryList(Shape):
    user: str
    categories: list[Category]


class CategoryQuery(Fields):
    type: Kind | Omitted = Field(None, description="Only this type; both when not given.")
    user: bool | Omitted = Field(None, description="true: only your own; false: only the system's; "
                                                   "both when not given.")


class NewCategory(Fields):
    type: Kind
    name: str = Field(min_length=1, examples=["Groceries"])
    icon: str = Field(description="Exactly one emoji.", examples=["🛒"])


class Totals(Shape):
    total_all_spending: float
    total_all_earning: float
    total_all_diff: float


class Profile(Totals):
    user: str
    currency: str = Field(description="The user's base currency, which the totals are in.")
    other_currencies: dict[str, Totals] = Field(description="Accounts in other currencies, by currency.")


class StatementUpload(Fields):
    file: bytes = Field(description="OFX, QFX, QIF, CSV or CAMT.053.")
    account: str = Field(min_length=1, description="The account's name or id.")
    name: str | Omitted = None
    date_order: Literal["dmy", "mdy"] | Omitted = Field(None, description="For dates that read both ways.")
    profile: str | Omitted = Field(None, description="A CSV mapping saved on the web's import screen.")


class ImportBatch(Shape):
    status: Literal["ok"]
    id: int
    name: str
    file_name: str | None
    format: str
    account: str
    new: int
    duplicate: int
    matched: int
    time_create: str | None
    reverted: bool
    statement_balance: float | Omitted = Field(None, description="The file's closing balance, when it has one.")
    balance_after: float | Omitted = None
    difference: float | Omitted = None


registry = Registry(
    title="SpendSense v1",
    version="1.0",
    description="The API of the SpendSense command-line client. Send your API key as "
                "`Authorization: Token <key>` or `Authorization: Bearer <key>`. Creates answer GET "
                "with query parameters, and POST with the same fields as a form or JSON.",
    base_path="/api/v1",
    security_schemes={
        "token": {"type": "apiKey", "in": "header", "name": "Authorization",
                  "description": "`Token <key>` (`Key <key>` too; the scheme word in any case): the key "
                                 "from POST /token/ or the web's API page."},
        "bearer": {"type": "http", "scheme": "bearer",
                   "description": "The same key, as the command-line client sends it."},
    },
    error_model=Error,
    error_models={401: Detail, 429: Detail},
)

BODY_MEDIA = ("application/x-www-form-urlencoded", "application/json")
EMPTY = {404: "The list is empty"}
BAD_INPUT = "A parameter is missing or not valid"


def _add(method, path, operation_id, summary, tag, **options):
    descriptions = {400: BAD_INPUT, **options.pop("error_descriptions", {})}
    registry.add(Operation(method=method, path=path, operation_id=operation_id, summary=summary, tag=tag,
                           errors=tuple(sorted({401, *options.pop("errors", ())})),
                           error_descriptions=descriptions, **options))


def _create(path, name, summary, tag, fields, errors):
    """A create answers GET with a query string (the documented contract) and POST with a body."""
    _add("GET", path, name, summary, tag, query=fields, response=Created, errors=errors)
    _add("POST", path, f"{name}_by_post", summary, tag, body=fields, body_media=BODY_MEDIA, response=Created,
         errors=errors)


registry.add(Operation(
    method="POST", path="/token/", operation_id="obtain_token", summary="Get an API key with a password",
    tag="Auth", body=TokenRequest, body_media=BODY_MEDIA, response=Token, errors=(400, 429), secured=False,
    error_bodies={400: TokenErrors},
    error_descriptions={400: "A field is missing, or the credentials are wrong"}))
_add("GET", "/token/check/", "check_token", "Check the API key", "Auth", response=TokenCheck)
for path, name in (("/accounts/", "list_accounts"), ("/accounts/get/", "list_accounts_get")):
    _add("GET", path, name, "List the accounts", "Accounts", response=AccountList, errors=(404,),
         error_descriptions=EMPTY)
_create("/accounts/create/", "create_account", "Open an account", "Accounts", NewAccount, (400,))
_add("GET", "/transactions/", "list_transactions", "List transactions", "Transactions", query=TransactionQuery,
     response=TransactionList, errors=(400, 404), error_descriptions=EMPTY)
_create("/transactions/create/", "create_transaction", "Record a transaction", "Transactions", NewTransaction,
        (400, 404))
for path, name in (("/categories/", "list_categories"), ("/categories/get/", "list_categories_get")):
    _add("GET", path, name, "List categories", "Categories", query=CategoryQuery, response=CategoryList,
         errors=(400, 404), error_descriptions=EMPTY)
_create("/categories/create/", "create_category", "Create a category", "Categories", NewCategory, (400,))
_add("GET", "/profile-data/", "profile_data", "All-time totals", "Profile", response=Profile)
_add("POST", "/imports/", "create_import", "Import a statement file", "Imports", body=StatementUpload,
     body_media="multipart/form-data", response=ImportBatch, errors=(400, 404))
_add("GET", "/imports/{batch_id}/", "get_import", "Get an import", "Imports",
     path_params={"batch_id": BATCH_ID}, response=ImportBatch, errors=(404,))
_add("DELETE", "/imports/{batch_id}/", "revert_import", "Revert an import", "Imports",
     path_params={"batch_id": BATCH_ID}, response=ImportBatch, errors=(400, 404))


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(registry.document(server_url=request.url_root.rstrip("/") + registry.base_path))
