"""Exports: CSV, JSON and QIF written in batches, and read back by the csv module and
quiffen as the same transactions; spreadsheet formulas neutralised."""

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

import pytest
from quiffen import Qif

from spendsense.models import Transaction
from spendsense.services.entry import recorder as quick_record
from spendsense.services.io import exports
from spendsense.services.ledger import accounts, folders, legs, queries
from spendsense.services.scope import ledger_for
from tests import factories


@pytest.fixture
def book(ledger):
    """alice's ledger with an expense, an income, a transfer, a converted expense, awkward
    texts, labels, a report and one deleted row."""
    main = accounts.create_account(ledger, "Main", currency="EUR").id
    card = accounts.create_account(ledger, "Card: Visa/Gold", type="credits", currency="EUR").id
    yen = accounts.create_account(ledger, "Wallet ¥", type="cash", currency="JPY").id
    report = folders.create_report(ledger, "Trip")
    made = [
        factories.create_transaction(ledger, account_id=main, amount="-12.50", occurred_at="2024-06-01T09:30:00",
                                        payee="=HYPERLINK(\"http://x\")", description="+lunch, \"quoted\"",
                                        labels=["work", "food"], report_id=report.id, external_id="src-1"),
        factories.create_transaction(ledger, account_id=main, amount="2500", occurred_at="2024-06-02T08:00:00",
                                        payee="Acme", description="salary ✓ Ünïcödé", cheque_number="1001"),
        factories.create_transaction(ledger, account_id=yen, amount="-1234", occurred_at="2024-06-03T12:00:00",
                                        payee="@sushi", description="-minus"),
        factories.create_transaction(ledger, account_id=card, amount="-0.05", occurred_at="2024-06-04T23:59:59",
                                        payee="+44 20 7946 0000", status="pending"),
    ]
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=main, to_account_id=card,
                                                   amount="100", occurred_at="2024-06-05T10:00:00",
                                                   description="pay the card")
    converted = quick_record.record(ledger, "taxi 12 USD 2024-06-03 @main")
    gone = factories.create_transaction(ledger, account_id=main, amount="-1", occurred_at="2024-06-06T10:00:00")
    factories.delete_transaction(ledger, gone.id)
    return {"ids": [t.id for t in made] + [out_leg.id, in_leg.id, converted.id], "deleted": gone.id,
            "main": main, "card": card, "yen": yen, "report": report.id}


def export(ledger, fmt, *, size=2, include_deleted=False):
    where = Transaction.ledger_id == ledger
    if not include_deleted:
        where = where & Transaction.deleted_at.is_(None)
    batches = (exports.account_batches(ledger, where, size=size) if fmt == "qif"
               else exports.batches(where, exports.DATE_ORDER, size=size))
    chunks = list(exports.stream(fmt, batches))
    return chunks, "".join(chunks)


def stored(ledger):
    return {t.id: t for t in queries.page(
        ledger, queries.TransactionFilter(sort="oldest"), limit=100)[0]}


def test_csv_round_trip(ledger, book):
    chunks, text = export(ledger, "csv")
    assert len(chunks) > 3  # written batch by batch, not at once
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(exports.HEADER)
    by_id = {int(row["id"]): row for row in rows}
    assert set(by_id) == set(book["ids"])
    for txn_id, txn in stored(ledger).items():
        row = by_id[txn_id]
        assert Decimal(row["amount"]) == Decimal(txn.amount).scaleb(-(0 if txn.account.currency == "JPY" else 2))
        assert row["currency"] == txn.account.currency and row["account"] == txn.account.name
        assert datetime.fromisoformat(row["date"]) == txn.occurred_at.replace(microsecond=0)
        assert row["labels"].split() == [label.name for label in txn.labels]
        assert row["description"] in (txn.description or "", "'" + (txn.description or ""))
    first = by_id[book["ids"][0]]
    assert first["payee"] == "'=HYPERLINK(\"http://x\")"  # a formula becomes text
    assert first["description"] == "'+lunch, \"quoted\""
    assert (first["report"], first["external_id"], first["amount"]) == ("Trip", "src-1", "-12.50")
    assert by_id[book["ids"][2]]["payee"] == "'@sushi" and by_id[book["ids"][2]]["amount"] == "-1234"
    assert by_id[book["ids"][3]]["payee"] == "'+44 20 7946 0000" and by_id[book["ids"][3]]["amount"] == "-0.05"
    assert by_id[book["ids"][1]]["description"] == "salary ✓ Ünïcödé"
    taxi = by_id[book["ids"][-1]]
    assert (taxi["foreign_amount"], taxi["foreign_currency"], taxi["fx_rate"], taxi["fx_rate_date"]) == (
        "-12.00", "USD", "1.0842", "2024-06-03")


