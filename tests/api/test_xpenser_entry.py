"""Xpenser entry: /api/simple/ (JSON and HTML) and /api/expense/ create, view, update,
delete, with the exact shapes of COMPAT.md §3; bad input changes nothing."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Report, Transaction
from spendsense.services.ledger import accounts, folders
from tests.api.helpers import snapshot
from tests.api.xpenser_client import XClient, basic, error

DATA_KEYS = {"date", "report", "amount", "type", "notes"}


@pytest.fixture
def main(ledger):
    return accounts.create_account(ledger, "Main", currency="EUR", opening_balance="100.00").id


@pytest.fixture
def alice(client, user, main):
    return XClient(client, basic("alice@example.com"))


def row(txn_id):
    db.session.expire_all()
    return db.session.get(Transaction, txn_id)


def test_simple_json_records_the_line(alice, ledger):
    body = alice.simple("lunch 45 with jack #work")
    assert set(body) == {"status", "data", "id"} and body["status"] == 200
    assert set(body["data"]) == DATA_KEYS
    report = folders.current_report(ledger)
    assert body["data"]["amount"] == "45.00" and body["data"]["type"] == "lunch"
    assert body["data"]["notes"] == "with jack" and body["data"]["report"] == report.id
    txn = row(body["id"])
    assert (txn.amount, txn.source, [label.name for label in txn.labels]) == (-4500, "quick", ["work"])


def test_simple_files_in_the_report_given_as_r(alice, ledger):
    trip = folders.create_report(ledger, "Trip")
    folders.create_report(ledger, "Other", make_current=True)
    body = alice.simple("taxi 20", r=trip.id)
    assert body["data"]["report"] == trip.id


def test_simple_without_format_answers_html(alice):
    response = alice.get("simple/", {"q": "coffee 3.20 #cafe"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Recorded: coffee 3.20 EUR" in response.get_data(as_text=True)
    form = alice.get("simple/")
    assert form.status_code == 200 and 'name="q"' in form.get_data(as_text=True)
    posted = alice.post("simple/", {"q": "bus 2 <script>"})
    assert posted.status_code == 200 and "&lt;script&gt;" in posted.get_data(as_text=True)


@pytest.mark.parametrize("params, status, fragment", [
    ({"q": "lunch"}, 400, "No amount"),
    ({"q": "45€ 12$"}, 400, "Two amounts"),
    ({"q": "1,234 books"}, 400, "ambiguous"),
    ({"q": ""}, 400, "Type an expense"),
    ({}, 400, "Type an expense"),
    ({"q": "taxi 5", "r": "999999"}, 404, "Report not found"),
    ({"q": "taxi 5", "r": "abc"}, 400, "report"),
])
def test_simple_refuses_bad_lines_and_records_nothing(alice, params, status, fragment):
    before = snapshot()
    error(alice.get("simple/", {"format": "json", **params}), status, fragment)
    html = alice.get("simple/", {**params, "q": params.get("q") or "lunch"})
    assert html.status_code in (400, 404) and html.mimetype == "text/html"
    db.session.rollback()
    assert snapshot() == before


def test_create_view_update_delete(alice, ledger):
    body = alice.post("expense/", {"type": "food", "amount": "25", "notes": "something"}).get_json()
    assert body["status"] == 200 and set(body["data"]) == DATA_KEYS
    expense_id = body["id"]
    assert body["data"]["amount"] == "25.00" and body["data"]["type"] == "food"
    assert row(expense_id).source == "api"

    view = alice.get(f"expense/{expense_id}").get_json()
    assert set(view) == {"status", "data"} and view["data"] == body["data"]

    updated = alice.post(f"expense/{expense_id}", {"amount": "14"}).get_json()
    assert set(updated) == {"status", "data", "id"} and updated["id"] == expense_id
    assert updated["data"] == {**body["data"], "amount": "14.00"}

    changed = alice.post(f"expense/{expense_id}", {"type": "transport", "notes": "bus", "tags": "a b",
                                                   "date": "2024-06-01 12:35:00"}).get_json()["data"]
    assert (changed["type"], changed["notes"], changed["date"]) == ("transport", "bus", "2024-06-01 12:35:00")
    txn = row(expense_id)
    assert (txn.category.value, txn.payee, [label.name for label in txn.labels]) == ("transport", None, ["a", "b"])

    assert alice.delete(f"expense/{expense_id}").get_json() == {"status": 200, "id": expense_id}
    assert row(expense_id).deleted_at is not None
    error(alice.get(f"expense/{expense_id}"), 404, "Expense not found")
    error(alice.post(f"expense/{expense_id}", {"amount": "3"}), 404)
    error(alice.delete(f"expense/{expense_id}"), 404)


def test_create_with_every_field_and_a_json_body(alice, ledger):
    trip = folders.create_report(ledger, "Trip")
    body = alice.post("expense/", json={"type": "salary", "amount": -500, "notes": "june", "report": trip.id,
                                        "date": "2024-06-30 18:00:00", "tags": "pay,june", "sourceid": "SP-1"})
    data = body.get_json()["data"]
    assert data == {"date": "2024-06-30 18:00:00", "report": trip.id, "amount": "-500.00", "type": "salary",
                    "notes": "june"}
    txn = row(body.get_json()["id"])
    assert (txn.amount, txn.category.value, txn.external_id) == (50000, "salary", "SP-1")
    error(alice.post("expense/", {"type": "x", "amount": "1", "sourceid": "SP-1"}), 400, "already exists")


def test_update_moves_between_reports_and_unfiles(alice, ledger):
    trip = folders.create_report(ledger, "Trip")
    expense_id = alice.create(type="taxi", amount="9")
    assert alice.post(f"expense/{expense_id}", {"report": str(trip.id)}).get_json()["data"]["report"] == trip.id
    assert alice.post(f"expense/{expense_id}", {"report": ""}).get_json()["data"]["report"] is None


def test_a_new_ledger_gets_a_cash_account_and_a_current_report(client, make_user):
    make_user("carol")
    carol = XClient(client, basic("carol"))
    body = carol.simple("coffee 3")
    txn = row(body["id"])
    assert txn.account.name == "Cash" and db.session.scalars(select(Report.name)).all() == ["Expenses"]


@pytest.mark.parametrize("fields, status, fragment", [
    ({"type": "food"}, 400, "amount is required"),
    ({"type": "food", "amount": "abc"}, 400, "number"),
    ({"type": "food", "amount": "0"}, 400, "zero"),
    ({"type": "food", "amount": "1.234"}, 400, "decimals"),
    ({"type": "food", "amount": "1e3"}, 400, "number"),
    ({"type": "food", "amount": "5", "report": "424242"}, 404, "Report not found"),
    ({"type": "food", "amount": "5", "date": "yesterday"}, 400, "date"),
    ({"type": "food", "amount": "5", "account": "Nope"}, 400, "Account not found"),
    ({"type": "x" * 201, "amount": "5"}, 400, "Type"),
])
def test_create_refuses_bad_fields_and_changes_nothing(alice, fields, status, fragment):
    before = snapshot()
    error(alice.post("expense/", fields), status, fragment)
    db.session.rollback()
    assert snapshot() == before


def test_create_in_a_closed_report_is_refused(alice, ledger):
    trip = folders.create_report(ledger, "Trip")
    folders.close_report(ledger, trip.id)
    error(alice.post("expense/", {"type": "food", "amount": "5", "report": trip.id}), 400, "closed")


@pytest.mark.parametrize("fields, fragment", [
    ({"amount": "x"}, "number"), ({"amount": "0"}, "zero"), ({"date": "soon"}, "date"),
    ({"report": "77777"}, "Report not found"),
])
def test_update_refuses_bad_fields_and_changes_nothing(alice, fields, fragment):
    expense_id = alice.create(type="food", amount="5")
    before = snapshot()
    response = alice.post(f"expense/{expense_id}", fields)
    assert response.status_code in (400, 404) and fragment.lower() in response.get_json()["error"].lower()
    db.session.rollback()
    assert snapshot() == before
    assert row(expense_id).amount == -500


@pytest.mark.parametrize("path", ["expense/abc", "expense/0", "expense/99999999999999999999", "expense/-1"])
def test_odd_ids_are_not_found(alice, path):
    error(alice.get(path), 404)


def test_a_json_body_that_is_not_an_object_is_refused(alice):
    response = alice.client.post("/api/expense/", data="[1]", content_type="application/json",
                                 headers=alice.headers)
    error(response, 400, "JSON object")
    error(alice.post("expense/", json={"type": ["a"], "amount": "5"}), 400, "type")


def test_amounts_are_decimal_strings_with_the_currency_digits(alice, ledger):
    yen = accounts.create_account(ledger, "Yen", currency="JPY")
    expense_id = alice.create(type="sushi", amount="1200", account="Yen")
    assert alice.get(f"expense/{expense_id}").get_json()["data"]["amount"] == "1200"
    assert row(expense_id).account_id == yen.id
    converted = alice.simple("taxi 12 USD 2024-06-03")
    assert converted["data"]["amount"] == "11.07" and Decimal(converted["data"]["amount"])
