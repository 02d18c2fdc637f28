"""Signed links to stored files: a token that names an attachment, the user it was
given to, which of its files (the original or a preview) and that file's digest,
signed with the app's secret and valid for ATTACHMENT_URL_MAX_AGE seconds.

Scripts, MCP servers and the browser fetch ``original_url`` without sending a key, so
the link itself is the proof: it cannot be made without the secret, it stops working
when it expires, when the attachment is deleted, and when its user can no longer read
the attachment's ledger (services/ledger/attachments.py checks that on every fetch).
"""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VARIANTS = ("original", "large", "thumb")
SALT = "spendsense.attachment-file"


class BadLink(Exception):
    """The token was not made here, was changed, or has expired."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Link:
    attachment_id: int
    user_id: int
    variant: str
    digest: str


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token(link):
    return _serializer().dumps([link.attachment_id, link.user_id, VARIANTS.index(link.variant), link.digest])


def read(value):
    """The Link a token stands for; BadLink when it is forged, changed or too old."""
    try:
        attachment_id, user_id, variant, digest = _serializer().loads(
            value, max_age=current_app.config["ATTACHMENT_URL_MAX_AGE"])
    except SignatureExpired:
        raise BadLink("This link has expired. Open the attachment again for a fresh link.") from None
    except (BadSignature, TypeError, ValueError):
        raise BadLink("This link is not valid.") from None
    return Link(attachment_id=attachment_id, user_id=user_id, variant=VARIANTS[variant], digest=digest)
