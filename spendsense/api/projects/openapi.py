"""/api/projects/openapi.json: the ihatemoney dialect's route table with the shapes its
hand-written answers have (serializers.py; DESIGN.md says why they stay hand-written).

ihatemoney answers with bare JSON values as often as with objects: a new id (``7``), a
word (``"OK"``), WTForms' field errors (``{"name": ["This field is required."]}``).
The models and types here say which, operation by operation; tests/fuzz/ checks real
answers against them and tests/api/test_openapi_documents.py that every rule is here.
"""

from typing import Annotated, Literal

from flask import jsonify, request
from pydantic import Field, WithJsonSchema

from spendsense.api.openapi import Fields, Omitted, Operation, Registry, Shape
from spendsense.api.projects import bp
from spendsense.api.projects.views import MAX_PER_PAGE
from spendsense.models import BILL_TYPES

# Forms carry text, JSON may carry a number or a boolean: each is read.
Number = Annotated[str, WithJsonSchema({"type": "number"})]
Amount = Annotated[str, WithJsonSchema({
    "anyOf": [{"type": "number"}, {"type": "string", "maxLength": 200}],
    "description": "A number or a calculation such as `12.5+3*2` (a comma may be the decimal mark).",
    "examples": [42.1, "12.5+3*2"]})]
Flag = Annotated[str, WithJsonSchema({"anyOf": [{"type": "boolean"},
                                                {"type": "string", "enum": ["true", "false"]}]})]
Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
PROJECT_ID = {"type": "string", "minLength": 1, "description": "The project's id (any case)."}
ROW_ID = {"type": "integer", "minimum": 1}


class Message(Shape):
    """401, 403, 429 and a body that cannot be read."""

    message: str


# Field errors, WTForms' way; a body that is not a JSON object gets a Message.
FieldErrors = dict[str, list[str]] | Message
NotFound = Literal["Not Found"]


class NewProject(Fields):
    name: str = Field(min_length=1)
    id: str = Field(min_length=1, description="Made a slug: accents stripped, lower case, spaces as dashes.")
    password: str = Field(min_length=1, description="The private code.")
    contact_email: str = Field(json_schema_extra={"format": "email"})
    default_currency: str | Omitted = Field(None, description="ISO 4217, or XXX for none.")


class ProjectChange(Fields):
    current_password: str = Field(description="The private code as it is now; required whoever asks.")
    name: str | Omitted = None
    contact_email: str | Omitted = Field(None, json_schema_extra={"format": "email"})
    password: str | Omitted = Field(None, description="A new private code; empty keeps the old one.")
    default_currency: str | Omitted = None
    project_history: Flag | Omitted = Field(None, description="Keep the history (also read as "
                                                              "logging_preference).")


class Member(Shape):
    id: int
    name: str
    weight: float
    activated: bool


class ProjectMember(Member):
    balance: float


class Project(Shape):
    id: str
    name: str
    contact_email: str
    logging_preference: Literal[0, 1]
    members: list[ProjectMember]
    default_currency: str


class Token(Shape):
    token: str = Field(description="Send it as `Authorization: Bearer <token>`; valid until the private "
                                   "code changes.")


class NewMember(Fields):
    name: str = Field(min_length=1)
    weight: Number | Omitted = Field(None, description="1 when not given.")


class MemberChange(Fields):
    name: str = Field(min_length=1)
    weight: Number | Omitted = None
    activated: Flag | Omitted = None


class Bill(Shape):
    id: int
    payer_id: int
    owers: list[Member]
    amount: float
    date: str = Field(json_schema_extra={"format": "date"})
    creation_date: str = Field(json_schema_extra={"format": "date"})
    what: str
    bill_type: Literal[BILL_TYPES]
    external_link: str
    original_currency: str
    converted_amount: float = Field(description="In the project's currency.")


class BillFields(Fields):
    what: str = Field(min_length=1)
    payer: int = Field(description="The paying member's id.")
    payed_for: list[int] = Field(min_length=1, description="The owing members' ids (a repeated form field).")
    amount: Amount
    date: Day | Omitted = Field(None, description="Today when not given.")
    external_link: str | Omitted = Field(None, json_schema_extra={"format": "uri"})
    bill_type: Literal[BILL_TYPES] | Omitted = Field(None, description="Expense when not given.")
    original_currency: str | Omitted = Field(None, description="The project's currency when not given.")


class BillPage(Fields):
    page: Annotated[int, Field(ge=1)] | Omitted = Field(
        None, description="A SpendSense addition: without page and per_page every bill comes back.")
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE)] | Omitted = Field(None,
                                                                             description="100 by default.")


class Statistics(Shape):
    member: Member
    paid: float
    spent: float = Field(le=0)
    transferred: float
    received: float = Field(le=0)
    balance: float


