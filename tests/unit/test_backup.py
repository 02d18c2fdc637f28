"""flask backup / flask restore: every row of every table, every balance and every
attached file comes back, on SQLite and on PostgreSQL and from one to the other."""

import io
import json
import os
import threading
import zipfile
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, select, text

from spendsense.extensions import db
from spendsense.models import Attachment, LedgerMember, RecoveryCode, User
from spendsense.services import exchange
from spendsense.services.auth import security_log, tokens, users
from spendsense.services.bills import bills, booking, members, projects
from spendsense.services.io import imports, profiles
from spendsense.services.io.parsers import parse
from spendsense.services.ledger import (
    accounts,
    attachments,
    categories,
    folders,
    institutions,
    rules,
    searches,
    seed,
)
from spendsense.services.planning import analysis, envelopes, events, scenarios
from spendsense.services.planning.repeats import occurrence_id
from spendsense.services.scope import ledger_for
from tests import factories
from tests.conftest import PASSWORD, empty_database, make_app
from tests.files import PDF, png

UNICODE = "Café ☕ «Ünïcødé» 東京 🍕"
BIG = 10**15 - 1  # the largest amount, in minor units
HUGE = 2**63 - 1  # the largest BIGINT, past what a float holds exactly


def wall(*parts):
    """A naive datetime, as the database keeps them (wall-clock or naive UTC)."""
    return datetime(*parts)  # noqa: DTZ001


def fill(user, other):
    """Rows in every table, through the services where there is one."""
    ledger = ledger_for(user)
    bank = institutions.create_institution(ledger, UNICODE, "EUR")
    current = accounts.create_account(ledger, "Current", currency="EUR", institution_id=bank.id).id
    savings = accounts.create_account(ledger, "Savings €", currency="EUR", opening_balance="1234.56",
                                      opening_date="2020-02-29").id
    accounts.create_account(ledger, "Vault", currency="EUR", opening_balance=str(Decimal(BIG).scaleb(-2)))
    yen = accounts.create_account(ledger, "Wallet JPY", type="cash", currency="JPY").id
    food = categories.create_category(ledger, UNICODE, "🍕", "spent").id
    child = categories.create_category(ledger, "Snacks", "🍿", "spent", parent_id=food, colour="#aabbcc").id
    rules.create_rule(ledger, child, "crisps", match="starts_with")
    report = folders.create_report(ledger, "Trip", make_current=True).id
    salary = categories.find_by_value(ledger, "salary", "earn").id  # a system category
    factories.create_transaction(ledger, account_id=current, amount="2500", category_id=salary,
                                 occurred_at=wall(2024, 1, 31, 9, 0, 0, 123456), payee="Employer")
    spent = factories.create_transaction(
        ledger, account_id=current, amount="-12.34", category_id=food, payee=UNICODE, memo='quote " and backslash \\',
        occurred_at=wall(2024, 2, 1, 23, 59, 59, 999999), labels=("food", "été"), needs_review=True,
        status="pending", report_id=report, external_id="FITID-1", cheque_number="0042")
    factories.create_transaction(ledger, account_id=current, amount="-3.50", payee="crisps shop",
                                 occurred_at=wall(2024, 2, 2, 12, 0))
    fx = exchange.convert(Decimal("1500"), "JPY", "EUR", date(2024, 1, 2))
    factories.create_transaction(ledger, account_id=current, amount=str(-fx.amount), occurred_at="2024-01-02",
                                 fx=fx)
    factories.create_transfer(ledger, from_account_id=current, to_account_id=savings, amount="100",
                              occurred_at="2024-03-01")
    factories.create_transfer(ledger, from_account_id=current, to_account_id=yen, amount="10", to_amount="1600",
                              occurred_at="2024-03-02")
    gone = factories.create_transaction(ledger, account_id=savings, amount="-1", occurred_at="2024-03-03")
    factories.delete_transaction(ledger, gone.id)  # a tombstone
    imports.import_statement(ledger, savings, parse(
        b"Date,Payee,Amount,Reference\n2024-04-01,Bakery,-3.20,R1\n2024-04-02,Refund,5.00,R2\n"),
        file_name="bank.csv")
    statement = parse(b"Date,Payee,Amount\n2024-04-01,x,-1\n")
    profiles.save_profile(ledger, "My bank", statement.csv_dialect)
    searches.create_search(ledger, "Été coffee", {"q": "coffee"})
    receipt = attachments.create(ledger, attachments.Upload(png((1600, 900)), "receipt.png"), transaction_id=spent.id)
    attachments.create(ledger, attachments.Upload(PDF, "invoice.pdf", "Invoice ✓"))
    assert receipt.thumb_digest not in (None, receipt.digest)  # a preview file of its own

    scenario = scenarios.primary_for(ledger, current)
    scenarios.create_scenario(ledger, savings, title="Goal", type="savings", interest_rate="2.4",
                              maximum_value="5000")
    rent = events.create_event(ledger, scenario.id, category_id=food, amount="-800", date="2024-01-05",
                               repeat_type="monthly", note=UNICODE)
    events.delete_occurrence(ledger, occurrence_id(rent.id, date(2024, 2, 5)), "one")
    analysis.set_rollover(ledger, food, True)
    envelopes.assign(ledger, child, "2024-02-01", "50")

    project = projects.create_project(name="Raclette ✓", project_id="raclette", password="secret code",
                                      contact_email="r@example.com", default_currency="EUR", owner_id=user.id)
    zorglub = members.add_member(project.id, "zorglub")
    fred = members.add_member(project.id, "fred", "1.5")
    booking.link(project.id, zorglub.id, user.id)
    booking.configure(project.id, zorglub.id, user.id, record=True, account_id=current, category_id=food)
    bills.create_bill(project.id, what="fromage", payer_id=fred.id, owers=[zorglub.id, fred.id], amount="30.01",
                      date="2024-05-01")
    bills.create_bill(project.id, what="vin", payer_id=zorglub.id, owers=[fred.id], amount="1000",
                      original_currency="JPY", date="2024-05-02")

    tokens.issue(user.id, "script", expires_at=wall(2030, 1, 1))
    revoked, _secret = tokens.issue(other.id, "old")
    tokens.revoke(other.id, revoked.id)
    security_log.record(user.id, "login", detail=UNICODE, address="192.0.2.1", user_agent="curl/8")
    db.session.add(RecoveryCode(user_id=user.id, code_hash="pbkdf2:sha256:1$salt$hash",
                                used_at=wall(2024, 6, 1, 1, 2, 3)))
    db.session.add(LedgerMember(ledger_id=ledger, user_id=other.id, role="viewer"))
    user.display_name = "Zoë\nsecond line"  # a newline inside a value, in a one-row-per-line document
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = "JBSWY3DPEHPK3PXP", wall(2024, 6, 1), HUGE
    db.session.commit()


