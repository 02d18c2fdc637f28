"""Restoring a backup into an empty database migrated to the backup's revision.

Everything happens in one write transaction: the checks (migrated, same revision,
empty), the rows table by table in dependency order (``db.metadata.sorted_tables``),
the id sequences on PostgreSQL, and the attached files, each checked against its
SHA-256 before it is stored. Any failure rolls the whole restore back. A file stored
before a later failure stays on disk unnamed, which costs space but loses nothing.
"""

import hashlib
import heapq
import io
import zipfile
from itertools import groupby

from sqlalchemy import bindparam, delete, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from spendsense.extensions import db
from spendsense.models import Attachment, Category
from spendsense.services.backup import BackupError, codec
from spendsense.services.backup.dump import BATCH, DOCUMENT, FILES, Summary, schema_revision
from spendsense.services.files import storage
from spendsense.services.uow import write_transaction

_DIGEST_COLUMNS = ("digest", "large_digest", "thumb_digest")


def restore(path):
    """Restore the backup at ``path``; its Summary. BackupError when it cannot be done
    (nothing is written then)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        raise BackupError(f"{path} is not a SpendSense backup (not a ZIP archive).") from None
    with archive:
        if DOCUMENT not in archive.namelist():
            raise BackupError(f"{path} is not a SpendSense backup (it holds no {DOCUMENT}).")
        try:
            with archive.open(DOCUMENT) as raw:
                parts = codec.read_document(io.TextIOWrapper(raw, encoding="utf-8", newline="\n"))
                header = _header(next(parts))
                return _restore(archive, header, parts)
        except (zipfile.BadZipFile, UnicodeDecodeError, EOFError) as exc:
            raise BackupError(f"{path} is damaged ({exc}); nothing was restored.") from None


def _header(part):
    _kind, header = part
    if not isinstance(header, dict) or header.get("format") != codec.FORMAT:
        raise BackupError("This is not a SpendSense backup (its document names another format).")
    if header.get("format_version") != codec.FORMAT_VERSION:
        raise BackupError(f"This backup is in format version {header.get('format_version')!r}; "
                          f"this SpendSense reads version {codec.FORMAT_VERSION}.")
    files, missing = header.get("files"), header.get("missing_files")
    if not (isinstance(header.get("alembic_revision"), str) and isinstance(files, list)
            and isinstance(missing, list) and all(isinstance(entry, dict) for entry in files)):
        raise BackupError("This backup's header is damaged.")
    return header


def _restore(archive, header, parts):
    summary = Summary(revision=header["alembic_revision"], created_at=header.get("created_at", ""),
                      missing_files=list(header["missing_files"]))
    try:
        with write_transaction() as session:
            connection = session.connection()
            _check_target(connection, summary.revision)
            # The migration seeds the system categories; the backup brings its own, ids kept.
            connection.execute(delete(Category).where(Category.ledger_id.is_(None)))
            named = _load_tables(connection, parts, summary)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
            _store_files(archive, header["files"], named - set(summary.missing_files), summary)
    except DBAPIError as exc:
        raise BackupError(f"The backup could not be restored, nothing was written: {exc.orig}") from None
    return summary


def _check_target(connection, revision):
    if not inspect(connection).has_table("alembic_version"):
        raise BackupError("The database has no schema yet: run `flask db upgrade` first, then restore.")
    current = schema_revision(connection)
    if current != revision:
        raise BackupError(f"The backup is of schema revision {revision} and the database is at {current}: "
                          f"restore into a database migrated to {revision} (`flask db upgrade {revision}`), "
                          f"then upgrade it.")
    filled = []
    for table in db.metadata.sorted_tables:
        rows = select(1).select_from(table).limit(1)
        if table is Category.__table__:
            rows = rows.where(table.c.ledger_id.is_not(None))
        if connection.execute(rows).first() is not None:
            filled.append(table.name)
    if filled:
        raise BackupError(f"The database is not empty (rows in {', '.join(filled)}): restore only into a new "
                          f"database, made with `flask db upgrade` and nothing else.")


def _load_tables(connection, parts, summary):
    """Insert every table's rows; the file digests the attachments name."""
    tables = {table.name: table for table in db.metadata.sorted_tables}
    named, table, loader, batch = set(), None, None, []
    for part in parts:
        if part[0] == "table":
            if table is not None:
                _finish(connection, table, batch, loader)
            table, loader = _start(tables, part[1], part[2], summary)
            batch = []
        elif table is None:
            raise BackupError("The backup's document has a row before any table.")
        else:
            row = loader.row(part[1])
            if table is Attachment.__table__:
                named.update(row[name] for name in _DIGEST_COLUMNS if row[name] is not None)
            batch.append(row)
            if len(batch) >= BATCH:
                loader.insert(connection, batch)
                batch = []
    if table is not None:
        _finish(connection, table, batch, loader)
    left_out = [name for name in tables if name not in summary.rows]
    if left_out:
        raise BackupError(f"The backup holds no table {', '.join(left_out)}: it is incomplete.")
    return named


