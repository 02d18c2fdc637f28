"""Another user's credentials never see or change alice's expenses or reports."""

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select, update

from spendsense.extensions import db
from spendsense.models import Transaction
from spendsense.services.ledger import accounts, folders
from tests.api.helpers import snapshot
from tests.api.xpenser_client import XClient, basic, error


@pytest.fixture
def alices(client, user, ledger):
    accounts.create_account(ledger, "Main", currency="EUR")
    alice = XClient(client, basic("alice"))
    trip = folders.create_report(ledger, "Trip")
    live = alice.create(type="lunch", amount="12", report=trip.id, sourceid="A-1")
    gone = alice.create(type="taxi", amount="5")
    alice.delete(f"expense/{gone}")
    return {"live": live, "gone": gone, "trip": trip.id}


@pytest.fixture
def bob(client, other_user):
    bob = XClient(client, basic("bob@example.com"))
    bob.simple("coffee 2")  # bob's own ledger has an account, a report and an expense
    return bob


def frozen():
    db.session.rollback()
    rows = db.session.execute(select(Transaction.id, Transaction.amount, Transaction.report_id,
                                     Transaction.deleted_at, Transaction.updated_at).order_by(Transaction.id)).all()
    return snapshot(), rows


@pytest.mark.parametrize("method, path, params", [
    ("GET", "expense/{live}", {}),
    ("POST", "expense/{live}", {"amount": "1", "type": "x", "report": ""}),
    ("DELETE", "expense/{live}", {}),
    ("GET", "expense/{gone}", {}),
    ("POST", "expense/{gone}", {"amount": "1"}),
    ("GET", "expenses/", {"report": "{trip}"}),
    ("POST", "expense/", {"type": "food", "amount": "5", "report": "{trip}"}),
    ("GET", "simple/", {"q": "tea 3", "r": "{trip}", "format": "json"}),
])
def test_alices_ids_are_not_found_for_bob(bob, alices, method, path, params):
    before = frozen()
    path = path.format(**alices)
    params = {key: value.format(**alices) for key, value in params.items()}
    if method == "GET":
        response = bob.get(path, params)
    elif method == "DELETE":
        response = bob.delete(path)
    else:
        response = bob.post(path, params)
    error(response, 404, "not found")
    assert frozen() == before


def test_bob_cannot_file_his_expense_in_alices_report(bob, alices):
    mine = bob.expenses()[0]["pk"]
    error(bob.post(f"expense/{mine}", {"report": str(alices["trip"])}), 404)


@pytest.mark.parametrize("params", [
    {}, {"report": "*"}, {"report": "*", "modified": "2000-01-01 00:00:00", "modified_op": "gt"},
    {"report": "*", "type": "lunch"}, {"report": "*", "amount": "0", "amount_op": "gt"},
])
@pytest.mark.parametrize("fmt", ["json", "csv", "qif"])
def test_bob_lists_only_his_own(bob, alices, params, fmt):
    response = bob.get("expenses/", {"format": fmt, **params})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for secret in ("lunch", "taxi", "A-1", "12.00"):
        assert secret not in text
    if fmt == "json":
        assert all(item["pk"] not in (alices["live"], alices["gone"]) for item in response.get_json())
    if fmt == "csv":
        assert {int(r["pk"]) for r in csv.DictReader(io.StringIO(text))} <= {bob.expenses()[0]["pk"]}


def test_bob_sees_his_sync_cursor_not_alices(bob, alices):
    db.session.execute(update(Transaction).where(Transaction.id == alices["live"])
                       .values(updated_at=datetime.fromisoformat("2099-01-01 00:00:00")))
    db.session.commit()
    cursor = bob.get("expenses/", {"report": "*", "format": "json"}).headers["X-Sync-Cursor"]
    mine = bob.expenses()[0]
    assert cursor.startswith(mine["fields"]["modified"]) and not cursor.startswith("2099")
