"""What a file is, read from its bytes (the ``filetype`` package's signatures), never
from its name: a PNG called ``scan.pdf`` is a PNG, a program called ``photo.png`` is
refused. Only the types below are kept.

Text has no signature, so a file with none is text when it is valid UTF-8 without
control characters (other than tab, line and page breaks); its name then only picks
between plain text and CSV, both served as inert text.
"""

import re
from dataclasses import dataclass

import filetype

from spendsense.services.errors import Invalid


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    title: str
    description: str
    # Browsers show it safely in the page (images); anything else is sent as a download.
    inline: bool = False
    # Pillow's name for its format when Pillow reads it, so it gets a large preview and
    # a thumbnail (services/files/thumbnails.py).
    pillow_format: str | None = None

    @property
    def previewable(self):
        return self.pillow_format is not None

    @property
    def kind(self):
        return "image" if self.content_type.startswith("image/") else "document"


PNG = FileType("image/png", "png", "PNG", "PNG image", inline=True, pillow_format="PNG")
JPEG = FileType("image/jpeg", "jpg", "JPEG", "JPEG image", inline=True, pillow_format="JPEG")
TEXT = FileType("text/plain", "txt", "Text", "Plain text")
CSV = FileType("text/csv", "csv", "CSV", "Comma-separated values")

ALLOWED = {kind.content_type: kind for kind in (
    PNG, JPEG,
    FileType("image/gif", "gif", "GIF", "GIF image", inline=True, pillow_format="GIF"),
    FileType("image/webp", "webp", "WebP", "WebP image", inline=True, pillow_format="WEBP"),
    # Pillow cannot decode HEIC without a plugin: kept and served, with no previews.
    FileType("image/heic", "heic", "HEIC", "HEIC image"),
    FileType("application/pdf", "pdf", "PDF", "PDF document"),
    FileType("application/msword", "doc", "DOC", "Word document"),
    FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "DOCX",
             "Word document"),
    FileType("application/vnd.ms-excel", "xls", "XLS", "Excel spreadsheet"),
    FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "XLSX",
             "Excel spreadsheet"),
    TEXT, CSV,
)}
# An animated PNG is a PNG (its first frame is the still image).
ALIASES = {"image/apng": PNG}
EXTENSIONS = {"jpg": ("jpg", "jpeg"), "txt": ("txt", "text")}

ALLOWED_NAMES = "PDF, PNG, JPEG, GIF, WebP, HEIC, Word, Excel, plain text or CSV"
NOT_ALLOWED = "Files of this type ({found}) cannot be attached; attach a " + ALLOWED_NAMES + " file."
UNKNOWN = "The file's type is not one that can be attached; attach a " + ALLOWED_NAMES + " file."

_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BOM = b"\xef\xbb\xbf"


def sniff(data, file_name=""):
    """The FileType of ``data``; Invalid("file_data") when it is not one of ALLOWED."""
    found = filetype.guess(data)
    if found is not None:
        kind = ALLOWED.get(found.mime) or ALIASES.get(found.mime)
        if kind is None:
            raise Invalid.field("file_data", NOT_ALLOWED.format(found=found.extension.upper()))
        return kind
    if _is_text(data):
        return CSV if (file_name or "").lower().endswith(".csv") else TEXT
    raise Invalid.field("file_data", UNKNOWN)


def _is_text(data):
    try:
        decoded = data.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(decoded.strip()) and not _CONTROL.search(decoded)


def has_extension(file_name, kind):
    """True when ``file_name`` already ends with an extension of this type."""
    extension = file_name.rpartition(".")[2].lower() if "." in file_name else ""
    return extension in EXTENSIONS.get(kind.extension, (kind.extension,))


def of(content_type):
    """The FileType of a stored content type."""
    return ALLOWED[content_type]