def test_csv_numbers_stay_numbers(ledger, book):
    _chunks, text = export(ledger, "csv")
    for row in csv.DictReader(io.StringIO(text, newline="")):
        Decimal(row["amount"])  # "-12.50", never "'-12.50"
        assert not row["amount"].startswith("'")


def test_qif_round_trip_with_quiffen(ledger, book):
    chunks, text = export(ledger, "qif")
    assert len(chunks) > 1
    qif = Qif.parse_string(text)
    assert set(qif.accounts) == {"Main", "Card: Visa-Gold", "Wallet ¥"}  # "/" would start a QIF class
    read = {(name, t.date.date().isoformat(), t.amount, t.payee, t.memo,
             t.category.name if t.category else None, t.to_account)
            for name, account in qif.accounts.items() for group in account.transactions.values() for t in group}
    expected = set()
    for txn in stored(ledger).values():
        other = legs.transfer_pair(txn)
        partner = None
        if other:
            partner = exports.qif_account_name((other[1] if other[0].id == txn.id else other[0]).account.name)
        expected.add((exports.qif_account_name(txn.account.name), txn.occurred_at.date().isoformat(),
                      Decimal(txn.amount).scaleb(-(0 if txn.account.currency == "JPY" else 2)),
                      txn.payee, txn.description, txn.category.name if txn.category else None, partner))
    assert read == expected
    assert qif.accounts["Card: Visa-Gold"].account_type.value == "CCard"
    assert "!Type:CCard" in text and "!Type:Cash" in text


def test_qif_leaves_out_deleted_rows(ledger, book):
    _chunks, text = export(ledger, "qif", include_deleted=True)
    amounts = [t.amount for account in Qif.parse_string(text).accounts.values()
               for group in account.transactions.values() for t in group]
    assert len(amounts) == len(book["ids"]) and Decimal("-1.00") not in amounts


def test_json_round_trip(ledger, book):
    chunks, text = export(ledger, "json", include_deleted=True)
    assert len(chunks) > 3
    items = {item["id"]: item for item in json.loads(text)}
    assert set(items) == {*book["ids"], book["deleted"]}
    first = items[book["ids"][0]]
    assert (first["payee"], first["amount"], first["labels"], first["report"]) == (
        "=HYPERLINK(\"http://x\")", "-12.50", ["food", "work"], "Trip")  # JSON needs no neutralising
    assert items[book["deleted"]]["deleted"] is not None and first["deleted"] is None
    out_leg = items[book["ids"][4]]
    assert (out_leg["transfer"], out_leg["amount"]) == (book["ids"][5], "-100.00")


def test_an_empty_export_is_still_a_valid_file(ledger, other_user, book):
    bob = ledger_for(other_user)
    assert json.loads(export(bob, "json")[1]) == []
    assert list(csv.reader(io.StringIO(export(bob, "csv")[1]))) == [list(exports.HEADER)]
    assert export(bob, "qif")[1] == ""


@pytest.mark.parametrize("text, expected", [
    ("=1+2", "'=1+2"), ("+33 6", "'+33 6"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("＝1", "'＝1"), ("lunch", "lunch"), ("a=b", "a=b"), ("", ""), (None, ""),
])
def test_safe(text, expected):
    assert exports.safe(text) == expected


@pytest.mark.parametrize("minor, currency, expected", [
    (-1250, "EUR", "-12.50"), (5, "EUR", "0.05"), (-5, "EUR", "-0.05"), (0, "EUR", "0.00"),
    (1234, "JPY", "1234"), (-1, "BHD", "-0.001"), (10**15, "EUR", "10000000000000.00"), (None, "EUR", ""),
])
def test_decimal_text(minor, currency, expected):
    assert exports.decimal_text(minor, currency) == expected
