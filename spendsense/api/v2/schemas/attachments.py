"""Attachments: files kept with transactions, served to their owner only."""

from spendsense.api.v2.fields import Out, Timestamp


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
    type: str
    content_type: str
    content_type_meta: ContentTypeMeta
    original_url: str
    variants: Variants | None = None
    created_at: Timestamp
    updated_at: Timestamp
