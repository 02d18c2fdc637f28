"""A table of parse cases across the formats, each a small file written here: dates in
both orders, decimals in both styles, encodings, signs, debit/credit columns, splits,
missing fields and malformed input. Amounts are exact Decimals."""

import io
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import pytest

from spendsense.services.io.parsers import (
    DAY_FIRST,
    MONTH_FIRST,
    AmbiguousDateOrder,
    ParseError,
    ParseOptions,
    Split,
    parse,
)

D = Decimal


@dataclass(frozen=True)
class Rows:
    """Expect these (date, amount) rows, and these attributes of the first row / statement."""

    rows: tuple
    first: dict
    statement: dict


def rows(*pairs, first=None, **statement):
    return Rows(tuple((date.fromisoformat(day), D(amount)) for day, amount in pairs), first or {}, statement)


@dataclass(frozen=True)
class Refused:
    match: str
    line: int | None = None
    error: type = ParseError


def ofx_v1(transactions, *, charset="1252", encoding="USASCII", close=True, extra=""):
    body = (f"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:{encoding}\nCHARSET:{charset}\n"
            "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0"
            "<SEVERITY>INFO</STATUS><DTSERVER>20240102120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>\n"
            "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n<STMTRS><CURDEF>EUR\n"
            "<BANKACCTFROM><BANKID>123<ACCTID>456<ACCTTYPE>SAVINGS</BANKACCTFROM>\n"
            f"<BANKTRANLIST><DTSTART>20240101<DTEND>20240131\n{transactions}</BANKTRANLIST>\n"
            f"<LEDGERBAL><BALAMT>100.00<DTASOF>20240131</LEDGERBAL>\n</STMTRS></STMTTRNRS></BANKMSGSRSV1>{extra}\n")
    return body + ("</OFX>\n" if close else "")


def trn(amount, posted="20240105", fitid="1", name="Shop", memo="note", trntype="DEBIT"):
    return (f"<STMTTRN><TRNTYPE>{trntype}<DTPOSTED>{posted}<TRNAMT>{amount}<FITID>{fitid}"
            f"<NAME>{name}<MEMO>{memo}</STMTTRN>\n")


INVESTMENT_ONLY = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\nCOMPRESSION:NONE\n"
    "OLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>1<INVSTMTRS>"
    "<DTASOF>20240101<CURDEF>USD<INVACCTFROM><BROKERID>b.com<ACCTID>1</INVACCTFROM>"
    "</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>\n")


def camt(entries, version="08", balances=""):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.'
            f'{version}"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr><Stmt><Id>S1</Id>'
            f"<Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>{balances}{entries}"
            "</Stmt></BkToCstmrStmt></Document>")


def ntry(amount, indicator="DBIT", day="2024-01-05", extra="", details=""):
    return (f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
            f"<BookgDt><Dt>{day}</Dt></BookgDt>{extra}<NtryDtls><TxDtls>{details}</TxDtls></NtryDtls></Ntry>")


def bal(code, amount, indicator="CRDT"):
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{amount}</Amt>"
            f"<CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>2024-01-31</Dt></Dt></Bal>")


def zipped():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("statement.csv", "Date,Amount\n2024-01-01,1.00\n")
    return buffer.getvalue()


SPENDSENSE_CSV = (
    "id,date,account,category,payee,description,amount,currency,foreign_amount,foreign_currency,fx_rate,"
    "fx_rate_date,labels,report,status,transfer,external_id,created,modified,deleted\n"
    "1,2024-01-05 08:30:00,Cash,Food,'=cmd,Lunch,-12.50,EUR,,,,,work trip,,posted,,,2024-01-05 08:30:00,"
    "2024-01-05 08:30:00,\n"
    "2,2024-01-06 00:00:00,Cash,,,,-1.00,EUR,,,,,,,posted,,,2024-01-06 00:00:00,2024-01-06 00:00:00,"
    "2024-01-07 00:00:00\n")
