"""Importing statements: de-duplication, batches, revert, reconciliation."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Transaction
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.io import imports
from spendsense.services.io.parsers import parse
from spendsense.services.ledger import accounts, categories, rules
from spendsense.services.scope import ledger_for
from tests import factories
from tests.unit.helpers import balance, live_count, months

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "import-samples"


def csv(*lines, header="Date,Payee,Amount,Reference"):
    return parse(("\n".join((header, *lines)) + "\n").encode())


def live(account):
    db.session.rollback()
    return db.session.scalars(select(Transaction).where(Transaction.account_id == account,
                                                        Transaction.deleted_at.is_(None))
                              .order_by(Transaction.occurred_at, Transaction.id)).all()


@pytest.fixture
def usd(ledger):
    return accounts.create_account(ledger, "Checking", currency="USD").id


def test_an_ofx_statement_imports_as_one_batch_with_its_balance(ledger, usd):
    statement = parse((SAMPLES / "ofxtools-stmtrs.ofx").read_bytes())
    batch = imports.import_statement(ledger, usd, statement, file_name="stmtrs.ofx")
    assert (batch.new_count, batch.duplicate_count, batch.matched_count) == (2, 0, 0)
    assert [row.amount for row in live(usd)] == [-20000, -30000]
    assert {row.source for row in live(usd)} == {"import"}
    assert balance(usd) == -50000
    assert batch.statement_balance == 20029 and batch.balance_after == -50000
    assert imports.difference(batch) == 70029  # the file's balance includes history we do not have


def test_a_second_import_of_the_same_file_finds_every_row_a_duplicate(ledger, usd):
    data = (SAMPLES / "ofxtools-stmtrs.ofx").read_bytes()
    imports.import_statement(ledger, usd, parse(data))
    again = imports.import_statement(ledger, usd, parse(data))
    assert (again.new_count, again.duplicate_count) == (0, 2)
    assert live_count(usd) == 2


@pytest.mark.parametrize("order", ["older first", "newer first"])
def test_overlapping_statements_give_each_row_once(ledger, account, order):
    march = csv("2024-03-01,Bakery,-3.20,A1", "2024-03-05,Rent,-800.00,A2", "2024-03-09,Salary,2500.00,A3")
    later = csv("2024-03-05,Rent,-800.00,A2", "2024-03-09,Salary,2500.00,A3", "2024-03-12,Grocer,-41.10,A4")
    files = [march, later] if order == "older first" else [later, march]
    first, second = (imports.import_statement(ledger, account, statement) for statement in files)
    assert (first.new_count, second.new_count, second.duplicate_count) == (3, 1, 2)
    assert sorted(row.external_id for row in live(account)) == ["A1", "A2", "A3", "A4"]
    assert balance(account) == -320 - 80000 + 250000 - 4110


def test_overlap_without_bank_ids_is_found_by_amount_and_date(ledger, account):
    header = "Date,Payee,Amount"
    imports.import_statement(ledger, account, csv("2024-03-01,Bakery,-3.20", "2024-03-05,Rent,-800.00",
                                                  header=header))
    batch = imports.import_statement(ledger, account, csv("2024-03-05,Rent,-800.00", "2024-03-06,Rent,-800.00",
                                                          header=header))
    # One rent is the one imported before; the second one on the next day is new money.
    assert (batch.new_count, batch.duplicate_count) == (1, 1)


def test_a_hand_entered_row_is_matched_not_duplicated(ledger, account):
    mine = factories.create_transaction(ledger, account_id=account, amount="-12.50", payee="Coffee",
                                        occurred_at="2024-03-02T09:00:00")
    statement = csv("2024-03-04,COFFEE HOUSE,-12.50,B1", "2024-03-04,Cinema,-9.00,B2")
    import_plan = imports.plan(ledger, account, statement)
    assert [(p.status, p.match_id) for p in import_plan.rows] == [(imports.MATCHED, mine.id), (imports.NEW, None)]
    batch = imports.import_statement(ledger, account, statement)
    assert (batch.new_count, batch.matched_count) == (1, 1)
    assert live_count(account) == 2


def test_two_identical_rows_in_one_file_stay_two(ledger, account):
    batch = imports.import_statement(ledger, account, csv("2024-03-04,Coffee,-3.00", "2024-03-04,Coffee,-3.00",
                                                          header="Date,Payee,Amount"))
    assert batch.new_count == 2 and live_count(account) == 2


def test_the_same_bank_id_twice_in_one_file_is_one_row(ledger, account):
    batch = imports.import_statement(ledger, account, csv("2024-03-04,Coffee,-3.00,X", "2024-03-04,Coffee,-3.00,X"))
    assert (batch.new_count, batch.duplicate_count) == (1, 1)


def test_same_amount_and_date_with_different_bank_ids_stay_two(ledger, account):
    imports.import_statement(ledger, account, csv("2024-03-04,Coffee,-3.00,FIT-1"))
    batch = imports.import_statement(ledger, account, csv("2024-03-04,Coffee,-3.00,FIT-2"))
    assert batch.new_count == 1 and live_count(account) == 2


def test_the_nearest_date_wins_and_each_row_matches_once(ledger, account):
    far = factories.create_transaction(ledger, account_id=account, amount="-50", occurred_at="2024-03-01T12:00:00")
    near = factories.create_transaction(ledger, account_id=account, amount="-50", occurred_at="2024-03-09T12:00:00")
    import_plan = imports.plan(ledger, account, csv("2024-03-08,Shop,-50.00", "2024-03-08,Shop,-50.00",
                                                    "2024-03-08,Shop,-50.00", header="Date,Payee,Amount"))
    assert [p.match_id for p in import_plan.rows] == [near.id, far.id, None]


def test_decisions_flip_rows(ledger, account):
    factories.create_transaction(ledger, account_id=account, amount="-12.50", occurred_at="2024-03-04T09:00:00")
    statement = csv("2024-03-04,Coffee,-12.50,B1", "2024-03-05,Cinema,-9.00,B2")
    batch = imports.import_statement(ledger, account, statement, decisions={0: imports.NEW, 1: "skip"})
    assert (batch.new_count, batch.duplicate_count) == (1, 0)  # a row left out is no duplicate
    assert sorted(row.amount for row in live(account)) == [-1250, -1250]


def test_revert_removes_exactly_the_batch_and_restores_every_total(ledger, account):
    kept = factories.create_transaction(ledger, account_id=account, amount="-7", occurred_at="2024-03-01T09:00:00")
    before = (balance(account), months(account))
    batch = imports.import_statement(ledger, account, csv("2024-03-04,Coffee,-3.00,C1", "2024-04-01,Pay,900,C2"))
    assert balance(account) == -700 - 300 + 90000
    imports.revert(ledger, batch.id)
    assert (balance(account), months(account)) == before
    assert [row.id for row in live(account)] == [kept.id]
    assert imports.get_batch(ledger, batch.id).reverted_at is not None
    with pytest.raises(Invalid):
        imports.revert(ledger, batch.id)
    # A reverted import is undone: the same file imports again.
    again = imports.import_statement(ledger, account, csv("2024-03-04,Coffee,-3.00,C1"))
    assert again.new_count == 1


def test_a_row_deleted_on_its_own_does_not_come_back(ledger, account):
    imports.import_statement(ledger, account, csv("2024-03-04,Coffee,-3.00,D1", "2024-03-05,Tea,-2.00,D2"))
    coffee = next(row for row in live(account) if row.external_id == "D1")
    factories.delete_transaction(ledger, coffee.id)
    again = imports.import_statement(ledger, account, csv("2024-03-04,Coffee,-3.00,D1", "2024-03-05,Tea,-2.00,D2"))
    assert (again.new_count, again.duplicate_count) == (0, 2)


def test_same_amount_to_another_payee_days_later_is_new_money(ledger, account):
    header = "Date,Payee,Amount"
    imports.import_statement(ledger, account, csv("2024-06-10,Coffee Bar,-3.50", "2024-06-14,Coffee Bar,-3.50",
                                                  "2024-06-15,Bookshop,-20.00", header=header))
    batch = imports.import_statement(ledger, account, csv("2024-06-16,Coffee Bar,-3.50",
                                                          "2024-06-18,Gas Station,-20.00",
                                                          "2024-06-30,Coffee Bar,-3.50", header=header))
    assert (batch.new_count, batch.duplicate_count) == (3, 0)
    assert balance(account) == -350 * 4 - 4000


def test_rows_left_out_are_not_counted_as_duplicates(ledger, account):
    batch = imports.import_statement(ledger, account, csv("2024-03-04,Coffee,-3.00,E1", "2024-03-05,Tea,-2.00,E2"),
                                     decisions={1: "skip"})
    assert (batch.new_count, batch.duplicate_count, batch.matched_count) == (1, 0, 0)


def test_a_file_in_another_currency_is_refused(ledger, account):
    with pytest.raises(Invalid) as caught:
        imports.import_statement(ledger, account, parse((SAMPLES / "ofxtools-stmtrs.ofx").read_bytes()))
    assert "USD" in caught.value.message
    assert live_count(account) == 0


def test_splits_become_one_row_each(ledger, account):
    statement = parse((SAMPLES / "quiffen-test_split.qif").read_bytes())
    imports.import_statement(ledger, account, statement)
    assert sorted(row.amount for row in live(account)) == [-900, -100]


def test_categories_by_name_then_rules_and_the_original_payee_is_kept(ledger, account):
    coffee = categories.create_category(ledger, "Coffee", "☕", "spent")
    rules.learn(ledger, "blue bottle", coffee.id)
    statement = csv("2024-03-04,POS 4417 BLUE BOTTLE,-4.50,,", "2024-03-05,Rewe,-20.00,,Supermarket",
                    header="Date,Payee,Amount,Reference,Category")
    imports.import_statement(ledger, account, statement)
    first, second = live(account)
    assert (first.payee, first.original_payee, first.category_id) == ("Blue Bottle", "POS 4417 BLUE BOTTLE",
                                                                      coffee.id)
    assert second.category_id == categories.find_by_value(ledger, "supermarket", "spent").id


def test_another_ledgers_account_is_not_found(ledger, other_user):
    bobs = accounts.create_account(ledger_for(other_user), "Bob's").id
    with pytest.raises(NotFound):
        imports.import_statement(ledger, bobs, csv("2024-03-04,Coffee,-3.00,X"))
    with pytest.raises(NotFound):
        imports.get_batch(ledger, 1)


def test_dedup_reads_only_the_files_window(ledger, account):
    """Rows outside the dates the file covers (+/- 7 days) are never candidates."""
    factories.create_transaction(ledger, account_id=account, amount="-3", occurred_at="2024-02-20T09:00:00")
    import_plan = imports.plan(ledger, account, csv("2024-03-04,Coffee,-3.00", header="Date,Payee,Amount"))
    assert import_plan.rows[0].status == imports.NEW
    assert import_plan.rows[0].row.date == date(2024, 3, 4) and import_plan.rows[0].row.amount == Decimal("-3.00")


# Every shared sample: (currency of the account, rows written, their total in minor units).
SAMPLE_IMPORTS = {
    "ofxtools-stmtrs.ofx": ("USD", 2, -50000),
    "ofxtools-stmtrs_euro.ofx": ("USD", 2, -50000),
    "ofxtools-br_nubank_cc.ofx": ("BRL", 6, -128091),
    "quiffen-test.qif": ("EUR", None, None),  # checked below: splits make rows of their own
    "quiffen-test_split.qif": ("EUR", 2, -1000),
    "quiffen-test_oth_a.qif": ("EUR", None, None),
    "camt-camt053.v2.minimal.xml": ("EUR", 1, 885),
    "camt-camt053.v4.xml": ("EUR", 1, 885),
}


@pytest.mark.parametrize("name", sorted(SAMPLE_IMPORTS))
def test_every_sample_file_imports_once(ledger, name):
    currency, count, total = SAMPLE_IMPORTS[name]
    account = accounts.create_account(ledger, "Sample", currency=currency).id
    statement = parse((SAMPLES / name).read_bytes())
    batch = imports.import_statement(ledger, account, statement, file_name=name)
    rows = live(account)
    assert batch.new_count == len(rows) > 0
    assert balance(account) == sum(row.amount for row in rows)
    if count is not None:
        assert (len(rows), sum(row.amount for row in rows)) == (count, total)
    else:  # QIF with splits: the rows add up to the file's own totals
        assert sum(row.amount for row in rows) == -3550
    again = imports.import_statement(ledger, account, parse((SAMPLES / name).read_bytes()))
    assert again.new_count == 0 and live_count(account) == len(rows)


def test_a_camt_document_without_a_statement_is_refused(ledger, account):
    with pytest.raises(Invalid) as caught:
        imports.read_file((SAMPLES / "camt-camt053.v2.wrong.xml").read_bytes(), max_bytes=10**6, max_rows=100)
    assert "no statement" in caught.value.message
    assert live_count(account) == 0


def test_a_statement_balance_in_another_currency_is_not_compared(ledger, account):
    # The CAMT samples give their closing balance in SEK on an EUR account.
    statement = parse((SAMPLES / "camt-camt053.v4.xml").read_bytes())
    assert statement.balance is not None and statement.balance.currency == "SEK"
    batch = imports.import_statement(ledger, account, statement)
    assert batch.statement_balance is None and imports.difference(batch) is None


def test_the_files_categories_come_along(ledger, account):
    """A QIF from another program names its categories ("Parent:Child"): missing ones are
    made under their parent, of the amount's kind; known names are reused."""
    statement = csv("2024-03-04,Grocer,-20.00,,Food:Groceries", "2024-03-05,Grocer,-5.00,,food:groceries",
                    "2024-03-06,ACME,900.00,,Salary", "2024-03-07,Bank,-1.00,,[Savings]",
                    header="Date,Payee,Amount,Reference,Category")
    imports.import_statement(ledger, account, statement)
    groceries, again, salary, transfer = live(account)
    made = db.session.get(type(categories.get_visible(ledger, groceries.category_id)), groceries.category_id)
    assert (made.name, made.kind, made.parent.name, made.ledger_id) == ("Groceries", "spent", "Food", ledger)
    assert again.category_id == groceries.category_id
    assert salary.category_id == categories.find_by_value(ledger, "salary", "earn").id
    assert transfer.category_id is None


def test_the_quiffen_sample_keeps_its_categories(ledger, account):
    imports.import_statement(ledger, account, parse((SAMPLES / "quiffen-test.qif").read_bytes()))
    assert all(row.category_id is not None for row in live(account) if row.amount < 0)