registry = Registry(
    title="SpendSense shared bills (ihatemoney-compatible)",
    version="1.0",
    description="ihatemoney's API, for MoneyBuster, PayForMe and ihatemoney scripts. Authenticate "
                "with HTTP Basic (the project id and its private code) or with the project's token "
                "after any scheme word. Bodies may be form-encoded or JSON. Answers are JSON values "
                "followed by a newline.",
    base_path="/api",
    security_schemes={
        "basic": {"type": "http", "scheme": "basic",
                  "description": "User name: the project id; password: its private code."},
        "projectToken": {"type": "http", "scheme": "bearer", "description": "The token of GET "
                         "/projects/{project_id}/token (the scheme word is not checked)."},
    },
    error_model=Message,
    error_models={400: FieldErrors, 404: NotFound},
)

BODY_MEDIA = ("application/x-www-form-urlencoded", "application/json")
PROJECT = {"project_id": PROJECT_ID}
DESCRIPTIONS = {400: "A field is not valid (WTForms' messages, one list per field)",
                401: "Unknown project, or wrong private code or token",
                403: "A project token (an invitation) cannot change the settings or delete the project",
                429: "Too many failed authentication attempts from this address"}


def _add(method, path, operation_id, summary, tag, *, errors=(), **options):
    params = dict(PROJECT)
    params.update({name: ROW_ID for name in ("member_id", "bill_id") if "{" + name + "}" in path})
    if "body" in options:
        options["body_media"] = BODY_MEDIA
    registry.add(Operation(method=method, path=path, operation_id=operation_id, summary=summary, tag=tag,
                           path_params=params, errors=tuple(sorted({401, 429, *errors})),
                           error_descriptions=DESCRIPTIONS, **options))


registry.add(Operation(method="GET", path="/currencies", operation_id="currencies",
                       summary="List currency codes", tag="Currencies", response=list[str], secured=False,
                       description="ISO 4217 codes; XXX (no currency) last."))
registry.add(Operation(method="POST", path="/projects", operation_id="create_project",
                       summary="Create a project", tag="Projects", body=NewProject, body_media=BODY_MEDIA,
                       status=201, secured=False, response=Annotated[str, Field(description="The project's id, as normalised.")],
                       errors=(400,), error_descriptions=DESCRIPTIONS))
_add("GET", "/projects/{project_id}", "get_project", "Get the project", "Projects", response=Project)
_add("PUT", "/projects/{project_id}", "update_project", "Change the project", "Projects", body=ProjectChange,
     response=Literal["UPDATED"], errors=(400, 403))
_add("DELETE", "/projects/{project_id}", "delete_project", "Delete the project, its members and bills",
     "Projects", response=Literal["DELETED"], errors=(403,))
_add("GET", "/projects/{project_id}/token", "project_token", "Get a token for the project", "Projects",
     response=Token)
_add("GET", "/projects/{project_id}/members", "list_members", "List members", "Members", response=list[Member])
_add("POST", "/projects/{project_id}/members", "add_member", "Add a member", "Members", body=NewMember,
     status=201, response=Annotated[int, Field(description="The new member's id.")], errors=(400,))
_add("GET", "/projects/{project_id}/members/{member_id}", "get_member", "Get a member", "Members",
     response=Member, errors=(404,))
_add("PUT", "/projects/{project_id}/members/{member_id}", "update_member", "Change a member", "Members",
     body=MemberChange, response=Member, errors=(400, 404))
_add("DELETE", "/projects/{project_id}/members/{member_id}", "delete_member",
     "Remove a member (one with bills is deactivated)", "Members", response=Literal["OK"], errors=(404,))
_add("GET", "/projects/{project_id}/bills", "list_bills", "List bills", "Bills", query=BillPage,
     response=list[Bill], errors=(400,), description="Newest first: date, then creation date, then id.")
_add("POST", "/projects/{project_id}/bills", "add_bill", "Add a bill", "Bills", body=BillFields, status=201,
     response=Annotated[int, Field(description="The new bill's id.")], errors=(400,))
_add("GET", "/projects/{project_id}/bills/{bill_id}", "get_bill", "Get a bill", "Bills", response=Bill,
     errors=(404,))
_add("PUT", "/projects/{project_id}/bills/{bill_id}", "update_bill", "Replace a bill", "Bills", body=BillFields,
     response=Annotated[int, Field(description="The bill's id.")], errors=(400, 404))
_add("DELETE", "/projects/{project_id}/bills/{bill_id}", "delete_bill", "Delete a bill", "Bills",
     response=Literal["OK"], errors=(404,))
_add("GET", "/projects/{project_id}/statistics", "statistics", "Who paid and spent what", "Bills",
     response=list[Statistics])


@bp.route("/projects/openapi.json", methods=["GET"])
def openapi_document():
    return jsonify(registry.document(server_url=request.url_root.rstrip("/") + registry.base_path))
