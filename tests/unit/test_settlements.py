"""Registering the settle-up plan: one transfer of the current plan, or the whole plan
in one write transaction (every settlement or none)."""

import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import AuditEvent, Bill
from spendsense.services.bills import bills as project_bills
from spendsense.services.bills import members as project_members
from spendsense.services.bills import projects as shared_bills
from spendsense.services.bills import settlements, splits, stats
from spendsense.services.errors import Invalid


@pytest.fixture
def flat(app):
    """Ann paid 90.00 for Ann, Ben and Cid: Ben and Cid owe her 30.00 each."""
    project = shared_bills.create_project(name="Flat", project_id="flat", password="code",
                                          contact_email="flat@example.com", default_currency="EUR")
    ann, ben, cid = (project_members.add_member(project.id, name).id for name in ("Ann", "Ben", "Cid"))
    project_bills.create_bill(project.id, what="Rent", payer_id=ann, owers=[ann, ben, cid], amount="90")
    return project.id, (ann, ben, cid)


def written(project_id):
    db.session.rollback()
    return (db.session.scalar(select(func.count(Bill.id)).where(Bill.project_id == project_id)),
            db.session.scalar(select(func.count(AuditEvent.id))), stats.balances(project_id))


def test_the_whole_plan_evens_everybody_out(flat):
    project_id, (ann, ben, cid) = flat
    plan = settlements.register_plan(project_id)
    assert [(t.ower.id, t.receiver.id, t.amount) for t in plan] == [(ben, ann, 3000), (cid, ann, 3000)]
    assert set(stats.balances(project_id).values()) == {0}
    assert stats.settle_plan(project_id) == []
    assert [(b.what, b.bill_type) for b in project_bills.list_bills(project_id)][:2] == [
        ("Settlement", "Reimbursement")] * 2
    assert splits.inconsistencies(project_id) == []


def test_a_failure_half_way_writes_no_settlement(flat, monkeypatch):
    project_id, _members = flat
    before = written(project_id)
    real = project_bills.register_settlement
    calls = []

    def second_fails(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise Invalid.field("payer", "Not a valid choice.")
        return real(*args, **kwargs)

    monkeypatch.setattr(project_bills, "register_settlement", second_fails)
    with pytest.raises(Invalid):
        settlements.register_plan(project_id)
    assert len(calls) == 2  # the first settlement was written, then undone
    assert written(project_id) == before
    assert splits.inconsistencies(project_id) == []


def test_a_member_who_cannot_take_bills_stops_the_whole_plan(flat):
    project_id, (_ann, _ben, cid) = flat
    project_members.remove_member(project_id, cid)  # has a bill, so only deactivated
    before = written(project_id)
    with pytest.raises(Invalid):
        settlements.register_plan(project_id)  # Ben's settlement first, then Cid's fails
    assert written(project_id) == before


def test_an_empty_plan_registers_nothing(app):
    project = shared_bills.create_project(name="Even", project_id="even", password="code",
                                          contact_email="even@example.com")
    assert settlements.register_plan(project.id) == []


def test_one_transfer_only_as_the_plan_has_it_now(flat):
    project_id, (ann, ben, cid) = flat
    before = written(project_id)
    for ower, receiver, amount in ((ben, ann, 2999), (ann, ben, 3000), (ben, cid, 3000)):
        assert settlements.register_transfer(project_id, ower, receiver, amount) is None
    assert written(project_id) == before
    transfer = settlements.register_transfer(project_id, ben, ann, 3000)
    assert (transfer.ower.name, transfer.receiver.name, transfer.amount) == ("Ben", "Ann", 3000)
    assert stats.balances(project_id) == {ann: 3000, ben: 0, cid: -3000}
    assert settlements.register_transfer(project_id, ben, ann, 3000) is None  # done already
