"""Reports (folders of expenses): one current per ledger, names, closing, moving."""

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Report, Transaction
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts
from spendsense.services.ledger import folders as xpense_reports
from spendsense.services.scope import ledger_for
from tests import factories


@pytest.fixture
def main(ledger):
    return accounts.create_account(ledger, "Main", currency="EUR").id


def spend(ledger, account, amount="-5", **extra):
    return factories.create_transaction(ledger, account_id=account, amount=amount, **extra).id


def current_names(ledger):
    db.session.expire_all()
    return [r.name for r in db.session.scalars(select(Report).where(Report.ledger_id == ledger,
                                                                     Report.is_current.is_(True)))]


def test_the_first_report_is_current_and_later_ones_are_not(ledger):
    first = xpense_reports.create_report(ledger, "June")
    second = xpense_reports.create_report(ledger, "July")
    assert (first.is_current, second.is_current) == (True, False)
    xpense_reports.make_current(ledger, second.id)
    assert current_names(ledger) == ["July"]
    xpense_reports.create_report(ledger, "August", make_current=True)
    assert current_names(ledger) == ["August"]
    assert [r.name for r in xpense_reports.list_reports(ledger)] == ["August", "July", "June"]


def test_ensure_current_makes_one_only_when_missing(ledger):
    made = xpense_reports.ensure_current(ledger)
    assert (made.name, made.is_current) == ("Expenses", True)
    assert xpense_reports.ensure_current(ledger).id == made.id
    xpense_reports.close_report(ledger, made.id)
    again = xpense_reports.ensure_current(ledger)
    assert again.id != made.id and again.name == "Expenses 2"


def test_names_are_unique_per_ledger_ignoring_case(ledger, other_user):
    xpense_reports.create_report(ledger, "Trip")
    with pytest.raises(Invalid, match="already exists"):
        xpense_reports.create_report(ledger, "TRIP")
    other = xpense_reports.create_report(ledger, "Other")
    with pytest.raises(Invalid, match="already exists"):
        xpense_reports.rename_report(ledger, other.id, "trip")
    assert xpense_reports.create_report(ledger_for(other_user), "Trip").name == "Trip"
    with pytest.raises(Invalid):
        xpense_reports.create_report(ledger, "  ")


def test_closing_keeps_expenses_and_refuses_new_ones(ledger, main):
    report = xpense_reports.create_report(ledger, "Trip")
    kept = spend(ledger, main, report_id=report.id)
    xpense_reports.close_report(ledger, report.id)
    db.session.expire_all()
    assert db.session.get(Report, report.id).is_current is False
    assert db.session.get(Transaction, kept).report_id == report.id
    with pytest.raises(Invalid, match="closed"):
        spend(ledger, main, report_id=report.id)
    with pytest.raises(Invalid, match="closed"):
        xpense_reports.make_current(ledger, report.id)
    xpense_reports.reopen_report(ledger, report.id)
    assert db.session.get(Transaction, spend(ledger, main, report_id=report.id)).report_id == report.id


def test_move_files_and_unfiles_and_stamps_the_change(ledger, main):
    trip, june = xpense_reports.create_report(ledger, "Trip"), xpense_reports.create_report(ledger, "June")
    ids = [spend(ledger, main, report_id=trip.id) for _ in range(3)]
    before = {t.id: t.updated_at for t in db.session.scalars(select(Transaction))}
    assert xpense_reports.move_transactions(ledger, [str(i) for i in ids[:2]], june.id) == 2
    assert xpense_reports.counts(ledger) == {june.id: 2, trip.id: 1}
    xpense_reports.move_transactions(ledger, ids[2:], None)
    assert xpense_reports.counts(ledger) == {june.id: 2, None: 1}
    db.session.expire_all()
    assert all(db.session.get(Transaction, i).updated_at > before[i] for i in ids)


def test_move_refuses_other_ledgers_rows_and_changes_nothing(ledger, main, other_user):
    bob = ledger_for(other_user)
    theirs = spend(bob, accounts.create_account(bob, "Bob's", currency="EUR").id)
    mine = spend(ledger, main)
    trip = xpense_reports.create_report(ledger, "Trip")
    with pytest.raises(NotFound):
        xpense_reports.move_transactions(ledger, [mine, theirs], trip.id)
    with pytest.raises(NotFound):
        xpense_reports.move_transactions(bob, [mine], None)
    their_report = xpense_reports.create_report(bob, "Bob's report")
    with pytest.raises(NotFound):
        xpense_reports.move_transactions(ledger, [mine], their_report.id)
    db.session.expire_all()
    assert db.session.get(Transaction, mine).report_id is None
    with pytest.raises(Invalid):
        xpense_reports.move_transactions(ledger, [], trip.id)
    with pytest.raises(NotFound):
        xpense_reports.rename_report(bob, trip.id, "Mine now")


def test_update_transaction_can_refile_and_unfile(ledger, main):
    trip = xpense_reports.create_report(ledger, "Trip")
    txn_id = spend(ledger, main)
    factories.update_transaction(ledger, txn_id, report_id=trip.id)
    assert db.session.get(Transaction, txn_id).report_id == trip.id
    factories.update_transaction(ledger, txn_id, report_id=None)
    assert db.session.get(Transaction, txn_id).report_id is None
