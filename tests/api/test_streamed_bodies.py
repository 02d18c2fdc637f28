"""Streamed answers are byte for byte what the answers built in memory were.

``streamed_bodies.json`` holds the bodies the routes gave before they were streamed
(captured from the code that built each answer whole), for a varied project: several
currencies, weights (10 is written ``1E+1`` in exports), reimbursements, a deactivated
member who still owes, unicode and formula-like names, links; a project without a
currency; an empty project; and a personal ledger for the Xpenser and web exports.
Every row is made through the services, then creation dates and timestamps are set
to fixed values so the bodies do not depend on the day the test runs.

To capture again on purpose: ``SPENDSENSE_WRITE_GOLDEN=1 pytest tests/api/test_streamed_bodies.py``.
"""

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from spendsense.extensions import db
from spendsense.models import Bill, Transaction
from spendsense.services.bills import bills as project_bills
from spendsense.services.bills import members as project_members
from spendsense.services.bills import projects as shared_bills
from spendsense.services.entry import recorder as quick_record
from spendsense.services.ledger import accounts, folders
from tests import factories
from tests.api.projects_helpers import basic
from tests.conftest import PASSWORD

GOLDEN = Path(__file__).with_name("streamed_bodies.json")
CODE = "secret-code"
PROJECTS = ("trip", "raclette", "souk", "empty")


def _project(project_id, name, currency):
    shared_bills.create_project(name=name, project_id=project_id, password=CODE,
                                contact_email=f"{project_id}@example.com", default_currency=currency)


def _bill(project_id, payer, owers, amount, day, what, **extra):
    return project_bills.create_bill(project_id, what=what, payer_id=payer, owers=owers, amount=amount,
                                     date=day, **extra).id


@pytest.fixture
def projects(app):
    _project("trip", "Trip “Σ” 2024", "EUR")
    add = project_members.add_member
    zoe = add("trip", "Zoë", "1.5").id
    lei = add("trip", "李雷", "10").id
    bob = add("trip", '=Bob "the" \\ builder', "0.5").id
    ann = add("trip", "Ann 🍕", None).id
    gone = add("trip", "+Gone", "2").id
    _bill("trip", zoe, [zoe, lei, bob, ann, gone], "123.45", "2024-03-01", "Dinner ✓ “quoted”",
          external_link="https://example.com/receipt?a=1&b=é")
    _bill("trip", lei, [zoe, lei], "1000", "2024-03-02", "Sushi 寿司", original_currency="JPY")
    _bill("trip", bob, [ann], "12.5", "2024-03-02", "-minus first", original_currency="USD")
    _bill("trip", ann, [bob, gone], "0.01", "2024-03-03", "@at, comma", original_currency="EUR")
    _bill("trip", zoe, [lei], "40", "2024-03-04", "Paid back", bill_type="Reimbursement")
    _bill("trip", gone, [zoe, ann], "7.12", "2024-03-04", "Pounds", original_currency="GBP")
    _bill("trip", lei, [zoe, lei, bob, ann], "0.1+0.2", "2024-03-04", "back \\ slash </b>")
    _bill("trip", bob, [zoe, lei, bob], "-5", "2024-02-29", "refund")
    project_members.update_member("trip", gone, name="+Gone", activated=False)

    _project("raclette", "Raclette", "XXX")
    alice = add("raclette", "alice").id
    fred = add("raclette", "fred", "3").id
    _bill("raclette", alice, [alice, fred], "25", "2023-12-31", "cheese")
    _bill("raclette", fred, [alice], "3.33", "2024-01-01", "wine")

    _project("souk", "Souk", "BHD")
    _bill("souk", add("souk", "Ali").id, [add("souk", "Sam", "1.25").id], "7.125", "2024-05-05", "Dinar")

    _project("empty", "Empty", "GBP")
    add("empty", "lonely")
    # Fixed creation dates: the service writes today's, which would change the bodies daily.
    db.session.execute(update(Bill).values(creation_date=date(2024, 4, 1)))
    for bill_id in (2, 5, 7):
        db.session.execute(update(Bill).where(Bill.id == bill_id).values(creation_date=date(2024, 4, bill_id)))
    db.session.commit()