def _start(tables, name, columns, summary):
    table = tables.get(name)
    if table is None or name in summary.rows:
        raise BackupError(f"The backup holds a table {name!r} this schema has not (or holds it twice).")
    if sorted(columns) != sorted(table.columns.keys()):
        raise BackupError(f"The backup's table {name} has other columns than this schema's.")
    summary.rows[name] = 0
    return table, _TableLoader(table, columns, summary)


def _finish(connection, table, batch, loader):
    loader.insert(connection, batch)
    loader.apply_pending(connection, last=True)


class _TableLoader:
    """Decodes one table's rows and inserts them in batches.

    A row may point at a later row of its own table (a transfer's first leg at its
    second); that reference is written NULL, then set once the row it names is in.
    Rows come in primary-key order, so a reference below the row's own key is in
    already, and the ones waiting are kept only until their target arrives.
    """

    def __init__(self, table, columns, summary):
        self.table, self.columns, self.summary = table, columns, summary
        self.kinds = [codec.kind_of(table.columns[name]) for name in columns]
        self.self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
        self.key = table.primary_key.columns.values()[0].name if self.self_refs else None
        self.pending = []  # heap of (target id, column, row id)

    def row(self, values):
        if len(values) != len(self.columns):
            raise BackupError(f"A row of {self.table.name} in the backup has {len(values)} values, "
                              f"not {len(self.columns)}.")
        row = {}
        for name, kind, value in zip(self.columns, self.kinds, values, strict=True):
            try:
                row[name] = codec.decode(kind, value)
            except ValueError as exc:
                raise BackupError(f"{self.table.name}.{name} in the backup: {exc}.") from None
        for name in self.self_refs:
            target = row[name]
            if target is not None and target >= row[self.key]:
                heapq.heappush(self.pending, (target, name, row[self.key]))
                row[name] = None
        return row

    def insert(self, connection, batch):
        if not batch:
            return
        connection.execute(self.table.insert(), batch)
        self.summary.rows[self.table.name] += len(batch)
        if self.self_refs:
            self.apply_pending(connection, up_to=batch[-1][self.key])

    def apply_pending(self, connection, *, up_to=None, last=False):
        if not self.pending:
            return
        ready = []
        while self.pending and (last or self.pending[0][0] <= up_to):
            ready.append(heapq.heappop(self.pending))
        ready.sort(key=lambda item: item[1])
        key = self.table.c[self.key]
        # Set to themselves, so "updated_at"'s onupdate default keeps the restored value.
        unchanged = {column.name: column for column in self.table.columns if column.onupdate is not None}
        for name, items in groupby(ready, key=lambda item: item[1]):
            connection.execute(
                update(self.table).where(key == bindparam("b_row"))
                .values({**unchanged, name: bindparam("b_target")}),
                [{"b_row": row_id, "b_target": target} for target, _name, row_id in items])


def _reset_sequences(connection):
    """Point each id sequence past the restored ids, as inserting them one by one would."""
    for table in db.metadata.sorted_tables:
        keys = table.primary_key.columns.values()
        if len(keys) != 1:
            continue
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                     {"table": table.name, "column": keys[0].name})
        if sequence is None:
            continue
        highest = connection.scalar(select(func.max(keys[0])))
        connection.execute(text("SELECT setval(:sequence, :value, false)"),
                           {"sequence": sequence, "value": (highest or 0) + 1})


def _store_files(archive, entries, named, summary):
    """Store each file of the backup after checking its bytes against its name."""
    store = storage.default_store()
    stored = set()
    for entry in entries:
        digest, size = entry.get("digest"), entry.get("size")
        try:
            store.path(digest)
            data = archive.read(FILES + digest)
        except (ValueError, KeyError):
            raise BackupError(f"The backup lists a file {digest!r} it does not hold: it is damaged.") from None
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            raise BackupError(f"The file {digest} in the backup does not match its SHA-256: it is damaged.")
        store.put(data)
        stored.add(digest)
    absent = named - stored
    if absent:
        raise BackupError(f"The backup lacks {len(absent)} file(s) its attachments name "
                          f"(e.g. {min(absent)}): it is incomplete.")
    summary.files = len(stored)
