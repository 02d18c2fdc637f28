"""Uploaded statement files waiting for the user's confirmation, and what the import
screens show of them.

A file stays on disk (``<folder>/<ledger id>/<token>.bin``, never in the session
cookie) from its upload until it is imported, cancelled or a day old. Beside it
``<token>.json`` holds what was decided so far (account, CSV dialect, date order) and
the state of the work on it, which a worker thread updates and the progress endpoint
reads; ``<token>.plan.json`` holds the preview: every row with its status.
"""

import csv
import io
import json
import os
import re
import secrets
import threading
import time
from pathlib import PurePath

from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import ACCOUNT_TYPES, Transaction
from spendsense.services.errors import NotFound
from spendsense.services.io import imports, profiles
from spendsense.services.io.parsers import ColumnMapping, CsvDialect
from spendsense.services.io.parsers.csv_files import detect_decimal
from spendsense.services.io.parsers.values import decode, sniff_encoding
from spendsense.services.ledger import accounts

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_LOCK = threading.Lock()  # the worker thread and the requests of this process share the files
_SUFFIXES = (".bin", ".json", ".plan.json", ".claim")
_DELIMITERS = (";", ",", "\t", "|")
_HEADER_SEARCH = 30


class PendingFiles:
    """The pending uploads under ``folder``, one directory per ledger."""

    def __init__(self, folder, *, max_age_seconds=86400):
        self.folder, self.max_age = folder, max_age_seconds

    def _path(self, ledger_id, token, suffix):
        if not isinstance(token, str) or not _TOKEN.match(token):
            raise NotFound("Upload not found")
        return os.path.join(self.folder, str(int(ledger_id)), token + suffix)

    def save(self, ledger_id, data, meta):
        token = secrets.token_urlsafe(24)
        os.makedirs(os.path.dirname(self._path(ledger_id, token, ".bin")), exist_ok=True)
        with open(self._path(ledger_id, token, ".bin"), "xb") as out:
            out.write(data)
        self._write(self._path(ledger_id, token, ".json"), {**meta, "created": time.time()})
        return token

    def data(self, ledger_id, token):
        try:
            with open(self._path(ledger_id, token, ".bin"), "rb") as source:
                return source.read()
        except FileNotFoundError:
            raise NotFound("Upload not found") from None

    def meta(self, ledger_id, token):
        return self._read(self._path(ledger_id, token, ".json"))

    def update(self, ledger_id, token, **changes):
        path = self._path(ledger_id, token, ".json")
        with _LOCK:
            meta = {**self._read(path), **changes}
            self._write(path, meta)
        return meta

    def plan(self, ledger_id, token):
        return self._read(self._path(ledger_id, token, ".plan.json"))

    def save_plan(self, ledger_id, token, summary):
        self._write(self._path(ledger_id, token, ".plan.json"), summary)

    def claim(self, ledger_id, token):
        """True for the first caller only: a double-clicked "Import" imports once."""
        try:
            os.close(os.open(self._path(ledger_id, token, ".claim"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def remove(self, ledger_id, token, suffixes=_SUFFIXES):
        """Remove the upload's files (``suffixes``: only these of them)."""
        for suffix in suffixes:
            try:
                os.remove(self._path(ledger_id, token, suffix))
            except FileNotFoundError:
                pass

    def sweep(self, now=None):
        """Remove every pending file older than the maximum age, of every ledger; the
        (ledger id, meta) of each upload removed, so the caller can undo what it made."""
        limit = (now or time.time()) - self.max_age
        expired = []
        if not os.path.isdir(self.folder):
            return expired
        for ledger_dir in os.scandir(self.folder):
            if not ledger_dir.is_dir() or not ledger_dir.name.isascii() or not ledger_dir.name.isdigit():
                continue
            for entry in os.scandir(ledger_dir.path):
                try:
                    if not entry.is_file() or entry.stat().st_mtime >= limit:
                        continue
                    if entry.name.endswith(".json") and not entry.name.endswith(".plan.json"):
                        expired.append((int(ledger_dir.name), self._read(entry.path)))
                    os.remove(entry.path)
                except (FileNotFoundError, NotFound, ValueError):  # swept meanwhile, or half written
                    pass
        return expired

    @staticmethod
    def _read(path):
        try:
            with open(path, encoding="utf-8") as source:
                return json.load(source)
        except FileNotFoundError:
            raise NotFound("Upload not found") from None

    @staticmethod
    def _write(path, value):
        partial = f"{path}.{threading.get_ident()}.tmp"
        with open(partial, "w", encoding="utf-8") as out:
            json.dump(value, out, ensure_ascii=False)
        os.replace(partial, path)  # readers never see half a file


def guess_dialect(ledger_id, data):
    """(dialect, profile name or None): a starting point for mapping a CSV file by hand
    when no header row has known names: the row a saved profile knows, with its
    mapping, else the first non-empty row as the header; None for an empty file."""
    text, encoding = decode(data, sniff_encoding(data))
    lines = text.splitlines()[:_HEADER_SEARCH]
    sample = "\n".join(lines)
    delimiter = max(_DELIMITERS, key=sample.count)
    table = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    rows = [(number, cells) for number, cells in enumerate(table, start=1) if any(c.strip() for c in cells)]
    if not rows:
        return None
    for number, cells in rows:
        profile = profiles.find_for_header(ledger_id, cells)
        if profile is not None:
            saved = profiles.dialect_of(profile)
            return CsvDialect(encoding=saved.encoding, delimiter=saved.delimiter, decimal=saved.decimal,
                              date_format=saved.date_format, header_line=number, header=tuple(cells),
                              mapping=saved.mapping), profile.name
    number, cells = rows[0]
    # The decimal mark the numbers below the header use (1.234,56 or 1,234.56), whichever
    # columns they are in: the delimiter alone guesses wrong for "-2.40;..." files.
    numbers = [cell for row_number, row in rows if row_number > number for cell in row
               if re.fullmatch(r"[-+(]?[\d.,' ]*\d[.,]\d+\)?-?", cell.strip())]
    return CsvDialect(encoding=encoding, delimiter=delimiter, decimal=detect_decimal(numbers, delimiter),
                      date_format="%Y-%m-%d", header_line=number, header=tuple(cells),
                      mapping=ColumnMapping()), None


def header_cells(data, dialect):
    """The cells of the dialect's header line, or None when the file is shorter."""
    found = _lines_after(data, dialect, dialect.header_line - 1, 1, skip_blank=False)
    return found[0] if found else None


def sample_rows(data, dialect, count=3):
    """The first ``count`` rows under the header, as the dialect reads them (for the mapping screen)."""
    return _lines_after(data, dialect, dialect.header_line, count)


def _lines_after(data, dialect, after, count, *, skip_blank=True):
    try:
        text, _encoding = decode(data, dialect.encoding)
    except ValueError:
        return []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter, quotechar=dialect.quotechar)
    found = []
    try:
        for cells in reader:
            if reader.line_num > after and (not skip_blank or any(cell.strip() for cell in cells)):
                found.append(cells)
                if len(found) >= count:
                    break
    except csv.Error:
        pass
    return found


def _tail(number):
    digits = re.sub(r"\W", "", number or "")
    return f" …{digits[-4:]}" if digits else ""


def create_account_from_file(ledger_id, statement, file_name):
    """A new account named, typed and in the currency as the statement says, opened so
    that after the import it holds the statement's balance."""
    info = statement.account
    currency = statement.currency or (info.currency if info else None) or accounts.ledger_currency(ledger_id)
    kind = info.kind if info and info.kind in ACCOUNT_TYPES else "bank"
    base = (info.name if info and info.name else None) or (
        f"{(info.type or 'Account').title()}{_tail(info.iban or info.number)}" if info and (info.number or info.iban)
        else PurePath(file_name or "Imported").stem[:80] or "Imported")
    name, suffix = base[:90], 2
    while accounts.find_by_name(ledger_id, name) is not None:
        name, suffix = f"{base[:90]} ({suffix})", suffix + 1
    opening = 0
    if statement.opening_balance is not None:
        opening = statement.opening_balance.amount
    elif statement.balance is not None:
        opening = statement.balance.amount - sum((row.amount for row in statement.rows), start=0)
    dates = [row.date for row in statement.rows]
    return accounts.create_account(ledger_id, name, type=kind, currency=currency.upper(),
                                   opening_balance=str(opening), opening_date=min(dates) if dates else None)


def summarize(ledger_id, import_plan):
    """The preview of an ImportPlan as plain JSON: counts, every row, and the existing
    rows that duplicates and matches point at."""
    match_ids = sorted({planned.match_id for planned in import_plan.rows if planned.match_id})
    matches = {}
    for start in range(0, len(match_ids), 500):
        for row in db.session.execute(select(Transaction.id, Transaction.occurred_at, Transaction.payee,
                                             Transaction.description, Transaction.amount)
                                      .where(Transaction.ledger_id == ledger_id,
                                             Transaction.id.in_(match_ids[start:start + 500]))):
            matches[str(row.id)] = {"date": row.occurred_at.date().isoformat(),
                                    "payee": row.payee or row.description or "", "amount": row.amount}
    rows = [{"index": planned.index, "line": planned.row.line, "date": planned.row.date.isoformat(),
             "payee": planned.row.payee or planned.row.description or planned.row.memo or "",
             "description": planned.row.description if planned.row.payee else None,
             "amount": planned.minor, "status": planned.status, "reason": planned.reason,
             "match": matches.get(str(planned.match_id)) if planned.match_id else None}
            for planned in import_plan.rows]
    return {"account_id": import_plan.account_id, "currency": import_plan.currency, "format": import_plan.format,
            "counts": import_plan.counts, "statement_balance": import_plan.statement_balance,
            "statement_balance_date": (import_plan.statement_balance_date.isoformat()
                                       if import_plan.statement_balance_date else None),
            "total_new": sum(row["amount"] for row in rows if row["status"] == imports.NEW),
            "rows": rows}


def shown_rows(summary, limit):
    """The rows the preview lists: all of them up to ``limit``; beyond that every
    duplicate and match (the rows worth a second look) and new rows up to the limit."""
    rows = summary["rows"]
    if len(rows) <= limit:
        return rows
    room = max(limit - sum(1 for row in rows if row["status"] != imports.NEW), 0)
    shown = []
    for row in rows:
        if row["status"] != imports.NEW:
            shown.append(row)
        elif room:
            shown.append(row)
            room -= 1
    return shown


def decisions(shown, ticked):
    """The user's flips, from the preview's "import" boxes: {index: "new" | "skip"}."""
    ticked = set(ticked)
    flips = {}
    for row in shown:
        wanted = row["index"] in ticked
        if wanted and row["status"] != imports.NEW:
            flips[row["index"]] = imports.NEW
        elif not wanted and row["status"] == imports.NEW:
            flips[row["index"]] = "skip"
    return flips


def batch_dates(ledger_id, batch_id):
    """(first, last) day of the rows a batch created, or (None, None): the transactions
    page's period for them."""
    first, last = db.session.execute(select(func.min(Transaction.occurred_at), func.max(Transaction.occurred_at))
                                     .where(Transaction.ledger_id == ledger_id,
                                            Transaction.import_batch_id == batch_id)).one()
    return (first.date(), last.date()) if first and last else (None, None)
