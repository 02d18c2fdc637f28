"""Counting the SQL statements a piece of work sends, for tests that bound them."""

from contextlib import contextmanager

from sqlalchemy import event

from spendsense.extensions import db

CONTROL = ("BEGIN", "ROLLBACK", "COMMIT")


@contextmanager
def recorded():
    """The statements (other than transaction control) sent inside the block, as a list."""
    seen = []

    def listener(_conn, _cursor, statement, *_rest):
        if not statement.lstrip().startswith(CONTROL):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
