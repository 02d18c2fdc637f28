"""Transactions and transfers: create, edit and delete, keeping balances exact.

Every change runs in one write transaction: the row change, the cached account
balance and the monthly totals move together or not at all (services/ledger/balances.py).
A transfer is two rows, one per account, each pointing at the other through
``transfer_id``; both legs are created, edited and deleted together.
"""

from decimal import localcontext

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Label, Transaction
from spendsense.models.base import utcnow
from spendsense.models.ledger import TRANSACTION_SOURCES, TRANSACTION_STATUSES
from spendsense.services import validation
from spendsense.services.auth.users import local_now
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import balances
from spendsense.services.ledger.accounts import get_account
from spendsense.services.ledger.categories import get_visible
from spendsense.services.scope import get_owned, owned
from spendsense.services.uow import write_transaction

TEXT_FIELDS = {"payee": 200, "description": 500, "memo": 500, "cheque_number": 30}
EDITABLE = {"account_id", "amount", "occurred_at", "category_id", "labels", "status",
            "needs_review", "counter_amount", "report_id", "fx", *TEXT_FIELDS}
MAX_LABELS = 20
RATE_DIGITS = 20
DUPLICATE_EXTERNAL_ID = "A transaction with this external id already exists."


def get_transaction(ledger_id, txn_id):
    return get_owned(Transaction, ledger_id, txn_id, message="Transaction not found")


def _amount(value, currency, field="amount"):
    amount = validation.amount(value, currency, field)
    if amount == 0:
        raise Invalid.field(field, "Amount must not be zero.")
    return money.to_minor(amount, currency)


def _occurred(ledger_id, value):
    if value in (None, ""):
        return local_now(ledger_id)
    return validation.parse_datetime(value, "date")


def _labels(ledger_id, names):
    if names is None:
        return []
    if isinstance(names, str):
        names = [part for part in names.replace("#", " ").replace(",", " ").split()]
    cleaned = []
    for name in names:
        label = validation.text(name, "labels", max_length=50, label="Label")
        if label and label.lstrip("#") and label.lstrip("#").lower() not in {c.lower() for c in cleaned}:
            cleaned.append(label.lstrip("#"))
    if len(cleaned) > MAX_LABELS:
        raise Invalid.field("labels", f"A transaction can have at most {MAX_LABELS} labels.")
    result = []
    for name in sorted(cleaned):  # one order for every writer, so two never wait crosswise
        label = db.session.scalars(
            select(Label).where(Label.ledger_id == ledger_id, Label.name == name)).first()
        if label is None:
            try:
                with db.session.begin_nested():
                    label = Label(ledger_id=ledger_id, name=name)
                    db.session.add(label)
            except IntegrityError:  # created meanwhile by a concurrent request
                label = db.session.scalars(
                    select(Label).where(Label.ledger_id == ledger_id, Label.name == name)).one()
        result.append(label)
    return result


def _clean_text_fields(values):
    return {field: validation.text(values[field], field, max_length=limit)
            for field, limit in TEXT_FIELDS.items() if field in values}


def _category_id(ledger_id, value):
    if value in (None, ""):
        return None
    return get_visible(ledger_id, validation.identifier(value, "category")).id


def create_transaction(ledger_id, *, account_id, amount, occurred_at=None, category_id=None,
                       labels=None, status="posted", needs_review=False, source="web",
                       external_id=None, report_id=None, fx=None, **text_fields):
    """Record one income (amount > 0) or expense (amount < 0) in an account.

    ``report_id`` files it in an open report (services/ledger/folders.py); ``fx`` (an
    fx.Conversion) keeps the amount as typed in another currency and the rate used.
    """
    unknown = set(text_fields) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields {sorted(unknown)}")
    external_id = validation.text(external_id, "external_id", max_length=255)
    try:
        with write_transaction() as session:
            txn = _insert_transaction(
                session, ledger_id, account_id=account_id, amount=amount, occurred_at=occurred_at,
                category_id=category_id, labels=labels, status=status, needs_review=needs_review,
                source=source, external_id=external_id, text_fields=text_fields)
            _file_and_convert(txn, ledger_id, report_id, fx)
    except IntegrityError as exc:
        # A concurrent request stored the same external id first (the unique index caught it).
        if external_id and _external_id_taken(account_id, external_id):
            raise Invalid.field("external_id", DUPLICATE_EXTERNAL_ID) from exc
        raise
    return txn