@contextmanager
def using(app):
    """``app``'s context (the test's own is another app's); its connections closed after,
    once the context's end has given its session's connection back."""
    try:
        with app.app_context():
            yield
    finally:
        with app.app_context():
            db.engine.dispose()


def table_rows(app):
    """{table: [row, ...]} of the app's database, every table, in primary-key order."""
    with using(app):
        return {table.name: [tuple(row) for row in db.session.execute(
            select(table).order_by(*table.primary_key.columns))]
            for table in db.metadata.sorted_tables}


def file_count(rows):
    """How many distinct files the attachments' rows name."""
    columns = list(Attachment.__table__.columns.keys())
    return len({row[columns.index(name)] for row in rows["attachments"]
                for name in ("digest", "large_digest", "thumb_digest")} - {None})


def stored_files(folder):
    """{file name: bytes} of the files under ``folder``."""
    found = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            with open(os.path.join(root, name), "rb") as source:
                found[name] = source.read()
    return found


def _second_database(database_url, suffix):
    base = make_url(database_url)
    if base.get_backend_name() != "postgresql":
        return None
    name = f"{base.database}_{suffix}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop(url):
    base = make_url(url)
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{base.database}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def targets(database_url, tmp_path_factory):
    """Migrated databases to restore into: {"same": the suite's backend, "sqlite": a
    SQLite file}, plus "postgresql" when the suite runs on PostgreSQL."""
    folder = tmp_path_factory.mktemp("restore")
    urls = {"sqlite": f"sqlite:///{folder / 'restored.sqlite3'}"}
    made = [url for url in (_second_database(database_url, "restore"),) if url]
    if made:
        urls["postgresql"] = made[0]
    urls["same"] = urls.get("postgresql", urls["sqlite"])
    for url in set(urls.values()):
        with using(make_app(url)):
            upgrade()
    yield urls
    for url in made:
        _drop(url)


@pytest.fixture
def fresh(targets, tmp_path):
    """fresh(kind): an app on the target database, emptied as `flask db upgrade` leaves
    it (system categories only), with an attachment folder of its own."""
    def _fresh(kind):
        app = make_app(targets[kind], ATTACHMENT_FOLDER=str(tmp_path / f"files-{kind}"))
        with using(app):
            empty_database()
            seed.seed_system_categories()
        return app
    return _fresh


def run(app, *args):
    """A flask command in ``app``'s own context (the test's context is another app's)."""
    with using(app):
        return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def filled(app, attachment_folder, user, other_user):
    fill(user, other_user)
    db.session.remove()
    return app


