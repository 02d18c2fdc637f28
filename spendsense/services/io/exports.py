"""Streaming exports of transactions: CSV (csv module), JSON and QIF (quiffen).

Rows are read through a streaming cursor in batches (``yield_per``) as plain column
tuples, never as ORM objects, and each batch is written out before the next is read;
the query follows an index in its own order (date, or account then date for QIF), so
the database never sorts the whole ledger either: memory stays flat however many rows
a ledger has. Labels (and, for QIF, the other account of a transfer) are read once per
batch. ``rows_for`` reads on a connection of its own (services/snapshot.py), as the
body is written after the request's session is gone; each format's first chunk holds
the first batch, so running a stream to its first chunk runs its queries.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) get a leading apostrophe; numbers written by us stay numbers.
QIF is written by quiffen, one ``Account`` header per account and one ``Transaction``
per row (``to_qif``), as ``Qif.to_qif`` would write them all at once; deleted rows
(tombstones, exported only to clients syncing changes) have no place in QIF.
"""

import csv
import io
import json
from collections import namedtuple
from datetime import datetime
from functools import cache, partial

from quiffen import Account as QifAccount
from quiffen import AccountType
from quiffen import Category as QifCategory
from quiffen import Transaction as QifTransaction
from sqlalchemy import (
    ARRAY,
    BigInteger,
    String,
    and_,
    any_,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import aliased

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Category, Label, Report, Transaction, transaction_labels
from spendsense.services import snapshot

BATCH = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
QIF_DATE_FORMAT = "%m/%d/%Y"
QIF_TYPES = {"cash": AccountType.CASH, "credits": AccountType.CREDIT_CARD, "bank": AccountType.BANK,
             "mortgage": AccountType.OTH_L, "loans": AccountType.OTH_L, "other_liability": AccountType.OTH_L}
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
               "qif": "application/qif; charset=utf-8"}
FORMATS = tuple(MEDIA_TYPES)


def _as_stored(column):
    """A date or time column as the driver gives it: SQLite's text is sliced, not parsed
    into a datetime only to be written out again (PostgreSQL's drivers give datetimes)."""
    return type_coerce(column, String).label(column.key)


COLUMNS = (
    Transaction.id, _as_stored(Transaction.occurred_at), Transaction.amount, Transaction.payee,
    Transaction.description, Transaction.memo, Transaction.cheque_number, Transaction.status,
    Transaction.transfer_id, Transaction.foreign_amount, Transaction.foreign_currency,
    Transaction.fx_rate, _as_stored(Transaction.fx_rate_date), Transaction.external_id, Transaction.report_id,
    _as_stored(Transaction.deleted_at), _as_stored(Transaction.created_at), _as_stored(Transaction.updated_at),
    Transaction.category_id,
    Transaction.account_id, Account.name.label("account_name"), Account.currency,
    Account.type.label("account_type"), Category.name.label("category_name"),
    Category.value.label("category_value"), Report.name.label("report_name"),
)

ExportRow = namedtuple("ExportRow", [column.key for column in COLUMNS])
_make_row = partial(tuple.__new__, ExportRow)  # ExportRow._make without a Python frame per row

# The SpendSense CSV/JSON layout of the web export.
HEADER = ("id", "date", "account", "category", "payee", "description", "amount", "currency",
          "foreign_amount", "foreign_currency", "fx_rate", "fx_rate_date", "labels", "report",
          "status", "transfer", "external_id", "created", "modified", "deleted")


def batches(where, order_by, *, size=BATCH, connection=None):
    """Yield (rows, {transaction id: ((label id, name), ...)}) for the transactions
    matching ``where``, which must already scope them to one ledger; read on
    ``connection`` (by default the request session's)."""
    connection = connection or db.session.connection()
    query = (select(*COLUMNS).join(Account, Account.id == Transaction.account_id)
             .outerjoin(Category, Category.id == Transaction.category_id)
             .outerjoin(Report, Report.id == Transaction.report_id)
             .where(where).order_by(*order_by))
    # Core, not ORM, execution: plain rows, without the ORM's per-row loading machinery;
    # and named tuples, whose fields read ten times faster than a Row's attributes.
    # yield_per on this statement only: the label queries read their rows at once.
    # Closed with the generator: a client leaving mid-body leaves no server-side cursor open.
    with connection.execute(query, execution_options={"yield_per": size}) as result:
        for rows in result.partitions():
            records = list(map(_make_row, rows))
            yield records, _labels(connection, [record.id for record in records])


