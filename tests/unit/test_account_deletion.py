"""Deleting an account (services/auth/account_deletion.py) removes every row of the user
and of their ledgers, in every table, and nobody else's; projects they own stay."""

import time
from datetime import date

import pyotp
import pytest
from sqlalchemy import func, inspect, select

from spendsense.extensions import db
from spendsense.models import (
    AuditEvent,
    Bill,
    CsvProfile,
    LedgerMember,
    Member,
    Project,
    Scenario,
    User,
    bill_owers,
)
from spendsense.services.auth import account_deletion, security_log, tokens, two_factor, users
from spendsense.services.bills import bills, booking, members, projects
from spendsense.services.errors import NotFound
from spendsense.services.io import imports as statement_imports
from spendsense.services.ledger import (
    accounts,
    attachments,
    categories,
    folders,
    institutions,
    rules,
    searches,
)
from spendsense.services.planning import analysis, envelopes, events, recurring
from spendsense.services.scope import ledger_for
from tests import factories
from tests.conftest import PASSWORD

STATEMENT = b"Date,Payee,Amount\n2024-05-02,Bakery,-3.20\n2024-05-03,Salary,1500.00\n"


def counts():
    db.session.rollback()
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def populate(name):
    """A user with a row in every table a user's data lives in; the user."""
    user = users.register(name, f"{name}@example.com", PASSWORD)
    ledger = ledger_for(user)
    tokens.issue(user.id, "cli")
    secret = two_factor.pending_secret(user.id)
    two_factor.enable(user.id, pyotp.TOTP(secret).at(time.time()))  # recovery codes, a security event
    security_log.record(user.id, "login", address="192.0.2.1")
    institution = institutions.create_institution(ledger, "Kiwibank", "EUR")
    main = accounts.create_account(ledger, "Main", currency="EUR", opening_balance="100.00",
                                   institution_id=institution.id).id
    savings = accounts.create_account(ledger, "Savings", currency="EUR").id
    snacks = categories.create_category(ledger, "Snacks", "🍪", "spent")
    rules.create_rule(ledger, snacks.id, "Bakery")
    report = folders.create_report(ledger, "Trip")
    txn = factories.create_transaction(ledger, account_id=main, category_id=snacks.id, amount="-4.50",
                                       description="crisps", labels=("food",), report_id=report.id)
    factories.create_transfer(ledger, from_account_id=main, to_account_id=savings, amount="10.00")
    attachments.create(ledger, attachments.Upload(f"receipt of {name}".encode(), "receipt.txt"),
                       transaction_id=txn.id)
    statement_imports.import_statement(ledger, main, statement_imports.read_file(
        STATEMENT, "statement.csv", max_bytes=10**6, max_rows=100))
    with db.session.begin():  # a remembered CSV mapping (what the import page saves)
        db.session.add(CsvProfile(ledger_id=ledger, name="My bank", header_key="date\x1fpayee", dialect="{}"))
    searches.create_search(ledger, "Snacks", {"q": "crisps"})
    scenario = db.session.scalar(select(Scenario.id).where(Scenario.account_id == main))
    events.create_event(ledger, scenario, category_id=snacks.id, amount="-5", date=date(2024, 1, 1),
                        repeat_type="monthly", post_automatically=True)
    recurring.post_due(today=date(2024, 3, 2), ledger_id=ledger)
    analysis.set_rollover(ledger, snacks.id, True)
    envelopes.assign(ledger, snacks.id, date(2024, 3, 1), "20")
    project = projects.create_project(name=f"{name}'s trip", project_id=f"{name}-trip", password="code-123",
                                      contact_email=f"{name}@example.com", default_currency="EUR", owner_id=user.id)
    me = members.add_member(project.id, name)
    friend = members.add_member(project.id, "zoe")
    booking.link(project.id, me.id, user.id)
    booking.configure(project.id, me.id, user.id, record=True, account_id=main)
    bills.create_bill(project.id, what="dinner", payer_id=friend.id, owers=[me.id, friend.id], amount="42.10",
                      date=date(2024, 5, 4))
    return user


