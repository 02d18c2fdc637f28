"""Finding a project and its rows.

Every other module of the package reads projects and members through these, so none
of them needs another (projects.py, members.py, bills.py and booking.py stay free of
import circles).
"""

from sqlalchemy import exists, func, select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import NO_CURRENCY, Bill, Member, Project, bill_owers
from spendsense.models.base import utcnow
from spendsense.services import validation
from spendsense.services.errors import NotFound

MAX_ID_LENGTH = Project.__table__.c.id.type.length


def today():
    """The default date of a bill: today in UTC (a page may offer the user's own)."""
    return utcnow().date()


def currencies():
    """ISO codes a project or bill may use, "no currency" last."""
    return [*money.currency_codes(), NO_CURRENCY]


def normalise_id(project_id):
    return project_id.strip().lower() if isinstance(project_id, str) else ""


def get_project(project_id, *, for_update=False):
    project_id = normalise_id(project_id)
    # Ids are slugs: one with a control character names no project, and PostgreSQL
    # refuses a NUL in a bound value outright (a 500 before this check).
    if not project_id or len(project_id) > MAX_ID_LENGTH or not project_id.isprintable():
        raise NotFound("Not Found", entity="project")
    query = select(Project).where(Project.id == project_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    project = db.session.scalars(query).first()
    if project is None:
        raise NotFound("Not Found", entity="project")
    return project


def find_project(project_id):
    try:
        return get_project(project_id)
    except NotFound:
        return None


def projects_of_user(user_id):
    """Projects the user created or is a member of, by name."""
    linked = select(Member.project_id).where(Member.user_id == user_id)
    return db.session.scalars(select(Project).where((Project.owner_id == user_id) | Project.id.in_(linked))
                              .order_by(func.lower(Project.name), Project.id)).all()


def user_can_open(project, user_id):
    """A SpendSense user reaches a project they created or are linked to as a member."""
    if user_id is None:
        return False
    if project.owner_id == user_id:
        return True
    return db.session.scalar(select(exists().where(Member.project_id == project.id, Member.user_id == user_id)))


def has_bills(member_id):
    return db.session.scalar(select(exists().where(Bill.payer_id == member_id))) or db.session.scalar(
        select(exists().where(bill_owers.c.member_id == member_id)))


def list_members(project_id, *, active_only=False):
    query = select(Member).where(Member.project_id == project_id)
    if active_only:
        query = query.where(Member.activated.is_(True))
    return db.session.scalars(query.order_by(Member.id)).all()


def get_in_project(model, project_id, row_id, entity, *, for_update=False):
    """The project's member or bill with this id, or ihatemoney's "Not Found"."""
    if not validation.is_row_id(row_id):
        raise NotFound("Not Found", entity=entity)
    query = select(model).where(model.project_id == project_id, model.id == row_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = db.session.scalars(query).first()
    if row is None:
        raise NotFound("Not Found", entity=entity)
    return row


def get_member(project_id, member_id, *, for_update=False):
    return get_in_project(Member, project_id, member_id, "member", for_update=for_update)
