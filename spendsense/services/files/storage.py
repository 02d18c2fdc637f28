"""Files kept once per content: ``<folder>/ab/cd/<sha256>``.

The name is the SHA-256 of the bytes, so writing the same bytes twice keeps one copy
and a name always means the same content. Writes go to a temporary file in the same
directory and are renamed into place, so a reader never sees half a file. Deciding
*when* a file may go (no row names it any more) is the callers' business
(services/ledger/attachments.py).
"""

import hashlib
import os
import re
import tempfile

from flask import current_app

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def digest_of(data):
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """The files under ``folder``, addressed by their SHA-256 (hex)."""

    def __init__(self, folder):
        self.folder = folder

    def path(self, digest):
        if not isinstance(digest, str) or not _DIGEST.match(digest):
            raise ValueError(f"not a SHA-256 digest: {digest!r}")
        return os.path.join(self.folder, digest[:2], digest[2:4], digest)

    def exists(self, digest):
        return os.path.isfile(self.path(digest))

    def put(self, data):
        """Store ``data`` (if not already there); its digest."""
        digest = digest_of(data)
        target = self.path(digest)
        if os.path.isfile(target):
            return digest
        directory = os.path.dirname(target)
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return digest

    def read(self, digest):
        with open(self.path(digest), "rb") as source:
            return source.read()

    def delete(self, digest):
        """Remove the file; one already gone is no error (a retry, or a sweep got there)."""
        try:
            os.unlink(self.path(digest))
        except FileNotFoundError:
            pass


def default_store():
    """The app's store: ATTACHMENT_FOLDER, else ``<instance>/attachments``."""
    folder = current_app.config.get("ATTACHMENT_FOLDER") or os.path.join(current_app.instance_path, "attachments")
    return BlobStore(folder)
