"""Editing or deleting a row another writer has just deleted (issue 13: a 500): the row
goes between the view's read and its write (the service the view calls deletes it first,
as the other writer's request would), and every front door answers 404 in its own shape
with a clear message, never a 500, and writes nothing."""

from decimal import Decimal

import pytest

from spendsense.services.bills import bills as project_bills
from spendsense.services.bills import members as project_members
from spendsense.services.ledger import transactions
from spendsense.services.ledger.commands import NewTransaction
from tests.api.projects_helpers import basic, create_project
from tests.api.xpenser_client import basic as xpenser_basic


def _deleted_first(monkeypatch, module, name, delete):
    """``module.name`` deletes its row (``delete(args)``) before it runs."""
    original = getattr(module, name)

    def racing(*args, **kwargs):
        delete(*args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, racing)


@pytest.fixture
def txn(ledger, main):
    return transactions.record(ledger, NewTransaction(amount=Decimal("-4.20"), account_id=main, payee="Bakery")).id


def _gone_first(monkeypatch, name):
    _deleted_first(monkeypatch, transactions, name, lambda ledger_id, txn_id, *_: ORIGINAL_DELETE(ledger_id, txn_id))


ORIGINAL_DELETE = transactions.delete


@pytest.mark.parametrize("name", ["change", "delete"])
def test_the_web_forms_answer_not_found(logged_in, txn, monkeypatch, name):
    _gone_first(monkeypatch, name)
    if name == "change":
        response = logged_in.post(f"/transactions/{txn}/edit", data={
            "kind": "spent", "amount": "5.00", "account_id": "1", "date": "2024-05-02", "payee": "Baker"})
    else:
        response = logged_in.post(f"/transactions/{txn}/delete", data={})
    assert response.status_code == 404, response.get_data(as_text=True)[:500]
    assert "deleted" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["change", "delete"])
def test_xpenser_answers_not_found(client, txn, monkeypatch, name):
    _gone_first(monkeypatch, name)
    headers = xpenser_basic("alice@example.com")
    if name == "change":
        response = client.post(f"/api/expense/{txn}", data={"amount": "5.00"}, headers=headers)
    else:
        response = client.delete(f"/api/expense/{txn}", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["status"] == 404 and response.get_json()["error"]


@pytest.mark.parametrize("name", ["change", "delete"])
def test_v2_answers_not_found(client, auth, txn, monkeypatch, name):
    _gone_first(monkeypatch, name)
    if name == "change":
        response = client.put(f"/v2/transactions/{txn}", json={"payee": "Baker"}, headers=auth)
    else:
        response = client.delete(f"/v2/transactions/{txn}", headers=auth)
    assert response.status_code == 404
    assert response.get_json()["error"]


@pytest.fixture
def trip(client):
    assert create_project(client, name="Trip", project_id="trip", password="secret").status_code == 201
    headers = basic("trip", "secret")
    members = [client.post("/api/projects/trip/members", data={"name": n}, headers=headers).get_json()
               for n in ("zoe", "yann")]
    bill = client.post("/api/projects/trip/bills", headers=headers, data={
        "what": "dinner", "payer": members[0], "payed_for": members, "amount": "42.10"}).get_json()
    return headers, members, bill


BILL_DELETE = project_bills.delete_bill
MEMBER_DELETE = project_members.remove_member


@pytest.mark.parametrize("method", ["put", "delete"])
def test_ihatemoney_bills_answer_not_found(client, trip, monkeypatch, method):
    headers, members, bill = trip
    name = "update_bill" if method == "put" else "delete_bill"
    _deleted_first(monkeypatch, project_bills, name, lambda project_id, bill_id, *_: BILL_DELETE(project_id, bill_id))
    response = getattr(client, method)(f"/api/projects/trip/bills/{bill}", headers=headers, data={
        "what": "lunch", "payer": members[0], "payed_for": members, "amount": "10"})
    assert (response.status_code, response.get_data(as_text=True)) == (404, '"Not Found"\n')


def test_ihatemoney_members_answer_not_found(client, trip, monkeypatch):
    headers, members, _bill = trip
    client.delete(f"/api/projects/trip/bills/{_bill}", headers=headers)
    _deleted_first(monkeypatch, project_members, "update_member",
                   lambda project_id, member_id, *_: MEMBER_DELETE(project_id, member_id))
    response = client.put(f"/api/projects/trip/members/{members[1]}", headers=headers, data={"name": "yves"})
    assert (response.status_code, response.get_data(as_text=True)) == (404, '"Not Found"\n')


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_the_project_bill_forms_answer_not_found(logged_in, trip, monkeypatch, action):
    _headers, members, bill = trip
    assert logged_in.post("/projects/login", data={"id": "trip", "password": "secret"}).status_code == 302
    name = "update_bill" if action == "edit" else "delete_bill"
    _deleted_first(monkeypatch, project_bills, name, lambda project_id, bill_id, *_: BILL_DELETE(project_id, bill_id))
    response = logged_in.post(f"/projects/trip/bills/{bill}/{action}", data={
        "what": "lunch", "payer": members[0], "payed_for": members, "amount": "10", "date": "2024-05-02",
        "bill_type": "Expense", "original_currency": "XXX"})
    assert response.status_code == 404, response.get_data(as_text=True)[:300]
