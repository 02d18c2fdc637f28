from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Label
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts, categories, transactions
from spendsense.services.ledger.queries import TransactionFilter, count, page
from spendsense.services.scope import ledger_for
from tests import factories
from tests.unit.helpers import balance, live_count, months, row

MARCH = date(2024, 3, 1)
APRIL = date(2024, 4, 1)


def at(text):
    """A naive wall-clock time, as transactions store them."""
    return datetime.fromisoformat(text)


def create(ledger, account, amount, when="2024-03-10T12:00:00", **kwargs):
    return factories.create_transaction(ledger, account_id=account, amount=amount, occurred_at=when, **kwargs)


def label_names(txn_id):
    return [label.name for label in row(txn_id).labels]


def system(ledger, value, kind="spent"):
    return categories.find_by_value(ledger, value, kind).id


def test_expense_and_income_update_balance_and_monthly_totals(ledger, account):
    expense = create(ledger, account, "-12.34", payee="Grocer", description="weekly shop", memo="m",
                     cheque_number="001", category_id=system(ledger, "supermarket"))
    assert balance(account) == -1234
    assert months(account) == {MARCH: (1234, 0, 0, 1)}
    income = create(ledger, account, "100", when="2024-03-31T23:59:59")
    assert balance(account) == 10000 - 1234
    assert months(account) == {MARCH: (1234, 10000, 0, 2)}
    create(ledger, account, "-0.01", when="2024-04-01")
    assert months(account) == {MARCH: (1234, 10000, 0, 2), APRIL: (1, 0, 0, 1)}

    saved = row(expense.id)
    assert (saved.amount, saved.kind, saved.is_transfer) == (-1234, "spent", False)
    assert saved.occurred_at == at("2024-03-10T12:00:00")
    assert (saved.payee, saved.description, saved.memo, saved.cheque_number) == (
        "Grocer", "weekly shop", "m", "001")
    assert (saved.status, saved.needs_review, saved.source) == ("posted", False, "web")
    assert saved.category.value == "supermarket"
    assert saved.ledger_id == ledger
    assert row(income.id).kind == "earn"


@pytest.mark.parametrize("currency, amount, minor", [("JPY", "-1500", -1500), ("BHD", "2.005", 2005),
                                                      ("EUR", 7, 700)])
def test_amount_in_the_accounts_currency(ledger, currency, amount, minor):
    account = accounts.create_account(ledger, currency, currency=currency).id
    txn = create(ledger, account, amount)
    assert row(txn.id).amount == minor
    assert balance(account) == minor


def test_date_defaults_to_now_in_the_owners_time_zone(make_user):
    user = make_user("kiri", timezone="Pacific/Kiritimati")  # UTC+14
    ledger = ledger_for(user)
    account = accounts.create_account(ledger, "Cash").id
    txn = factories.create_transaction(ledger, account_id=account, amount="1")
    expected = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=14)
    assert abs(row(txn.id).occurred_at - expected) < timedelta(minutes=1)


@pytest.mark.parametrize("when, stored", [
    ("2024-03-10", at("2024-03-10T00:00:00")),
    ("2024-03-10T08:30", at("2024-03-10T08:30:00")),
    ("2024-03-10 08:30:15", at("2024-03-10T08:30:15")),
    ("2024-03-10T08:30:15+05:00", at("2024-03-10T08:30:15")),  # wall-clock time kept
    (date(2024, 3, 10), at("2024-03-10T00:00:00")),
])
def test_dates(ledger, account, when, stored):
    assert row(create(ledger, account, "1", when=when).id).occurred_at == stored


@pytest.mark.parametrize("amount", ["0", "0.00", "-0", 0, "+0.0"])
def test_zero_amount_refused(ledger, account, amount):
    with pytest.raises(Invalid) as caught:
        create(ledger, account, amount)
    assert caught.value.errors == {"amount": "Amount must not be zero."}
    assert live_count(account) == 0


