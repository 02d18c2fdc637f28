"""The per-category day and month totals that budgets read stay equal to a naive sum of
the transactions after every kind of write, and check-balances finds nothing wrong."""

from collections import defaultdict
from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from spendsense.extensions import db
from spendsense.models import Account, Transaction
from spendsense.models.planning import CategoryDayTotal, CategoryMonthTotal
from spendsense.services.io import imports
from spendsense.services.io.parsers import parse
from spendsense.services.ledger import (
    accounts,
    balances,
    categories,
    rule_application,
    transactions,
)
from spendsense.services.ledger.commands import NewTransaction
from tests import factories


def naive():
    """{grain: {(ledger, category, currency, day or month): (debit, credit, count)}} summed
    in Python from every live, categorised transaction that is not a transfer leg."""
    db.session.rollback()
    found = {"day": defaultdict(lambda: [0, 0, 0]), "month": defaultdict(lambda: [0, 0, 0])}
    rows = db.session.execute(
        select(Transaction.ledger_id, Transaction.category_id, Account.currency, Transaction.occurred_at,
               Transaction.amount)
        .join(Account, Account.id == Transaction.account_id)
        .where(Transaction.deleted_at.is_(None), Transaction.transfer_id.is_(None),
               Transaction.category_id.is_not(None)))
    for ledger_id, category_id, currency, moment, amount in rows:
        for grain, when in (("day", moment.date()), ("month", moment.date().replace(day=1))):
            entry = found[grain][(ledger_id, category_id, currency, when)]
            entry[0 if amount < 0 else 1] += abs(amount)
            entry[2] += 1
    return {grain: {key: tuple(value) for key, value in sums.items()} for grain, sums in found.items()}


def stored():
    """The same, as the totals tables hold it (rows summed to nothing left out)."""
    db.session.rollback()
    found = {}
    for grain, model in (("day", CategoryDayTotal), ("month", CategoryMonthTotal)):
        found[grain] = {(row.ledger_id, row.category_id, row.currency, getattr(row, grain)):
                        (row.debit, row.credit, row.count)
                        for row in db.session.scalars(select(model)) if (row.debit, row.credit, row.count) != (0, 0, 0)}
    return found


def check():
    expected = naive()
    assert stored() == expected
    assert balances.recompute(db.session) == []
    return expected


@pytest.fixture
def food(ledger):
    return categories.create_category(ledger, "Food", "🍲", "spent").id


@pytest.fixture
def fun(ledger):
    return categories.create_category(ledger, "Fun", "🎉", "spent").id


@pytest.fixture
def yen_account(ledger):
    return accounts.create_account(ledger, "Yen", currency="JPY").id


def test_record_change_and_delete(ledger, account, savings, food, fun):
    lunch = factories.create_transaction(ledger, account_id=account, amount="-12.50", category_id=food,
                                         occurred_at="2026-03-31T23:59:00")
    factories.create_transaction(ledger, account_id=account, amount="-3.00", category_id=food,
                                 occurred_at="2026-03-31T08:00:00")
    sums = check()
    # Two rows on one day, summed into one row per day and month.
    assert sums["day"] == {(ledger, food, "EUR", date(2026, 3, 31)): (1550, 0, 2)}
    factories.update_transaction(ledger, lunch.id, amount="-20.00")
    assert check()["day"][(ledger, food, "EUR", date(2026, 3, 31))] == (2300, 0, 2)
    factories.update_transaction(ledger, lunch.id, category_id=fun)
    check()
    factories.update_transaction(ledger, lunch.id, occurred_at="2026-04-01T00:00:00")
    assert check()["month"][(ledger, fun, "EUR", date(2026, 4, 1))] == (2000, 0, 1)
    factories.update_transaction(ledger, lunch.id, account_id=savings)
    check()
    factories.update_transaction(ledger, lunch.id, category_id=None)
    check()
    factories.update_transaction(ledger, lunch.id, category_id=food, amount="-1.00", occurred_at="2025-01-01")
    check()
    factories.delete_transaction(ledger, lunch.id)
    assert check()["month"] == {(ledger, food, "EUR", date(2026, 3, 1)): (300, 0, 1)}


def test_rows_in_another_currency_are_kept_in_theirs(ledger, account, yen_account, food):
    factories.create_transaction(ledger, account_id=yen_account, amount="-1500", category_id=food,
                                 occurred_at="2026-05-05")
    factories.create_transaction(ledger, account_id=account, amount="-2.00", category_id=food,
                                 occurred_at="2026-05-05")
    assert set(check()["day"]) == {(ledger, food, "JPY", date(2026, 5, 5)), (ledger, food, "EUR", date(2026, 5, 5))}