def _file_and_convert(txn, ledger_id, report_id, fx):
    if report_id not in (None, ""):
        from spendsense.services.ledger.folders import fileable  # avoids an import cycle

        txn.report_id = fileable(ledger_id, report_id)
    if fx is not None:
        _set_conversion(txn, fx)


def _set_conversion(txn, fx):
    """Keep the typed foreign amount and the rate (the stored amount must be the converted
    one), or forget them when ``fx`` is None."""
    if fx is None:
        txn.foreign_amount = txn.foreign_currency = txn.fx_rate = txn.fx_rate_date = None
        return
    currency = db.session.get(Account, txn.account_id).currency
    if fx.currency != currency or money.to_minor(fx.amount, fx.currency) != abs(txn.amount):
        raise Invalid.field("amount", "The converted amount does not match the transaction.")
    sign = -1 if txn.amount < 0 else 1
    txn.foreign_amount = sign * money.to_minor(fx.foreign_amount, fx.foreign_currency)
    txn.foreign_currency = fx.foreign_currency
    txn.fx_rate = fx.rate_text
    txn.fx_rate_date = fx.rate_date


def _external_id_taken(account_id, external_id):
    """Tombstones count too: a deleted import row must not come back on the next import."""
    return db.session.scalar(select(Transaction.id).where(
        Transaction.account_id == account_id, Transaction.external_id == external_id).limit(1)) is not None


def _insert_transaction(session, ledger_id, *, account_id, amount, occurred_at, category_id, labels, status,
                        needs_review, source, external_id, text_fields):
    account = get_account(ledger_id, validation.identifier(account_id, "account"), for_update=True)
    # Checked before the new row is added: autoflush would otherwise insert it and find itself.
    if external_id and _external_id_taken(account.id, external_id):
        raise Invalid.field("external_id", DUPLICATE_EXTERNAL_ID)
    txn = Transaction(
        ledger_id=ledger_id, account_id=account.id,
        amount=_amount(amount, account.currency),
        occurred_at=_occurred(ledger_id, occurred_at),
        category_id=_category_id(ledger_id, category_id),
        status=validation.choice(status, "status", TRANSACTION_STATUSES),
        needs_review=validation.boolean(needs_review, "needs_review", default=False),
        source=validation.choice(source, "source", TRANSACTION_SOURCES),
        external_id=external_id,
        **_clean_text_fields(text_fields),
    )
    txn.labels = _labels(ledger_id, labels)
    session.add(txn)
    balances.apply_transaction(txn, +1)
    return txn


def create_transfer(ledger_id, *, from_account_id, to_account_id, amount, to_amount=None,
                    occurred_at=None, description=None, labels=None, source="web"):
    """Move money between two accounts of the ledger: two linked legs.

    ``amount`` is what leaves the source account (positive). Between currencies the
    caller gives ``to_amount``, what arrives; the rate used is kept on both legs.
    """
    source_id = validation.identifier(from_account_id, "from_account")
    target_id = validation.identifier(to_account_id, "to_account")
    with write_transaction() as session:
        balances.lock_accounts(ledger_id, (source_id, target_id))
        source_account = get_account(ledger_id, source_id, for_update=True)
        target_account = get_account(ledger_id, target_id, for_update=True)
        if source_account.id == target_account.id:
            raise Invalid.field("to_account", "Choose two different accounts.")
        out_minor, in_minor = transfer_amounts(source_account, target_account, amount, to_amount)
        when = _occurred(ledger_id, occurred_at)
        note = validation.text(description, "description", max_length=500)
        tags = _labels(ledger_id, labels)
        source = validation.choice(source, "source", TRANSACTION_SOURCES)
        legs = []
        for account, minor in ((source_account, -out_minor), (target_account, in_minor)):
            leg = Transaction(ledger_id=ledger_id, account_id=account.id, amount=minor,
                              occurred_at=when, description=note, source=source, status="posted")
            leg.labels = list(tags)
            session.add(leg)
            legs.append(leg)
        session.flush()
        out_leg, in_leg = legs
        out_leg.transfer_id, in_leg.transfer_id = in_leg.id, out_leg.id
        set_fx(out_leg, in_leg, source_account, target_account)
        for leg in legs:
            balances.apply_transaction(leg, +1)
    return out_leg, in_leg