@pytest.mark.parametrize("kwargs, field", [
    ({"amount": "1.001"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"amount": None}, "amount"),
    ({"amount": "NaN"}, "amount"),
    ({"amount": "1e2"}, "amount"),
    ({"amount": "10000000000000.01"}, "amount"),
    ({"when": "yesterday"}, "date"),
    ({"when": "2024-02-30"}, "date"),
    ({"when": "3000-01-01"}, "date"),
    ({"status": "cleared"}, "status"),
    ({"source": "fax"}, "source"),
    ({"needs_review": "sometimes"}, "needs_review"),
    ({"payee": "x" * 201}, "payee"),
    ({"description": "bad\x00text"}, "description"),
    ({"labels": ["x" * 51]}, "labels"),
    ({"labels": [f"l{n}" for n in range(21)]}, "labels"),
    ({"external_id": "x" * 256}, "external_id"),
])
def test_create_refuses(ledger, account, kwargs, field):
    values = {"amount": "1"} | kwargs
    with pytest.raises(Invalid) as caught:
        create(ledger, account, **values)
    assert list(caught.value.errors) == [field]
    assert live_count(account) == 0
    assert balance(account) == 0


def test_category_kind_must_match_the_amounts_sign(ledger, account):
    with pytest.raises(Invalid) as caught:
        create(ledger, account, "5", category_id=system(ledger, "supermarket"))
    assert caught.value.errors == {"category": "“Supermarket” is an expense category: an income needs an "
                                               "income category."}
    with pytest.raises(Invalid) as caught:
        create(ledger, account, "-5", category_id=system(ledger, "salary", "earn"))
    assert list(caught.value.errors) == ["category"]
    assert live_count(account) == 0


def test_create_refuses_unknown_fields(ledger, account):
    with pytest.raises(TypeError):
        create(ledger, account, "1", colour="red")


def test_create_in_an_unknown_or_foreign_account(ledger, account, other_user):
    bobs_account = accounts.create_account(ledger_for(other_user), "Bob's").id
    with pytest.raises(NotFound):
        create(ledger, bobs_account, "1")
    with pytest.raises(NotFound):
        create(ledger, 999_999, "1")
    with pytest.raises(NotFound):
        create(ledger, "first", "1")  # ids are parsed by each door; text never names one here
    assert balance(bobs_account) == 0


def test_category_of_another_ledger_is_not_found(ledger, account, other_user):
    bobs = categories.create_category(ledger_for(other_user), "Bob only", "🍺", "spent")
    with pytest.raises(NotFound):
        create(ledger, account, "-1", category_id=bobs.id)
    own = categories.create_category(ledger, "Mine", "🍕", "spent")
    assert row(create(ledger, account, "-1", category_id=own.id).id).category_id == own.id


def test_labels_are_got_or_created(ledger, account, other_user):
    first = create(ledger, account, "-1", labels=["food", "#Trip", "FOOD", " "])
    assert label_names(first.id) == ["Trip", "food"]
    second = create(ledger, account, "-2", labels="trip, food #new")
    assert label_names(second.id) == ["food", "new", "trip"]
    third = create(ledger, account, "-3", labels=["food"])
    assert row(third.id).labels[0].id == row(first.id).labels[1].id
    db.session.rollback()
    assert sorted(db.session.scalars(select(Label.name).where(Label.ledger_id == ledger))) == [
        "Trip", "food", "new", "trip"]
    bobs_account = accounts.create_account(ledger_for(other_user), "Cash").id
    bobs = create(ledger_for(other_user), bobs_account, "-1", labels=["food"])
    assert row(bobs.id).labels[0].ledger_id == ledger_for(other_user)


def test_external_id(ledger, account, savings):
    first = create(ledger, account, "-5", external_id="FITID-1")
    assert row(first.id).external_id == "FITID-1"
    with pytest.raises(Invalid) as caught:
        create(ledger, account, "-5", external_id="FITID-1")
    assert caught.value.errors == {"external_id": "A transaction with this external id already exists."}
    assert live_count(account) == 1
    assert balance(account) == -500
    other = create(ledger, savings, "-5", external_id="FITID-1")  # unique per account
    assert row(other.id).external_id == "FITID-1"
    create(ledger, account, "-5", external_id=" ")  # blank is no id
    create(ledger, account, "-5", external_id=None)
    assert live_count(account) == 3


def test_external_id_of_a_deleted_transaction_stays_taken(ledger, account):
    first = create(ledger, account, "-5", external_id="FITID-1")
    factories.delete_transaction(ledger, first.id)
    with pytest.raises(Invalid):
        create(ledger, account, "-5", external_id="FITID-1")
    assert balance(account) == 0


