"""Categories: the 17 system ones every ledger sees, and each ledger's own."""

import re

import emoji
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from spendsense.extensions import db
from spendsense.models import CATEGORY_KINDS, BudgetEvent, Category, CategoryRule, Transaction
from spendsense.models.base import utcnow
from spendsense.services import validation
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.ledger import category_totals
from spendsense.services.scope import owned
from spendsense.services.uow import write_transaction

DUPLICATE_NAME = "A category with this name already exists."
BAD_ICON = "Icon must be a single valid emoji."
SYSTEM = "This is a system category, shared by every user: it cannot be changed or deleted."
DEFAULT_ICON = "🏷️"
REFUND_BEHAVIOURS = ("debits_are_deductions", "credits_are_refunds")
_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
VALUE_LENGTH = Category.__table__.c.value.type.length


def slugify(name):
    """The category's value: lower-case words joined by underscores (unicode kept)."""
    return re.sub(r"[\W_]+", "_", name.lower()).strip("_")


def _value_of(name):
    """The value for a category name, or Invalid when it has none or would not fit."""
    value = slugify(name)
    if not value:
        raise Invalid.field("name", "Name must contain a letter or a digit.")
    # Lower-casing can lengthen a name ("İ" becomes two characters).
    if len(value) > VALUE_LENGTH:
        raise Invalid.field("name", "Name is too long.")
    return value


def check_icon(icon):
    if not isinstance(icon, str) or not emoji.is_emoji(icon.strip()):
        raise Invalid.field("icon", BAD_ICON)
    return icon.strip()


def visible(ledger_id):
    """System categories plus the ledger's own."""
    return select(Category).where(or_(Category.ledger_id.is_(None), Category.ledger_id == ledger_id))


def list_categories(ledger_id, *, kind=None, own=None):
    """own=True: only the ledger's; own=False: only system ones; None: both."""
    query = visible(ledger_id)
    if kind is not None:
        query = query.where(Category.kind == kind)
    if own is True:
        query = query.where(Category.ledger_id == ledger_id)
    elif own is False:
        query = query.where(Category.ledger_id.is_(None))
    return db.session.scalars(
        query.order_by(Category.kind.desc(), Category.ledger_id.is_not(None), Category.id)
    ).all()


def get_visible(ledger_id, category_id):
    if not validation.is_row_id(category_id):
        raise NotFound("Category not found!")
    category = db.session.scalars(visible(ledger_id).where(Category.id == category_id)).first()
    if category is None:
        raise NotFound("Category not found!")
    return category


def get_own(ledger_id, category_id):
    category = get_visible(ledger_id, category_id)
    if category.is_system:
        raise Forbidden(SYSTEM)
    return category