@pytest.fixture
def world(app, attachment_folder):
    """bob alone (the rows that must stay), then alice with the same again, each a
    member (linked) of the other's project and of the other's ledger."""
    bob = populate("bob")
    only_bob = counts()
    alice = populate("alice")
    for guest, host in ((alice, bob), (bob, alice)):
        project = db.session.scalar(select(Project).where(Project.owner_id == host.id))
        member = members.add_member(project.id, f"{guest.username} too")
        booking.link(project.id, member.id, guest.id)
        with db.session.begin():
            db.session.add(LedgerMember(ledger_id=ledger_for(host), user_id=guest.id, role="viewer"))
    return alice, bob, only_bob


def test_every_table_holds_rows_of_both_users(world):
    """The test below covers every table: a new table's rows must show up here too."""
    _alice, _bob, only_bob = world
    both = counts()
    # system categories (ledger NULL) and tables no user's data is in
    assert {name for name, count in both.items() if count == only_bob[name]} == set()
    assert set(both) == set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_deleting_alice_removes_every_row_of_hers_and_none_of_bobs(world, attachment_folder):
    alice, bob, only_bob = world
    alice_id, bob_id = alice.id, bob.id
    kept_project = db.session.scalar(select(Project.id).where(Project.owner_id == alice.id))
    bob_project = db.session.scalar(select(Project.id).where(Project.owner_id == bob.id))
    stays = {  # alice's project is the other people's too: it stays, and so do its rows
        "projects": 1,
        "project_members": db.session.scalar(select(func.count()).where(Member.project_id == kept_project)),
        "bills": db.session.scalar(select(func.count()).where(Bill.project_id == kept_project)),
        "bill_owers": db.session.scalar(select(func.count()).select_from(bill_owers).join(Bill)
                                        .where(Bill.project_id == kept_project)),
        "audit_events": db.session.scalar(select(func.count()).where(AuditEvent.project_id == kept_project)),
    }
    files = {path.name for path in attachment_folder.rglob("*") if path.is_file()}
    assert len(files) == 2

    done = account_deletion.delete_account(alice_id)

    assert (done.user_id, done.ledgers, done.attachments) == (alice_id, 1, 1) and done.transactions > 5
    after = counts()
    expected = {name: only_bob[name] + stays.get(name, 0) for name in only_bob}
    expected["project_members"] += 1  # "alice too" in bob's project, now unlinked
    expected["audit_events"] += 1  # ... and its "added" in bob's project's history
    assert after == expected
    assert db.session.get(User, alice_id) is None
    # the project stays without an owner; her members there and in bob's project are unlinked
    assert db.session.get(Project, kept_project).owner_id is None
    assert db.session.scalar(select(func.count()).where(Member.user_id == alice_id)) == 0
    assert db.session.scalars(select(Member.name).where(Member.project_id == bob_project,
                                                        Member.user_id.is_(None))).all() == ["zoe", "alice too"]
    assert db.session.scalar(select(func.count()).where(AuditEvent.user_id == alice_id)) == 0
    # her file is gone, bob's stays
    assert len({path.name for path in attachment_folder.rglob("*") if path.is_file()}) == 1
    # bob can still log in and use his ledger
    assert users.authenticate("bob", PASSWORD).id == bob_id
    assert accounts.get_account(ledger_for(bob), db.session.scalar(
        select(func.min(Scenario.account_id)).where(Scenario.ledger_id == ledger_for(bob)))).name == "Main"


def test_a_file_shared_with_another_ledger_stays(app, attachment_folder, user, other_user):
    for owner in (user, other_user):
        attachments.create(ledger_for(owner), attachments.Upload(b"the same receipt", "r.txt"))
    account_deletion.delete_account(user.id)
    assert len([path for path in attachment_folder.rglob("*") if path.is_file()]) == 1


def test_an_unknown_user(app):
    with pytest.raises(NotFound):
        account_deletion.delete_account(10**9)
