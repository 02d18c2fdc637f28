"""closing_balance: the account's balance just after the transaction, in the account's
order (date and time, then id), equal to a running sum over its whole history."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Transaction
from spendsense.services.ledger import accounts, running
from tests.api.v2.helpers import decimal_json
from tests.factories import (
    create_transaction,
    create_transfer,
    delete_transaction,
    update_transaction,
)
from tests.statements import recorded

START = datetime(2022, 11, 3, 8)  # noqa: DTZ001  (wall-clock times, as transactions store them)


def naive_closing():
    """{id: closing balance in minor units}, by summing every live row in order."""
    result = {}
    for account in db.session.scalars(select(Account).where(Account.deleted_at.is_(None))):
        balance = account.opening_balance
        rows = db.session.execute(
            select(Transaction.id, Transaction.amount).where(
                Transaction.account_id == account.id, Transaction.deleted_at.is_(None))
            .order_by(Transaction.occurred_at, Transaction.id)).all()
        for txn_id, amount in rows:
            balance += amount
            result[txn_id] = balance
    return result


@pytest.fixture
def history(ledger):
    """Three accounts and a history written out of order: rows at equal times, rows
    added months back, transfers between the accounts, deletions and moved dates."""
    rng = random.Random(7)
    books = [accounts.create_account(ledger, "Bank", currency="EUR", opening_balance="100.00"),
             accounts.create_account(ledger, "Cash", currency="EUR", opening_balance="-3.10"),
             accounts.create_account(ledger, "Yen", currency="JPY", opening_balance="5000")]
    ids = []
    for step in range(160):
        when = START + timedelta(days=rng.randrange(0, 400), hours=rng.choice((0, 0, 5)))
        if step % 9 == 4:
            source, target = rng.sample(books[:2], 2)
            out_leg, _in_leg = create_transfer(ledger, from_account_id=source.id, to_account_id=target.id,
                                               amount=f"{rng.randrange(1, 5000) / 100:.2f}", occurred_at=when)
            ids.append(out_leg.id)
            continue
        account = rng.choice(books)
        places = money.places(account.currency)
        amount = Decimal(rng.randrange(-90000, 40000)).scaleb(-places)
        ids.append(create_transaction(ledger, account_id=account.id, amount=amount or Decimal(1),
                                      occurred_at=when, payee=f"payee {step}").id)
    for txn_id in rng.sample(ids, 15):
        if db.session.get(Transaction, txn_id).deleted_at is None:
            delete_transaction(ledger, txn_id)
    for txn_id in rng.sample(ids, 15):
        row = db.session.get(Transaction, txn_id)
        if row.deleted_at is None and row.transfer_id is None:
            update_transaction(ledger, txn_id, occurred_at=row.occurred_at - timedelta(days=rng.randrange(20, 90)))
    db.session.commit()
    return books


def test_service_matches_a_running_sum(history):
    expected = naive_closing()
    rows = db.session.execute(select(Transaction.id, Transaction.account_id, Transaction.occurred_at)
                              .where(Transaction.deleted_at.is_(None))).all()
    assert len(rows) > 120
    assert running.closing_balances([row.id for row in rows]) == expected
    # Any subset gets the same figures: a filtered page is not contiguous in its account.
    subset = rows[::7]
    assert running.closing_balances([row.id for row in subset]) == {row.id: expected[row.id] for row in subset}


def test_each_list_shows_the_running_sum(v2, user, history):
    expected = naive_closing()
    for account in history:
        body = decimal_json(v2.get(f"/accounts/{account.id}/transactions?per_page=1000"))
        assert body, account.name
        for item in body:
            assert item["closing_balance"] == money.from_minor(expected[item["id"]], account.currency)
        # Newest first, so the first row closes at the account's current balance.
        assert body[0]["closing_balance"] == money.from_minor(account_balance(account.id), account.currency)
    seen, number = [], 1
    while True:
        response = v2.get(f"/users/{user.id}/transactions?per_page=25&page={number}")
        seen += [(item["id"], item["closing_balance"], item["transaction_account"]["currency_code"])
                 for item in decimal_json(response)]
        if 'rel="next"' not in response.headers["Link"]:
            break
        number += 1
    assert len(seen) == len(expected) and number == 7
    assert {txn_id: money.to_minor(value, code.upper()) for txn_id, value, code in seen} == expected


def account_balance(account_id):
    return db.session.get(Account, account_id).balance


def test_one_statement_whatever_the_history(ledger, history):
    rows = db.session.execute(select(Transaction.id, Transaction.account_id, Transaction.occurred_at)
                              .where(Transaction.deleted_at.is_(None))).all()
    with recorded() as statements:
        running.closing_balances([row.id for row in rows])
    assert len(statements) == 1
    with recorded() as statements:
        assert running.closing_balances([]) == {}
    assert statements == []
