"""Accounts: create, list, rename/update, archive, delete."""

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from spendsense import money
from spendsense.extensions import db
from spendsense.models import ACCOUNT_TYPES, Account, Ledger, Transaction, User
from spendsense.models.base import utcnow
from spendsense.services import validation
from spendsense.services.errors import Invalid
from spendsense.services.ledger import balances
from spendsense.services.ledger.transactions import tombstone_account_rows
from spendsense.services.scope import get_owned, owned
from spendsense.services.uow import write_transaction

DUPLICATE_NAME = "An account with this name already exists."


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


def create_account(ledger_id, name, *, type="bank", currency=None, opening_balance="0",
                   opening_date=None, is_net_worth=True):
    name = validation.text(name, "name", max_length=100, required=True, label="Account name")
    type = validation.choice(type or "bank", "type", ACCOUNT_TYPES, label="Account type")
    currency = validation.currency(currency or ledger_currency(ledger_id))
    opening = validation.amount(opening_balance if opening_balance not in (None, "") else "0",
                                currency, "opening_balance")
    opening_date = validation.parse_date(opening_date, "opening_date") if opening_date else None
    is_net_worth = validation.boolean(is_net_worth, "is_net_worth", default=True)
    if _name_taken(ledger_id, name):
        raise Invalid.field("name", DUPLICATE_NAME)
    minor = money.to_minor(opening, currency)
    try:
        with write_transaction() as session:
            position = session.scalar(
                select(func.coalesce(func.max(Account.position), -1) + 1).where(Account.ledger_id == ledger_id)
            )
            account = Account(ledger_id=ledger_id, name=name, type=type, currency=currency,
                              opening_balance=minor, opening_date=opening_date, balance=minor,
                              is_net_worth=is_net_worth, position=position)
            session.add(account)
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
                   opening_balance=None, opening_date=None, is_net_worth=None, position=None):
    """Change any of the given fields; None leaves a field as it is."""
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
    db.session.refresh(account)
    return account


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


def count_transactions(account_id):
    return db.session.scalar(select(func.count()).select_from(Transaction).where(
        Transaction.account_id == account_id, Transaction.deleted_at.is_(None)))
