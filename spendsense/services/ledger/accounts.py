"""Accounts: create, list, rename/update, reorder, archive, delete."""

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from spendsense import money
from spendsense.extensions import db
from spendsense.models import (
    ACCOUNT_TYPES,
    Account,
    Institution,
    Ledger,
    Scenario,
    Transaction,
    User,
)
from spendsense.models.base import utcnow
from spendsense.services import validation
from spendsense.services.errors import Invalid
from spendsense.services.ledger import balances, institutions
from spendsense.services.ledger.transactions import tombstone_account_rows
from spendsense.services.scope import get_owned, owned
from spendsense.services.uow import write_transaction

DUPLICATE_NAME = "An account with this name already exists."
TOO_MANY = f"A ledger holds at most {balances.MAX_ACCOUNTS} accounts: delete one you no longer use first."
# update_account's default for institution_id, since None there means "no institution".
UNCHANGED = object()
MAX_REORDERED = 1000


def ledger_currency(ledger_id):
    """The base currency of the ledger's owner: the default for new accounts."""
    return db.session.scalar(
        select(User.base_currency).join(Ledger, Ledger.owner_id == User.id).where(Ledger.id == ledger_id)
    )


def list_accounts(ledger_id, *, include_archived=True):
    query = owned(Account, ledger_id)
    if not include_archived:
        query = query.where(Account.archived.is_(False))
    return db.session.scalars(query.order_by(Account.position, Account.id)).all()


_ACCOUNTS = Account.__table__
# Built once: the API's account list is read on every sync, and a Core row per account
# costs a fraction of building an ORM statement and hydrating Account objects.
_LISTED = (
    select(_ACCOUNTS.c.id, _ACCOUNTS.c.name, _ACCOUNTS.c.balance, _ACCOUNTS.c.currency, _ACCOUNTS.c.type,
           _ACCOUNTS.c.archived)
    .where(_ACCOUNTS.c.ledger_id == bindparam("ledger_id"), _ACCOUNTS.c.deleted_at.is_(None))
    .order_by(_ACCOUNTS.c.position, _ACCOUNTS.c.id)
)


def listed_rows(ledger_id):
    """The ledger's live accounts, archived ones too, in list_accounts' order, as Core rows
    (id, name, balance in minor units, currency, type, archived): a read model, no ORM objects."""
    return db.session.connection().execute(_LISTED, {"ledger_id": ledger_id}).all()


def with_institutions(ledger_id, *, institution_id=None):
    """[(account, its institution or None)] of the ledger's live accounts in list order,
    one SELECT whatever their number; only the institution's when ``institution_id`` is given."""
    query = (select(Account, Institution)
             .outerjoin(Institution, Institution.id == Account.institution_id)
             .where(Account.ledger_id == ledger_id, Account.deleted_at.is_(None))
             .order_by(Account.position, Account.id))
    if institution_id is not None:
        query = query.where(Account.institution_id == institution_id)
    return db.session.execute(query).all()


def get_account(ledger_id, account_id, *, for_update=False):
    return get_owned(Account, ledger_id, account_id, message="Account not found!", for_update=for_update)


