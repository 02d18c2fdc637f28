"""A database connection of its own for an answer written while it is read.

A streamed body is still being written after its view has returned, and by then Flask
has torn down the request's app context and removed its session (the pool may have
handed that connection to another request). So a stream reads on a connection it
opens and closes itself, never through ``db.session``, and in one read-only snapshot:
SQLite's ``BEGIN`` (db_setup) holds one from the first read on, and PostgreSQL gets
REPEATABLE READ, so a bill and its owers, or a batch and its labels, are never read
from two states of the database.
"""

from contextlib import contextmanager

from spendsense.extensions import db


@contextmanager
def reading():
    connection = db.engine.connect()
    try:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        yield connection
    finally:
        connection.close()