def backup_of(app, path):
    result = run(app, "backup", str(path))
    assert result.exit_code == 0, result.output
    return result


def test_every_table_holds_rows_to_prove_it_comes_back(filled):
    empty = [name for name, rows in table_rows(filled).items() if not rows]
    assert empty == [], "fill() must give every table rows, so a table the backup leaves out fails the tests"


def test_round_trip_restores_every_row_balance_and_file(filled, fresh, tmp_path, attachment_folder):
    before = table_rows(filled)
    path = tmp_path / "spendsense-backup.zip"
    result = backup_of(filled, path)
    total = sum(len(rows) for rows in before.values())
    files = file_count(before)
    assert files == 3
    assert result.output.startswith(f"Backed up {total} rows of {len(before)} tables and {files} files")

    target = fresh("same")
    result = run(target, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Restored {total} rows of {len(before)} tables and {files} files")
    after = table_rows(target)
    for name in before:
        assert after[name] == before[name], name
    assert run(target, "check-balances").output == "All balances and monthly totals match their transactions.\n"
    assert stored_files(target.config["ATTACHMENT_FOLDER"]) == stored_files(attachment_folder)
    # The id sequences go on after the restored ids.
    with using(target):
        newcomer = users.register("carol", "carol@example.com", PASSWORD)
        assert newcomer.id == max(row[0] for row in before["users"]) + 1


def test_the_backup_is_one_json_document_with_its_schema_and_files(filled, tmp_path):
    path = tmp_path / "b.zip"
    backup_of(filled, path)
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("backup.json"))
        names = set(archive.namelist())
    with filled.app_context():
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        assert [t["name"] for t in document["tables"]] == [t.name for t in db.metadata.sorted_tables]
    assert document["format"] == "spendsense-backup"
    assert document["alembic_revision"] == revision
    assert document["app_version"] == "0.1.0"
    assert datetime.fromisoformat(document["created_at"].removesuffix("Z"))
    assert names == {"backup.json"} | {f"files/{entry['digest']}" for entry in document["files"]}
    users_table = next(t for t in document["tables"] if t["name"] == "users")
    alice = dict(zip(users_table["columns"], users_table["rows"][0], strict=True))
    assert (alice["totp_last_step"], alice["beta_user"], alice["locale"]) == (HUGE, False, "en_GB")