def find_by_value(ledger_id, value, kind):
    """The ledger's own category with this value and kind, else the system one, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    key = value.strip().lower()
    rows = db.session.scalars(
        visible(ledger_id).where(Category.kind == kind, Category.value == key)
        .order_by(Category.ledger_id.is_(None))
    ).all()
    return rows[0] if rows else None


def _taken(ledger_id, kind, value, exclude_id=None):
    query = visible(ledger_id).where(Category.kind == kind, Category.value == value)
    if exclude_id is not None:
        query = query.where(Category.id != exclude_id)
    return db.session.scalars(query).first() is not None


def _clean_parent(ledger_id, parent_id, kind, self_id=None):
    if parent_id in (None, ""):
        return None
    parent = get_visible(ledger_id, validation.identifier(parent_id, "parent"))
    if parent.kind != kind:
        raise Invalid.field("parent", "The parent category must be of the same type.")
    seen = set()
    node = parent
    while node is not None:
        if node.id == self_id or node.id in seen:
            raise Invalid.field("parent", "A category cannot be inside itself.")
        seen.add(node.id)
        node = node.parent
    return parent.id


def _clean_colour(colour):
    if colour in (None, ""):
        return None
    if not isinstance(colour, str) or not _COLOUR_RE.match(colour.strip()):
        raise Invalid.field("colour", "Colour must look like #1a2b3c.")
    return colour.strip().lower()


def _clean_refund(refund_behaviour):
    if refund_behaviour in (None, ""):
        return None
    return validation.choice(refund_behaviour, "refund_behaviour", REFUND_BEHAVIOURS, label="Refund behaviour")


def _flag(value, field):
    if not isinstance(value, bool):
        raise Invalid.field(field, f"{field} must be true or false.")
    return value


def create_category(ledger_id, name, icon, kind, *, parent_id=None, colour=None, is_transfer=False,
                    is_bill=False, roll_up=False, refund_behaviour=None):
    kind = validation.choice(kind, "type", CATEGORY_KINDS, label="Type")
    name = validation.text(name, "name", max_length=100, required=True, label="Name")
    value = _value_of(name)
    icon = check_icon(icon)
    parent = _clean_parent(ledger_id, parent_id, kind)
    colour = _clean_colour(colour)
    flags = {field: _flag(flag, field) for field, flag in (
        ("is_transfer", is_transfer), ("is_bill", is_bill), ("roll_up", roll_up))}
    refund_behaviour = _clean_refund(refund_behaviour)
    if _taken(ledger_id, kind, value):
        raise Invalid.field("name", DUPLICATE_NAME)
    try:
        with write_transaction() as session:
            category = Category(ledger_id=ledger_id, name=name, value=value, icon=icon, kind=kind,
                                parent_id=parent, colour=colour, refund_behaviour=refund_behaviour, **flags)
            session.add(category)
    except IntegrityError as exc:
        raise Invalid.field("name", DUPLICATE_NAME) from exc
    return category


def create_with_defaults(ledger_id, name, *, icon=None, kind=None, parent_id=None, **options):
    """``create_category`` for clients that know neither kinds nor icons (PocketSmith's):
    without a kind the category takes its parent's (else "spent"), without an icon a
    plain label."""
    if kind is None:
        kind = "spent" if parent_id in (None, "") else get_visible(
            ledger_id, validation.identifier(parent_id, "parent")).kind
    return create_category(ledger_id, name, DEFAULT_ICON if icon is None else icon, kind, parent_id=parent_id,
                           **options)


def update_category(ledger_id, category_id, *, name=None, icon=None, parent_id=None, colour=None,
                    clear_parent=False, is_transfer=None, is_bill=None, roll_up=None, refund_behaviour=None):
    """Change what is given (None: keep it); ``colour`` and ``refund_behaviour`` ""
    clear theirs, ``clear_parent`` moves the category to the top level."""
    with write_transaction():
        category = get_own(ledger_id, category_id)
        if name is not None:
            name = validation.text(name, "name", max_length=100, required=True, label="Name")
            value = _value_of(name)
            if _taken(ledger_id, category.kind, value, exclude_id=category.id):
                raise Invalid.field("name", DUPLICATE_NAME)
            category.name, category.value = name, value
        if icon is not None:
            category.icon = check_icon(icon)
        if clear_parent:
            category.parent_id = None
        elif parent_id is not None:
            category.parent_id = _clean_parent(ledger_id, parent_id, category.kind, self_id=category.id)
        if colour is not None:
            category.colour = _clean_colour(colour)
        for field, flag in (("is_transfer", is_transfer), ("is_bill", is_bill), ("roll_up", roll_up)):
            if flag is not None:
                setattr(category, field, _flag(flag, field))
        if refund_behaviour is not None:
            category.refund_behaviour = _clean_refund(refund_behaviour)
    return category


def delete_category(ledger_id, category_id, *, move_to_id=None):
    """Delete an own category; its transactions move to ``move_to_id`` or become
    uncategorised, and its sub-categories move up to its parent."""
    with write_transaction() as session:
        category = get_own(ledger_id, category_id)
        target = None
        if move_to_id not in (None, ""):
            target = get_visible(ledger_id, validation.identifier(move_to_id, "move_to"))
            if target.id == category.id:
                raise Invalid.field("move_to", "Choose another category to move the transactions to.")
            if target.kind != category.kind:
                raise Invalid.field("move_to", "Move the transactions to a category of the same type.")
        category_totals.refile(ledger_id, target.id if target else None, Transaction.category_id == category.id)
        if target is not None:  # its planned events follow its transactions (else they go with it)
            session.execute(update(BudgetEvent).where(BudgetEvent.ledger_id == ledger_id,
                                                      BudgetEvent.category_id == category.id)
                            .values(category_id=target.id).execution_options(synchronize_session=False))
        session.execute(
            update(Transaction)
            .where(Transaction.ledger_id == ledger_id, Transaction.category_id == category.id)
            .values(category_id=target.id if target else None, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(Category).where(Category.parent_id == category.id)
            .values(parent_id=category.parent_id).execution_options(synchronize_session=False)
        )
        if target is None:
            session.execute(
                CategoryRule.__table__.delete().where(CategoryRule.category_id == category.id)
            )
        else:
            session.execute(
                update(CategoryRule).where(CategoryRule.category_id == category.id)
                .values(category_id=target.id).execution_options(synchronize_session=False)
            )
        session.delete(category)
    return category


def count_transactions(ledger_id, category_id):
    return db.session.scalar(
        owned(Transaction, ledger_id).where(Transaction.category_id == category_id).with_only_columns(func.count()))
