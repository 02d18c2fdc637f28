"""One database transaction per use case.

SQLite needs care for concurrent writers: a deferred transaction that reads and then
writes can fail at once with SQLITE_BUSY when another writer got there first (the
busy timeout does not apply to a lock upgrade). So a write starts with
``BEGIN IMMEDIATE``, which waits its turn for the write lock up front; reads keep a
plain ``BEGIN`` and never block. The engine hook in ``spendsense.db_setup`` reads the
intent from this context variable. PostgreSQL needs nothing extra: balances change
only through ``balance = balance + :delta`` and monthly totals through upserts, both
atomic under READ COMMITTED.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from spendsense.extensions import db

write_intent = ContextVar("spendsense_write_intent", default=False)


@contextmanager
def write_transaction():
    """Run the block in one write transaction; commit on success, roll back on error.

    Re-entrant: a service called from another service joins the outer transaction.
    """
    if write_intent.get():
        yield db.session
        return
    session = db.session()  # the request's Session behind the scoped proxy
    if session.in_transaction():
        # End the request's read snapshot so the write starts from a fresh BEGIN IMMEDIATE.
        session.commit()
    token = write_intent.set(True)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        write_intent.reset(token)
