"""/me, /users/{id}: the caller, read and changed."""

from sqlalchemy import func, select

from spendsense.api.v2 import lookup
from spendsense.api.v2.routes import operation
from spendsense.api.v2.schemas.users import User, UserChange
from spendsense.extensions import db
from spendsense.models import Account
from spendsense.models import User as UserRow
from spendsense.services.auth import users


def serialize(user):
    ledger_id = lookup.ledger_id()
    currencies = db.session.execute(
        select(Account.currency, func.count()).where(Account.ledger_id == ledger_id, Account.deleted_at.is_(None))
        .group_by(Account.currency)).all()
    return User(
        id=user.id, login=user.username, name=user.display_name or user.username, email=user.email,
        beta_user=user.beta_user, time_zone=user.timezone, week_start_day=_pocketsmith_week_day(user.week_start),
        is_reviewing_transactions=False, base_currency_code=user.base_currency,
        always_show_base_currency=user.always_show_base_currency,
        using_multiple_currencies=any(code != user.base_currency for code, _count in currencies),
        available_accounts=sum(count for _code, count in currencies),
        created_at=user.created_at, updated_at=user.updated_at,
    )


def _pocketsmith_week_day(weekday):
    """PocketSmith counts week days from Sunday = 0; SpendSense from Monday = 0."""
    return (weekday + 1) % 7


def _row():
    return db.session.get(UserRow, lookup.caller().id)


@operation("GET", "/me", summary="Get the authorised user", tag="Users", response=User, errors=(401,))
def get_me():
    return serialize(_row())


@operation("GET", "/users/<int:id>", summary="Get a user", tag="Users", response=User)
def get_user(id):
    lookup.check_user(id)
    return serialize(_row())


@operation("PUT", "/users/<int:id>", summary="Update a user", tag="Users", body=UserChange, response=User)
def update_user(id, body):
    lookup.check_user(id)
    given = body.given()
    week_day = given.get("week_start_day")
    user = users.update_settings(
        id, base_currency=given.get("base_currency_code"), timezone=given.get("time_zone"),
        week_start=None if week_day is None else (week_day - 1) % 7, display_name=given.get("name"),
        beta_user=given.get("beta_user"), always_show_base_currency=given.get("always_show_base_currency"))
    return serialize(user)
