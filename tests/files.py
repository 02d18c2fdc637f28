"""Files for the attachment tests: small real files of each kind (the folder they are
stored in is the ``attachment_folder`` fixture of tests/conftest.py)."""

import io
import os

from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def stored(folder):
    """The names of the files under ``folder``."""
    return sorted(name for _root, _dirs, names in os.walk(folder) for name in names)


def png(size=(40, 20), color=(20, 120, 220)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()
