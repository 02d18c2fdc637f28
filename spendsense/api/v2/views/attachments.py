"""Attachments: upload (base64 in JSON), read, retitle, delete; list by user and by
transaction; put on and take off a transaction.

An upload answers 200 (COMPAT.md §4). Every refusal of the file (bad base64, empty,
over ATTACHMENT_MAX_BYTES, a type outside the allow-list, read from its bytes) is 422.
Another user's attachment or transaction is 403 on every route; a missing one 404,
except an ``attachment_id`` in a body, which is 422 (api/v2/lookup.in_body).
"""

from spendsense.api.v2 import lookup
from spendsense.api.v2.routes import operation
from spendsense.api.v2.schemas.attachments import (
    Attachment,
    AttachmentAssign,
    AttachmentChange,
    AttachmentListQuery,
    AttachmentNew,
    ContentTypeMeta,
    Variants,
)
from spendsense.models import Attachment as AttachmentRow
from spendsense.models import Transaction
from spendsense.services.files import sniffing
from spendsense.services.ledger import attachments
from spendsense.web.attachments import file_url

TAG = "Attachments"


def serialize(row):
    kind = sniffing.of(row.content_type)
    user_id = lookup.caller().id
    variants = None
    if row.thumb_digest:
        variants = Variants(large_url=file_url(row, user_id, "large"), thumb_url=file_url(row, user_id, "thumb"))
    return Attachment(
        id=row.id, title=row.title, file_name=row.file_name, type=kind.kind, content_type=row.content_type,
        content_type_meta=ContentTypeMeta(title=kind.title, description=kind.description, extension=kind.extension),
        original_url=file_url(row, user_id), variants=variants, created_at=row.created_at, updated_at=row.updated_at)


def _attachment(attachment_id):
    return lookup.owned(AttachmentRow, attachment_id, "Attachment")


def _transaction(transaction_id):
    return lookup.owned(Transaction, transaction_id, "Transaction")


@operation("GET", "/users/<int:id>/attachments", summary="List attachments in user", tag=TAG,
           query=AttachmentListQuery, response=list[Attachment])
def list_user_attachments(id, query):
    lookup.check_user(id)
    return [serialize(row) for row in attachments.listed(lookup.ledger_id(), unassigned=query.unassigned)]


@operation("POST", "/users/<int:id>/attachments", summary="Create attachment in user", tag=TAG,
           body=AttachmentNew, response=Attachment, status=200,
           description="The file is sent as base64 in `file_data`; its type is read from its bytes. A file "
                       "that is empty, too large (ATTACHMENT_MAX_BYTES, 10 MB by default) or of a type "
                       "outside PDF, PNG, JPEG, GIF, WebP, HEIC, Word, Excel, plain text and CSV is 422.")
def create_user_attachment(id, body):
    lookup.check_user(id)
    row = attachments.create(lookup.ledger_id(write=True), attachments.Upload(
        data=body.file_data, file_name=body.file_name, title=body.title))
    return serialize(row)


@operation("GET", "/attachments/<int:id>", summary="Get attachment", tag=TAG, response=Attachment)
def get_attachment(id):
    return serialize(_attachment(id))


@operation("PUT", "/attachments/<int:id>", summary="Update attachment", tag=TAG, body=AttachmentChange,
           response=Attachment)
def update_attachment(id, body):
    _attachment(id)
    return serialize(attachments.rename(lookup.ledger_id(write=True), id, body.title))


@operation("DELETE", "/attachments/<int:id>", summary="Delete attachment", tag=TAG)
def delete_attachment(id):
    _attachment(id)
    attachments.remove(lookup.ledger_id(write=True), id)


@operation("GET", "/transactions/<int:id>/attachments", summary="List attachments in transaction", tag=TAG,
           response=list[Attachment])
def list_transaction_attachments(id):
    _transaction(id)
    return [serialize(row) for row in attachments.on_transaction(lookup.ledger_id(), id)]


@operation("POST", "/transactions/<int:id>/attachments", summary="Assigns attachment to transaction", tag=TAG,
           body=AttachmentAssign, response=Attachment, status=201)
def assign_attachment(id, body):
    _transaction(id)
    lookup.in_body(lambda: _attachment(body.attachment_id))
    return serialize(attachments.assign(lookup.ledger_id(write=True), id, body.attachment_id))


@operation("DELETE", "/transactions/<int:transaction_id>/attachments/<int:attachment_id>",
           summary="Unassigns attachment in transaction", tag=TAG,
           description="Takes the attachment off the transaction; the attachment itself stays.")
def unassign_attachment(transaction_id, attachment_id):
    _transaction(transaction_id)
    _attachment(attachment_id)
    attachments.unassign(lookup.ledger_id(write=True), transaction_id, attachment_id)