def test_edit_amount(ledger, account):
    txn = create(ledger, account, "-10")
    factories.update_transaction(ledger, txn.id, amount="-25.50")
    assert row(txn.id).amount == -2550
    assert balance(account) == -2550
    assert months(account) == {MARCH: (2550, 0, 0, 1)}
    factories.update_transaction(ledger, txn.id, amount="40")
    assert balance(account) == 4000
    assert months(account) == {MARCH: (0, 4000, 0, 1)}


def test_edit_date_moves_monthly_totals(ledger, account):
    txn = create(ledger, account, "-10")
    create(ledger, account, "-1")
    factories.update_transaction(ledger, txn.id, occurred_at="2024-04-02T09:00:00")
    assert row(txn.id).occurred_at == at("2024-04-02T09:00:00")
    assert months(account) == {MARCH: (100, 0, 0, 1), APRIL: (1000, 0, 0, 1)}
    assert balance(account) == -1100


def test_edit_account_moves_balance_and_monthly_totals(ledger, account, savings):
    txn = create(ledger, account, "-10")
    factories.update_transaction(ledger, txn.id, account_id=savings, occurred_at="2024-04-01")
    assert row(txn.id).account_id == savings
    assert (balance(account), balance(savings)) == (0, -1000)
    assert months(account) == {}
    assert months(savings) == {APRIL: (1000, 0, 0, 1)}


def test_edit_account_to_another_currency_needs_the_amount(ledger, account, yen):
    txn = create(ledger, account, "-10")
    with pytest.raises(Invalid) as caught:
        factories.update_transaction(ledger, txn.id, account_id=yen)
    assert caught.value.errors == {"amount": "The new account uses JPY: give the amount in it."}
    assert row(txn.id).account_id == account
    assert balance(account) == -1000
    with pytest.raises(Invalid):
        factories.update_transaction(ledger, txn.id, account_id=yen, amount="-10.50")
    factories.update_transaction(ledger, txn.id, account_id=yen, amount="-1600")
    assert (balance(account), balance(yen)) == (0, -1600)
    assert months(yen) == {MARCH: (1600, 0, 0, 1)}


def test_edit_other_fields(ledger, account):
    txn = create(ledger, account, "-10", labels=["old"], payee="Shop")
    category = system(ledger, "restaurants")
    factories.update_transaction(ledger, txn.id, category_id=category, labels=["new", "other"], payee="  Café ",
                                    description="dinner", memo="", status="pending", needs_review="true",
                                    cheque_number="42")
    saved = row(txn.id)
    assert saved.category_id == category
    assert [label.name for label in saved.labels] == ["new", "other"]
    assert (saved.payee, saved.description, saved.memo, saved.status, saved.needs_review, saved.cheque_number) == (
        "Café", "dinner", None, "pending", True, "42")
    assert saved.amount == -1000
    factories.update_transaction(ledger, txn.id, category_id=None, labels=[])
    saved = row(txn.id)
    assert (saved.category_id, saved.labels) == (None, [])
    assert saved.updated_at >= saved.created_at


@pytest.mark.parametrize("changes, field", [
    ({"amount": "0"}, "amount"), ({"amount": "1.234"}, "amount"), ({"occurred_at": "never"}, "date"),
    ({"status": "void"}, "status"), ({"category_id": 0}, "category"), ({"payee": "x" * 201}, "payee"),
])
def test_edit_refuses_and_changes_nothing(ledger, account, changes, field):
    txn = create(ledger, account, "-10")
    with pytest.raises((Invalid, NotFound)) as caught:
        factories.update_transaction(ledger, txn.id, **changes)
    if isinstance(caught.value, Invalid):
        assert list(caught.value.errors) == [field]
    saved = row(txn.id)
    assert (saved.amount, saved.occurred_at, saved.status) == (-1000, at("2024-03-10T12:00:00"), "posted")
    assert balance(account) == -1000
    assert months(account) == {MARCH: (1000, 0, 0, 1)}


def test_edit_refuses_unknown_fields(ledger, account):
    txn = create(ledger, account, "-10")
    with pytest.raises(TypeError):
        factories.update_transaction(ledger, txn.id, ledger_id=2)


