import pytest
from sqlalchemy import event, func, select

from spendsense.extensions import db
from spendsense.models import Account
from spendsense.services.ledger import accounts
from spendsense.services.uow import write_intent, write_transaction


def count_accounts():
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Account))


def test_commits_on_success_and_rolls_back_on_error(ledger):
    with write_transaction() as session:
        session.add(Account(ledger_id=ledger, name="Kept", currency="EUR"))
    assert count_accounts() == 1
    with pytest.raises(RuntimeError), write_transaction() as session:
        session.add(Account(ledger_id=ledger, name="Dropped", currency="EUR"))
        session.flush()
        raise RuntimeError("boom")
    assert count_accounts() == 1
    assert write_intent.get() is False


def test_nested_calls_join_the_outer_transaction(ledger):
    with pytest.raises(RuntimeError), write_transaction():
        accounts.create_account(ledger, "Inner")  # would commit on its own
        assert write_intent.get() is True
        raise RuntimeError("outer fails")
    assert count_accounts() == 0


def test_writes_begin_immediate_on_sqlite_and_reads_do_not(ledger):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    seen = []

    def record(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        db.session.rollback()
        accounts.list_accounts(ledger)
        db.session.rollback()
        accounts.create_account(ledger, "Written")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    # list_accounts and create_account's name check read; only the insert writes.
    assert seen == ["BEGIN", "BEGIN", "BEGIN IMMEDIATE"]
