"""Every real statement file in ../shared/import-samples parsed, with counts, amounts,
totals and balances checked against what its README says (read there, never copied)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from spendsense.api.xpenser.serializers import CSV_HEADER
from spendsense.services.io.parsers import MONTH_FIRST, ParseError, Split, parse
from spendsense.services.io.parsers.spendsense_exports import XPENSER_HEADER

SAMPLES = Path(__file__).parents[3] / "shared" / "import-samples"
D = Decimal


def sample(name):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is not there (CI lays ../shared beside the checkout)")
    return path.read_bytes()


def read(name):
    return parse(sample(name), name)


def test_every_sample_has_a_test():
    if not SAMPLES.exists():
        pytest.skip("no ../shared/import-samples")
    tested = {"ofxtools-stmtrs.ofx", "ofxtools-stmtrs_euro.ofx", "ofxtools-br_nubank_cc.ofx", "quiffen-test.qif",
              "quiffen-test_split.qif", "quiffen-test_oth_a.qif", "camt-camt053.v2.minimal.xml",
              "camt-camt053.v4.xml", "camt-camt053.v2.wrong.xml"}
    statements = {path.name for path in SAMPLES.iterdir()
                  if not path.name.startswith(("LICENSE", "README"))}
    assert statements == tested


@pytest.mark.parametrize("name", ["ofxtools-stmtrs.ofx", "ofxtools-stmtrs_euro.ofx"])
def test_ofx_2_bank_statement(name):
    statement = read(name)
    assert statement.format == "ofx"
    assert [row.amount for row in statement.rows] == [D("-200.00"), D("-300.00")]
    assert [row.date for row in statement.rows] == [date(2005, 10, 4), date(2005, 10, 20)]
    assert [row.external_id for row in statement.rows] == ["00002", "00003"]
    assert statement.rows[0].cheque_number == "1000"
    assert statement.balance.amount == D("200.29")
    assert statement.balance.date == date(2005, 10, 29)
    account = statement.account
    assert (account.bank_id, account.number, account.type, account.kind, account.currency) == (
        "121099999", "999988", "CHECKING", "bank", "USD")
    assert (statement.start_date, statement.end_date) == (date(2005, 10, 1), date(2005, 10, 28))
    assert statement.warnings == ()   # ofxtools read it, no lenient fallback


def test_ofx_1_credit_card_with_an_unclosed_aggregate_read_leniently():
    statement = read("ofxtools-br_nubank_cc.ofx")
    assert len(statement.rows) == 6
    assert sum(row.amount for row in statement.rows) == D("-1280.91")
    assert [row.amount for row in statement.rows] == [D("-13.00"), D("-162.90"), D("-33.46"), D("-9.02"),
                                                      D("-103.53"), D("-959.00")]
    # 00:00 at GMT-3 stays on its day (ofxtools' UTC would still be the 23rd, but not at +2).
    assert statement.rows[0].date == date(2024, 3, 23)
    assert statement.rows[0].memo == "-memo-message-"
    assert statement.rows[0].external_id == "11111111-UUID-4747-8883-111111111111"
    assert statement.rows[0].line == 40
    assert statement.balance.amount == D("-1280.91")
    assert statement.balance.date == date(2024, 3, 25)
    assert (statement.account.kind, statement.account.currency) == ("credits", "BRL")
    assert statement.account.number == "11111111-UUID-UUID-UUID-111111111111"
    # BANKTRANLIST is never closed: ofxtools refuses it, the lenient scan reads it.
    assert any("read leniently" in warning for warning in statement.warnings)


def test_qif_bank_rows_with_categories_and_splits():
    statement = read("quiffen-test.qif")
    assert statement.format == "qif"
    # 2/14'2020: the 14 shows month-first (the README's "day-month" is a slip).
    assert statement.date_order == MONTH_FIRST
    # The "Opening Balance" row of 0.00 is the account's starting balance, not a row;
    # the Invst section's "Buy" moves shares, not cash.
    assert [(row.date, row.amount) for row in statement.rows] == [
        (date(2020, 2, 14), D("67.50")), (date(2020, 2, 14), D("32.00")), (date(2020, 2, 12), D("-10.00")),
        (date(2020, 2, 11), D("-25.00")), (date(2020, 2, 10), D("-100.00"))]
    assert sum(row.amount for row in statement.rows) == D("-35.50")
    assert [row.category for row in statement.rows] == [
        "Bills:Cell Phone", "Miscellaneous", "Food:Groceries", "Food:Groceries", "Food:Groceries"]
    assert [row.payee for row in statement.rows] == ["T-Mobile", "US Post Office", "Target", "Walmart",
                                                     "Amazon.com"]
    phone, _parcel, target, walmart, amazon = statement.rows
    assert phone.splits == (Split(D("-15.00"), "Bills:Cell Phone", "sign up credit"),
                            Split(D("82.50"), "Bills:Cell Phone", "new account"))
    assert sum(split.amount for split in amazon.splits) == amazon.amount
    assert [split.category for split in amazon.splits] == [
        "Food:Groceries", "Transportation:Automobile", "Personal Care:Haircare", "Healthcare:Prescriptions"]
    assert sum(split.amount for split in target.splits) == target.amount
    assert (walmart.cheque_number, walmart.status, walmart.memo, walmart.line) == (
        "123", "posted", "non split transaction", 64)
    assert statement.opening_balance.amount == D("0.00")
    assert statement.account.name == "TestExport"
    assert statement.account.kind == "bank"
    assert any("investment" in warning for warning in statement.warnings)


def test_qif_split_with_a_transfer_leg():
    statement = read("quiffen-test_split.qif")
    (row,) = statement.rows
    assert (row.date, row.amount, row.payee, row.category) == (date(2000, 1, 1), D("-10.00"), "A Payee", None)
    assert row.splits == (Split(D("-9.00"), transfer_account="An Account"), Split(D("-1.00"), "A Category"))


def test_qif_other_asset_account():
    statement = read("quiffen-test_oth_a.qif")
    assert statement.account.kind == "other_asset"
    assert statement.account.type == "otha"
    assert len(statement.rows) == 5
    assert sum(row.amount for row in statement.rows) == D("-35.50")


@pytest.mark.parametrize("name, reference", [("camt-camt053.v2.minimal.xml", None),
                                             ("camt-camt053.v4.xml", "AAAASESS-FP-CN_98765/01")])
def test_camt053_statement(name, reference):
    statement = read(name)
    assert statement.format == "camt053"
    (row,) = statement.rows
    assert (row.date, row.amount, row.currency) == (date(2014, 12, 31), D("8.85"), None)
    assert row.payee == "NAME NAME"            # a credit: the counterparty is the debtor
    assert row.description == "4654654654654654"
    assert row.external_id == reference
    assert statement.account.number == "NL26VAYB8060476890"
    assert statement.currency == "EUR"
    assert (statement.opening_balance.amount, statement.opening_balance.currency) == (D("18.15"), "EUR")
    # The files' closing balance is a DBIT in SEK: kept as it is, with a warning.
    assert (statement.balance.amount, statement.balance.currency) == (D("-27.00"), "SEK")
    assert any("SEK" in warning for warning in statement.warnings)


def test_camt_without_a_statement_is_refused():
    with pytest.raises(ParseError, match="no statement") as error:
        read("camt-camt053.v2.wrong.xml")
    assert error.value.element == "BkToCstmrStmt"


def test_xpenser_header_matches_the_api_serializer():
    assert XPENSER_HEADER == CSV_HEADER


def test_a_large_ofx_is_read_by_the_scanner_alone(monkeypatch):
    from spendsense.services.io.parsers import ofx

    monkeypatch.setattr(ofx, "STRICT_MAX_ROWS", 1)
    monkeypatch.setattr(ofx, "_strict", lambda data: pytest.fail("ofxtools must not read a large file"))
    statement = parse((SAMPLES / "ofxtools-stmtrs.ofx").read_bytes())
    assert [row.amount for row in statement.rows] == [Decimal("-200.00"), Decimal("-300.00")]
    assert statement.balance.amount == Decimal("200.29")
    assert any("tag scanner" in note for note in statement.warnings)
