"""record_many: a batch of commands in one write, every row or none, with the same rules
as record and the balances and month totals summed per account and month."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Label, Transaction
from spendsense.services.errors import Invalid
from spendsense.services.ledger import accounts, categories, rules, transactions
from spendsense.services.ledger.commands import NewTransaction
from spendsense.services.ledger.resolver import ARCHIVED, ZERO
from spendsense.services.scope import ledger_for
from tests import statements
from tests.unit.helpers import balance, live_count, months

START = datetime(2024, 1, 1, 9, 0)  # noqa: DTZ001  (wall-clock times, as transactions store them)


def batch(account, count, *, start=START):
    """``count`` commands alternating expenses and incomes over many months."""
    return [NewTransaction(amount=Decimal(-(n % 997) - 1) / 100 if n % 3 else Decimal(n % 50 + 1),
                           account_id=account, occurred_at=start + timedelta(hours=7 * n),
                           payee=f"payee {n % 13}", external_id=f"bank-{n}")
            for n in range(count)]


def expected(commands):
    total, per_month = 0, {}
    for cmd in commands:
        minor = int(cmd.amount * 100)
        total += minor
        month = cmd.occurred_at.date().replace(day=1)
        spent, earned, moved, count = per_month.get(month, (0, 0, 0, 0))
        per_month[month] = (spent - min(minor, 0), earned + max(minor, 0), moved, count + 1)
    return total, per_month


def test_ten_thousand_rows_keep_balances_and_month_totals_exact(ledger, account):
    commands = batch(account, 10_000)
    ids = transactions.record_many(ledger, commands)
    total, per_month = expected(commands)
    assert len(ids) == len(set(ids)) == 10_000
    assert live_count(account) == 10_000
    assert balance(account) == total
    assert months(account) == per_month
    first = db.session.get(Transaction, ids[0])
    assert (first.amount, first.external_id, first.occurred_at) == (100, "bank-0", START)
    last = db.session.get(Transaction, ids[-1])
    assert last.external_id == "bank-9999"


def test_one_invalid_command_writes_nothing(ledger, account, savings):
    commands = batch(account, 500) + batch(savings, 500, start=START + timedelta(days=3))
    commands[723] = NewTransaction(amount=Decimal("1.001"), account_id=savings)
    with pytest.raises(Invalid) as caught:
        transactions.record_many(ledger, commands)
    assert caught.value.errors == {"723.amount": "Amount has more decimals than EUR allows (2)."}
    assert caught.value.message == "Row 724: Amount has more decimals than EUR allows (2)."
    assert live_count(account) == live_count(savings) == 0
    assert balance(account) == balance(savings) == 0
    assert months(account) == months(savings) == {}


def test_every_failing_command_is_named(ledger, account, other_user):
    archived = accounts.create_account(ledger, "Old").id
    accounts.archive_account(ledger, archived)
    bobs = accounts.create_account(ledger_for(other_user), "Bob's").id
    supermarket = categories.find_by_value(ledger, "supermarket", "spent").id
    commands = [
        NewTransaction(amount=Decimal("-1"), account_id=account),
        NewTransaction(amount=Decimal("0"), account_id=account),
        NewTransaction(amount=Decimal("5"), account_id=account, category_id=supermarket),
        NewTransaction(amount=Decimal("-1"), account_id=archived),
        NewTransaction(amount=Decimal("-1"), account_id=bobs),
        NewTransaction(amount=Decimal("-1"), account_name="Nope"),
    ]
    with pytest.raises(Invalid) as caught:
        transactions.record_many(ledger, commands)
    assert caught.value.errors == {
        "1.amount": ZERO,
        "2.category": "“Supermarket” is an expense category: an income needs an income category.",
        "3.account": ARCHIVED,
        "4.account": "Account not found!",
        "5.account": "Account not found!",
    }
    assert live_count(account) == 0


def test_external_ids_are_unique_per_account_in_the_batch_and_the_ledger(ledger, account, savings):
    transactions.record(ledger, NewTransaction(amount=Decimal("-1"), account_id=account, external_id="A"))
    with pytest.raises(Invalid) as caught:
        transactions.record_many(ledger, [
            NewTransaction(amount=Decimal("-2"), account_id=account, external_id="A"),
            NewTransaction(amount=Decimal("-2"), account_id=savings, external_id="A"),
            NewTransaction(amount=Decimal("-2"), account_id=savings, external_id="B"),
            NewTransaction(amount=Decimal("-2"), account_id=savings, external_id="B"),
        ])
    assert set(caught.value.errors) == {"0.external_id", "3.external_id"}
    assert live_count(savings) == 0
    assert balance(account) == -100
    # The same id in two accounts is two banks' ids: both are fine.
    assert len(transactions.record_many(ledger, [
        NewTransaction(amount=Decimal("-2"), account_id=savings, external_id="A")])) == 1


def test_labels_rules_and_folders_apply_as_in_record(ledger, account):
    coffee = categories.create_category(ledger, "Coffee", "☕", "spent")
    rules.learn(ledger, "starbucks", coffee.id)
    ids = transactions.record_many(ledger, [
        NewTransaction(amount=Decimal("-3.20"), account_id=account, payee="Starbucks Berlin",
                       labels=("work", "#Trip")),
        NewTransaction(amount=Decimal("-4"), account_id=account, payee="Starbucks", labels="work",
                       current_report=True),
        NewTransaction(amount=Decimal("10"), account_id=account, payee="starbucks refund"),
    ])
    rows = {txn.id: txn for txn in db.session.scalars(select(Transaction).where(Transaction.id.in_(ids)))}
    first, second, refund = (rows[i] for i in ids)
    assert first.category_id == second.category_id == coffee.id
    assert refund.category_id is None  # an income never takes an expense rule
    assert [label.name for label in first.labels] == ["Trip", "work"]
    assert [label.name for label in second.labels] == ["work"]
    assert db.session.scalar(select(Label.id).where(Label.name == "work", Label.ledger_id == ledger))
    assert first.report_id is None and second.report_id is not None


def test_a_batch_costs_a_bounded_number_of_statements(ledger, account, savings):
    """Rows go in with batched inserts and the caches move once per account and month:
    the statements do not grow with the number of rows."""
    def count(commands):
        with statements.recorded() as seen:
            transactions.record_many(ledger, commands)
        return len(seen)

    small = count(batch(account, 20, start=datetime(2020, 1, 1)))  # noqa: DTZ001
    large = count(batch(savings, 2_000, start=datetime(2020, 1, 1)))  # noqa: DTZ001
    # 2,000 rows span more months than 20 (one upsert row each) but the same statements,
    # except the insert and the external-id look-ups, which go in bounded batches.
    assert large <= small + 2_000 // 500 + 2_000 // 200
    assert date(2020, 1, 1) in months(savings)
