"""ihatemoney routes. Bodies may be form-encoded or JSON (``payed_for`` repeated, or a
JSON list); every rule is the services'; these views only read input and shape output."""

from flask import g, request
from werkzeug.datastructures import MultiDict

from spendsense import streaming
from spendsense.api import pagination
from spendsense.api.params import json_body
from spendsense.api.projects import bp, creation_limit, guarded, respond, serializers
from spendsense.security_headers import no_store
from spendsense.services import validation
from spendsense.services.audit import Actor
from spendsense.services.bills import bills as project_bills
from spendsense.services.bills import listing, lookup, stats
from spendsense.services.bills import members as project_members
from spendsense.services.bills import projects as shared_bills
from spendsense.services.errors import Forbidden, Invalid, NotFound


def body():
    """Form fields, or the JSON object's keys (a JSON list gives repeated values)."""
    if request.is_json:
        return MultiDict(json_body())
    return MultiDict(request.form)


def actor():
    # No client address: the history shows none (ihatemoney records one only when the
    # project asks for it, and SpendSense projects have no such setting).
    return Actor("API", source="api")


def boolean(value, field):
    """None when absent (the field keeps its value); empty is false, as WTForms'
    BooleanField reads it; anything else unreadable gets WTForms' message."""
    if value is None:
        return None
    if value == "y":  # what a checked WTForms checkbox sends (ihatemoney's forms and tests)
        return True
    try:
        return validation.boolean(value.strip() if isinstance(value, str) else value, field, default=False)
    except Invalid as exc:
        raise Invalid.field(field, "Not a valid choice.") from exc


def _id(value):
    """A member or bill id from the URL; anything else is simply not found."""
    number = validation.row_id_or_none(value)
    if number is None:
        raise NotFound("Not Found")
    return number


@bp.route("/currencies", methods=["GET"])
def currencies():
    return respond(lookup.currencies())


@bp.route("/projects", methods=["POST"])
@creation_limit
def create_project():
    data = body()
    project = shared_bills.create_project(
        name=data.get("name"), project_id=data.get("id"), password=data.get("password"),
        contact_email=data.get("contact_email"), default_currency=data.get("default_currency") or None,
        actor=actor())
    return respond(project.id, 201)


@bp.route("/projects/<project_id>", methods=["GET"])
@guarded
def get_project(project_id):
    project = g.project
    return respond(serializers.project(project, lookup.list_members(project.id),
                                       stats.balances(project.id)))


GUEST_REFUSED = ("A project token is an invitation: it cannot change the project's settings or delete it. "
                 "Authenticate with the project id and its private code.")


def refuse_guests():
    if g.project_by_token:
        raise Forbidden(GUEST_REFUSED)


@bp.route("/projects/<project_id>", methods=["PUT"])
@guarded
def update_project(project_id):
    data = body()
    if g.project_by_token:
        # ihatemoney's own answer to a token without the code comes first (its API
        # tests ask for it); with a code or not, a token changes nothing.
        if not data.get("current_password"):
            raise Invalid.field("current_password", shared_bills.REQUIRED)
        refuse_guests()
    history = data.get("project_history", data.get("logging_preference"))
    shared_bills.update_project(
        g.project.id, current_password=data.get("current_password"), name=data.get("name"),
        contact_email=data.get("contact_email"), password=data.get("password") or None,
        default_currency=data.get("default_currency") or None,
        history_enabled=boolean(history, "project_history"), actor=actor())
    return respond("UPDATED")


@bp.route("/projects/<project_id>", methods=["DELETE"])
@guarded
def delete_project(project_id):
    refuse_guests()
    shared_bills.delete_project(g.project.id, actor=actor())
    return respond("DELETED")


@bp.route("/projects/<project_id>/token", methods=["GET"])
@no_store  # the answer is an invitation token
@guarded
def project_token(project_id):
    return respond({"token": shared_bills.issue_token(g.project)})


@bp.route("/projects/<project_id>/members", methods=["GET"])
@guarded
def list_members(project_id):
    return respond([serializers.member(m) for m in lookup.list_members(g.project.id)])


@bp.route("/projects/<project_id>/members", methods=["POST"])
@guarded
def add_member(project_id):
    data = body()
    member = project_members.add_member(g.project.id, data.get("name"), data.get("weight"), actor=actor())
    return respond(member.id, 201)


@bp.route("/projects/<project_id>/members/<member_id>", methods=["GET"])
@guarded
def get_member(project_id, member_id):
    return respond(serializers.member(lookup.get_member(g.project.id, _id(member_id))))


@bp.route("/projects/<project_id>/members/<member_id>", methods=["PUT"])
@guarded
def update_member(project_id, member_id):
    data = body()
    member_id = _id(member_id)
    name = data.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        raise Invalid.field("name", shared_bills.REQUIRED)
    member = project_members.update_member(
        g.project.id, member_id, name=name, weight=data.get("weight"),
        activated=boolean(data.get("activated"), "activated"), actor=actor())
    return respond(serializers.member(member))


@bp.route("/projects/<project_id>/members/<member_id>", methods=["DELETE"])
@guarded
def delete_member(project_id, member_id):
    project_members.remove_member(g.project.id, _id(member_id), actor=actor())
    return respond("OK")


def bill_values(data):
    return {"what": data.get("what"), "payer_id": data.get("payer"), "owers": data.getlist("payed_for"),
            "amount": data.get("amount"), "date": data.get("date"), "external_link": data.get("external_link"),
            "bill_type": data.get("bill_type"), "original_currency": data.get("original_currency")}


def _views_by_id(project):
    return {m.id: m for m in lookup.list_members(project.id)}


MAX_PER_PAGE = 1000


@bp.route("/projects/<project_id>/bills", methods=["GET"])
@guarded
def list_bills(project_id):
    project = g.project
    # ?page=&per_page= is a SpendSense extension; without them the whole list comes
    # back, as ihatemoney's clients expect.
    page = pagination.by_page(request.args, default_per_page=100, max_per_page=MAX_PER_PAGE, optional=True)
    # Written bill by bill as they are read: 100,000 bills never sit in memory at once.
    return streaming.streamed(listing.stream(project.id, serializers.bill_list(project.default_currency),
                                             limit=page.limit, offset=page.offset), mimetype="application/json")


@bp.route("/projects/<project_id>/bills", methods=["POST"])
@guarded
def add_bill(project_id):
    bill = project_bills.create_bill(g.project.id, actor=actor(), **bill_values(body()))
    return respond(bill.id, 201)


@bp.route("/projects/<project_id>/bills/<bill_id>", methods=["GET"])
@guarded
def get_bill(project_id, bill_id):
    project = g.project
    view = project_bills.view_of(project_bills.get_bill(project.id, _id(bill_id)))
    return respond(serializers.bill(view, _views_by_id(project), project.default_currency))


@bp.route("/projects/<project_id>/bills/<bill_id>", methods=["PUT"])
@guarded
def update_bill(project_id, bill_id):
    data = body()
    bill = project_bills.update_bill(g.project.id, _id(bill_id), actor=actor(), **bill_values(data))
    return respond(bill.id)


@bp.route("/projects/<project_id>/bills/<bill_id>", methods=["DELETE"])
@guarded
def delete_bill(project_id, bill_id):
    project_bills.delete_bill(g.project.id, _id(bill_id), actor=actor())
    return respond("OK")


@bp.route("/projects/<project_id>/statistics", methods=["GET"])
@guarded
def statistics(project_id):
    project = g.project
    return respond(serializers.statistics(stats.statistics(project.id), project.default_currency))
