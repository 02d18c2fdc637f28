"""A project's history reads as ihatemoney's does for the same events (its
templates/history.html and tests/history_test.py): one line per change, names in
``<em>``, HTML-escaped, and no client address."""

import json

import pytest

from spendsense.extensions import db
from spendsense.models import AuditEvent
from spendsense.services.bills import projects as shared_bills
from tests.api.projects_helpers import basic
from tests.web.helpers import text

CODE = "demo-code"


def em(name):
    return f"<em>{name}</em>"


@pytest.fixture
def demo(client):
    """The project "demo" (no currency), created in this browser, with zorglub."""
    response = client.post("/projects/new", data={"name": "demo", "password": CODE, "contact_email": "d@example.com",
                                                   "default_currency": "XXX"})
    assert response.status_code == 302
    assert client.post("/projects/demo/members", data={"name": "zorglub"}).status_code == 302
    return client


def history(client):
    response = client.get("/projects/demo/history")
    assert response.status_code == 200
    return text(response)


def bill(client, bill_id=None, **fields):
    data = {"what": "fromage à raclette", "payer": "1", "payed_for": ["1"], "amount": "25", "date": "2011-08-10",
            "bill_type": "Expense", "original_currency": "XXX", **fields}
    url = f"/projects/demo/bills/{bill_id}/edit" if bill_id else "/projects/demo/bills/new"
    response = client.post(url, data=data)
    assert response.status_code == 302, text(response)


def test_creations(demo):
    bill(demo)
    page = history(demo)
    assert f"Project {em('demo')} added" in page
    assert f"Participant {em('zorglub')} added" in page
    assert f"Bill {em('fromage à raclette')} added" in page


def test_bill_changes_one_line_each(demo):
    demo.post("/projects/demo/members", data={"name": "jeanne"})
    bill(demo)
    bill(demo, 1, what="new thing", amount="10", payer="2", payed_for=["1", "2"], date="2011-08-11")
    page = history(demo)
    renamed = f"Bill {em('fromage à raclette')} renamed to {em('new thing')}"
    amount = f"Bill {em('fromage à raclette')}: Amount changed from {em('25.00')} to {em('10.00')}"
    assert renamed in page and amount in page
    assert page.index(renamed) < page.index(amount)
    assert f"Bill {em('fromage à raclette')}: Payer changed from {em('zorglub')} to {em('jeanne')}" in page
    assert f"Bill {em('fromage à raclette')}: Date changed from {em('2011-08-10')} to {em('2011-08-11')}" in page
    assert f"Bill {em('fromage à raclette')}: Added {em('jeanne')} to owers list" in page
    bill(demo, 1, what="new thing", amount="10", payer="2", payed_for=["2"], date="2011-08-11")
    assert f"Bill {em('new thing')}: Removed {em('zorglub')} from owers list" in history(demo)
    assert demo.post("/projects/demo/bills/1/delete").status_code == 302
    assert f"Bill {em('new thing')} removed" in history(demo)


def test_participant_changes(demo):
    demo.post("/projects/demo/members/1/edit", data={"name": "new name", "weight": "2"})
    page = history(demo)
    renamed = f"Participant {em('zorglub')} renamed to {em('new name')}"
    weight = f"Participant {em('zorglub')}: Weight changed from {em('1')} to {em('2')}"
    assert renamed in page and weight in page and page.index(renamed) < page.index(weight)
    bill(demo)
    demo.post("/projects/demo/members/1/deactivate")
    assert f"Participant {em('new name')} deactivated" in history(demo)
    demo.post("/projects/demo/members/1/reactivate")
    assert f"Participant {em('new name')} reactivated" in history(demo)


def test_project_changes(demo):
    response = demo.post("/projects/demo/settings", data={
        "name": "demo2", "contact_email": "demo2@example.com", "default_currency": "USD", "history_enabled": "y",
        "current_password": CODE, "password": "123456"})
    assert response.status_code == 302
    page = history(demo)
    assert f"Project renamed to {em('demo2')}" in page
    assert f"Project contact email changed to {em('demo2@example.com')}" in page
    assert "Project private code changed" in page
    assert "Project settings modified" in page  # the currency: ihatemoney names it no further
    assert page.index("Project renamed ") < page.index("Project contact email changed to ")
    assert page.index("Project renamed ") < page.index("Project private code changed")
    assert "123456" not in page


def test_history_switches(demo):
    demo.post("/projects/demo/history/toggle")
    assert "Disabled Project History" in history(demo)
    demo.post("/projects/demo/history/toggle")
    assert "Enabled Project History" in history(demo)


def test_names_are_escaped_inside_their_em(demo):
    demo.post("/projects/demo/members", data={"name": "<script>alert(1)</script>"})
    bill(demo, what='<img src=x onerror="alert(1)">')
    page = history(demo)
    assert f"Participant {em('&lt;script&gt;alert(1)&lt;/script&gt;')} added" in page
    assert f"Bill {em('&lt;img src=x onerror=&#34;alert(1)&#34;&gt;')} added" in page
    assert "<script>alert" not in page and "<img src=x" not in page


def test_no_client_address_is_shown(demo):
    api = basic("demo", CODE)
    for address in ("203.0.113.7", "2001:db8::1"):
        response = demo.post("/api/projects/demo/members", data={"name": f"from {address[:3]}"}, headers=api,
                             environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 201
    page = history(demo)
    assert f"Participant {em('from 203')} added" in page and "by API" in page
    assert "203.0.113.7" not in page and "2001:db8::1" not in page and "127.0.0.1" not in page
    db.session.rollback()
    assert not any("203.0.113.7" in event.actor or "203.0.113.7" in event.changes
                   for event in db.session.query(AuditEvent).all())


def test_an_address_recorded_before_is_not_shown_either(demo):
    """Events from before addresses were dropped named the caller "API (<address>)"."""
    project = shared_bills.lookup.get_project("demo")
    db.session.add(AuditEvent(project_id=project.id, actor="API (198.51.100.4)", entity="member", entity_id="9",
                              action="create", changes=json.dumps({"name": [None, "old"]})))
    db.session.commit()
    page = history(demo)
    assert f"Participant {em('old')} added" in page
    assert "198.51.100.4" not in page and "by API" in page
