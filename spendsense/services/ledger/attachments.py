"""Attachments of a ledger: upload, rename, delete, put on and take off transactions,
list, and the file a signed link fetches.

Each call is one write transaction. Files are content-addressed and shared by every
row that names their digest (models/attachments.py), so a file may go only once no
row names it. Removing it is done after the deleting transaction has committed, in a
second write transaction that holds the files' locks (``_hold``) while it looks for
rows naming them and unlinks; an upload takes the same locks before it writes its
file and inserts its row. So an upload of the same bytes either committed first (its
row keeps the file) or runs after the unlink and writes the file afresh.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, exists, func, insert, select, text, union
from sqlalchemy.exc import IntegrityError

from spendsense.extensions import db
from spendsense.models import Attachment, LedgerMember, Transaction, attachment_transactions
from spendsense.services import scope, validation
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.files import sniffing, storage, thumbnails
from spendsense.services.ledger.legs import get_transaction
from spendsense.services.uow import write_intent, write_transaction

NOT_FOUND = "Attachment not found"
NOT_ON_TRANSACTION = "The attachment is not on this transaction."
EMPTY = "The file is empty."
MAX_TEXT = 255
# Advisory locks of PostgreSQL are keyed by two integers: this one says "a stored file".
LOCK_SPACE = 0x5EF1

_LINKS = attachment_transactions
_LIVE_LINK = (select(_LINKS.c.attachment_id)
              .join(Transaction, Transaction.id == _LINKS.c.transaction_id)
              .where(_LINKS.c.attachment_id == Attachment.id, Transaction.deleted_at.is_(None)))


@dataclass(frozen=True)
class Upload:
    """A file as a front door received it: its bytes, and the name and title sent."""

    data: bytes
    file_name: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Download:
    """What a signed link serves: the file on disk and how to send it."""

    path: str
    content_type: str
    download_name: str
    inline: bool


def max_bytes():
    return current_app.config["ATTACHMENT_MAX_BYTES"]


def size_text(size):
    """A byte count as people read it: "10 MB", "500 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size / 1024:.3g} KB" if size >= 1024 else f"{size} bytes"


def too_large_message():
    return f"The file is larger than {size_text(max_bytes())}."


def check_size(size):
    """Refuse an empty file or one over ATTACHMENT_MAX_BYTES (front doors call this
    before reading a body that cannot fit)."""
    if size == 0:
        raise Invalid.field("file_data", EMPTY)
    if size > max_bytes():
        raise Invalid.field("file_data", too_large_message())


def get(ledger_id, attachment_id):
    return scope.get_owned(Attachment, ledger_id, attachment_id, message=NOT_FOUND)


def listed(ledger_id, *, unassigned=False):
    """The ledger's attachments, newest first; ``unassigned``: only those on no live
    transaction (available to be put on one)."""
    query = scope.owned(Attachment, ledger_id).order_by(Attachment.created_at.desc(), Attachment.id.desc())
    if unassigned:
        query = query.where(~exists(_LIVE_LINK))
    return db.session.scalars(query).all()


def on_transaction(ledger_id, transaction_id):
    """The attachments of one live transaction, newest first."""
    get_transaction(ledger_id, transaction_id)
    return db.session.scalars(
        scope.owned(Attachment, ledger_id).join(_LINKS, _LINKS.c.attachment_id == Attachment.id)
        .where(_LINKS.c.transaction_id == transaction_id)
        .order_by(Attachment.created_at.desc(), Attachment.id.desc())).all()


def counts(ledger_id, transaction_ids):
    """{transaction id: number of attachments} for the given ids, in one statement."""
    ids = [txn_id for txn_id in set(transaction_ids) if validation.is_row_id(txn_id)]
    if not ids:
        return {}
    return dict(db.session.execute(
        select(_LINKS.c.transaction_id, func.count())
        .join(Attachment, Attachment.id == _LINKS.c.attachment_id)
        .where(_LINKS.c.transaction_id.in_(ids), Attachment.ledger_id == ledger_id)
        .group_by(_LINKS.c.transaction_id)).all())


def create(ledger_id, upload, *, transaction_id=None):
    """Store an uploaded file as a new attachment, on the transaction when one is given."""
    check_size(len(upload.data))
    file_name = _file_name(upload.file_name)
    kind = sniffing.sniff(upload.data, file_name or "")
    file_name = file_name or f"attachment.{kind.extension}"
    title = _title(upload.title, file_name)
    previews = thumbnails.previews(upload.data, kind)  # outside the transaction: it takes a while
    contents = [upload.data, *((previews.large, previews.thumb) if previews else ())]
    digest = storage.digest_of(upload.data)
    large_digest, thumb_digest = ((storage.digest_of(previews.large), storage.digest_of(previews.thumb))
                                  if previews else (None, None))
    digests = {digest, large_digest, thumb_digest} - {None}
    store = storage.default_store()
    written = False
    try:
        with write_transaction():
            if transaction_id is not None:
                get_transaction(ledger_id, transaction_id)
            _hold(digests)
            written = True
            for data in contents:
                store.put(data)
            row = Attachment(ledger_id=ledger_id, title=title, file_name=file_name, content_type=kind.content_type,
                             size=len(upload.data), digest=digest, large_digest=large_digest,
                             thumb_digest=thumb_digest)
            db.session.add(row)
            db.session.flush()
            if transaction_id is not None:
                db.session.execute(insert(_LINKS).values(attachment_id=row.id, transaction_id=transaction_id))
    except BaseException:
        if written:
            _collect(store, digests)  # the files of a row that was never committed
        raise
    return row