@pytest.fixture
def book(ledger):
    """alice's ledger: expenses, an income, a transfer, a converted expense, awkward
    texts, labels, a report, one deleted row; timestamps fixed afterwards."""
    main = accounts.create_account(ledger, "Main", currency="EUR").id
    card = accounts.create_account(ledger, "Card: Visa/Gold", type="credits", currency="EUR").id
    yen = accounts.create_account(ledger, "Wallet ¥", type="cash", currency="JPY").id
    report = folders.create_report(ledger, "Trip")
    factories.create_transaction(ledger, account_id=main, amount="-12.50", occurred_at="2024-06-01T09:30:00",
                                 payee='=HYPERLINK("http://x")', description='+lunch, "quoted"',
                                 labels=["work", "food"], report_id=report.id, external_id="src-1")
    factories.create_transaction(ledger, account_id=main, amount="2500", occurred_at="2024-06-02T08:00:00",
                                 payee="Acme", description="salary ✓ Ünïcödé", cheque_number="1001")
    factories.create_transaction(ledger, account_id=yen, amount="-1234", occurred_at="2024-06-03T12:00:00",
                                 payee="@sushi", description="-minus")
    factories.create_transaction(ledger, account_id=card, amount="-0.05", occurred_at="2024-06-04T23:59:59",
                                 payee="+44 20 7946 0000", status="pending")
    factories.create_transfer(ledger, from_account_id=main, to_account_id=card, amount="100",
                              occurred_at="2024-06-05T10:00:00", description="pay the card")
    taxi = quick_record.record(ledger, "taxi 12 USD 2024-06-03 @main")
    gone = factories.create_transaction(ledger, account_id=main, amount="-1", occurred_at="2024-06-06T10:00:00")
    factories.delete_transaction(ledger, gone.id)
    moment = datetime.fromisoformat("2024-07-01 12:00:00")
    # Quick entry writes the time of day it runs at (first: an update stamps updated_at).
    db.session.execute(update(Transaction).where(Transaction.id == taxi.id)
                       .values(occurred_at=datetime.fromisoformat("2024-06-03 18:00:00")))
    db.session.execute(update(Transaction).where(Transaction.id == gone.id).values(deleted_at=moment))
    db.session.execute(update(Transaction).values(created_at=moment, updated_at=moment))
    db.session.commit()


def _requests():
    trip, raclette, souk, empty = (basic(project_id, CODE) for project_id in PROJECTS)
    xpenser = basic("alice", PASSWORD)
    return {
        "trip bills": ("/api/projects/trip/bills", trip),
        "trip bills page 2": ("/api/projects/trip/bills?page=2&per_page=3", trip),
        "trip bills last page": ("/api/projects/trip/bills?page=3&per_page=3", trip),
        "trip bills past the end": ("/api/projects/trip/bills?page=9&per_page=3", trip),
        "trip bill 1": ("/api/projects/trip/bills/1", trip),
        "raclette bills": ("/api/projects/raclette/bills", raclette),
        "souk bills": ("/api/projects/souk/bills", souk),
        "empty bills": ("/api/projects/empty/bills", empty),
        "xpenser json": ("/api/expenses/?report=*&format=json", xpenser),
        "xpenser json deleted too": ("/api/expenses/?report=*&format=json&modified=2000-01-01&modified_op=gt", xpenser),
        "xpenser csv": ("/api/expenses/?report=*&format=csv", xpenser),
        "xpenser qif": ("/api/expenses/?report=*&format=qif", xpenser),
        "xpenser json nothing": ("/api/expenses/?report=*&format=json&date=01 Jan 2999", xpenser),
    }


WEB_EXPORTS = {
    f"{project_id} {what}.{fmt}": f"/projects/{project_id}/export/{what}.{fmt}"
    for project_id in PROJECTS for what in ("bills", "settlement") for fmt in ("json", "csv")
}
WEB_LEDGER_EXPORTS = {f"web {fmt}": f"/export?format={fmt}&period=all" for fmt in ("csv", "json", "qif")}


def _answer(response):
    return {"status": response.status_code, "type": response.headers["Content-Type"],
            "disposition": response.headers.get("Content-Disposition"), "body": response.get_data(as_text=True)}


def _web_login(client, project_id):
    response = client.post("/projects/login", data={"id": project_id, "password": CODE})
    assert response.status_code == 302, response.get_data(as_text=True)


def bodies(client):
    found = {name: _answer(client.get(path, headers=headers)) for name, (path, headers) in _requests().items()}
    for project_id in PROJECTS:
        _web_login(client, project_id)
        for name, path in WEB_EXPORTS.items():
            if name.startswith(project_id + " "):
                found[name] = _answer(client.get(path))
    client.post("/login", data={"username": "alice", "password": PASSWORD})
    for name, path in WEB_LEDGER_EXPORTS.items():
        found[name] = _answer(client.get(path))
    return found


def test_bodies_are_what_they_were(client, projects, book):
    found = bodies(client)
    if os.environ.get("SPENDSENSE_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(found) == sorted(expected)
    for name in expected:
        assert found[name] == expected[name], name