def transfer_amounts(source_account, target_account, amount, to_amount):
    out = validation.amount(amount, source_account.currency, "amount", allow_negative=False)
    if out == 0:
        raise Invalid.field("amount", "Amount must be greater than zero.")
    if source_account.currency == target_account.currency:
        if to_amount not in (None, "") and validation.amount(
                to_amount, target_account.currency, "to_amount") != out:
            raise Invalid.field("to_amount", "Both accounts use the same currency: leave the received amount empty.")
        arrived = out
    else:
        if to_amount in (None, ""):
            raise Invalid.field(
                "to_amount",
                f"The accounts use different currencies: say how much {target_account.currency} arrives.")
        arrived = validation.amount(to_amount, target_account.currency, "to_amount", allow_negative=False)
        if arrived == 0:
            raise Invalid.field("to_amount", "Amount must be greater than zero.")
    return (money.to_minor(out, source_account.currency), money.to_minor(arrived, target_account.currency))


def _rate_text(numerator, denominator):
    """The rate as plain decimal text ("160", never "1.6E+2"), to RATE_DIGITS significant
    digits: the extreme amounts' rates (1e-19 .. 1e19) then still fit the 40-character column."""
    with localcontext() as context:
        context.prec = RATE_DIGITS
        return format((numerator / denominator).normalize(), "f")


def set_fx(out_leg, in_leg, source_account, target_account):
    """Cross-currency transfers keep the other side's amount and the rate on each leg."""
    if source_account.currency == target_account.currency:
        for leg in (out_leg, in_leg):
            leg.foreign_amount = leg.foreign_currency = leg.fx_rate = leg.fx_rate_date = None
        return
    out_value = money.from_minor(-out_leg.amount, source_account.currency)
    in_value = money.from_minor(in_leg.amount, target_account.currency)
    out_leg.foreign_amount, out_leg.foreign_currency = in_leg.amount, target_account.currency
    in_leg.foreign_amount, in_leg.foreign_currency = out_leg.amount, source_account.currency
    out_leg.fx_rate = _rate_text(in_value, out_value)
    in_leg.fx_rate = _rate_text(out_value, in_value)
    out_leg.fx_rate_date = in_leg.fx_rate_date = out_leg.occurred_at.date()


def update_transaction(ledger_id, txn_id, **changes):
    """Change any editable field, including the account and the date.

    Only the keys given change. On a transfer leg, the amount, date and note change
    on both legs; ``counter_amount`` sets the other leg's amount between currencies.
    """
    unknown = set(changes) - EDITABLE
    if unknown:
        raise TypeError(f"unexpected fields {sorted(unknown)}")
    new_account_id = validation.identifier(changes["account_id"], "account") if "account_id" in changes else None
    with write_transaction():
        txn, other = _locked_legs(ledger_id, txn_id, new_account_id)
        for leg in filter(None, (txn, other)):
            balances.apply_transaction(leg, -1)

        if new_account_id is not None:
            account = get_account(ledger_id, new_account_id)
            if other is not None and account.id == other.account_id:
                raise Invalid.field("account", "A transfer needs two different accounts.")
            if account.currency != txn.account.currency and "amount" not in changes:
                raise Invalid.field("amount", f"The new account uses {account.currency}: give the amount in it.")
            txn.account_id = account.id
            txn.account = account
        currency = txn.account.currency
        if "amount" in changes:
            minor = _amount(changes["amount"], currency)
            if other is not None:
                minor = -abs(minor) if txn.amount < 0 else abs(minor)
            elif minor != txn.amount and txn.foreign_currency and "fx" not in changes:
                _set_conversion(txn, None)  # a typed amount replaces a converted one
            txn.amount = minor
        if "occurred_at" in changes:
            txn.occurred_at = _occurred(ledger_id, changes["occurred_at"])
        if "category_id" in changes:
            txn.category_id = None if other is not None else _category_id(ledger_id, changes["category_id"])
        if "labels" in changes:
            txn.labels = _labels(ledger_id, changes["labels"])
        if "status" in changes:
            txn.status = validation.choice(changes["status"], "status", TRANSACTION_STATUSES)
        if "needs_review" in changes:
            txn.needs_review = validation.boolean(changes["needs_review"], "needs_review")
        if "report_id" in changes:
            txn.report_id = None
            _file_and_convert(txn, ledger_id, changes["report_id"], None)
        if "fx" in changes:
            if other is not None:
                raise Invalid.field("amount", "A transfer keeps the amounts of both accounts.")
            _set_conversion(txn, changes["fx"])
        for field, value in _clean_text_fields(changes).items():
            setattr(txn, field, value)
        if other is not None:
            _sync_other_leg(txn, other, changes)
        txn.updated_at = utcnow()
        db.session.flush()
        for leg in filter(None, (txn, other)):
            balances.apply_transaction(leg, +1)
    return txn