def test_transfers_are_not_counted_even_when_changed(ledger, account, savings, food):
    leg, _other = factories.create_transfer(ledger, amount="50", from_account_id=account, to_account_id=savings,
                                            occurred_at="2026-02-02")
    factories.update_transfer(ledger, leg.id, amount="70", from_account_id=account, to_account_id=savings,
                              occurred_at="2026-02-03")
    assert check() == {"day": {}, "month": {}}
    factories.delete_transaction(ledger, leg.id)
    assert check() == {"day": {}, "month": {}}


def test_record_many(ledger, account, savings, food, fun):
    commands = [NewTransaction(amount=factories.number(amount), account_id=account_id, category_id=category_id,
                               occurred_at=datetime.combine(date(2026, month, day), datetime.min.time()))
                for amount, account_id, category_id, month, day in (
                    ("-1.00", account, food, 1, 1), ("-2.00", account, food, 1, 1), ("-4.00", savings, food, 1, 31),
                    ("-8.00", account, fun, 2, 1), ("-16.00", account, None, 2, 2))]
    transactions.record_many(ledger, commands)
    sums = check()
    assert sums["month"][(ledger, food, "EUR", date(2026, 1, 1))] == (700, 0, 3)


def test_a_rule_run_refiles_the_totals(ledger, account, food, fun):
    for payee, category_id in (("Cinema", None), ("Cinema city", food), ("Bakery", None)):
        factories.create_transaction(ledger, account_id=account, amount="-9.00", payee=payee, category_id=category_id,
                                     occurred_at="2026-06-06", apply_rules=False)
    rule_application.create_and_apply(ledger, fun, "cinema", scope="all")
    sums = check()
    assert sums["day"][(ledger, fun, "EUR", date(2026, 6, 6))] == (1800, 0, 2)
    assert (ledger, food, "EUR", date(2026, 6, 6)) not in sums["day"]


@pytest.mark.parametrize("moved", [True, False])
def test_deleting_a_category_with_and_without_a_target(ledger, account, food, fun, moved):
    factories.create_transaction(ledger, account_id=account, amount="-5.00", category_id=food, occurred_at="2026-07-07")
    factories.create_transaction(ledger, account_id=account, amount="-6.00", category_id=fun, occurred_at="2026-07-07")
    categories.delete_category(ledger, food, move_to_id=fun if moved else None)
    sums = check()
    # Moved: both rows are Fun's; not moved: the row is uncategorised and counts nowhere.
    assert sums["day"] == {(ledger, fun, "EUR", date(2026, 7, 7)): (1100, 0, 2) if moved else (600, 0, 1)}


def test_deleting_an_account_takes_its_rows_out(ledger, account, savings, food):
    factories.create_transaction(ledger, account_id=account, amount="-5.00", category_id=food, occurred_at="2026-08-08")
    factories.create_transaction(ledger, account_id=savings, amount="-7.00", category_id=food,
                                 occurred_at="2026-08-08")
    factories.create_transfer(ledger, amount="10", from_account_id=account, to_account_id=savings,
                              occurred_at="2026-08-09")
    accounts.delete_account(ledger, account, delete_transactions=True)
    assert check()["day"] == {(ledger, food, "EUR", date(2026, 8, 8)): (700, 0, 1)}


def test_reverting_an_import_takes_its_rows_out(ledger, account, food):
    factories.create_transaction(ledger, account_id=account, amount="-1.00", category_id=food, occurred_at="2026-03-04")
    rule_application.create_and_apply(ledger, food, "coffee")
    statement = parse(b"Date,Payee,Amount,Reference\n2026-03-04,Coffee,-3.00,C1\n2026-04-01,Coffee,-2.00,C2\n")
    batch = imports.import_statement(ledger, account, statement)
    assert check()["month"][(ledger, food, "EUR", date(2026, 3, 1))] == (400, 0, 2)
    imports.revert(ledger, batch.id)
    assert check()["month"] == {(ledger, food, "EUR", date(2026, 3, 1)): (100, 0, 1)}


def test_another_ledgers_rows_are_its_own(ledger, account, food, other_ledger, other_account):
    factories.create_transaction(ledger, account_id=account, amount="-5.00", category_id=food, occurred_at="2026-01-01")
    supermarket = categories.find_by_value(other_ledger, "supermarket", "spent").id
    factories.create_transaction(other_ledger, account_id=other_account, amount="-9.00", category_id=supermarket,
                                 occurred_at="2026-01-01")
    assert set(check()["day"]) == {(ledger, food, "EUR", date(2026, 1, 1)),
                                   (other_ledger, supermarket, "EUR", date(2026, 1, 1))}


def test_check_balances_finds_and_mends_a_wrong_total(ledger, account, food):
    factories.create_transaction(ledger, account_id=account, amount="-5.00", category_id=food, occurred_at="2026-01-01")
    db.session.execute(update(CategoryMonthTotal).values(debit=1))
    db.session.commit()
    [problem] = balances.recompute(db.session)
    assert "category month total" in problem and "(1, 0, 1)" in problem and "(500, 0, 1)" in problem
    balances.recompute(db.session, fix=True)
    check()
