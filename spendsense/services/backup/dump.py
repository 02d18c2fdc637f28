"""Writing a backup: every table and every attached file, from one read snapshot.

The snapshot is one transaction: REPEATABLE READ (and read-only) on PostgreSQL, a read
transaction on SQLite (in WAL mode it sees the database as of its first read while
writers go on). Rows are streamed table by table in primary-key order and never held
together. Files are immutable (named by their SHA-256), so copying them after the
snapshot's rows named them is consistent; one deleted meanwhile (its attachment was
removed after the snapshot began) or damaged on disk is listed as missing instead.
"""

import hashlib
import io
import os
import sqlite3
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata

from sqlalchemy import select, text, union
from sqlalchemy.exc import DBAPIError

from spendsense.extensions import db
from spendsense.models import Attachment
from spendsense.models.base import utcnow
from spendsense.services.backup import BackupError, codec
from spendsense.services.files import storage

DOCUMENT = "backup.json"
FILES = "files/"
BATCH = 1000
_CHUNK = 1024 * 1024


@dataclass
class Summary:
    """What a backup holds (or a restore wrote): rows per table, files, the schema."""

    revision: str
    created_at: str
    rows: dict = field(default_factory=dict)
    files: int = 0
    missing_files: list = field(default_factory=list)

    @property
    def row_count(self):
        return sum(self.rows.values())


def app_version():
    try:
        return metadata.version("spendsense")
    except metadata.PackageNotFoundError:
        return "unknown"


@contextmanager
def snapshot():
    """A connection inside one consistent read transaction."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            yield connection


def schema_revision(connection):
    try:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:
        raise BackupError("The database has no schema yet: run `flask db upgrade` first.") from None


def write(path, *, replace=False):
    """Write a backup of the whole database and its attached files to ``path``; its Summary.

    The archive is written beside ``path`` under a temporary name and renamed into
    place once complete, so ``path`` is never a half-written backup.
    """
    if os.path.exists(path) and not replace:
        raise BackupError(f"{path} already exists (give --force to replace it).")
    store = storage.default_store()
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".backup-", suffix=".partial")
    os.close(handle)
    try:
        with snapshot() as connection:
            summary = Summary(revision=schema_revision(connection), created_at=utcnow().isoformat() + "Z")
            with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                files = _write_files(archive, store, _digests(connection), summary)
                header = {"format": codec.FORMAT, "format_version": codec.FORMAT_VERSION,
                          "alembic_revision": summary.revision, "app_version": app_version(),
                          "created_at": summary.created_at, "backend": connection.dialect.name,
                          "files": files, "missing_files": summary.missing_files}
                with io.TextIOWrapper(archive.open(DOCUMENT, "w", force_zip64=True), encoding="utf-8",
                                      newline="\n") as out:
                    writer = codec.DocumentWriter(out, header)
                    for table in db.metadata.sorted_tables:
                        summary.rows[table.name] = _write_table(connection, writer, table)
                    writer.close()
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return summary


def _digests(connection):
    return sorted(connection.scalars(union(*(
        select(column).where(column.is_not(None))
        for column in (Attachment.digest, Attachment.large_digest, Attachment.thumb_digest)))))


def _write_files(archive, store, digests, summary):
    """Copy each file into the archive, checking its bytes against its name; the list of
    those copied ({digest, size})."""
    copied = []
    for digest in digests:
        name = FILES + digest
        hasher, size = hashlib.sha256(), 0
        try:
            # Stored, not deflated: receipts are JPEG, PNG and PDF, compressed already.
            with open(store.path(digest), "rb") as source, archive.open(
                    zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), "w", force_zip64=True) as target:
                while chunk := source.read(_CHUNK):
                    hasher.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
        except FileNotFoundError:
            summary.missing_files.append(digest)
            continue
        if hasher.hexdigest() != digest:
            summary.missing_files.append(digest)  # damaged on disk: restoring it would serve wrong bytes
            continue
        copied.append({"digest": digest, "size": size})
    summary.files = len(copied)
    return copied


def _write_table(connection, writer, table):
    columns = list(table.columns)
    kinds = [codec.kind_of(column) for column in columns]
    writer.start_table(table.name, [column.name for column in columns])
    count = 0
    ordered = select(*columns).order_by(*table.primary_key.columns)
    for row in connection.execute(ordered, execution_options={"yield_per": BATCH}):
        try:
            writer.row([codec.encode(kind, value) for kind, value in zip(kinds, row, strict=True)])
        except ValueError as exc:
            key = ", ".join(f"{c.name}={row._mapping[c.name]!r}" for c in table.primary_key.columns)
            raise BackupError(f"{table.name} ({key}): {exc}. Run `flask check-balances` to look for "
                              f"broken cached values, then back up again.") from None
        count += 1
    writer.end_table()
    return count


def write_sqlite_copy(path, *, replace=False):
    """Copy a SQLite database to ``path`` with SQLite's online backup API: a consistent
    file that opens as the database itself (restore by putting it in place)."""
    if db.engine.dialect.name != "sqlite":
        raise BackupError("A database-file copy is for SQLite only; use the JSON backup for PostgreSQL.")
    if os.path.exists(path) and not replace:
        raise BackupError(f"{path} already exists (give --force to replace it).")
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".backup-", suffix=".partial")
    os.close(handle)
    source = db.engine.raw_connection()
    try:
        target = sqlite3.connect(temporary)
        try:
            source.driver_connection.backup(target)
            revision = target.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        except sqlite3.OperationalError:
            raise BackupError("The database has no schema yet: run `flask db upgrade` first.") from None
        finally:
            target.close()
        os.replace(temporary, path)
    finally:
        source.close()
        if os.path.exists(temporary):
            os.unlink(temporary)
    return revision
