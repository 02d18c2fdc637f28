"""Backups: every table of the schema and every attached file, in one portable file.

A backup is a ZIP archive holding ``backup.json`` (one JSON document: a header with
the schema's Alembic revision, the app version and when it was made, then every table
of ``db.metadata`` with its rows) and ``files/<sha256>`` for each attached file. It is
written from one read snapshot of the database and row by row, so a large ledger is
never held in memory, and read back the same way (``dump.py``, ``load.py``). The JSON
names columns, not a backend's types, so a SQLite backup restores into PostgreSQL and
back.
"""


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
