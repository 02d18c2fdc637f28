"""Stored files: one copy per content, types read from the bytes, image previews, and
the signed links that name them."""

import io
import os
import zipfile

import pytest
from itsdangerous import TimestampSigner
from PIL import Image

from spendsense.services.errors import Invalid
from spendsense.services.files import links, sniffing, storage, thumbnails

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def image_bytes(size=(40, 20), fmt="PNG", mode="RGB", color=(200, 30, 30), exif=None):
    out = io.BytesIO()
    image = Image.new(mode, size, color)
    if exif is not None:
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def docx_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


# -- storage -------------------------------------------------------------------------

def test_the_same_bytes_are_stored_once_under_their_digest(tmp_path):
    store = storage.BlobStore(str(tmp_path))
    first = store.put(b"receipt")
    second = store.put(b"receipt")
    assert first == second == storage.digest_of(b"receipt")
    assert store.path(first) == os.path.join(str(tmp_path), first[:2], first[2:4], first)
    files = [name for _root, _dirs, names in os.walk(tmp_path) for name in names]
    assert files == [first]
    assert store.read(first) == b"receipt"


def test_delete_removes_the_file_and_a_second_delete_is_no_error(tmp_path):
    store = storage.BlobStore(str(tmp_path))
    digest = store.put(b"x")
    store.delete(digest)
    assert not store.exists(digest)
    store.delete(digest)


@pytest.mark.parametrize("digest", ["../../etc/passwd", "ab", "A" * 64, None, "g" * 64])
def test_only_a_sha256_names_a_file(tmp_path, digest):
    with pytest.raises(ValueError):
        storage.BlobStore(str(tmp_path)).path(digest)


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    store = storage.BlobStore(str(tmp_path))

    def broken(_source, _target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        store.put(b"data")
    assert [name for _root, _dirs, names in os.walk(tmp_path) for name in names] == []


# -- sniffing ------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "name", "content_type"), [
    (image_bytes(), "scan.pdf", "image/png"),
    (image_bytes(fmt="JPEG"), "photo.png", "image/jpeg"),
    (image_bytes(fmt="GIF", mode="P", color=1), "a.gif", "image/gif"),
    (image_bytes(fmt="WEBP"), "a", "image/webp"),
    (PDF, "invoice.png", "application/pdf"),
    (docx_bytes(), "letter.bin", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"Date;Amount\n2026-01-01;5,00\n", "bank.CSV", "text/csv"),
    ("Réçu n° 5\tpayé\r\n".encode(), "notes.txt", "text/plain"),
    (b"\xef\xbb\xbfwith a byte order mark", "", "text/plain"),
])
def test_the_type_is_read_from_the_bytes(data, name, content_type):
    assert sniffing.sniff(data, name).content_type == content_type


@pytest.mark.parametrize(("data", "name"), [
    (EXE, "photo.png"), (ELF, "receipt.pdf"), (b"PK\x03\x04" + b"\x00" * 100, "a.docx"),
    (b"\x00\x01\x02binary", "a.txt"), (b"\xff\xfe\x00n\x00o", "a.txt"), (b"text\x00with a NUL", "a.csv"),
    (b"   \n  ", "blank.txt"), (b"<svg xmlns='http://www.w3.org/2000/svg'>" + b"\x1b", "a.svg"),
])
def test_other_types_are_refused_whatever_their_name(data, name):
    with pytest.raises(Invalid) as caught:
        sniffing.sniff(data, name)
    assert set(caught.value.errors) == {"file_data"}


def test_a_refusal_names_what_was_found():
    with pytest.raises(Invalid, match=r"\(EXE\) cannot be attached"):
        sniffing.sniff(EXE, "photo.png")


def test_the_name_keeps_its_extension_only_when_it_fits():
    assert sniffing.has_extension("a.JPEG", sniffing.JPEG)
    assert sniffing.has_extension("a.jpg", sniffing.JPEG)
    assert not sniffing.has_extension("a.pdf", sniffing.PNG)
    assert not sniffing.has_extension("png", sniffing.PNG)


# -- thumbnails ----------------------------------------------------------------------

def _opened(data):
    image = Image.open(io.BytesIO(data))
    return image.format, image.size


def test_a_large_image_gets_a_large_preview_and_a_thumbnail():
    data = image_bytes(size=(3200, 1000))
    made = thumbnails.previews(data, sniffing.PNG)
    assert _opened(made.large) == ("JPEG", (1600, 500))
    assert _opened(made.thumb) == ("JPEG", (300, 94))


def test_a_small_image_is_its_own_preview():
    data = image_bytes(size=(200, 100))
    made = thumbnails.previews(data, sniffing.PNG)
    assert made.large == data and made.thumb == data
    middle = image_bytes(size=(800, 600), fmt="JPEG")
    made = thumbnails.previews(middle, sniffing.JPEG)
    assert made.large == middle
    assert _opened(made.thumb) == ("JPEG", (300, 225))


def test_a_transparent_image_is_previewed_on_white():
    data = image_bytes(size=(600, 600), mode="RGBA", color=(0, 0, 0, 0))
    made = thumbnails.previews(data, sniffing.PNG)
    assert Image.open(io.BytesIO(made.thumb)).convert("RGB").getpixel((10, 10)) == (255, 255, 255)


def test_a_turned_photo_is_previewed_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    data = image_bytes(size=(200, 100), fmt="JPEG", exif=exif.tobytes())
    made = thumbnails.previews(data, sniffing.JPEG)
    assert _opened(made.large) == ("JPEG", (100, 200))


def test_documents_get_no_previews():
    assert thumbnails.previews(PDF, sniffing.ALLOWED["application/pdf"]) is None
    assert thumbnails.previews(b"heic", sniffing.ALLOWED["image/heic"]) is None


def _png_claiming(width, height):
    """A PNG whose header claims a size its few pixels do not fill."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("data", "message"), [
    (image_bytes()[:60], "could not be read"),
    (_png_claiming(8000, 8000), "too large"),
    (_png_claiming(10000, 10000), "too large"),  # past Pillow's own warning
    (_png_claiming(20000, 20000), "too large"),  # past Pillow's own limit
    (_png_claiming(100, 100), "could not be read"),
])
def test_an_image_that_does_not_decode_or_is_a_bomb_is_refused(data, message):
    with pytest.raises(Invalid, match=message):
        thumbnails.previews(data, sniffing.PNG)


def test_an_image_whose_signature_and_decoder_disagree_is_refused():
    with pytest.raises(Invalid, match="could not be read"):
        thumbnails.previews(image_bytes(fmt="GIF", mode="P", color=1), sniffing.PNG)


# -- signed links --------------------------------------------------------------------

LINK = links.Link(attachment_id=7, user_id=3, variant="thumb", digest="a" * 64)


def test_a_link_reads_back_as_made(app):
    assert links.read(links.token(LINK)) == LINK


def test_a_changed_token_is_refused(app):
    token = links.token(LINK)
    for forged in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" + token, "", "a.b.c"):
        with pytest.raises(links.BadLink, match="not valid"):
            links.read(forged)


def test_a_token_signed_with_another_secret_is_refused(app):
    token = links.token(LINK)
    app.config["SECRET_KEY"] = "another-secret-entirely"
    with pytest.raises(links.BadLink):
        links.read(token)


def test_an_old_token_has_expired(app, monkeypatch):
    made_at = TimestampSigner.get_timestamp

    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: made_at(self) - app.config["ATTACHMENT_URL_MAX_AGE"] - 1)
    token = links.token(LINK)
    monkeypatch.undo()
    with pytest.raises(links.BadLink, match="expired"):
        links.read(token)
