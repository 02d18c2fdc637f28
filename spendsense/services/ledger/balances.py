"""Keeping cached balances and monthly totals equal to the transactions they summarise.

Every change to a live transaction calls ``apply`` twice: once with sign -1 for what
the row was, once with +1 for what it is. Both writes are single SQL statements
(``balance = balance + :delta`` and an upsert adding to the month's row), so writers
running at the same time cannot overwrite each other's sums.

Reading a row and then applying "minus what it was" is only safe if nobody changes the
row in between, so every writer first locks the accounts whose balances it will move
(``lock_accounts``), always in id order: on PostgreSQL a second writer then waits and
reads the row as the first one left it (it is not reversed twice), and two writers
never hold one account each while waiting for the other's (no deadlock).

Every cached figure stays inside BIGINT, and so does every SQL SUM over a ledger's rows:
a write that takes one account's balance, all-time totals or a month's signed
``transferred`` past ``LIMIT`` is refused, and a ledger holds at most ``MAX_ACCOUNTS``
live accounts (accounts.create_account), with MAX_ACCOUNTS x LIMIT < 2**63. Spent and
earned only grow, so each month's and each category total's (category_totals.py: per
ledger, category, currency and day or month) debit and credit is a part of the live
accounts' all-time totals (a deleted account's rows are tombstones), and any sum of them
across the ledger's accounts is bounded by MAX_ACCOUNTS x LIMIT. LIMIT was BIGINT less a
margin: two accounts at 9.2e18 then overflowed every SUM across them (/profile, /reports,
the category totals' upserts became REALs on SQLite). Not bounded: a history of transfers
dated to alternate months (+X in one, -X in the next) keeps each month and the balance in
range but lets a month range's net move grow; each month stays within LIMIT.
"""

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from spendsense.extensions import db
from spendsense.models import Account, MonthlyTotal, Transaction
from spendsense.services.errors import Invalid
from spendsense.services.ledger import category_totals

_SUMMED = ("spent", "earned", "transferred", "count")
# The largest balance or total kept (2.25e15 minor units: 22.5 trillion EUR), and the
# most live accounts in a ledger: their sums stay below 2**63 (see above).
LIMIT = (2**63 - 1) // 4096
MAX_ACCOUNTS = 2000
TOO_LARGE = "This would take the account past the largest balance SpendSense can keep."


def lock_accounts(ledger_id, account_ids):
    """Row-lock the ledger's accounts with these ids, in id order, until the transaction
    ends. SQLite has no row locks and needs none: BEGIN IMMEDIATE runs one writer at a time."""
    ids = sorted({account_id for account_id in account_ids if account_id is not None})
    if ids:
        db.session.execute(
            select(Account.id).where(Account.ledger_id == ledger_id, Account.id.in_(ids))
            .order_by(Account.id).with_for_update(key_share=True)
        )
    return set(ids)


def lock_accounts_of(ledger_id, needed):
    """Lock every account ``needed()`` names, in id order, and return their ids.

    ``needed`` reads rows that other writers may change until the locks are held, so it
    is asked again afterwards. If it then names an account not yet locked, the locks are
    given back (rolling back to a savepoint releases them) and all taken again in order:
    taking one more out of order could deadlock with a writer that holds it.
    """
    wanted = set(needed())
    while True:
        savepoint = db.session.begin_nested()
        lock_accounts(ledger_id, wanted)
        again = set(needed())
        if again <= wanted:
            savepoint.commit()
            return wanted
        savepoint.rollback()
        wanted |= again


def month_of(moment):
    return moment.date().replace(day=1)


def _split(amount, is_transfer):
    """(spent, earned, transferred) for one transaction; transfers are neither."""
    if is_transfer:
        return 0, 0, amount
    if amount < 0:
        return -amount, 0, 0
    return 0, amount, 0


def apply(*, ledger_id, account_id, occurred_at, amount, is_transfer, sign, category_id=None, currency=None):
    """Add (sign=+1) or remove (sign=-1) one transaction's effect."""
    apply_summed(ledger_id, [(account_id, occurred_at, amount, is_transfer, category_id)], sign=sign,
                 currencies={account_id: currency} if currency else None)


