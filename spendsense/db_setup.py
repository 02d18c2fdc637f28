"""Engine settings that differ per backend, applied once the engine exists."""

from sqlalchemy import event

from spendsense.services.uow import write_intent


def configure_engine(engine, app):
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" hook below emit BEGIN, instead of pysqlite's own logic.
        dbapi_connection.isolation_level = None
        # SQLite's own lower() folds ASCII only; usernames and account names are unique
        # ignoring case in every script ("Готівка" = "ГОТІВКА"), as on PostgreSQL.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value
