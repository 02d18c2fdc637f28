"""Attachments: files kept with transactions, served to their owner only.

``original_url`` and the ``variants`` URLs are absolute, signed and expiring links
(services/files/links.py) that need no API key, so a script can fetch the file as it
is given; ``variants`` is there only for images SpendSense can preview.

An upload sends the file as base64 in ``file_data`` (whitespace, line breaks and a
``data:...;base64,`` prefix are accepted). Every refusal of the file is 422 with
``{"error"}``: bad base64, an empty file, one over the size limit (default 10 MB, the
server's ATTACHMENT_MAX_BYTES), or a type, read from the bytes, outside PDF, PNG,
JPEG, GIF, WebP, HEIC, Word, Excel, plain text and CSV.
"""

import base64
import binascii
import re
from typing import Annotated

from pydantic import BeforeValidator, Field, WithJsonSchema

from spendsense.api.v2.fields import Body, Out, Query, Timestamp
from spendsense.api.v2.schemas.accounts import IdIn
from spendsense.api.v2.schemas.transaction_queries import Flag
from spendsense.services.ledger import attachments

_DATA_URL = re.compile(r"^data:[\w.+/-]*(;[\w-]+=[\w.-]+)*;base64,", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


class ContentTypeMeta(Out):
    title: str
    description: str
    extension: str


class Variants(Out):
    large_url: str
    thumb_url: str


class Attachment(Out):
    id: int
    title: str | None = None
    file_name: str
    type: str = Field(description="image or document")
    content_type: str
    content_type_meta: ContentTypeMeta
    original_url: str = Field(description="A signed link to the file, valid for a limited time (an hour by "
                                           "default); it needs no API key.")
    variants: Variants | None = None
    created_at: Timestamp
    updated_at: Timestamp


def _file_data(value):
    """The bytes of a base64 text; the size is checked before decoding, so an
    oversized file costs no decoding."""
    if not isinstance(value, str):
        raise ValueError("must be the file's contents in base64")
    encoded = _SPACE.sub("", _DATA_URL.sub("", value.lstrip(), count=1))
    if not encoded:
        raise ValueError(attachments.EMPTY)
    if len(encoded) // 4 * 3 - encoded[-2:].count("=") > attachments.max_bytes():
        raise ValueError(attachments.too_large_message())
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("is not valid base64") from None


FileData = Annotated[bytes, BeforeValidator(_file_data),
                     WithJsonSchema({"type": "string", "format": "base64",
                                     "description": "The file's contents, base64-encoded."}, mode="validation")]
TitleIn = Annotated[str | None, Field(max_length=255, description="Blank or left out: the file name "
                                                                        "without its extension.")]


class AttachmentNew(Body):
    title: TitleIn = None
    file_name: Annotated[str | None, Field(max_length=255, examples=["taxi.png"])] = None
    file_data: FileData


class AttachmentChange(Body):
    title: TitleIn = None


class AttachmentAssign(Body):
    attachment_id: IdIn


class AttachmentListQuery(Query):
    unassigned: Flag = Field(False, description="1/true: only attachments on no transaction; 0/false: no filter.")