def apply_summed(ledger_id, entries, *, sign=1, currencies=None):
    """Add (or remove) the effect of many transactions, given as (account id, occurred
    at, amount, is transfer, category id): their changes are summed per account and
    per (account, month) first, so a batch of any size costs one UPDATE and one upsert
    statement (each executed once per account or month it touches). The category
    totals move with them (category_totals.py); ``currencies`` ({account id: code}) saves
    reading the accounts' currencies when the caller has them."""
    session = db.session
    session.flush()
    per_account, per_month, categorised = {}, {}, []
    for account_id, occurred_at, amount, is_transfer, category_id in entries:
        if category_id is not None and not is_transfer:
            categorised.append((category_id, account_id, occurred_at.date(), amount))
        changes = (sign * amount, *(sign * part for part in _split(amount, is_transfer)), sign)
        # The account's balance and all-time totals move with its month's totals.
        account_row = per_account.setdefault(account_id, [0, 0, 0, 0, 0])
        month_row = per_month.setdefault((account_id, month_of(occurred_at)), [0, 0, 0, 0])
        for index, change in enumerate(changes):
            account_row[index] += change
            if index:
                month_row[index - 1] += change
    if not per_account:
        return
    for account_id, (delta, *summed) in sorted(per_account.items()):
        _move_account(session, account_id, delta, dict(zip(_SUMMED, summed, strict=True)))
    _check_months_transferred(session, per_month)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = MonthlyTotal.__table__
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.account_id, table.c.month],
        set_={name: table.c[name] + statement.excluded[name] for name in _SUMMED},
    )
    session.execute(statement, [
        {"ledger_id": ledger_id, "account_id": account_id, "month": month, "spent": spent, "earned": earned,
         "transferred": transferred, "count": count}
        for (account_id, month), (spent, earned, transferred, count) in sorted(per_month.items())])
    if categorised:
        wanted = {account_id for _category, account_id, _day, _amount in categorised}
        if not currencies or not wanted <= set(currencies):
            currencies = dict(session.execute(select(Account.id, Account.currency).where(Account.id.in_(wanted))).all())
        category_totals.add(ledger_id, [(category_id, currencies[account_id], day, amount)
                                        for category_id, account_id, day, amount in categorised], sign=sign)


def _move_account(session, account_id, delta, totals):
    """One account's balance and all-time totals, moved in one UPDATE that refuses to
    leave the BIGINT range: SQLite would turn the sum into a REAL (9.24e18 after 9,240
    maximal incomes) and PostgreSQL fail the statement. The bounds are worked out here,
    so the check itself cannot overflow; a refused move leaves the row as it was."""
    changes = {"balance": delta, **{f"total_{name}": value for name, value in totals.items()}}
    if any(abs(value) > LIMIT for value in changes.values()):
        raise Invalid.field("amount", TOO_LARGE)
    accounts = Account.__table__
    statement = update(accounts).where(accounts.c.id == account_id, *(
        accounts.c[column].between(max(-LIMIT, -LIMIT - value), min(LIMIT, LIMIT - value))
        for column, value in changes.items() if value))
    result = session.execute(statement.values(**{column: accounts.c[column] + value
                                                 for column, value in changes.items()}))
    if result.rowcount != 1:
        raise Invalid.field("amount", TOO_LARGE)


def _check_months_transferred(session, per_month):
    """Refuse a month whose signed ``transferred`` would leave LIMIT. Spent and earned
    only grow, so they stay under the account's all-time totals, but transfers dated to
    alternate months keep the all-time net small while each month's grows. The accounts
    are locked (lock_accounts), so the rows read here stay as read until the upsert."""
    moved = {key: values[2] for key, values in per_month.items() if values[2]}
    if not moved:
        return
    if any(abs(value) > LIMIT for value in moved.values()):
        raise Invalid.field("amount", TOO_LARGE)
    rows = session.execute(select(MonthlyTotal.account_id, MonthlyTotal.month, MonthlyTotal.transferred).where(
        tuple_(MonthlyTotal.account_id, MonthlyTotal.month).in_(sorted(moved))))
    if any(abs(int(transferred) + moved[(account_id, month)]) > LIMIT for account_id, month, transferred in rows):
        raise Invalid.field("amount", TOO_LARGE)


