"""OFX 1.x (SGML), OFX 2.x (XML) and QFX bank and credit-card statements.

ofxtools reads a well-formed file (header, tag soup, types). Real banks send files it
rightly refuses (empty tags, odd DTSERVER values, aggregates left open, CP1252 text
under a UTF-8 header); those are read again by a lenient scan of the tags, which keeps
only what an import needs, and the statement carries a warning saying so.

Dates are taken from the file's text, not from ofxtools' datetimes: those are moved to
UTC, which would put a row posted at 00:00 [+2:EET] on the day before.
"""

import html
import io
import re
import warnings
from dataclasses import dataclass, field, replace
from datetime import date

from ofxtools.Parser import OFXTree

from spendsense.services.io.parsers.statement import (
    AccountInfo,
    Balance,
    ParsedRow,
    ParsedStatement,
    ParseError,
)
from spendsense.services.io.parsers.values import decode, parse_decimal

_TAG = re.compile(r"<(/?)([A-Za-z0-9_.]+)>([^<]*)")
_CHARSET = re.compile(r"CHARSET:\s*([A-Za-z0-9_-]+)|encoding=[\"']([A-Za-z0-9_-]+)", re.IGNORECASE)
ACCOUNT_TYPES = {"CREDITLINE": "credits", "CREDITCARD": "credits"}
TXN_FIELDS = {"TRNTYPE", "DTPOSTED", "DTUSER", "TRNAMT", "FITID", "NAME", "MEMO", "CHECKNUM", "SIC", "PAYEEID",
              "REFNUM", "SRVRTID", "CORRECTFITID", "CORRECTACTION", "DTAVAIL", "PAYEE", "ADDR1", "ADDR2",
              "ADDR3", "CITY", "STATE", "POSTALCODE", "COUNTRY", "PHONE", "CURRENCY", "ORIGCURRENCY", "CURRATE",
              "CURSYM", "EXTDNAME", "BANKACCTTO", "CCACCTTO", "BANKID", "BRANCHID", "ACCTID", "ACCTTYPE",
              "ACCTKEY", "INV401KSOURCE", "IMAGEDATA"}


@dataclass
class _Statement:
    kind: str
    line: int
    fields: dict = field(default_factory=dict)         # CURDEF, BANKID, ACCTID, ACCTTYPE, DTSTART, DTEND
    balance: dict = field(default_factory=dict)        # BALAMT, DTASOF of LEDGERBAL
    transactions: list = field(default_factory=list)   # (line, {tag: text})


# ofxtools builds an object per element: about 54 µs and 4 KB a transaction (a
# 100,000-row file took 7.4 s and 630 MB). Above this many rows the scan, which already
# checks every amount and date with its line, reads the file alone (150,000 rows/s).
STRICT_MAX_ROWS = 10_000


def _line_of(text, offset):
    return text.count("\n", 0, offset) + 1


class _Lines:
    """Line numbers of increasing offsets, counting each stretch of text once."""

    def __init__(self, text):
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset):
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def scan(text):
    """(statements, investment statement count) from the tags of an OFX text, whatever
    its closing tags: an aggregate left open ends where the next one starts."""
    statements, investments = [], 0
    statement = transaction = None
    context = None
    lines = _Lines(text)
    for match in _TAG.finditer(text):
        closing, tag, value = match.group(1), match.group(2).upper(), html.unescape(match.group(3)).strip()
        if tag in ("STMTRS", "CCSTMTRS") and not closing:
            statement = _Statement("credits" if tag == "CCSTMTRS" else "bank", lines.at(match.start()))
            statements.append(statement)
            transaction, context = None, None
            continue
        if tag in ("STMTRS", "CCSTMTRS", "INVSTMTRS") and closing:
            statement = transaction = context = None
            continue
        if tag == "INVSTMTRS":
            investments += 1
            statement = transaction = context = None
            continue
        if statement is None or closing:
            if closing and tag in ("STMTTRN", "LEDGERBAL", "AVAILBAL"):
                transaction = context = None
            continue
        if tag == "STMTTRN":
            transaction = {}
            statement.transactions.append((lines.at(match.start()), transaction))
            context = "txn"
        elif context == "txn" and tag in TXN_FIELDS:
            if tag == "NAME" and "NAME" in transaction:
                continue
            transaction[tag] = value or None
        elif tag in ("LEDGERBAL", "AVAILBAL"):
            context, transaction = tag, None
        elif context == "LEDGERBAL" and tag in ("BALAMT", "DTASOF"):
            statement.balance[tag] = value or None
        elif tag in ("CURDEF", "BANKID", "ACCTID", "ACCTTYPE", "DTSTART", "DTEND") and context != "AVAILBAL":
            statement.fields.setdefault(tag, value or None)
    return statements, investments


def _amount(text, line, what):
    if text is None:
        raise ParseError(f"<{what}> is missing or empty.", line=line)
    decimal = "," if "," in text and "." not in text else "."
    return parse_decimal(text, decimal, what=f"<{what}>", line=line)


def _day(text, line, what):
    digits = (text or "").strip()[:8]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ParseError(f"<{what}> {text!r} is not a date (YYYYMMDD...).", line=line) from None