def rename(ledger_id, attachment_id, title):
    """Give the attachment a new title; a blank one is derived from the file name."""
    with write_transaction():
        row = get(ledger_id, attachment_id)
        row.title = _title(title, row.file_name)
    return row


def remove(ledger_id, attachment_id):
    """Delete the attachment (off every transaction), and its files if no other
    attachment uses them."""
    with write_transaction():
        row = get(ledger_id, attachment_id)
        digests = row.digests
        db.session.delete(row)  # its links go by the foreign key's ON DELETE CASCADE
    _collect(storage.default_store(), digests)


def assign(ledger_id, transaction_id, attachment_id):
    """Put the attachment on the transaction (again is no error); the attachment."""
    with write_transaction():
        get_transaction(ledger_id, transaction_id)
        row = get(ledger_id, attachment_id)
        linked = select(_LINKS.c.attachment_id).where(
            _LINKS.c.attachment_id == row.id, _LINKS.c.transaction_id == transaction_id)
        if db.session.execute(linked).first() is None:
            try:
                with db.session.begin_nested():
                    db.session.execute(insert(_LINKS).values(attachment_id=row.id, transaction_id=transaction_id))
            except IntegrityError:  # linked meanwhile by a concurrent request: the same outcome
                pass
    return row


def unassign(ledger_id, transaction_id, attachment_id, *, delete_unused=False):
    """Take the attachment off the transaction. With ``delete_unused`` (the web's
    "Remove"), an attachment left on no live transaction is deleted too; True if so."""
    with write_transaction():
        get_transaction(ledger_id, transaction_id)
        row = get(ledger_id, attachment_id)
        gone = db.session.execute(delete(_LINKS).where(
            _LINKS.c.attachment_id == row.id, _LINKS.c.transaction_id == transaction_id))
        if gone.rowcount == 0:
            raise NotFound(NOT_ON_TRANSACTION)
        deleted = delete_unused and db.session.execute(_LIVE_LINK.where(Attachment.id == row.id)
                                                       .limit(1)).first() is None
        if deleted:
            digests = row.digests
            db.session.delete(row)
    if deleted:
        _collect(storage.default_store(), digests)
    return deleted


def download(link):
    """The file a signed link (services/files/links.Link) names, while its user can
    read the attachment's ledger and the attachment still has that file; else NotFound."""
    if not (validation.is_row_id(link.attachment_id) and validation.is_row_id(link.user_id)):
        raise NotFound(NOT_FOUND)
    row = db.session.scalars(
        select(Attachment).join(LedgerMember, LedgerMember.ledger_id == Attachment.ledger_id)
        .where(Attachment.id == link.attachment_id, LedgerMember.user_id == link.user_id)).first()
    digest = row.variant_digest(link.variant) if row is not None else None
    if digest is None or digest != link.digest:
        raise NotFound(NOT_FOUND)
    path = storage.default_store().path(digest)
    if digest != row.digest:  # a preview made by thumbnails.py
        stem = row.file_name.rpartition(".")[0] or row.file_name
        return Download(path=path, content_type="image/jpeg", download_name=f"{stem}-{link.variant}.jpg",
                        inline=True)
    kind = sniffing.of(row.content_type)
    name = row.file_name if sniffing.has_extension(row.file_name, kind) else f"{row.file_name}.{kind.extension}"
    return Download(path=path, content_type=row.content_type, download_name=name, inline=kind.inline)


def _file_name(value):
    """The name without any folders a client sent with it; None when none was sent."""
    if isinstance(value, str):
        value = value.replace("\\", "/").rpartition("/")[2]
    return validation.text(value, "file_name", max_length=MAX_TEXT, label="File name")


def _title(value, file_name):
    title = validation.text(value, "title", max_length=MAX_TEXT)
    if title:
        return title
    stem = file_name.rpartition(".")[0]
    return stem if stem.strip(".") else file_name


def _hold(digests):
    """Start the write transaction and hold the locks of these files until it ends.

    On SQLite the transaction's BEGIN IMMEDIATE is the database's one write lock, which
    covers every file; PostgreSQL takes one advisory lock per file, in a fixed order.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        for key in sorted({int(digest[:7], 16) for digest in digests}):
            connection.execute(text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), CAST(:key AS integer))"),
                               {"space": LOCK_SPACE, "key": key})


def discard_files(digests):
    """After a committed deletion of attachment rows by other means (a whole account's),
    unlink those of their files that no attachment names any more."""
    _collect(storage.default_store(), set(digests))


def _collect(store, digests):
    """Unlink the files among ``digests`` that no attachment names any more.

    Inside a caller's own transaction nothing is removed (its rows are not committed
    yet): a file left behind costs disk space, a file removed too early loses data.
    """
    if not digests or write_intent.get():
        return
    with write_transaction():
        _hold(digests)
        named = set(db.session.scalars(union(*(
            select(column).where(column.in_(sorted(digests)))
            for column in (Attachment.digest, Attachment.large_digest, Attachment.thumb_digest)))))
        for digest in digests - named:
            store.delete(digest)
