"""Scenarios: each account's primary plan, and the extra ones (a savings goal, a debt).

A scenario belongs to one account and lives as long as the account does: a deleted
(tombstoned) account's scenarios read as not found. The primary scenario holds the
account's planned income and bills; it is created with the account and can be
changed but never deleted.
"""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account
from spendsense.models.planning import SCENARIO_TYPES, Scenario
from spendsense.services import validation
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.ledger import accounts
from spendsense.services.uow import write_transaction

NOT_FOUND = "Scenario not found"
NO_ACCOUNT = "Add an account first: a budget belongs to an account's plan."
PRIMARY = "An account's primary scenario holds its plan: it cannot be deleted."
# PocketSmith's interest periods: none, weekly, fortnightly, monthly, yearly, quarterly.
INTEREST_REPEATS = (0, 2, 3, 4, 5, 7)
MAX_RATE = Decimal(1000)
_FIELDS = ("title", "type", "description", "interest_rate", "interest_rate_repeat_id", "minimum_value",
           "maximum_value", "achieve_date")


def _live(query):
    return query.join(Account, Account.id == Scenario.account_id).where(Account.deleted_at.is_(None))


def _primary(ledger_id, account_id):
    return db.session.scalars(select(Scenario).where(
        Scenario.ledger_id == ledger_id, Scenario.account_id == account_id, Scenario.is_primary.is_(True))).first()


def primary_for(ledger_id, account_id):
    """The account's primary scenario, made now if it is missing (NotFound for an
    account that is not the ledger's)."""
    account = accounts.get_account(ledger_id, account_id)
    found = _primary(ledger_id, account.id)
    if found is not None:
        return found
    try:
        with write_transaction() as session:
            found = Scenario(ledger_id=ledger_id, account_id=account.id, is_primary=True, title=account.name)
            session.add(found)
    except IntegrityError:  # a concurrent request made it first (one primary per account)
        found = _primary(ledger_id, account.id)
    return found


def default_scenario(ledger_id):
    """The scenario a ledger's budgets go in: the primary one of its first live,
    unarchived account (by position)."""
    account_id = db.session.scalar(
        select(Account.id).where(Account.ledger_id == ledger_id, Account.deleted_at.is_(None),
                                 Account.archived.is_(False))
        .order_by(Account.position, Account.id).limit(1))
    if account_id is None:
        raise Invalid.field("account", NO_ACCOUNT)
    return primary_for(ledger_id, account_id)


def list_for_ledger(ledger_id):
    """The scenarios of the ledger's live accounts: by account position, primary first."""
    return db.session.scalars(
        _live(select(Scenario)).where(Scenario.ledger_id == ledger_id)
        .order_by(Account.position, Account.id, Scenario.is_primary.desc(), Scenario.id)).all()


def list_for_account(ledger_id, account_id):
    account = accounts.get_account(ledger_id, account_id)
    return db.session.scalars(
        select(Scenario).where(Scenario.ledger_id == ledger_id, Scenario.account_id == account.id)
        .order_by(Scenario.is_primary.desc(), Scenario.id)).all()


def get_scenario(ledger_id, scenario_id, *, for_update=False):
    if not validation.is_row_id(scenario_id):
        raise NotFound(NOT_FOUND, entity="scenario")
    query = _live(select(Scenario)).where(Scenario.ledger_id == ledger_id, Scenario.id == scenario_id)
    if for_update:
        query = query.with_for_update(key_share=True, of=Scenario).execution_options(populate_existing=True)
    found = db.session.scalars(query).first()
    if found is None:
        raise NotFound(NOT_FOUND, entity="scenario")
    return found


def _rate(value):
    """An interest rate in percent a year, kept as text as typed ("2.4" stays 2.4)."""
    if value in (None, ""):
        return None
    try:
        number = money.parse_number(value)
    except money.MoneyError as exc:
        raise Invalid.field("interest_rate", "Interest rate must be a number.") from exc
    if not -MAX_RATE <= number <= MAX_RATE:
        raise Invalid.field("interest_rate", f"Interest rate must be between -{MAX_RATE} and {MAX_RATE} percent.")
    return str(number)


def _interest_repeat(value):
    number = validation.integer(value or 0, "interest_rate_repeat_id", minimum=0, maximum=7,
                                label="Interest rate repeat")
    if number not in INTEREST_REPEATS:
        raise Invalid.field("interest_rate_repeat_id",
                            f"Interest rate repeat must be one of: {', '.join(map(str, INTEREST_REPEATS))}.")
    return number


def _value(value, currency, field):
    if value in (None, ""):
        return None
    return money.to_minor(validation.amount(value, currency, field), currency)


def _clean(fields, currency):
    """Column values of the given fields (each checked); a missing key is no change."""
    cleaners = {
        "title": lambda v: validation.text(v, "title", max_length=100, required=True, label="Title"),
        "type": lambda v: validation.choice(v or "no-interest", "type", SCENARIO_TYPES, label="Type"),
        "description": lambda v: validation.text(v, "description", max_length=500, label="Description"),
        "interest_rate": _rate,
        "interest_rate_repeat_id": _interest_repeat,
        "minimum_value": lambda v: _value(v, currency, "minimum_value"),
        "maximum_value": lambda v: _value(v, currency, "maximum_value"),
        "achieve_date": lambda v: None if v in (None, "") else validation.parse_date(v, "achieve_date"),
    }
    return validation.each(fields, cleaners)


def _check_range(scenario):
    if (scenario.minimum_value is not None and scenario.maximum_value is not None
            and scenario.minimum_value > scenario.maximum_value):
        raise Invalid.field("maximum_value", "Maximum value must not be below the minimum value.")


def create_scenario(ledger_id, account_id, *, title, type="no-interest", description=None, interest_rate=None,
                    interest_rate_repeat_id=0, minimum_value=None, maximum_value=None, achieve_date=None):
    """An extra scenario on the account (its values in the account's currency)."""
    with write_transaction() as session:
        account = accounts.get_account(ledger_id, account_id)
        cleaned = _clean({"title": title, "type": type, "description": description, "interest_rate": interest_rate,
                          "interest_rate_repeat_id": interest_rate_repeat_id, "minimum_value": minimum_value,
                          "maximum_value": maximum_value, "achieve_date": achieve_date}, account.currency)
        scenario = Scenario(ledger_id=ledger_id, account_id=account.id, is_primary=False, **cleaned)
        _check_range(scenario)
        session.add(scenario)
    return scenario


def update_scenario(ledger_id, scenario_id, **changes):
    """Change the fields given (any of create_scenario's); None or "" clears an optional one."""
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise TypeError(f"update_scenario() got unexpected fields: {', '.join(sorted(unknown))}")
    with write_transaction():
        scenario = get_scenario(ledger_id, scenario_id, for_update=True)
        for field, value in _clean(changes, scenario.account.currency).items():
            setattr(scenario, field, value)
        _check_range(scenario)
    return scenario


def delete_scenario(ledger_id, scenario_id):
    """Delete an extra scenario and its events (Forbidden for an account's primary one)."""
    with write_transaction() as session:
        scenario = get_scenario(ledger_id, scenario_id, for_update=True)
        if scenario.is_primary:
            raise Forbidden(PRIMARY)
        session.delete(scenario)