def one_of(column, ids, connection):
    """``column IN ids`` with the ids as one parameter (a JSON array on SQLite, an array on
    PostgreSQL): rendering thousands of separate parameters costs more than the query."""
    if connection.dialect.name == "postgresql":
        return column == any_(literal(ids, ARRAY(BigInteger)))
    return column.in_(select(literal_column("value")).select_from(func.json_each(json.dumps(ids))))


def _labels(connection, ids):
    found = {}
    for txn_id, label_id, name in connection.execute(
            select(transaction_labels.c.transaction_id, Label.id, Label.name)
            .join(Label, Label.id == transaction_labels.c.label_id)
            .where(one_of(transaction_labels.c.transaction_id, ids, connection)).order_by(Label.name)):
        found.setdefault(txn_id, []).append((label_id, name))
    return found


@cache
def _scale(currency):
    """(10 ** exponent, format of "-12.50") of a currency; None for one without decimals."""
    places = money.exponent(currency)
    return (10 ** places, f"{{}}{{}}.{{:0{places}d}}".format) if places else None


def decimal_text(minor, currency):
    """Minor units as exact decimal text ("-12.50"), without building a Decimal."""
    if minor is None:
        return ""
    scale = _scale(currency)
    if scale is None:
        return str(minor)
    whole, part = divmod(-minor if minor < 0 else minor, scale[0])
    return scale[1]("-" if minor < 0 else "", whole, part)


def timestamp(moment):
    """"YYYY-MM-DD HH:MM:SS" of a datetime, or of SQLite's stored text of one."""
    if moment is None:
        return ""
    if moment.__class__ is str:
        return moment[:19]
    return moment.isoformat(" ", "seconds")


def day_text(day):
    if day is None:
        return ""
    return day[:10] if day.__class__ is str else day.isoformat()


def as_datetime(moment):
    return datetime.fromisoformat(moment) if moment.__class__ is str else moment


def safe(text):
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text or ""


def csv_stream(header, batches_, record):
    """CSV text in chunks: a header row (in the first chunk, with the first batch), then
    ``record(row, labels)`` per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for rows, labels in batches_:
        writer.writerows(record(row, labels.get(row.id, ())) for row in rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # no rows at all: the header alone
        yield buffer.getvalue()


def json_stream(batches_, record):
    """A JSON array in chunks, one ``record(row, labels)`` object per row; the opening
    bracket comes with the first batch."""
    before = "["
    for rows, labels in batches_:
        if not rows:
            continue
        yield before + ", ".join(json.dumps(record(row, labels.get(row.id, ())), ensure_ascii=False)
                                 for row in rows)
        before = ", "
    yield "[]" if before == "[" else "]"


def spendsense_csv_record(row, labels):
    currency = row.currency
    return (row.id, timestamp(row.occurred_at), safe(row.account_name), safe(row.category_name),
            safe(row.payee), safe(row.description), decimal_text(row.amount, currency), currency,
            decimal_text(row.foreign_amount, row.foreign_currency or currency), row.foreign_currency or "",
            row.fx_rate or "", day_text(row.fx_rate_date),
            safe(" ".join(name for _id, name in labels)), safe(row.report_name), row.status,
            row.transfer_id or "", safe(row.external_id), timestamp(row.created_at),
            timestamp(row.updated_at), timestamp(row.deleted_at))


def spendsense_json_record(row, labels):
    currency = row.currency
    return {
        "id": row.id, "date": timestamp(row.occurred_at), "account": row.account_name,
        "category": row.category_name, "payee": row.payee, "description": row.description,
        "amount": decimal_text(row.amount, currency), "currency": currency,
        "foreign_amount": decimal_text(row.foreign_amount, row.foreign_currency) or None,
        "foreign_currency": row.foreign_currency, "fx_rate": row.fx_rate,
        "fx_rate_date": day_text(row.fx_rate_date) or None,
        "labels": [name for _id, name in labels], "report": row.report_name, "status": row.status,
        "transfer": row.transfer_id, "external_id": row.external_id,
        "created": timestamp(row.created_at), "modified": timestamp(row.updated_at),
        "deleted": timestamp(row.deleted_at) or None,
    }


def _one_line(text):
    """QIF is line-based: a line break inside a field would start a new field."""
    return " ".join(text.split()) if text else None


def qif_account_name(name):
    """An account name as QIF can carry it: "/" would start a class in a transfer's L[...]."""
    return _one_line(name).replace("/", "-")