def _named(ledger_id, name, exclude_id=None):
    """The live account called ``name``, ignoring case in any script, or None (on SQLite
    lower() is the Unicode-aware one db_setup registers, matching the unique index)."""
    query = owned(Account, ledger_id).where(func.lower(Account.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(Account.id != exclude_id)
    return db.session.scalars(query.order_by(Account.id)).first()


def find_by_name(ledger_id, name):
    """Live account with this name, ignoring case, or None."""
    if not isinstance(name, str) or not name.strip():
        return None
    return _named(ledger_id, name)


def _name_taken(ledger_id, name, exclude_id=None):
    return _named(ledger_id, name, exclude_id) is not None


def _institution_id(ledger_id, institution_id):
    """The id of the ledger's institution, None for none; NotFound for another's."""
    if institution_id is None:
        return None
    return institutions.get_institution(ledger_id, institution_id).id


def create_account(ledger_id, name, *, type="bank", currency=None, opening_balance="0",
                   opening_date=None, is_net_worth=True, institution_id=None):
    name = validation.text(name, "name", max_length=100, required=True, label="Account name")
    type = validation.choice(type or "bank", "type", ACCOUNT_TYPES, label="Account type")
    currency = validation.currency(currency or ledger_currency(ledger_id))
    opening = validation.amount(opening_balance if opening_balance not in (None, "") else "0",
                                currency, "opening_balance")
    opening_date = validation.parse_date(opening_date, "opening_date") if opening_date else None
    is_net_worth = validation.boolean(is_net_worth, "is_net_worth", default=True)
    institution_id = _institution_id(ledger_id, institution_id)
    if _name_taken(ledger_id, name):
        raise Invalid.field("name", DUPLICATE_NAME)
    minor = money.to_minor(opening, currency)
    try:
        with write_transaction() as session:
            # The cap keeps every sum across the ledger's accounts inside BIGINT (balances.py).
            # The ledger's row lock makes two creations at once count one after the other.
            session.execute(select(Ledger.id).where(Ledger.id == ledger_id).with_for_update())
            live = session.scalar(select(func.count()).select_from(Account).where(
                Account.ledger_id == ledger_id, Account.deleted_at.is_(None)))
            if live >= balances.MAX_ACCOUNTS:
                raise Invalid.field("name", TOO_MANY)
            position = session.scalar(
                select(func.coalesce(func.max(Account.position), -1) + 1).where(Account.ledger_id == ledger_id)
            )
            account = Account(ledger_id=ledger_id, name=name, type=type, currency=currency,
                              opening_balance=minor, opening_date=opening_date, balance=minor,
                              is_net_worth=is_net_worth, position=position, institution_id=institution_id)
            session.add(account)
            # Every account plans in its primary scenario (models/planning.py).
            session.add(Scenario(ledger_id=ledger_id, account=account, is_primary=True, title=name))
    except IntegrityError as exc:  # a concurrent request took the name first
        raise Invalid.field("name", DUPLICATE_NAME) from exc
    return account


def transfer_partner_accounts(account_id):
    """Ids of the accounts holding the other legs of the account's live transfers."""
    partner = aliased(Transaction)
    return set(db.session.scalars(
        select(partner.account_id).distinct()
        .join(Transaction, Transaction.transfer_id == partner.id)
        .where(Transaction.account_id == account_id, Transaction.deleted_at.is_(None),
               partner.deleted_at.is_(None))
    ))


def has_transactions(account_id):
    return db.session.scalar(
        select(Transaction.id).where(Transaction.account_id == account_id,
                                     Transaction.deleted_at.is_(None)).limit(1)
    ) is not None


def update_account(ledger_id, account_id, *, name=None, type=None, currency=None,
                   opening_balance=None, opening_date=None, is_net_worth=None, position=None,
                   institution_id=UNCHANGED):
    """Change any of the given fields; None leaves a field as it is (but an
    ``institution_id`` of None takes the account out of its institution)."""
    with write_transaction():
        # Locked: the opening balance is read, then the difference added to the balance.
        account = get_account(ledger_id, account_id, for_update=True)
        if name is not None:
            name = validation.text(name, "name", max_length=100, required=True, label="Account name")
            if _name_taken(ledger_id, name, exclude_id=account.id):
                raise Invalid.field("name", DUPLICATE_NAME)
            account.name = name
        if type is not None:
            account.type = validation.choice(type, "type", ACCOUNT_TYPES, label="Account type")
        if currency is not None:
            currency = validation.currency(currency)
            if currency != account.currency:
                if has_transactions(account.id):
                    raise Invalid.field("currency", "The currency of an account with transactions cannot change.")
                old_opening = money.from_minor(account.opening_balance, account.currency)
                try:
                    minor = money.to_minor(old_opening, currency)
                except money.MoneyError as exc:
                    raise Invalid.field("currency", str(exc)) from exc
                balances.adjust_opening(account.id, minor - account.opening_balance)
                account.opening_balance = minor
                account.currency = currency
        if opening_balance is not None:
            new = money.to_minor(validation.amount(opening_balance, account.currency, "opening_balance"),
                                 account.currency)
            balances.adjust_opening(account.id, new - account.opening_balance)
            account.opening_balance = new
        if opening_date is not None:
            account.opening_date = validation.parse_date(opening_date, "opening_date") if opening_date else None
        if is_net_worth is not None:
            account.is_net_worth = validation.boolean(is_net_worth, "is_net_worth")
        if position is not None:
            account.position = validation.integer(position, "position", minimum=0, maximum=100_000)
        if institution_id is not UNCHANGED:
            account.institution_id = _institution_id(ledger_id, institution_id)
    db.session.refresh(account)
    return account


def reorder_accounts(ledger_id, account_ids):
    """Put the listed accounts first, in the order given; the others follow in the
    order they had. Every id must be a live account of the ledger, listed once."""
    if not account_ids:
        raise Invalid.field("accounts", "List at least one account.")
    if len(account_ids) > MAX_REORDERED:
        raise Invalid.field("accounts", f"List at most {MAX_REORDERED} accounts.")
    with write_transaction() as session:
        current = session.execute(
            select(Account.id, Account.position).where(Account.ledger_id == ledger_id, Account.deleted_at.is_(None))
            .order_by(Account.position, Account.id)).all()
        known = {account_id for account_id, _position in current}
        seen = set()
        for account_id in account_ids:
            if account_id in seen:
                raise Invalid.field("accounts", f"Account {account_id} is listed more than once.")
            if account_id not in known:
                raise Invalid.field("accounts", f"Account {account_id} not found.")
            seen.add(account_id)
        order = [*account_ids, *(account_id for account_id, _position in current if account_id not in seen)]
        was = dict(current)
        moved = [{"row_id": account_id, "new_position": position}
                 for position, account_id in enumerate(order) if was[account_id] != position]
        if moved:
            # One executemany for all the moved rows, however many there are.
            session.execute(
                update(Account.__table__).where(Account.__table__.c.id == bindparam("row_id"))
                .values(position=bindparam("new_position"), updated_at=utcnow()), moved)


def archive_account(ledger_id, account_id, archived=True):
    with write_transaction():
        account = get_account(ledger_id, account_id)
        account.archived = validation.boolean(archived, "archived")
    return account


def delete_account(ledger_id, account_id, *, delete_transactions=False):
    """Delete an account. Refused while it has transactions unless the caller asks to
    delete them too; then they (and the other legs of its transfers) become tombstones."""
    with write_transaction() as session:
        account_id = get_account(ledger_id, account_id).id
        # Its balance and those of the accounts holding its transfers' other legs change.
        balances.lock_accounts_of(ledger_id, lambda: {account_id, *transfer_partner_accounts(account_id)})
        account = get_account(ledger_id, account_id, for_update=True)
        count = session.scalar(select(func.count()).select_from(Transaction).where(
            Transaction.account_id == account.id, Transaction.deleted_at.is_(None)))
        if count and not delete_transactions:
            raise Invalid.field(
                "account",
                f"This account has {count} transaction{'s' if count != 1 else ''}. "
                "Delete them too, or move them to another account first.",
            )
        if count:
            tombstone_account_rows(account)
        account.deleted_at = utcnow()
        balances.forget_account(account.id)
    return account


def delete_institution_and_accounts(ledger_id, institution_id):
    """Delete an institution "and all data within" (PocketSmith's DELETE without a
    merge): its live accounts and their transactions too, in one database transaction."""
    with write_transaction() as session:
        institution_id = institutions.get_institution(ledger_id, institution_id).id
        account_ids = session.scalars(owned(Account, ledger_id).with_only_columns(Account.id)
                                      .where(Account.institution_id == institution_id)).all()
        for account_id in account_ids:
            delete_account(ledger_id, account_id, delete_transactions=True)
        institutions.delete_institution(ledger_id, institution_id)


def count_transactions(account_id):
    return db.session.scalar(select(func.count()).select_from(Transaction).where(
        Transaction.account_id == account_id, Transaction.deleted_at.is_(None)))