def test_delete_tombstones_and_reverses(ledger, account):
    txn = create(ledger, account, "-10")
    kept = create(ledger, account, "3")
    factories.delete_transaction(ledger, txn.id)
    saved = row(txn.id)
    assert saved.deleted_at is not None
    assert saved.updated_at == saved.deleted_at
    assert balance(account) == 300
    assert months(account) == {MARCH: (0, 300, 0, 1)}
    with pytest.raises(NotFound):
        transactions.get_transaction(ledger, txn.id)
    with pytest.raises(NotFound):
        factories.delete_transaction(ledger, txn.id)
    with pytest.raises(NotFound):
        factories.update_transaction(ledger, txn.id, amount="1")
    assert row(kept.id).deleted_at is None
    assert count(ledger, TransactionFilter()) == 1
    assert count(ledger, TransactionFilter(include_deleted=True)) == 2


def test_other_ledgers_transactions_are_not_found(ledger, account, other_user):
    txn = create(ledger, account, "-10")
    bobs = ledger_for(other_user)
    with pytest.raises(NotFound):
        transactions.get_transaction(bobs, txn.id)
    with pytest.raises(NotFound):
        factories.update_transaction(bobs, txn.id, amount="-1")
    with pytest.raises(NotFound):
        factories.delete_transaction(bobs, txn.id)
    bobs_account = accounts.create_account(bobs, "Bob's").id
    with pytest.raises(NotFound):
        factories.update_transaction(ledger, txn.id, account_id=bobs_account)
    assert row(txn.id).amount == -1000
    assert row(txn.id).account_id == account
    assert count(bobs, TransactionFilter()) == 0


def test_queries_filter_sort_and_page(ledger, account, savings):
    food = system(ledger, "supermarket")
    small = create(ledger, account, "-1", when="2024-03-01", labels=["Été"], description="Bread 100%")
    big = create(ledger, account, "-50", when="2024-03-02", category_id=food, payee="Market")
    pay = create(ledger, account, "1000", when="2024-03-03", memo="salary march")
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=account, to_account_id=savings,
                                                   amount="20", occurred_at="2024-03-04")

    def ids(**kwargs):
        rows, _more = page(ledger, TransactionFilter(**kwargs), limit=100)
        return [txn.id for txn in rows]

    assert ids() == [in_leg.id, out_leg.id, pay.id, big.id, small.id]  # same time: higher id first
    assert ids(sort="oldest")[:3] == [small.id, big.id, pay.id]
    assert ids(sort="largest")[0] == pay.id
    assert ids(sort="smallest")[0] == small.id
    assert ids(kind="spent") == [big.id, small.id]
    assert ids(kind="earn") == [pay.id]
    assert set(ids(kind="transfer")) == {out_leg.id, in_leg.id}
    assert ids(category_id=food) == [big.id]
    assert set(ids(uncategorised=True)) == {pay.id, small.id}
    assert ids(label="été") == [small.id]
    assert ids(label="ÉTÉ") == [small.id]
    assert ids(search="MARKET") == [big.id]
    assert ids(search="100%") == [small.id]
    assert ids(search="%") == [small.id]
    assert ids(search="_") == []
    assert ids(search="salary") == [pay.id]
    assert ids(account_id=savings) == [in_leg.id]
    assert ids(start=at("2024-03-02T00:00:00"), end=at("2024-03-03T00:00:00"), sort="oldest") == [big.id, pay.id]
    rows, more = page(ledger, TransactionFilter(sort="oldest"), limit=2, offset=0)
    assert ([t.id for t in rows], more) == ([small.id, big.id], True)
    rows, more = page(ledger, TransactionFilter(sort="oldest"), limit=2, offset=4)
    assert (len(rows), more) == (1, False)
    assert count(ledger, TransactionFilter(kind="spent")) == 2


def test_monthly_totals_count_every_live_row(ledger, account):
    for amount in ("-1", "-2", "3"):
        create(ledger, account, amount)
    db.session.rollback()
    assert months(account) == {MARCH: (300, 300, 0, 3)}
    assert live_count(account) == 3
    assert db.session.scalar(select(func.count()).select_from(Label)) == 0