def _sync_other_leg(txn, other, changes):
    other.occurred_at = txn.occurred_at
    other.description = txn.description
    other_currency = other.account.currency
    if other_currency == txn.account.currency:
        other.amount = -txn.amount
    elif "counter_amount" in changes:
        other.amount = (1 if other.amount > 0 else -1) * abs(
            _amount(changes["counter_amount"], other_currency, "counter_amount"))
    elif {"amount", "account_id"} & set(changes):
        raise Invalid.field("counter_amount",
                            f"The other account uses {other_currency}: give the amount it receives.")
    out_leg, in_leg = (txn, other) if txn.amount < 0 else (other, txn)
    set_fx(out_leg, in_leg, out_leg.account, in_leg.account)
    other.updated_at = utcnow()


def _locked_legs(ledger_id, txn_id, *new_account_ids):
    """The transaction and its transfer's other leg (or None), read again once every
    account whose balance the change moves is locked: what was read before the locks
    may have been changed or deleted by a writer that held them."""
    get_transaction(ledger_id, txn_id)  # NotFound before any lock is taken

    def accounts_involved():
        txn = _fresh(ledger_id, txn_id)
        if txn is None:
            raise NotFound("Transaction not found")
        other = _fresh(ledger_id, txn.transfer_id) if txn.transfer_id else None
        return {txn.account_id, *new_account_ids} | ({other.account_id} if other else set())

    balances.lock_accounts_of(ledger_id, accounts_involved)
    txn = _fresh(ledger_id, txn_id)
    if txn is None:
        raise NotFound("Transaction not found")
    return txn, _fresh(ledger_id, txn.transfer_id) if txn.transfer_id else None


def _fresh(ledger_id, txn_id):
    """The live transaction as last committed (not the session's copy), or None."""
    return db.session.scalars(owned(Transaction, ledger_id).where(Transaction.id == txn_id)
                              .execution_options(populate_existing=True)).first()


def _tombstone(txn, now):
    balances.apply_transaction(txn, -1)
    txn.deleted_at = now
    txn.updated_at = now


def delete_transaction(ledger_id, txn_id):
    """Delete a transaction (and the other leg of a transfer). Rows stay as tombstones
    so that clients syncing changes see the deletion."""
    with write_transaction():
        txn, other = _locked_legs(ledger_id, txn_id)
        now = utcnow()
        _tombstone(txn, now)
        if other is not None:
            _tombstone(other, now)
    return txn


def tombstone_account_rows(account):
    """Delete every live transaction of an account that is being deleted, in bulk,
    and the other legs of its transfers one by one (they live in other accounts)."""
    session = db.session
    now = utcnow()
    partners = session.scalars(
        select(Transaction).where(
            Transaction.id.in_(select(Transaction.transfer_id).where(
                Transaction.account_id == account.id, Transaction.deleted_at.is_(None),
                Transaction.transfer_id.is_not(None))),
            Transaction.account_id != account.id, Transaction.deleted_at.is_(None))
    ).all()
    for partner in partners:
        _tombstone(partner, now)
    session.execute(
        update(Transaction)
        .where(Transaction.account_id == account.id, Transaction.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Account).where(Account.id == account.id)
        .values(balance=Account.opening_balance).execution_options(synchronize_session=False)
    )


def transfer_pair(txn):
    """(out_leg, in_leg) of a transfer, or None for a plain transaction."""
    if not txn.transfer_id:
        return None
    other = db.session.get(Transaction, txn.transfer_id)
    return (txn, other) if txn.amount < 0 else (other, txn)