@pytest.mark.skipif(not os.environ.get("SPENDSENSE_TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_from_postgresql_to_sqlite_and_back(filled, fresh, tmp_path):
    before = table_rows(filled)
    backup_of(filled, tmp_path / "pg.zip")
    on_sqlite = fresh("sqlite")
    assert run(on_sqlite, "restore", str(tmp_path / "pg.zip")).exit_code == 0
    assert table_rows(on_sqlite) == before
    backup_of(on_sqlite, tmp_path / "sqlite.zip")
    on_postgresql = fresh("postgresql")
    result = run(on_postgresql, "restore", str(tmp_path / "sqlite.zip"))
    assert result.exit_code == 0, result.output
    assert table_rows(on_postgresql) == before
    assert run(on_postgresql, "check-balances").exit_code == 0


def test_restore_refuses_a_database_that_is_not_empty(filled, tmp_path):
    path = tmp_path / "b.zip"
    backup_of(filled, path)
    before = table_rows(filled)
    result = run(filled, "restore", str(path))
    assert result.exit_code == 1
    assert result.output.startswith("The database is not empty (rows in users, ")
    assert "restore only into a new database" in result.output
    assert table_rows(filled) == before


def rewritten(path, out, change):
    """A copy of the backup at ``path`` whose backup.json went through change(text)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, change(data.decode()).encode() if item.filename == "backup.json" else data)
    return out


@pytest.mark.parametrize(("change", "message"), [
    (lambda doc: doc.replace('"alembic_revision": "', '"alembic_revision": "old', 1),
     "The backup is of schema revision old"),
    (lambda doc: "".join(doc.splitlines(keepends=True)[:40]), "The backup's document stops at line 40"),
    (lambda doc: doc.replace('"name": "users"', '"name": "people"', 1), "The backup holds a table 'people'"),
    (lambda doc: doc.replace('"name": "transaction_labels"', '"name": "transaction_labels_x"', 1),
     "The backup holds a table 'transaction_labels_x'"),
    (lambda doc: doc.replace('"EUR"', '17', 1), "is not a text"),
])
def test_restore_refuses_a_damaged_or_foreign_backup_and_writes_nothing(filled, fresh, tmp_path, change, message):
    path = backup_of(filled, tmp_path / "b.zip") and tmp_path / "b.zip"
    target = fresh("same")
    before = table_rows(target)
    result = run(target, "restore", str(rewritten(path, tmp_path / "bad.zip", change)))
    assert result.exit_code == 1
    assert message in result.output
    assert table_rows(target) == before


def test_restore_refuses_a_file_that_does_not_match_its_hash(filled, fresh, tmp_path):
    path = tmp_path / "b.zip"
    backup_of(filled, path)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:-1] + b"!" if item.filename.startswith("files/") else data)
    app = fresh("same")
    result = run(app, "restore", str(bad))
    assert result.exit_code == 1
    assert "does not match its SHA-256" in result.output
    with using(app):
        assert db.session.scalar(select(User.id)) is None


def test_restore_refuses_what_is_not_a_backup(fresh, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("readme.txt", "hello")
    app = fresh("same")
    assert run(app, "restore", str(tmp_path / "notes.txt")).output == (
        f"{tmp_path / 'notes.txt'} is not a SpendSense backup (not a ZIP archive).\n")
    assert run(app, "restore", str(tmp_path / "other.zip")).output == (
        f"{tmp_path / 'other.zip'} is not a SpendSense backup (it holds no backup.json).\n")


def test_backup_never_replaces_a_file_unless_told(filled, tmp_path):
    path = tmp_path / "b.zip"
    path.write_bytes(b"keep me")
    result = run(filled, "backup", str(path))
    assert result.exit_code == 1
    assert result.output == f"{path} already exists (give --force to replace it).\n"
    assert path.read_bytes() == b"keep me"
    assert run(filled, "backup", str(path), "--force").exit_code == 0
    assert zipfile.is_zipfile(path)
    assert [name for name in os.listdir(tmp_path) if name.endswith(".partial")] == []


def test_a_file_missing_on_disk_is_named_and_left_out(filled, fresh, tmp_path, attachment_folder):
    victim = next(path for path in (os.path.join(root, name) for root, _d, names in os.walk(attachment_folder)
                                    for name in names))
    os.unlink(victim)
    result = run(filled, "backup", str(tmp_path / "b.zip"))
    assert result.exit_code == 0
    assert f"1 attached file(s) were missing or damaged on the backed-up server and are not in the backup: " \
           f"{os.path.basename(victim)}" in result.output
    restored = run(fresh("same"), "restore", str(tmp_path / "b.zip"))
    assert restored.exit_code == 0, restored.output
    assert "and 2 files" in restored.output


def test_sqlite_file_copy_with_the_online_backup_api(filled, tmp_path):
    result = run(filled, "backup", str(tmp_path / "copy.sqlite3"), "--sqlite-file")
    if filled.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert result.exit_code == 0, result.output
        copy = make_app(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
        assert table_rows(copy) == table_rows(filled)
    else:
        assert result.exit_code == 1
        assert result.output.startswith("A database-file copy is for SQLite only")


def test_the_document_streams_one_row_per_line(filled, tmp_path):
    backup_of(filled, tmp_path / "b.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as archive, archive.open("backup.json") as raw:
        lines = io.TextIOWrapper(raw, encoding="utf-8").read().splitlines()
    rows = sum(len(rows) for rows in table_rows(filled).values())
    tables = len(table_rows(filled))
    assert len(lines) == 1 + tables * 2 + rows + 1


def test_the_backup_is_one_snapshot_while_others_write(filled, fresh, tmp_path, monkeypatch):
    """A transaction committed while the backup is being written is in none of its
    tables: neither its row nor its account's new balance."""
    from spendsense.services.backup import dump

    ledger = ledger_for(db.session.get(User, 1))
    account = accounts.create_account(ledger, "Busy", currency="EUR").id
    db.session.commit()
    before = table_rows(filled)
    write_table = dump._write_table
    written = []

    def write_then_book(connection, writer, table):
        count = write_table(connection, writer, table)
        if not written:  # once the first table is out, another writer commits
            worker = threading.Thread(target=book)
            worker.start()
            worker.join()
            assert written == ["booked"]
        return count

    def book():
        with filled.app_context():  # a connection of its own; the test's app keeps its engine
            factories.create_transaction(ledger, account_id=account, amount="-7.77", occurred_at="2024-07-01")
            written.append("booked")

    monkeypatch.setattr(dump, "_write_table", write_then_book)
    backup_of(filled, tmp_path / "b.zip")
    assert table_rows(filled) != before  # the write did happen, during the backup
    target = fresh("same")
    assert run(target, "restore", str(tmp_path / "b.zip")).exit_code == 0
    assert table_rows(target) == before
    assert run(target, "check-balances").exit_code == 0