XPENSER_CSV = (
    "pk,date,type,amount,currency,rawamount,rawcurrency,notes,tags,report,category,status,sourceid,created,"
    "modified\n7,2024-02-01 10:00:00,coffee,3.20,EUR,3.50,USD,flat white,,,,1,abc,2024-02-01 10:00:00,"
    "2024-02-01 10:00:00\n8,2024-02-02 10:00:00,salary,-100.00,EUR,-100.00,EUR,,,,,1,,2024-02-02 10:00:00,"
    "2024-02-02 10:00:00\n")

CASES = [
    # --- CSV: dates, decimals, signs, columns
    ("csv iso dates, signed amount", b"Date,Payee,Amount\n2024-01-05,Shop,-3.50\n2024-01-06,Pay,10\n", {},
     rows(("2024-01-05", "-3.50"), ("2024-01-06", "10"), first={"payee": "Shop", "line": 2})),
    ("csv day-first from a day past 12", b"Date,Amount\n13/01/2024,-1.00\n02/01/2024,-2.00\n", {},
     rows(("2024-01-13", "-1.00"), ("2024-01-02", "-2.00"), date_order=DAY_FIRST)),
    ("csv month-first from a day past 12", b"Date,Amount\n01/13/2024,-1.00\n01/02/2024,-2.00\n", {},
     rows(("2024-01-13", "-1.00"), ("2024-01-02", "-2.00"), date_order=MONTH_FIRST)),
    ("csv ambiguous dates are asked", b"Date,Amount\n03/04/2024,1.00\n", {},
     Refused("both day-first", error=AmbiguousDateOrder)),
    ("csv ambiguous dates forced day-first", b"Date,Amount\n03/04/2024,1.00\n", {"date_order": DAY_FIRST},
     rows(("2024-04-03", "1.00"))),
    ("csv ambiguous dates forced month-first", b"Date,Amount\n03/04/2024,1.00\n", {"date_order": MONTH_FIRST},
     rows(("2024-03-04", "1.00"))),
    ("csv two-digit years", b"Date,Amount\n13.01.24,-1,00\n", {}, rows(("2024-01-13", "-1.00"))),
    ("csv dotted dates are day-first", b"Datum;Betrag\n03.04.2024;1,00\n", {}, rows(("2024-04-03", "1.00"))),
    ("csv date with a time", b"Date,Amount\n2024-01-05 14:30:00,-1.00\n", {}, rows(("2024-01-05", "-1.00"))),
    ("csv text month dates", b"Date,Amount\n05 Jan 2024,-1.00\n", {}, rows(("2024-01-05", "-1.00"))),
    ("csv german decimals and thousands", b"Buchungstag;Verwendungszweck;Betrag;Saldo\n05.01.2024;Miete;-1.234,56;"
     b"8.765,44\n", {}, rows(("2024-01-05", "-1234.56"), first={"description": "Miete",
                                                                          "balance": D("8765.44")})),
    ("csv english thousands in quotes", b'Date,Amount\n2024-01-05,"1,234.56"\n', {},
     rows(("2024-01-05", "1234.56"))),
    ("csv decimal comma with comma delimiter, quoted", b'Date,Amount\n2024-01-05,"-12,50"\n', {},
     rows(("2024-01-05", "-12.50"))),
    ("csv debit and credit columns", b"Date,Description,Debit,Credit\n2024-01-05,Shop,12.50,\n2024-01-06,Pay,,100\n",
     {}, rows(("2024-01-05", "-12.50"), ("2024-01-06", "100"))),
    ("csv soll and haben", "Buchungstag;Empfänger;Soll;Haben\n05.01.2024;Laden;12,50;\n06.01.2024;Firma;;1.000,00\n"
     .encode("cp1252"), {}, rows(("2024-01-05", "-12.50"), ("2024-01-06", "1000.00"), first={"payee": "Laden"})),
    ("csv negative number in the debit column stays out", b"Date,Debit,Credit\n2024-01-05,-12.50,\n", {},
     rows(("2024-01-05", "-12.50"))),
    ("csv parentheses and trailing minus", b"Date;Amount\n2024-01-05;(12.50)\n2024-01-06;7.25-\n", {},
     rows(("2024-01-05", "-12.50"), ("2024-01-06", "-7.25"))),
    ("csv currency sign and code", "Date,Amount,Currency\n2024-01-05,€12.50,eur\n".encode(), {},
     rows(("2024-01-05", "12.50"), first={"currency": "EUR"}, currency="EUR")),
    ("csv utf-8 with BOM", "\ufeffDate,Payee,Amount\n2024-01-05,Café,-3.50\n".encode(), {},
     rows(("2024-01-05", "-3.50"), first={"payee": "Café"})),
    ("csv utf-16 with BOM, tabs", "Date\tPayee\tAmount\n2024-01-05\tCafé\t-3.50\n".encode("utf-16"), {},
     rows(("2024-01-05", "-3.50"), first={"payee": "Café"})),
    ("csv utf-16-le without BOM", "Date,Amount\n2024-01-05,-3.50\n".encode("utf-16-le"), {},
     rows(("2024-01-05", "-3.50"))),
    ("csv cp1252", "Date;Payee;Amount\n2024-01-05;Müller;-3,50\n".encode("cp1252"), {},
     rows(("2024-01-05", "-3.50"), first={"payee": "Müller"})),
    ("csv ukrainian headers, cp1251", "Дата;Опис;Сума;Баланс\n05.01.2024;Кава;-50,00;950,00\n".encode("cp1251"), {},
     rows(("2024-01-05", "-50.00"), first={"description": "Кава", "balance": D("950.00")})),
    ("csv bank preamble above the header", b"Account;DE12\nPeriod;January\n\nDate;Amount\n2024-01-05;-1,00\n", {},
     rows(("2024-01-05", "-1.00"), first={"line": 5})),
    ("csv reference and category", b"Date,Amount,Reference,Category\n2024-01-05,-1.00,X1,Food\n", {},
     rows(("2024-01-05", "-1.00"), first={"external_id": "X1", "category": "Food"})),
    ("csv newest-first balance is the first row's", b"Date,Amount,Balance\n2024-01-06,-1.00,9.00\n"
     b"2024-01-05,10.00,10.00\n", {}, rows(("2024-01-06", "-1.00"), ("2024-01-05", "10.00"))),
    ("csv amount with text names its line", b"Date,Amount\n2024-01-05,-1.00\n2024-01-06,abc\n", {},
     Refused("'abc' is not a number", line=3)),
    ("csv bad date names its line", b"Date,Amount\n2024-01-05,-1.00\n2024-13-45,1.00\n", {},
     Refused("not a date", line=3)),
    ("csv without known headers names the header row", b"Foo,Bar\n1,2\n", {}, Refused("first row reads 'Foo,Bar'",
                                                                                    line=1)),
    ("csv header without an amount column", b"Date,Payee\n2024-01-05,Shop\n", {},
     Refused("no an amount column", line=1)),
    ("csv row without an amount", b"Date,Debit,Credit\n2024-01-05,,\n", {}, Refused("no amount", line=2)),
    ("csv truncated inside a quoted cell", b'Date,Amount,Payee\n2024-01-05,1.00,"Shop"\n2024-01-06,2.00,"Sho', {},
     Refused("never closed", line=3)),
    ("csv header only", b"Date,Amount\n", {}, Refused("The date column is empty")),
    # --- SpendSense's own exports
    ("spendsense csv export round-trips, tombstone left out", SPENDSENSE_CSV.encode(), {},
     rows(("2024-01-05", "-12.50"), first={"payee": "=cmd", "description": "Lunch", "category": "Food",
                                             "account": "Cash", "labels": ("work", "trip")},
          format="spendsense-csv", currency="EUR")),
    ("xpenser csv export: amount is money out", XPENSER_CSV.encode(), {},
     rows(("2024-02-01", "-3.20"), ("2024-02-02", "100.00"),
          first={"payee": "coffee", "foreign_amount": D("-3.50"), "foreign_currency": "USD", "external_id": "abc"},
          format="xpenser-csv")),
    ("spendsense json export", b'[{"id": 1, "date": "2024-01-05 08:30:00", "account": "Cash", "amount": "-12.50", '
     b'"currency": "EUR", "payee": "Shop", "labels": ["a b"], "deleted": null}]', {},
     rows(("2024-01-05", "-12.50"), first={"labels": ("a b",)}, format="spendsense-json")),
    ("json numbers are read as decimals, never floats", b'[{"date": "2024-01-05", "amount": 0.1, "currency": "EUR"}]',
     {}, rows(("2024-01-05", "0.1"))),
    ("json truncated", b'[{"date": "2024-01-05",\n "amount": ', {}, Refused("truncated", line=2)),
    # --- QIF
    ("qif month-first", b"!Type:Bank\nD01/13/2024\nT-1.00\nPShop\n^\n", {},
     rows(("2024-01-13", "-1.00"), first={"payee": "Shop", "line": 2}, date_order=MONTH_FIRST)),
    ("qif day-first", b"!Type:Bank\nD13/01/2024\nT-1.00\n^\nD02/01/2024\nT-2.00\n^\n", {},
     rows(("2024-01-13", "-1.00"), ("2024-01-02", "-2.00"), date_order=DAY_FIRST)),
    ("qif ambiguous dates are asked", b"!Type:Bank\nD03/04/2024\nT-1.00\n^\n", {},
     Refused("both day-first", error=AmbiguousDateOrder)),
    ("qif ambiguous dates forced", b"!Type:Bank\nD03/04'24\nT-1.00\n^\n", {"date_order": DAY_FIRST},
     rows(("2024-04-03", "-1.00"))),
    ("qif bad date names its line", b"!Type:Bank\nD01/05/2024\nT-1.00\n^\nD02/30/2024\nT-1.00\n^\n", {},
     Refused("not a valid date", line=5)),
    ("qif no date", b"!Type:Bank\nT-1.00\nPShop\n^\n", {}, Refused("no date", line=2)),
    ("qif thousands separator", b"!Type:CCard\nD2024-01-05\nT-1,234.56\n^\n", {},
     rows(("2024-01-05", "-1234.56"), first={"account": None})),
    ("qif cash section, last ^ missing", b"!Type:Cash\nD2024-01-05\nT-2.00\nMbus", {},
     rows(("2024-01-05", "-2.00"), first={"memo": "bus"})),
    ("qif splits with a transfer", b"!Type:Bank\nD2024-01-05\nT-10.00\nL--Split--\nSFood\nElunch\n$-6.00\n"
     b"S[Savings]\n$-4.00\n^\n", {},
     rows(("2024-01-05", "-10.00"), first={"splits": (Split(D("-6.00"), "Food", "lunch"),
                                                      Split(D("-4.00"), transfer_account="Savings"))})),
    ("qif transfer row", b"!Type:Bank\nD2024-01-05\nT-10.00\nL[Savings]\n^\n", {},
     rows(("2024-01-05", "-10.00"), first={"transfer_account": "Savings", "category": None})),
    ("qif other liability with account header", b"!Account\nNLoan\nTOth L\n^\n!Type:Oth L\nD2024-01-05\nT100.00\n^\n",
     {}, rows(("2024-01-05", "100.00"), first={"account": "Loan"})),
    ("qif investment cash lines only", b"!Type:Invst\nD2024-01-05\nNXOut\nT50.00\n^\nD2024-01-06\nNDiv\nT3.00\n^\n"
     b"D2024-01-07\nNBuy\nYAAPL\nQ1\nT100.00\n^\n", {}, rows(("2024-01-05", "-50.00"), ("2024-01-06", "3.00"))),
    ("qif amount with text names its line", b"!Type:Bank\nD2024-01-05\nTten\n^\n", {}, Refused("not a number", line=3)),
    ("qif data before a header", b"!Option:AutoSwitch\nD2024-01-05\nT1\n^\n", {}, Refused("before any", line=2)),
    ("qif with only categories", b"!Type:Cat\nNFood\nE\n^\n", {}, Refused("no bank, cash")),
    # --- OFX
    ("ofx 1 sgml without closing element tags", ofx_v1(trn("-12.50", name="Caf&eacute;")).encode(), {},
     rows(("2024-01-05", "-12.50"), first={"payee": "Café", "external_id": "1"}, currency="EUR", warnings=())),
    ("ofx empty tag read leniently", ofx_v1(trn("-1.00", memo="")).encode(), {},
     rows(("2024-01-05", "-1.00"), first={"memo": None, "payee": "Shop"})),
    ("ofx odd DTSERVER read leniently",
     ofx_v1(trn("-1.00")).replace("20240102120000", "00000000000000[+2:EET]").encode(), {},
     rows(("2024-01-05", "-1.00"), first={"memo": "note"})),
    ("ofx time zone does not move the day", ofx_v1(trn("5.00", posted="20240105000000[+2:EET]")).encode(), {},
     rows(("2024-01-05", "5.00"))),
    ("qfx with Intuit tags", ofx_v1(trn("-4.00")).replace("<LANGUAGE>ENG", "<LANGUAGE>ENG<INTU.BID>3000").encode(),
     {}, rows(("2024-01-05", "-4.00"), first={"line": 17})),
    ("ofx cyrillic under CHARSET:1251", ofx_v1(trn("-2.00", name="Кава"), charset="1251").encode("cp1251"), {},
     rows(("2024-01-05", "-2.00"), first={"payee": "Кава"})),
    ("ofx decimal comma", ofx_v1(trn("-1,50")).encode(), {}, rows(("2024-01-05", "-1.50"))),
    ("ofx cp1252 under a utf-8 header", ofx_v1(trn("-2.00", name="Müller"), charset="NONE", encoding="UTF-8")
     .encode("cp1252"), {}, rows(("2024-01-05", "-2.00"), first={"payee": "Müller"})),
    ("ofx missing closing aggregate", ofx_v1(trn("-3.00")).replace("</BANKTRANLIST>", "").encode(), {},
     rows(("2024-01-05", "-3.00"))),
    ("ofx bad date names its line", ofx_v1(trn("-1.00", posted="2024XX05")).encode(), {},
     Refused("not a date", line=17)),
    ("ofx missing amount names its line", ofx_v1("<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240105<FITID>1</STMTTRN>\n")
     .encode(), {}, Refused("TRNAMT", line=17)),
    ("ofx truncated", ofx_v1(trn("-1.00"), close=False)[:-40].encode(), {}, Refused("truncated")),
    ("ofx investment account only", INVESTMENT_ONLY.encode(), {}, Refused("only an investment account")),
    # --- CAMT.053
    ("camt debit with creditor and remittance", camt(ntry("12.50", details="<Refs><EndToEndId>E2E-1</EndToEndId>"
     "</Refs><RltdPties><Cdtr><Pty><Nm>Shop</Nm></Pty></Cdtr></RltdPties><RmtInf><Ustrd>Invoice 7</Ustrd></RmtInf>"),
     balances=bal("OPBD", "100.00") + bal("CLBD", "87.50")).encode(), {},
     rows(("2024-01-05", "-12.50"), first={"payee": "Shop", "description": "Invoice 7", "external_id": "E2E-1"},
          currency="EUR")),
    ("camt credit, AcctSvcrRef wins, version 02", camt(ntry("5.00", "CRDT", extra="<AcctSvcrRef>R1</AcctSvcrRef>",
     details="<RltdPties><Dbtr><Nm>Payer</Nm></Dbtr></RltdPties>"), version="02").encode(), {},
     rows(("2024-01-05", "5.00"), first={"payee": "Payer", "external_id": "R1"})),
    ("camt NOTPROVIDED is no id", camt(ntry("1.00", details="<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"))
     .encode(), {}, rows(("2024-01-05", "-1.00"), first={"external_id": None})),
    ("camt bad booking date names the element", camt(ntry("1.00", day="2024-02-30")).encode(), {},
     Refused("Stmt\\[1\\]/Ntry\\[1\\]/BookgDt")),
    ("camt bad indicator", camt(ntry("1.00", indicator="X")).encode(), {}, Refused("CdtDbtInd")),
    ("camt entity expansion refused", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
     b"<Document><BkToCstmrStmt>&a;</BkToCstmrStmt></Document>", {}, Refused("entities or a DTD")),
    ("camt truncated", camt(ntry("1.00")).encode()[:-30], {}, Refused("truncated")),
    ("camt.054 refused", camt(ntry("1.00")).replace("camt.053", "camt.054").encode(), {},
     Refused("only camt.053")),
    ("other xml refused", b"<?xml version='1.0'?><html></html>", {}, Refused("neither OFX nor")),
    # --- files that are no statement
    ("empty", b"", {}, Refused("empty")),
    ("blank", b"  \n\n", {}, Refused("empty")),
    ("zip", zipped(), {}, Refused("ZIP archive")),
    ("binary", bytes(range(256)) * 4, {}, Refused("binary")),
    ("pdf", b"%PDF-1.4\n...", {}, Refused("PDF")),
    ("too large", b"Date,Amount\n" + b"2024-01-05,1.00\n" * 100, {"max_bytes": 1000}, Refused("at most 1,000")),
    ("too many rows", b"Date,Amount\n" + b"2024-01-05,1.00\n" * 11, {"max_rows": 10}, Refused("more than 10 rows",
                                                                                              line=12)),
]


