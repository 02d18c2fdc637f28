"""Writers running at the same time must not lose or double any update of a balance.

Every thread gets its own app context, hence its own session and connection. On
SQLite the writers queue for BEGIN IMMEDIATE; on PostgreSQL they really overlap.
"""

import random
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, MonthlyTotal, Transaction
from spendsense.services.auth import users
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts
from tests import factories
from tests.conftest import PASSWORD
from tests.factories import update_transfer
from tests.unit.helpers import assert_consistent, balance, live_count, row

THREADS = 8
PER_THREAD = 50


def run_in_threads(app, count, work):
    """Run work(index) in `count` threads started together; return their results."""
    db.session.rollback()  # the main thread holds no snapshot or lock meanwhile
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(index):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = work(index)
            except BaseException as exc:  # reported below, in the main thread
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    assert errors == []
    return results


def amounts_for(index, count=PER_THREAD):
    """A thread's own amounts: 0.01 .. 99.99, about a third of them negative."""
    rng = random.Random(index)
    extremes = [Decimal("0.01"), Decimal("-99.99")] if index % 2 else [Decimal("-0.01"), Decimal("99.99")]
    return extremes + [Decimal(rng.randint(1, 9999)).scaleb(-2) * (-1 if rng.random() < 0.35 else 1)
                       for _ in range(count - len(extremes))]


def test_parallel_creates_keep_the_balance_exact(app, runner, ledger, account):
    def work(index):
        for number, amount in enumerate(amounts_for(index)):
            factories.create_transaction(ledger, account_id=account, amount=str(amount),
                                            occurred_at=f"2024-{1 + number % 12:02d}-15", source="api")

    run_in_threads(app, THREADS, work)

    everything = [amount for index in range(THREADS) for amount in amounts_for(index)]
    assert len(everything) == THREADS * PER_THREAD
    assert all(Decimal("0.01") <= abs(amount) <= Decimal("99.99") for amount in everything)
    assert sum(amount < 0 for amount in everything) > THREADS * PER_THREAD // 4
    expected = money.to_minor(sum(everything), "EUR")
    assert balance(account) == expected
    assert live_count(account) == THREADS * PER_THREAD
    db.session.rollback()
    assert db.session.scalar(select(func.sum(MonthlyTotal.count)).where(
        MonthlyTotal.account_id == account)) == THREADS * PER_THREAD
    spent = db.session.scalar(select(func.sum(MonthlyTotal.spent)).where(MonthlyTotal.account_id == account))
    assert spent == -money.to_minor(sum(a for a in everything if a < 0), "EUR")
    result = runner.invoke(args=["check-balances"])
    assert result.exit_code == 0, result.output
    assert result.output == "All balances and monthly totals match their transactions.\n"


def test_parallel_creates_edits_and_deletes(app, runner, ledger, account, savings):
    existing = [factories.create_transaction(ledger, account_id=account, amount="-10",
                                                occurred_at="2024-02-01").id for _ in range(THREADS * 10)]
    mine = [existing[i::THREADS] for i in range(THREADS)]

    def work(index):
        for number, txn_id in enumerate(mine[index]):
            if index % 4 == 0:
                factories.delete_transaction(ledger, txn_id)
            elif index % 4 == 1:
                factories.update_transaction(ledger, txn_id, amount="-2.50", occurred_at="2024-03-05")
            elif index % 4 == 2:
                factories.update_transaction(ledger, txn_id, account_id=savings)
            else:
                factories.create_transaction(ledger, account_id=savings, amount=f"{number + 1}.01",
                                                occurred_at="2024-04-01")
                factories.create_transfer(ledger, from_account_id=savings, to_account_id=account, amount="1",
                                             occurred_at="2024-04-02")

    run_in_threads(app, THREADS, work)

    per_kind = THREADS // 4 * 10  # rows handled by each kind of worker
    created = sum(Decimal(f"{n + 1}.01") for n in range(10)) * (THREADS // 4)
    # account: untouched rows -10 each, edited -2.50 each, 20 incoming transfers of 1.
    assert balance(account) == money.to_minor(
        Decimal("-10") * per_kind + Decimal("-2.50") * per_kind + per_kind, "EUR")
    assert balance(savings) == money.to_minor(Decimal("-10") * per_kind + created - per_kind, "EUR")
    assert live_count(account) == per_kind * 3
    assert live_count(savings) == per_kind * 3
    assert runner.invoke(args=["check-balances"]).exit_code == 0


def test_deleting_the_same_transaction_at_once_reverses_it_once(app, ledger, account):
    factories.create_transaction(ledger, account_id=account, amount="100", occurred_at="2024-01-01")
    target = factories.create_transaction(ledger, account_id=account, amount="-30", occurred_at="2024-01-02").id

    def work(_index):
        try:
            factories.delete_transaction(ledger, target)
        except NotFound:
            return "not found"
        return "deleted"

    results = run_in_threads(app, THREADS, work)
    assert sorted(results) == ["deleted"] + ["not found"] * (THREADS - 1)
    assert balance(account) == 10000
    assert row(target).deleted_at is not None


def test_deleting_a_transfer_from_both_legs_at_once(app, ledger, account, savings):
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=account, to_account_id=savings,
                                                   amount="40", occurred_at="2024-01-02")
    legs = [out_leg.id, in_leg.id]

    def work(index):
        try:
            factories.delete_transaction(ledger, legs[index % 2])
        except NotFound:
            return "not found"
        return "deleted"

    results = run_in_threads(app, THREADS, work)
    assert results.count("deleted") == 1
    assert (balance(account), balance(savings)) == (0, 0)


