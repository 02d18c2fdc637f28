"""/api/openapi.json: the Xpenser dialect's route table with the shapes its hand-written
answers have (serializers.py; DESIGN.md says why they stay hand-written).

Xpenser writes amounts as decimal strings ("15.32", money that went out; an income is
negative), times as "YYYY-MM-DD HH:MM:SS", and repeats the HTTP status in the body.
tests/fuzz/ checks real answers against these models and
tests/api/test_openapi_documents.py that every rule is here.
"""

from typing import Annotated, Literal

from flask import jsonify, request
from pydantic import Field, WithJsonSchema

from spendsense.api.openapi import Fields, Omitted, Operation, Registry, Shape
from spendsense.api.xpenser import bp, serializers
from spendsense.services.io import exports

Number = Annotated[str, WithJsonSchema({"type": "number"})]
Moment = Annotated[str, WithJsonSchema({"type": "string", "examples": ["2024-06-01 12:35:00", "01 Aug 2009"]})]
Op = Literal["lt", "gt"]
ReportChoice = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^(\*|[0-9]+)$",
                                              "examples": ["*", "54"]})]
TIME = {"pattern": r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", "examples": ["2008-08-18 12:35:00"]}
EXPENSE_ID = {"type": "integer", "minimum": 1}
TEXT = {"type": "string"}


class Error(Shape):
    status: int = Field(description="The HTTP status, repeated.")
    error: str
    errors: dict[str, str] | Omitted = Field(None, description="Each field that is not valid, with why.")


class Expense(Shape):
    date: str = Field(json_schema_extra=TIME)
    report: int | None = Field(description="The report (folder) the expense is in.")
    amount: str = Field(description="Money that went out, as decimal text; an income is negative.")
    type: str = Field(description="The payee, else the category's value.")
    notes: str


class ExpenseAnswer(Shape):
    status: Literal[200]
    data: Expense
    id: int


class ExpenseData(Shape):
    status: Literal[200]
    data: Expense


class Deleted(Shape):
    status: Literal[200]
    id: int


class ExpenseChange(Fields):
    """The fields to change; the others stay as they are."""

    type: str | Omitted = Field(None, description="A category's name or value, else the payee.")
    amount: Number | Omitted = Field(None, description="Money that went out; an income is negative.")
    notes: str | Omitted = None
    report: int | Omitted = Field(None, description="The report's id.")
    date: Moment | Omitted = None
    tags: str | Omitted = Field(None, description="Labels.")


class NewExpense(ExpenseChange):
    amount: Number = Field(description="Money that went out; an income is negative.", examples=[25])
    report: int | Omitted = Field(None, description="The report's id; the current one when not given.")
    date: Moment | Omitted = Field(None, description="Now when not given.")
    sourceid: str | Omitted = Field(None, description="Your idempotency key: the same one twice records once.")
    account: str | Omitted = Field(None, description="The account's name; the quick-entry account when "
                                                     "not given.")


class QuickEntry(Fields):
    q: str | Omitted = Field(None, description="`type amount notes #tag1 #tag2`, e.g. "
                                               "`taxi 34 office to airport #cash`.")
    r: str | Omitted = Field(None, description="The report's id; the current one when not given.")
    format: Literal["json"] | Omitted = Field(None, description="json; without it the answer is a small "
                                                                "HTML page.")


class ItemFields(Shape):
    category: int | None
    status: Literal[0, 1] = Field(description="0: deleted (listed to delta-sync clients only).")
    rawamount: str = Field(description="The amount in the currency it was paid in.")
    sourceid: str
    notes: str
    created: str = Field(json_schema_extra=TIME)
    modified: str = Field(json_schema_extra=TIME)
    report: int | None
    amount: str
    user: int
    date: str = Field(json_schema_extra=TIME)
    type: str
    tags: list[int] = Field(description="Label ids.")


class Item(Shape):
    pk: int
    model: Literal["xpense.expense"]
    fields: ItemFields


class ExpenseQuery(Fields):
    format: Literal[exports.FORMATS] | Omitted = Field(None, description="csv when not given.")
    report: ReportChoice | Omitted = Field(None, description="A report id, or * for every report; the current "
                                                           "report when not given.")
    date: Moment | Omitted = Field(None, description="`%d %b %Y` (01 Aug 2009) or ISO.")
    date_op: Op | Omitted = None
    type: str | Omitted = None
    notes: str | Omitted = None
    amount: Number | Omitted = None
    amount_op: Op | Omitted = None
    created: Moment | Omitted = None
    created_op: Op | Omitted = None
    modified: Moment | Omitted = Field(None, description="With modified_op=gt: the changes since, "
                                                         "deletions included.")
    modified_op: Op | Omitted = None


registry = Registry(
    title="SpendSense quick entry and export (Xpenser-compatible)",
    version="1.0",
    description="Xpenser's API: free-text entry, expenses, and exports for sync tools. Authenticate with "
                "HTTP Basic, your email (or username) and password, or one of your API keys as the "
                "password (the only way in when two-factor login is on). Meant for scripts: a request "
                "a browser makes from another site's page is refused (403), and no CORS header lets "
                "another site read an answer. Fields may come in the query string, a form or JSON.",
    base_path="/api",
    security_schemes={"basic": {"type": "http", "scheme": "basic",
                                "description": "Your email or username, and your password or an API key "
                                               "(an API key only, when two-factor login is on)."}},
    error_model=Error,
)

BODY_MEDIA = ("application/x-www-form-urlencoded", "application/json")
ID = {"expense_id": EXPENSE_ID}
SYNC_HEADERS = {
    "X-Sync-Cursor": {"schema": TEXT,
                      "description": "Send it back as `modified` (with modified_op=gt) next time."},
    "Content-Disposition": {"schema": TEXT, "description": "attachment; filename=\"expenses.<format>\""},
}


THROTTLED = {429: "Too many failed logins from this address"}


def _add(method, path, operation_id, summary, tag, *, errors=(), **options):
    registry.add(Operation(method=method, path=path, operation_id=operation_id, summary=summary, tag=tag,
                           errors=tuple(sorted({401, 429, *errors})), error_descriptions=THROTTLED, **options))


for method in ("GET", "POST"):
    _add(method, "/simple/", "simple" if method == "GET" else "simple_by_post", "Quick entry", "Quick entry",
         query=QuickEntry, response=ExpenseAnswer, response_alternatives={"text/html": TEXT},
         error_media={"text/html": TEXT}, errors=(400, 403, 404),
         description="Records the text as one expense. With format=json the answer is JSON; without "
                     "it, an HTML page (a form, when q is empty).")
_add("POST", "/expense/", "create_expense", "Record an expense", "Expenses", body=NewExpense,
     body_media=BODY_MEDIA, response=ExpenseAnswer, errors=(400, 404))
_add("GET", "/expense/{expense_id}", "get_expense", "Get an expense", "Expenses", path_params=ID,
     response=ExpenseData, errors=(404,))
_add("POST", "/expense/{expense_id}", "update_expense", "Change an expense", "Expenses", path_params=ID,
     body=ExpenseChange, body_media=BODY_MEDIA, response=ExpenseAnswer, errors=(400, 404),
     description="Changes the fields given and answers the expense as it is now.")
_add("DELETE", "/expense/{expense_id}", "delete_expense", "Delete an expense", "Expenses", path_params=ID,
     response=Deleted, errors=(404,))
_add("GET", "/expenses/", "list_expenses", "Export expenses", "Expenses", query=ExpenseQuery,
     response=TEXT, response_media="text/csv",
     response_alternatives={"application/json": list[Item], "application/qif": TEXT},
     response_headers=SYNC_HEADERS, errors=(400, 404),
     description="Oldest first; with `modified`, in the order of the changes. CSV columns: "
                 + ", ".join(serializers.CSV_HEADER) + ".")


@bp.route("/openapi.json", methods=["GET"])
def openapi_document():
    return jsonify(registry.document(server_url=request.url_root.rstrip("/") + registry.base_path))
