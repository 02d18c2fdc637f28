"""Recording, changing and deleting transactions: the one way in for every writer.

Every front door builds a command (services/ledger/commands.py) and calls ``record``,
``record_many`` or ``change`` here; services/ledger/resolver.py holds the rules they
all keep. Each call runs in one write transaction: the rows, the cached account
balances and the monthly totals move together or not at all (balances.py).
"""

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from spendsense.extensions import db
from spendsense.models import Account, Transaction, transaction_labels
from spendsense.models.base import utcnow
from spendsense.models.ledger import TRANSACTION_STATUSES
from spendsense.services import validation
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import balances, category_totals, labels
from spendsense.services.ledger.legs import get_loaded, get_transaction, locked_legs, sync_other_leg
from spendsense.services.ledger.resolver import (
    NO_CONVERSION,
    Resolver,
    check_kind,
    clean_text,
    conversion_columns,
    existing_ids,
    minor_amount,
)
from spendsense.services.uow import write_transaction

DUPLICATE_EXTERNAL_ID = "A transaction with this external id already exists."
TRANSFER_FX = "A transfer keeps the amounts of both accounts."

__all__ = ["DUPLICATE_EXTERNAL_ID", "change", "delete", "get_loaded", "get_transaction", "record", "record_many",
           "tombstone_account_rows"]


def record(ledger_id, cmd):
    """Record one NewTransaction; the new Transaction (its account and category loaded)."""
    try:
        with write_transaction() as session:
            resolver = Resolver(ledger_id)
            values, account, category, label_names = resolver.row(cmd)
            external_id = values["external_id"]
            # Checked before the row is added: autoflush would otherwise insert it and find itself.
            if external_id and existing_ids(account.id, {external_id}):
                raise Invalid.field("external_id", DUPLICATE_EXTERNAL_ID)
            txn = Transaction(**values)
            txn.account, txn.category = account, category
            txn.labels = labels.resolve(ledger_id, label_names)
            session.add(txn)
            balances.apply_transaction(txn, +1)
            # Handed back as written: detached, so reading it after the commit costs no
            # second SELECT (a committed session expires what it holds).
            session.expunge(txn)
    except IntegrityError as exc:
        # A concurrent request stored the same external id first (the unique index caught it).
        if cmd.external_id and _taken_now(ledger_id, cmd):
            raise Invalid.field("external_id", DUPLICATE_EXTERNAL_ID) from exc
        raise
    return txn


def _taken_now(ledger_id, cmd):
    try:
        account = Resolver(ledger_id).account(cmd.account_id, cmd.account_name, for_new_rows=False)
    except (Invalid, NotFound):
        return False
    return bool(existing_ids(account.id, {cmd.external_id.strip()}))


INSERT_CHUNK = 5_000  # rows per INSERT: bounds the driver's copies of the parameters


def record_many(ledger_id, commands):
    """Record a batch of NewTransaction commands in one write transaction: every row or
    none. Every command is checked first (Invalid names each failing one as
    ``"<index>.<field>"``); the rows go in with batched inserts, and the balances and
    monthly totals move once per account and month. Returns the new ids in order."""
    commands = list(commands)
    if not commands:
        return []
    with write_transaction():
        resolver = Resolver(ledger_id)
        balances.lock_accounts(ledger_id, {cmd.account_id for cmd in commands if cmd.account_id is not None})
        columns, rows, names, errors = None, [], [], {}
        for index, cmd in enumerate(commands):
            try:
                values, _account, _category, label_names = resolver.row(cmd)
            except (Invalid, NotFound) as exc:
                fields = exc.errors if isinstance(exc, Invalid) else {exc.entity or "row": exc.message}
                errors.update({f"{index}.{field}": message for field, message in fields.items()})
                continue
            values = {**NO_CONVERSION, **values}
            columns = columns or tuple(values)
            # A tuple per row, not a dict: a batch of 100,000 rows is held in memory.
            rows.append((index, *values.values()))
            names.append(label_names)
        if rows:
            _check_external_ids(columns, rows, errors)
        if errors:
            first = next(iter(errors))
            raise Invalid(errors, f"Row {int(first.split('.')[0]) + 1}: {errors[first]}")
        ids = _allocate_ids(len(rows))
        _insert(columns, rows, ids)
        _attach_labels(ledger_id, ids, names)
        where = [columns.index(name) + 1 for name in ("account_id", "occurred_at", "amount")]
        category = columns.index("category_id") + 1 if "category_id" in columns else None
        balances.apply_summed(ledger_id, [(row[where[0]], row[where[1]], row[where[2]], False,
                                           row[category] if category else None) for row in rows])
    return ids


def _insert(columns, rows, ids):
    """INSERT the rows (Core: no ORM bookkeeping per row), a chunk at a time."""
    now = utcnow()
    names = (*columns, "id", "created_at", "updated_at")
    table = Transaction.__table__
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = [dict(zip(names, (*row[1:], txn_id, now, now), strict=True))
                 for row, txn_id in zip(rows[start:start + INSERT_CHUNK], ids[start:start + INSERT_CHUNK],
                                        strict=True)]
        db.session.execute(insert(table), chunk)