@pytest.mark.parametrize("data, options, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_parse_case(data, options, expected):
    if isinstance(expected, Refused):
        with pytest.raises(expected.error, match=expected.match) as error:
            parse(data, "upload", options=ParseOptions(**options))
        if expected.line is not None:
            assert error.value.line == expected.line
        return
    statement = parse(data, "upload", options=ParseOptions(**options))
    assert tuple((row.date, row.amount) for row in statement.rows) == expected.rows
    for row in statement.rows:
        assert type(row.amount) is Decimal
    for name, value in expected.first.items():
        assert getattr(statement.rows[0], name) == value, name
    for name, value in expected.statement.items():
        assert getattr(statement, name) == value, name


def test_there_are_forty_cases_at_least():
    assert len(CASES) >= 40


def test_a_csv_dialect_can_be_changed_and_passed_back():
    data = b"Date;Betrag;Text\n03.04.2024;1,00;a\n"
    detected = parse(data).csv_dialect
    assert (detected.delimiter, detected.decimal, detected.date_format, detected.header_line) == (
        ";", ",", "%d.%m.%Y", 1)
    assert (detected.mapping.date, detected.mapping.amount, detected.mapping.description) == (0, 1, 2)
    changed = replace(detected, date_format="%m.%d.%Y", mapping=replace(detected.mapping, description=None,
                                                                        payee=2))
    (row,) = parse(data, options=ParseOptions(csv=changed)).rows
    assert (row.date, row.payee, row.description) == (date(2024, 3, 4), "a", None)


def test_an_ambiguous_csv_carries_its_dialect_for_the_screen():
    with pytest.raises(AmbiguousDateOrder) as error:
        parse(b"Date,Amount\n03/04/2024,1.00\n")
    assert error.value.choices == (DAY_FIRST, MONTH_FIRST)
    assert error.value.dialect.mapping.amount == 1


def test_ofx_with_an_investment_statement_beside_the_bank_one_keeps_the_bank_rows():
    investment = INVESTMENT_ONLY.split("<OFX>")[1].replace("</OFX>\n", "")
    statement = parse(ofx_v1(trn("-1.00"), extra=investment).encode())
    assert [row.amount for row in statement.rows] == [D("-1.00")]
    assert any("investment" in warning for warning in statement.warnings)


def test_camt_balances_and_account():
    statement = parse(camt(ntry("12.50"), balances=bal("OPBD", "100.00") + bal("CLBD", "87.50")).encode())
    assert (statement.opening_balance.amount, statement.balance.amount) == (D("100.00"), D("87.50"))
    assert (statement.account.iban, statement.account.currency) == ("DE02120300000000202051", "EUR")
    assert statement.balance.amount == statement.opening_balance.amount + sum(row.amount for row in statement.rows)
