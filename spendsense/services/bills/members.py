"""A project's members: adding, renaming, weighting, deactivating and reactivating.

A member who paid for or owes on a bill is never deleted, only deactivated: the bills
keep pointing at them and their balance stays visible. Changing a weight changes how
every bill the member owes on is split (ihatemoney applies the current weights to all
bills), so those bills' shares and the cached totals are recomputed on the spot.
"""

from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, func, select

from spendsense.extensions import db
from spendsense.models import Member
from spendsense.models.shared import WEIGHT_SCALE
from spendsense.services import audit
from spendsense.services.bills import bills as project_bills
from spendsense.services.bills import lookup, projects
from spendsense.services.errors import Invalid
from spendsense.services.uow import write_transaction

DUPLICATE = "This project already have this participant"
WEIGHT_POSITIVE = "Weights should be positive"
NOT_DECIMAL = "Not a valid decimal value."
MAX_WEIGHT = Decimal(1_000_000)
# At most this many participants, each of whose totals splits.py keeps within LIMIT: a
# SUM over a project's bills (the statistics' months, paid and transferred together)
# then stays within 2 x MAX_MEMBERS x LIMIT < 2**63, as an account cap does for ledgers.
MAX_MEMBERS = 1000
TOO_MANY = f"A project has at most {MAX_MEMBERS} participants."


def parse_weight(value, field="weight"):
    """A weight in thousandths: at least 0.1, at most three decimals (comma allowed)."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid.field(field, NOT_DECIMAL)
    try:
        number = Decimal(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise Invalid.field(field, NOT_DECIMAL) from exc
    if not number.is_finite():
        raise Invalid.field(field, NOT_DECIMAL)
    if number < Decimal("0.1"):
        raise Invalid.field(field, WEIGHT_POSITIVE)
    if number > MAX_WEIGHT:
        raise Invalid.field(field, f"A weight can be at most {MAX_WEIGHT}.")
    milli = number * WEIGHT_SCALE
    if milli != milli.to_integral_value():
        raise Invalid.field(field, "A weight can have at most three decimals.")
    return int(milli)


def weight_text(weight_milli):
    """1500 -> "1.5", 1000 -> "1": the weight as people type it."""
    return format((Decimal(weight_milli) / WEIGHT_SCALE).normalize(), "f")


def _clean_name(value):
    return projects.required_text(value, "name", 100)


def _name_taken(project_id, name, exclude_id=None):
    query = select(Member.id).where(Member.project_id == project_id, Member.activated.is_(True),
                                    func.lower(Member.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Member.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def _snapshot(member):
    return {"name": member.name, "weight": weight_text(member.weight_milli), "activated": member.activated}


def add_member(project_id, name, weight=None, *, actor=None):
    name = _clean_name(name)
    weight_milli = WEIGHT_SCALE if weight in (None, "") else parse_weight(weight)
    with write_transaction() as session:
        project = lookup.get_project(project_id, for_update=True)
        if _name_taken(project.id, name):
            raise Invalid.field("name", DUPLICATE)
        if session.scalar(select(func.count()).select_from(Member).where(Member.project_id == project.id)) \
                >= MAX_MEMBERS:
            raise Invalid.field("name", TOO_MANY)
        member = Member(project_id=project.id, name=name, weight_milli=weight_milli, activated=True)
        session.add(member)
        session.flush()
        audit.record(project, "member", member.id, "create", audit.diff({}, _snapshot(member)), actor)
    return member


def update_member(project_id, member_id, *, name=None, weight=None, activated=None, actor=None):
    """Change what is given (None = keep)."""
    new_name = _clean_name(name) if name is not None else None
    new_weight = parse_weight(weight) if weight not in (None, "") else None
    with write_transaction():
        project = lookup.get_project(project_id, for_update=True)
        member = lookup.get_member(project.id, member_id, for_update=True)
        before = _snapshot(member)
        if activated is not None and bool(activated) != member.activated:
            member.activated = bool(activated)
        if new_name is not None and new_name != member.name:
            if member.activated and _name_taken(project.id, new_name, exclude_id=member.id):
                raise Invalid.field("name", DUPLICATE)
            member.name = new_name
        elif member.activated and not before["activated"] and _name_taken(project.id, member.name, member.id):
            raise Invalid.field("name", DUPLICATE)
        if new_weight is not None and new_weight != member.weight_milli:
            member.weight_milli = new_weight
            db.session.flush()
            project_bills.resplit_member_bills(project, member.id, actor)
        changes = audit.diff(before, _snapshot(member))
        if changes:
            audit.record(project, "member", member.id, "update", {"name": [before["name"], member.name], **changes},
                         actor)
    return member


def set_active(project_id, member_id, active, *, actor=None):
    return update_member(project_id, member_id, activated=bool(active), actor=actor)


def remove_member(project_id, member_id, *, actor=None):
    """Delete a member with no bills, else deactivate them. Returns "deleted" or
    "deactivated"; NotFound for a member of another project."""
    with write_transaction() as session:
        project = lookup.get_project(project_id, for_update=True)
        member = lookup.get_member(project.id, member_id, for_update=True)
        if lookup.has_bills(member.id):
            if member.activated:
                member.activated = False
                audit.record(project, "member", member.id, "update",
                             {"name": [member.name, member.name], "activated": [True, False]}, actor)
            return "deactivated"
        audit.record(project, "member", member.id, "delete", audit.gone(_snapshot(member)), actor)
        session.execute(delete(Member).where(Member.id == member.id))
        session.expunge(member)
    return "deleted"