def test_editing_the_same_transaction_at_once_applies_each_edit_fully(app, ledger, account, savings):
    target = factories.create_transaction(ledger, account_id=account, amount="-1", occurred_at="2024-01-02").id

    def work(index):
        factories.update_transaction(ledger, target, amount=f"-{index + 2}",
                                        account_id=savings if index % 2 else account,
                                        occurred_at=f"2024-{index + 1:02d}-03")

    run_in_threads(app, THREADS, work)
    final = row(target)
    assert balance(final.account_id) == final.amount
    other = savings if final.account_id == account else account
    assert balance(other) == 0
    assert_consistent()


def test_opposite_transfers_at_once(app, ledger, account, savings):
    def work(index):
        source, target = (account, savings) if index % 2 else (savings, account)
        for _ in range(10):
            factories.create_transfer(ledger, from_account_id=source, to_account_id=target, amount="1.25",
                                         occurred_at="2024-05-05")

    run_in_threads(app, THREADS, work)
    assert (balance(account), balance(savings)) == (0, 0)
    assert live_count(account) == live_count(savings) == THREADS * 10


def test_opening_balance_updates_at_once(app, ledger, account):
    factories.create_transaction(ledger, account_id=account, amount="-5", occurred_at="2024-01-02")

    def work(index):
        accounts.update_account(ledger, account, opening_balance=str(100 * (index + 1)))

    run_in_threads(app, THREADS, work)
    db.session.rollback()
    stored = db.session.get(Account, account)
    assert stored.opening_balance in {10000 * (i + 1) for i in range(THREADS)}
    assert stored.balance == stored.opening_balance - 500


@pytest.mark.parametrize("attempt", range(3))
def test_deleting_an_account_while_others_book_into_it(app, ledger, account, savings, attempt):
    def work(index):
        if index == 0:
            accounts.delete_account(ledger, account, delete_transactions=True)
            return
        for _ in range(5):
            try:
                if index % 2:
                    factories.create_transaction(ledger, account_id=account, amount="-1",
                                                    occurred_at="2024-06-01")
                else:
                    factories.create_transfer(ledger, from_account_id=savings, to_account_id=account,
                                                 amount="2", occurred_at="2024-06-01")
            except NotFound:
                return

    run_in_threads(app, THREADS, work)
    db.session.rollback()
    assert db.session.get(Account, account).deleted_at is not None
    orphans = db.session.scalar(select(func.count()).select_from(Transaction).where(
        Transaction.account_id == account, Transaction.deleted_at.is_(None)))
    assert orphans == 0
    # Every transfer leg left in savings lost its partner with the account, so none is live.
    assert live_count(savings) == 0
    assert balance(savings) == 0


def test_rewriting_one_transfer_at_once(app, ledger, account, savings):
    third = accounts.create_account(ledger, "Third").id
    out_id, in_id = (leg.id for leg in factories.create_transfer(
        ledger, from_account_id=account, to_account_id=savings, amount="10", occurred_at="2024-01-02"))
    routes = [(account, savings), (savings, third), (third, account), (savings, account)]

    def work(index):
        source, target = routes[index % len(routes)]
        for round_ in range(5):
            update_transfer(ledger, (out_id, in_id)[round_ % 2], from_account_id=source, to_account_id=target,
                            amount=f"{index + 1}.{round_}0")

    run_in_threads(app, THREADS, work)
    out_row, in_row = row(out_id), row(in_id)
    assert out_row.amount == -in_row.amount
    assert balance(out_row.account_id) == out_row.amount
    assert balance(in_row.account_id) == in_row.amount
    assert balance(account) + balance(savings) + balance(third) == 0
    assert_consistent()


def test_signing_up_with_one_username_at_once(app):
    def work(index):
        try:
            users.register("Zoe" if index % 2 else "zoe", f"zoe{index}@example.com", PASSWORD)
        except Invalid as exc:
            return exc.errors
        return "created"

    results = run_in_threads(app, THREADS, work)
    assert results.count("created") == 1
    assert [r for r in results if r != "created"] == [{"username": "This username is already taken."}] * (
        THREADS - 1)
