"""The backup document: its layout, and each column's values as JSON.

``backup.json`` is one JSON document, laid out one row per line so it can be written
and read back as a stream::

    {"format": "spendsense-backup", ..., "tables": [
    {"name": "users", "columns": ["id", "username", ...], "rows": [
    [1, "alice", ...],
    [2, "bob", ...]
    ]},
    {"name": "api_tokens", "columns": [...], "rows": [
    ]}
    ]}

``json.dumps`` escapes every newline inside a string, so a line is always whole. A row
is a list in the order of its table's ``columns``. Values are what JSON holds exactly:
integers as numbers (any size), booleans, NULL as null, text as strings, dates and
datetimes (naive UTC) as ISO 8601 strings.
"""

import json
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String

from spendsense.services.backup import BackupError

FORMAT = "spendsense-backup"
FORMAT_VERSION = 1
_TABLES = ', "tables": ['
_ROWS = ', "rows": ['
_END_TABLE = "]}"
_END = "]}"


def kind_of(column):
    """How a column's values are written: int, bool, date, datetime or text."""
    type_ = column.type
    for kind, base in (("bool", Boolean), ("int", Integer), ("datetime", DateTime), ("date", Date),
                       ("text", String)):
        if isinstance(type_, base):
            return kind
    raise BackupError(f"Column {column.table.name}.{column.name} has a type ({type_!r}) backups do not know.")


def encode(kind, value):
    """The JSON value of a database value; ValueError when it is not of the column's kind
    (SQLite keeps whatever it is given, e.g. a REAL in a BIGINT column)."""
    if value is None:
        return None
    if kind == "int" and type(value) is int:
        return value
    if kind == "bool" and type(value) is bool:
        return value
    if kind == "datetime" and isinstance(value, datetime) and value.tzinfo is None:
        return value.isoformat()
    if kind == "date" and type(value) is date:
        return value.isoformat()
    if kind == "text" and isinstance(value, str):
        return value
    raise ValueError(f"{value!r} is not a {kind}")


def decode(kind, value):
    """The database value of a JSON value; ValueError when it is not of the column's kind."""
    if value is None:
        return None
    if kind in ("int", "bool"):
        if type(value) is not (int if kind == "int" else bool):
            raise ValueError(f"{value!r} is not a {kind}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a {kind}")
    if kind == "datetime":
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is not None:
            raise ValueError(f"{value!r} is not a naive UTC datetime")
        return parsed
    if kind == "date":
        return date.fromisoformat(value)
    return value


def _line(value):
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


class DocumentWriter:
    """Writes the document to a text stream, one table and one row at a time."""

    def __init__(self, out, header):
        self._out = out
        self._tables = 0
        self._row = None  # the last row's line, written once we know whether one follows
        out.write(_line(header)[:-1] + _TABLES)

    def start_table(self, name, columns):
        self._out.write(",\n" if self._tables else "\n")
        self._tables += 1
        self._out.write(_line({"name": name, "columns": columns})[:-1] + _ROWS)

    def row(self, values):
        if self._row is not None:
            self._out.write("\n" + self._row + ",")
        self._row = _line(values)

    def end_table(self):
        if self._row is not None:
            self._out.write("\n" + self._row)
            self._row = None
        self._out.write("\n" + _END_TABLE)

    def close(self):
        self._out.write("\n" + _END + "\n")


def read_document(lines):
    """The document's parts, in order: ("header", dict), then for each table
    ("table", name, columns) followed by its ("row", list) items. BackupError when the
    text is not laid out as DocumentWriter writes it (a damaged or foreign file)."""
    lines = iter(lines)
    first = next(lines, "").rstrip("\n")
    if not first.endswith(_TABLES):
        raise BackupError("This is not a SpendSense backup (its document does not start as one).")
    yield "header", _parse(first[:-len(_TABLES)] + "}", 1)
    number, in_table, ended = 1, False, False
    for number, line in enumerate(lines, start=2):
        line = line.rstrip("\n")
        if ended:
            if line:
                raise BackupError(f"The backup's document goes on after its end (line {number}).")
        elif in_table and line in (_END_TABLE, _END_TABLE + ","):
            in_table = False
        elif in_table:
            values = _parse(line.removesuffix(","), number)
            if not isinstance(values, list):
                raise BackupError(f"Line {number} of the backup is not a row.")
            yield "row", values
        elif line == _END:
            ended = True
        elif line.endswith(_ROWS):
            table = _parse(line[:-len(_ROWS)] + "}", number)
            if not (isinstance(table, dict) and isinstance(table.get("name"), str)
                    and isinstance(table.get("columns"), list)):
                raise BackupError(f"Line {number} of the backup is not a table's start.")
            in_table = True
            yield "table", table["name"], table["columns"]
        else:
            raise BackupError(f"Line {number} of the backup is not where a table starts.")
    if not ended:
        raise BackupError(f"The backup's document stops at line {number}, before its end: the file is cut off.")


def _parse(text, number):
    try:
        return json.loads(text)
    except ValueError:
        raise BackupError(f"Line {number} of the backup is not valid JSON: the file is damaged.") from None