def _allocate_ids(count):
    """Ids for ``count`` new rows, known before they are inserted, so a batched INSERT
    needs no RETURNING (whose row order neither backend promises). PostgreSQL hands
    them out from the table's sequence, safe under concurrent writers; a SQLite writer
    holds the database's write lock (BEGIN IMMEDIATE), so the ids after the largest
    are its own."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(text(
            "SELECT nextval(pg_get_serial_sequence('transactions', 'id')) FROM generate_series(1, :n)"),
            {"n": count}))
    highest = session.scalar(select(func.coalesce(func.max(Transaction.id), 0)))
    return list(range(highest + 1, highest + 1 + count))


def _check_external_ids(columns, rows, errors):
    """A bank's id may appear once per account: in the batch and in what is stored.
    ``rows`` are (command index, *values in ``columns`` order)."""
    account_at, external_at = columns.index("account_id") + 1, columns.index("external_id") + 1
    seen = {}
    for row in rows:
        if row[external_at]:
            key = (row[account_at], row[external_at])
            if key in seen:
                errors[f"{row[0]}.external_id"] = DUPLICATE_EXTERNAL_ID
            seen[key] = row[0]
    by_account = {}
    for (account_id, external_id), index in seen.items():
        by_account.setdefault(account_id, {})[external_id] = index
    for account_id, wanted in by_account.items():
        for taken in existing_ids(account_id, set(wanted)):
            errors[f"{wanted[taken]}.external_id"] = DUPLICATE_EXTERNAL_ID


def _attach_labels(ledger_id, ids, names):
    wanted = sorted({name for row_names in names for name in row_names})
    if not wanted:
        return
    by_name = {label.name: label.id for label in labels.resolve(ledger_id, wanted)}
    links = [{"transaction_id": txn_id, "label_id": by_name[name]}
             for txn_id, row_names in zip(ids, names, strict=True) for name in row_names]
    db.session.execute(insert(transaction_labels), links)


def change(ledger_id, txn_id, cmd):
    """Apply a ChangeTransaction to a transaction (either leg of a transfer)."""
    given = cmd.given()
    with write_transaction():
        resolver = Resolver(ledger_id)
        new_account_id = given.get("account_id")
        txn, other = locked_legs(ledger_id, txn_id, *([new_account_id] if new_account_id else []))
        for leg in filter(None, (txn, other)):
            balances.apply_transaction(leg, -1)
        if new_account_id is not None and new_account_id != txn.account_id:
            _move(resolver, txn, other, new_account_id, given)
        _apply_amount(txn, other, given)
        if "occurred_at" in given:
            txn.occurred_at = (validation.parse_datetime(given["occurred_at"], "date") if given["occurred_at"]
                               else resolver.now())
        if "category_id" in given:
            category_id = given["category_id"]
            txn.category = None if other is not None or category_id is None else resolver.category_by_id(category_id)
        if {"amount", "category_id"} & set(given):
            check_kind(txn.category, txn.amount)
        if "labels" in given:
            txn.labels = labels.resolve(ledger_id, labels.clean(given["labels"]))
        if "status" in given:
            txn.status = validation.choice(given["status"], "status", TRANSACTION_STATUSES)
        if "needs_review" in given:
            txn.needs_review = validation.boolean(given["needs_review"], "needs_review")
        if "report_id" in given:
            txn.report_id = resolver.report(given["report_id"])
        if "conversion" in given:
            _convert(txn, other, given["conversion"])
        for field, value in clean_text(given).items():
            setattr(txn, field, value)
        if other is not None:
            sync_other_leg(txn, other, given)
        txn.updated_at = utcnow()
        db.session.flush()
        for leg in filter(None, (txn, other)):
            balances.apply_transaction(leg, +1)
    return txn


def _move(resolver, txn, other, account_id, given):
    account = resolver.account(account_id)
    if other is not None and account.id == other.account_id:
        raise Invalid.field("account", "A transfer needs two different accounts.")
    if account.currency != txn.account.currency and "amount" not in given:
        raise Invalid.field("amount", f"The new account uses {account.currency}: give the amount in it.")
    txn.account_id, txn.account = account.id, account


def _apply_amount(txn, other, given):
    if "amount" not in given:
        return
    minor = minor_amount(given["amount"], txn.account.currency)
    if other is not None:
        minor = -abs(minor) if txn.amount < 0 else abs(minor)
    elif minor != txn.amount and txn.foreign_currency and "conversion" not in given:
        _set_columns(txn, NO_CONVERSION)  # a typed amount replaces a converted one
    txn.amount = minor


def _convert(txn, other, fx):
    if other is not None:
        raise Invalid.field("amount", TRANSFER_FX)
    _set_columns(txn, NO_CONVERSION if fx is None else conversion_columns(fx, txn.account.currency, txn.amount))


def _set_columns(txn, values):
    for column, value in values.items():
        setattr(txn, column, value)


def _tombstone(txn, now):
    balances.apply_transaction(txn, -1)
    txn.deleted_at = now
    txn.updated_at = now


def delete(ledger_id, txn_id):
    """Delete a transaction (and the other leg of a transfer). Rows stay as tombstones
    so that clients syncing changes see the deletion."""
    with write_transaction():
        txn, other = locked_legs(ledger_id, txn_id)
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
    category_totals.remove(account.ledger_id, Transaction.account_id == account.id)
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
