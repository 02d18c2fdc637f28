"""Bank-statement parsers: the bytes of a file in, one ``ParsedStatement`` out, or a
``ParseError`` saying what is wrong and where. No database, no model objects: the
import service matches, de-duplicates and writes the rows.

    statement = parse(data, "statement.ofx", options=ParseOptions(max_bytes=..., max_rows=...))

The format is decided by the content, never by the file name (banks name files anyhow);
the name is accepted for the caller's convenience and kept out of the decision.
"""

from spendsense.services.io.parsers import camt, csv_files, ofx, qif, spendsense_exports
from spendsense.services.io.parsers.statement import (
    DAY_FIRST,
    MONTH_FIRST,
    YEAR_FIRST,
    AccountInfo,
    AmbiguousDateOrder,
    Balance,
    ColumnMapping,
    CsvDialect,
    ParsedRow,
    ParsedStatement,
    ParseError,
    ParseOptions,
    Split,
)
from spendsense.services.io.parsers.values import sniff_encoding

__all__ = ["DAY_FIRST", "MONTH_FIRST", "YEAR_FIRST", "AccountInfo", "AmbiguousDateOrder", "Balance",
           "ColumnMapping", "CsvDialect", "ParseError", "ParseOptions", "ParsedRow", "ParsedStatement", "Split",
           "detect_format", "parse"]

PARSERS = {"ofx": ofx.parse, "qif": qif.parse, "camt053": camt.parse, "csv": csv_files.parse,
           "json": spendsense_exports.parse_json}
_REFUSED = ((b"PK\x03\x04", "a ZIP archive; unpack it and upload the statement inside"),
            (b"PK\x05\x06", "an empty ZIP archive"), (b"\x1f\x8b", "a gzip archive; unpack it first"),
            (b"%PDF", "a PDF; download the statement as OFX, QIF, CSV or CAMT.053 instead"),
            (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook; save it as CSV first"),
            (b"Rar!", "a RAR archive; unpack it first"), (b"7z\xbc\xaf", "a 7-Zip archive; unpack it first"))


def _head_text(data):
    encoding = sniff_encoding(data)
    head = data[:4096]
    if encoding and encoding.startswith("utf-16"):
        # Keep an even number of bytes so the last character is whole.
        return head[: len(head) // 2 * 2].decode(encoding, "replace").lstrip("\ufeff")
    return head.decode("utf-8", "replace").lstrip("\ufeff")


def _is_binary(data):
    if sniff_encoding(data):
        return False
    head = data[:4096]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return b"\x00" in head or controls > len(head) // 20


def detect_format(data):
    """"ofx", "qif", "camt053", "json" or "csv", from the first bytes; ParseError for
    what is no statement at all (empty, binary, an archive, a PDF)."""
    if not data or not data.strip():
        raise ParseError("The file is empty.")
    for magic, what in _REFUSED:
        if data.startswith(magic):
            raise ParseError(f"The file is {what}.")
    if _is_binary(data):
        raise ParseError("The file is binary, not a text statement (OFX, QIF, CSV, CAMT.053 or JSON).")
    head = _head_text(data).lstrip()
    upper = head[:2000].upper()
    if upper.startswith("OFXHEADER") or "<OFX>" in upper or "<?OFX" in upper:
        return "ofx"
    if head.startswith("<"):
        if "BKTOCSTMRSTMT" in upper or "CAMT.05" in upper:
            return "camt053"
        raise ParseError("The file is XML, but neither OFX nor a CAMT.053 bank statement.", line=1)
    if head.startswith(("[", "{")):
        return "json"
    # QIF files may open with "#" comment lines (quiffen's own test files do).
    first = next((line.strip().upper() for line in head.splitlines()
                  if line.strip() and not line.startswith("#")), "")
    if first.startswith(("!TYPE", "!ACCOUNT", "!OPTION", "!CLEAR")):
        return "qif"
    return "csv"


def parse(data: bytes, filename: str | None = None, *, options: ParseOptions | None = None) -> ParsedStatement:
    """The statement in ``data``; ParseError (AmbiguousDateOrder when the caller must
    choose the date order) when it cannot be read whole."""
    options = options or ParseOptions()
    if len(data) > options.max_bytes:
        raise ParseError(f"The file is {len(data):,} bytes; at most {options.max_bytes:,} can be imported.")
    fmt = "csv" if options.csv else detect_format(data)
    return PARSERS[fmt](data, options)
