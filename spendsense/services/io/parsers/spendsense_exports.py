"""SpendSense's own exports read back, so an export round-trips: the web export's CSV and
JSON (``exports.HEADER``), and the Xpenser dialect's CSV and JSON (``amount`` is the
money that went out there, so its sign is turned). Deleted rows (tombstones, written
only for clients syncing changes) are left out. The CSV writer put an apostrophe
before text a spreadsheet would run as a formula; it is taken off again."""

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

from spendsense import jsonio
from spendsense.services.io.exports import FORMULA_STARTS, HEADER
from spendsense.services.io.parsers.statement import (
    AccountInfo,
    ParsedRow,
    ParsedStatement,
    ParseError,
)
from spendsense.services.io.parsers.values import parse_decimal

# spendsense/api/xpenser/serializers.CSV_HEADER (services do not import the API; a test
# checks the two are the same).
XPENSER_HEADER = ("pk", "date", "type", "amount", "currency", "rawamount", "rawcurrency", "notes", "tags",
                  "report", "category", "status", "sourceid", "created", "modified")


def _unsafe(text):
    if text and text.startswith("'") and text[1:2] and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def _text(value):
    value = _unsafe(str(value).strip()) if value is not None else ""
    return value or None


def _moment(value, where):
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ParseError(f"{value!r} is not a date and time (YYYY-MM-DD HH:MM:SS).", **where) from None
    return moment.date(), moment.time()


def _number(value, where, what="amount"):
    return parse_decimal(None if value is None else str(value), ".", what=what, **where)


def _spendsense_row(record, where, ids):
    amount = _number(record.get("amount"), where)
    if amount is None:
        raise ParseError("The row has no amount.", **where)
    when, time = _moment(record.get("date"), where)
    labels = record.get("labels") or ()
    if isinstance(labels, str):
        labels = labels.split()
    transfer = record.get("transfer")
    return ParsedRow(
        date=when, time=time, amount=amount, payee=_text(record.get("payee")),
        description=_text(record.get("description")), category=_text(record.get("category")),
        account=_text(record.get("account")), currency=_text(record.get("currency")),
        foreign_amount=_number(record.get("foreign_amount"), where, "foreign_amount"),
        foreign_currency=_text(record.get("foreign_currency")), labels=tuple(str(label) for label in labels),
        status=_text(record.get("status")), external_id=_text(record.get("external_id")),
        transfer_account=ids.get(str(transfer)) if transfer not in (None, "") else None, line=where.get("line"))


def _xpenser_row(record, where):
    fields = record.get("fields", record)
    amount = _number(fields.get("amount"), where)
    if amount is None:
        raise ParseError("The row has no amount.", **where)
    when, time = _moment(fields.get("date"), where)
    currency, raw_currency = _text(fields.get("currency")), _text(fields.get("rawcurrency"))
    foreign = raw_currency if raw_currency and currency and raw_currency != currency else None
    raw = _number(fields.get("rawamount"), where, "rawamount") if foreign else None
    tags = fields.get("tags") or ()
    return ParsedRow(date=when, time=time, amount=-amount, payee=_text(fields.get("type")),
                     description=_text(fields.get("notes")), external_id=_text(fields.get("sourceid")),
                     currency=currency, foreign_amount=-raw if raw is not None else None, foreign_currency=foreign,
                     labels=tuple(str(tag) for tag in (tags.split() if isinstance(tags, str) else tags)),
                     line=where.get("line"))


def _statement(fmt, rows):
    accounts, currencies = {}, {row.currency for row in rows}
    for row in rows:
        if row.account and row.account not in accounts:
            accounts[row.account] = AccountInfo(name=row.account, currency=row.currency)
    dates = [row.date for row in rows]
    infos = tuple(accounts.values())
    return ParsedStatement(format=fmt, rows=tuple(rows), account=infos[0] if len(infos) == 1 else None,
                           accounts=infos, currency=currencies.pop() if len(currencies) == 1 else None,
                           start_date=min(dates, default=None), end_date=max(dates, default=None))


def _limit(rows, options, where):
    if len(rows) >= options.max_rows:
        raise ParseError(f"The file has more than {options.max_rows} rows.", **where)


def parse_csv(text, options):
    """The rows of a SpendSense or Xpenser CSV export, or None for any other CSV."""
    first = text.split("\n", 1)[0].strip().split(",")
    header = tuple(cell.strip() for cell in first)
    if header not in (HEADER, XPENSER_HEADER):
        return None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    records, start = [], 2
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ParseError(f"The CSV file cannot be read: {error}.", line=reader.line_num) from None
    rows = []
    if header == HEADER:
        names = {record["id"]: _text(record.get("account")) for _n, record in records}
        for number, record in records:
            if not record.get("deleted"):
                _limit(rows, options, {"line": number})
                rows.append(_spendsense_row(record, {"line": number}, names))
        return _statement("spendsense-csv", rows)
    for number, record in records:
        if record.get("status") != "0":
            _limit(rows, options, {"line": number})
            rows.append(_xpenser_row(record, {"line": number}))
    return _statement("xpenser-csv", rows)


def parse_json(data, options):
    """A SpendSense or Xpenser JSON export (an array of objects)."""
    try:
        text = data.decode("utf-8-sig")
        jsonio.check_depth(text)
        items = json.loads(text, parse_float=Decimal)  # never a float
    except UnicodeDecodeError:
        raise ParseError("The JSON file is not UTF-8 text.") from None
    except jsonio.TooDeep as exc:
        raise ParseError(str(exc)) from None
    except json.JSONDecodeError as error:
        raise ParseError(f"The JSON file cannot be read ({error.msg}); it may be truncated.",
                         line=error.lineno) from None
    if isinstance(items, dict):
        items = items.get("transactions", items.get("objects", items.get("results")))
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ParseError("The JSON file is not a SpendSense export: it must be an array of transactions.")
    if not items:
        raise ParseError("The JSON export holds no transactions.")
    rows = []
    xpenser = "fields" in items[0]
    names = {} if xpenser else {str(item.get("id")): _text(item.get("account")) for item in items}
    for index, item in enumerate(items, 1):
        where = {"element": f"item {index}"}
        if xpenser:
            if item.get("fields", {}).get("status") != 0:
                _limit(rows, options, where)
                rows.append(_xpenser_row(item, where))
        elif not item.get("deleted"):
            if "amount" not in item or "date" not in item:
                raise ParseError("The item has no date or amount: not a SpendSense export.", **where)
            _limit(rows, options, where)
            rows.append(_spendsense_row(item, where, names))
    return _statement("xpenser-json" if xpenser else "spendsense-json", rows)