@cache
def _qif_category(name):
    # ":" separates sub-categories and "/" a class in QIF; neither belongs to a name.
    return QifCategory(name=name.replace(":", "-").replace("/", "-"))


def _partners(connection, rows):
    """{transaction id: name of the account holding the other leg} for the batch's transfers."""
    wanted = {row.transfer_id: row.id for row in rows if row.transfer_id}
    if not wanted:
        return {}
    other, account = aliased(Transaction), aliased(Account)
    found = connection.execute(select(other.id, account.name).join(account, account.id == other.account_id)
                               .where(other.id.in_(wanted)))
    return {wanted[other_id]: name for other_id, name in found}


def qif_stream(batches_):
    """QIF text in chunks, from ``account_batches``' (rows, partners)."""
    account_id = None
    for rows, partners in batches_:
        parts = []
        for row in rows:
            if row.deleted_at is not None:
                continue
            if row.account_id != account_id:
                account_id = row.account_id
                kind = QIF_TYPES.get(row.account_type, AccountType.OTH_A)
                header = QifAccount(name=qif_account_name(row.account_name), account_type=kind).to_qif()
                parts.append(f"{header}^\n!Type:{kind.value}\n")
            item = QifTransaction(
                date=as_datetime(row.occurred_at), amount=money.from_minor(row.amount, row.currency),
                payee=_one_line(row.payee), memo=_one_line(row.description),
                category=_qif_category(row.category_name) if row.category_name else None,
                check_number=_one_line(row.cheque_number), cleared="*" if row.status == "posted" else None,
                to_account=qif_account_name(partners[row.id]) if row.id in partners else None)
            parts.append(item.to_qif(date_format=QIF_DATE_FORMAT) + "^\n")
        if parts:
            yield "".join(parts)


def stream(fmt, batches_, *, csv_header=HEADER, csv_record=spendsense_csv_record,
           json_record=spendsense_json_record):
    """The chunks of an export in ``fmt`` (csv, json or qif)."""
    if fmt == "csv":
        return csv_stream(csv_header, batches_, csv_record)
    if fmt == "json":
        return json_stream(batches_, json_record)
    if fmt == "qif":
        return qif_stream(batches_)
    raise ValueError(f"unknown export format {fmt!r}")


DATE_ORDER = (Transaction.occurred_at, Transaction.id)


def account_batches(ledger_id, where, *, size=BATCH, connection=None):
    """(rows, {transaction id: other leg's account name}) account by account, each by
    date, as QIF groups them. One query per account reads the (account, date) index in
    order; one ORDER BY account over the ledger would make the database sort every row
    first, in memory that grows with the ledger."""
    connection = connection or db.session.connection()
    # Deleted accounts too (not scope.owned): a delta-sync ``where`` asks for their tombstones.
    account_ids = connection.scalars(
        select(Account.id).where(Account.ledger_id == ledger_id).order_by(Account.id)).all()
    for account_id in account_ids:
        for rows, _labels in batches(and_(where, Transaction.account_id == account_id), DATE_ORDER, size=size,
                                     connection=connection):
            yield rows, _partners(connection, rows)


def rows_for(fmt, ledger_id, where, order_by=DATE_ORDER):
    """The batches an export in ``fmt`` reads (by ``order_by``, or per account for QIF),
    on a connection of the stream's own, closed with the generator."""
    with snapshot.reading() as connection:
        if fmt == "qif":
            yield from account_batches(ledger_id, where, connection=connection)
        else:
            yield from batches(where, order_by, connection=connection)