def _row(line, fields, options, count):
    if count >= options.max_rows:
        raise ParseError(f"The file has more than {options.max_rows} rows.", line=line)
    if not fields.get("DTPOSTED"):
        raise ParseError("<STMTTRN> has no <DTPOSTED>.", line=line)
    return ParsedRow(date=_day(fields["DTPOSTED"], line, "DTPOSTED"),
                     amount=_amount(fields.get("TRNAMT"), line, "TRNAMT"), line=line,
                     payee=fields.get("NAME") or fields.get("EXTDNAME"), memo=fields.get("MEMO"),
                     external_id=fields.get("FITID"), cheque_number=fields.get("CHECKNUM"), status="posted")


def _strict(data):
    """ofxtools' reading, as a list of _Statement: raises whatever ofxtools raises."""
    tree = OFXTree()
    with warnings.catch_warnings():
        # Its warnings (unknown tags, over-long strings) are about the bank's file, not ours.
        warnings.simplefilter("ignore")
        tree.parse(io.BytesIO(data))
        ofx = tree.convert()
    found = []
    for model in ofx.statements:
        kind = type(model).__name__
        if kind not in ("STMTRS", "CCSTMTRS"):
            continue
        account = model.account
        statement = _Statement("credits" if kind == "CCSTMTRS" else "bank", 0)
        statement.fields = {"CURDEF": model.curdef, "ACCTID": account.acctid,
                            "BANKID": getattr(account, "bankid", None), "ACCTTYPE": getattr(account, "accttype", None)}
        if model.ledgerbal is not None:
            statement.balance = {"BALAMT": str(model.ledgerbal.balamt)}
        found.append((statement, model))
    return found


def parse(data, options):
    declared = _CHARSET.search(data[:1000].decode("ascii", "replace"))
    charset = next((name for name in declared.groups() if name), None) if declared else None
    charset = (charset or "").upper()
    fallback = "cp" + charset if charset.isdigit() else {"ISO-8859-1": "latin-1", "NONE": None}.get(charset, charset)
    text, encoding = decode(data, None, fallbacks=tuple(name for name in (fallback, "cp1252") if name))
    if not re.search(r"</OFX>", text, re.IGNORECASE):
        raise ParseError("The OFX file has no closing </OFX>: it is truncated.", line=_line_of(text, len(text)))
    scanned, investments = scan(text)
    notes = []
    strict = None
    if sum(len(statement.transactions) for statement in scanned) > STRICT_MAX_ROWS:
        notes.append(f"More than {STRICT_MAX_ROWS:,} rows: read by the tag scanner alone.")
    else:
        try:
            strict = _strict(data)
        except Exception as error:  # noqa: BLE001 - any refusal of ofxtools means: read leniently
            notes.append(f"ofxtools could not read the file ({type(error).__name__}: {error}); "
                         "it was read leniently.")
    if not scanned:
        if investments:
            raise ParseError("This OFX file holds only an investment account (INVSTMTRS); only bank and "
                             "credit-card statements can be imported.")
        raise ParseError("The OFX file holds no bank or credit-card statement (STMTRS or CCSTMTRS).")
    if investments:
        notes.append(f"{investments} investment statement(s) in the file were left out.")
    if strict is not None and [len(model.banktranlist or ()) for _s, model in strict] != [
            len(statement.transactions) for statement in scanned]:
        strict = None
        notes.append("ofxtools and the lenient scan found different rows; the scan's were kept.")
    if strict is not None:
        # ofxtools' values (typed, validated); the scan's lines and calendar dates.
        for statement, (checked, model) in zip(scanned, strict, strict=True):
            statement.fields = {**statement.fields, **{k: v for k, v in checked.fields.items() if v}}
            statement.balance = {**statement.balance, **checked.balance}
            for (_line, fields), item in zip(statement.transactions, model.banktranlist or (), strict=True):
                fields["TRNAMT"] = str(item.trnamt)
    rows, accounts, balance = [], [], None
    several = len(scanned) > 1
    for statement in scanned:
        info = statement.fields
        account_type = (info.get("ACCTTYPE") or ("CREDITCARD" if statement.kind == "credits" else None))
        account = AccountInfo(number=info.get("ACCTID"), bank_id=info.get("BANKID"), type=account_type,
                              kind=ACCOUNT_TYPES.get(account_type or "", statement.kind),
                              currency=(info.get("CURDEF") or "").upper() or None)
        accounts.append(account)
        for line, fields in statement.transactions:
            row = _row(line, fields, options, len(rows))
            rows.append(replace(row, account=account.number) if several else row)
        if balance is None and statement.balance.get("BALAMT"):
            asof = statement.balance.get("DTASOF")
            balance = Balance(amount=_amount(statement.balance["BALAMT"], statement.line, "BALAMT"),
                              date=_day(asof, statement.line, "DTASOF") if asof else None,
                              currency=account.currency)
    first = scanned[0].fields
    start = _day(first["DTSTART"], scanned[0].line, "DTSTART") if first.get("DTSTART") and not several else None
    end = _day(first["DTEND"], scanned[0].line, "DTEND") if first.get("DTEND") and not several else None
    if encoding not in ("utf-8", "utf-8-sig") and strict is None:
        notes.append(f"Read as {encoding}.")
    return ParsedStatement(format="ofx", rows=tuple(rows), account=accounts[0], accounts=tuple(accounts),
                           currency=accounts[0].currency, balance=balance, start_date=start, end_date=end,
                           warnings=tuple(notes))