def apply_transaction(txn, sign):
    # The row's account is in the session already (every writer loaded it to check it).
    currency = txn.account.currency if txn.category_id is not None and txn.transfer_id is None else None
    apply(currency=currency, ledger_id=txn.ledger_id, account_id=txn.account_id, occurred_at=txn.occurred_at,
          amount=txn.amount, is_transfer=txn.transfer_id is not None, sign=sign, category_id=txn.category_id)


def adjust_opening(account_id, delta):
    """Move the balance with a changed opening balance, inside LIMIT as every other move."""
    result = db.session.execute(
        update(Account).where(Account.id == account_id,
                              Account.balance.between(max(-LIMIT, -LIMIT - delta), min(LIMIT, LIMIT - delta)))
        .values(balance=Account.balance + delta).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Invalid.field("opening_balance", TOO_LARGE)


def forget_account(account_id):
    db.session.execute(delete(MonthlyTotal).where(MonthlyTotal.account_id == account_id))


def recompute(session, *, fix=False):
    """Compare every cached balance and monthly total with the transactions.

    Returns a list of human-readable differences; with ``fix`` the caches are rewritten.
    Used by ``flask check-balances``; it scans everything, so it is not for requests.
    The sums are made here, in Python integers, from one pass over the rows: an SQL SUM
    over cached figures gone wrong (a REAL, a total past BIGINT) could fail and stop the
    check that is there to find them.
    """
    problems = []
    live = Transaction.deleted_at.is_(None)
    sums, expected_months = {}, {}
    rows = session.execute(
        select(Transaction.ledger_id, Transaction.account_id, Transaction.occurred_at,
               Transaction.amount, Transaction.transfer_id)
        .join(Account, Account.id == Transaction.account_id)
        .where(live, Account.deleted_at.is_(None))
        .execution_options(yield_per=10_000)
    )
    for ledger_id, account_id, occurred_at, amount, transfer_id in rows:
        parts = _split(amount, transfer_id is not None)
        account_sums = sums.setdefault(account_id, [0, 0, 0, 0, 0])
        month_sums = expected_months.setdefault((account_id, month_of(occurred_at)), [ledger_id, 0, 0, 0, 0])
        for index, value in enumerate((amount, *parts, 1)):
            account_sums[index] += value
            if index:
                month_sums[index] += value
    accounts = session.scalars(select(Account).where(Account.deleted_at.is_(None)).order_by(Account.id))
    for account in accounts:
        balance, *summed = sums.get(account.id, [0, 0, 0, 0, 0])
        expected = account.opening_balance + balance
        if account.balance != expected:
            problems.append(
                f"account {account.id} ({account.name}): cached balance {account.balance}, "
                f"transactions give {expected} (minor units)"
            )
            if fix:
                account.balance = expected
        have = tuple(getattr(account, f"total_{name}") for name in _SUMMED)
        if have != tuple(summed):
            problems.append(
                f"account {account.id} ({account.name}): cached all-time totals {have}, "
                f"transactions give {tuple(summed)} (spent, earned, transferred, count)"
            )
            if fix:
                for name, value in zip(_SUMMED, summed, strict=True):
                    setattr(account, f"total_{name}", value)

    stored = {(m.account_id, m.month): m for m in session.scalars(
        select(MonthlyTotal).join(Account, Account.id == MonthlyTotal.account_id)
        .where(Account.deleted_at.is_(None)))}
    for key in sorted(set(expected_months) | set(stored)):
        ledger_id, spent, earned, transferred, count = expected_months.get(key, [None, 0, 0, 0, 0])
        row = stored.get(key)
        have = (row.spent, row.earned, row.transferred, row.count) if row else (0, 0, 0, 0)
        if have != (spent, earned, transferred, count):
            problems.append(
                f"monthly total account {key[0]} {key[1]:%Y-%m}: cached {have}, "
                f"transactions give {(spent, earned, transferred, count)}"
            )
            if fix:
                if row is None:
                    session.add(MonthlyTotal(ledger_id=ledger_id, account_id=key[0], month=key[1],
                                             spent=spent, earned=earned, transferred=transferred,
                                             count=count))
                else:
                    row.spent, row.earned, row.transferred, row.count = spent, earned, transferred, count
    problems += category_totals.recompute(session, fix=fix)
    if fix:
        session.commit()
    return problems
