"""Fuzz fixtures: one app on the session's migrated database, and a small world of real
rows (two users with keys, accounts, categories, transactions, an import, budget events,
a shared-bill project each) rebuilt before every operation, so that generated requests
reach real data and one operation's deletes do not starve the next.

The world is written through the dialects' own front doors, as their clients write it.
"""

import base64
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from flask.testing import FlaskClient
from sqlalchemy import inspect, text

from spendsense.extensions import db
from spendsense.services.auth import tokens, users
from spendsense.services.ledger import balances, seed
from tests.api.projects_helpers import basic
from tests.conftest import PASSWORD, make_app

STATEMENT = b"Date,Payee,Amount\n2024-05-02,Bakery,-3.20\n2024-05-03,Salary,1500.00\n"
# The date the v2 document's examples give start_date and end_date: the events start
# there, so the example window holds some, and so do most later ones.
EVENTS_START = "2020-10-01"


@dataclass
class Person:
    """One user's credentials for each dialect and the ids of their rows, by kind."""

    username: str
    token: str
    project_id: str
    project_password: str
    ids: dict[str, int | str] = field(default_factory=dict)

    @property
    def v1_headers(self):
        return {"Authorization": f"Token {self.token}"}

    @property
    def v2_headers(self):
        return {"X-Developer-Key": self.token}

    @property
    def xpenser_headers(self):
        return basic(f"{self.username}@example.com", PASSWORD)

    @property
    def project_headers(self):
        return basic(self.project_id, self.project_password)


@pytest.fixture(scope="session")
def fuzz_app(database_url):
    app = make_app(database_url)
    # No app context stays pushed here, so every request gets its own, as in production:
    # Flask's plain client will do (make_app's commits the test's outer session).
    app.test_client_class = FlaskClient
    return app


@dataclass
class World:
    people: dict[str, Person]
    # Whose rows the next case names: alice's (real data), bob's (403, 404 or 401), or
    # none: the generated values (boundaries, huge and malformed ids). A cycle, not a
    # function of the values: the coverage phase repeats one value for many cases. One
    # cycle per operation, so that its cases do not depend on which others ran.
    owners: Iterator[str | None] = field(
        default_factory=lambda: itertools.cycle(("alice", None, "alice", "bob", None)))


@pytest.fixture
def world(fuzz_app):
    """alice and bob, each with an account (and its primary scenario), a category,
    transactions, an import, an expense, an attachment, an institution, a monthly budget
    and a weekday event, and a project with two members and a bill."""
    with fuzz_app.app_context():
        _empty_database()
        seed.seed_system_categories()
        people = {}
        for name in ("alice", "bob"):
            user = users.register(name, f"{name}@example.com", PASSWORD)
            _row, secret = tokens.issue(user.id, "fuzz")
            people[name] = Person(name, secret, f"{name}-trip", f"{name}-code", {"user": user.id})
        db.session.commit()
        db.session.remove()
    client = fuzz_app.test_client()
    for person in people.values():
        _populate(client, person)
    yield World(people)
    # Whatever the generated requests did, the cached balances and totals still add up.
    with fuzz_app.app_context():
        assert balances.recompute(db.session) == []


def _empty_database():
    """Every table the migrations made, emptied (a model being written may not have one yet)."""
    present = set(inspect(db.engine).get_table_names())
    for table in reversed(db.metadata.sorted_tables):
        if table.name in present:
            db.session.execute(table.delete())
    if "sqlite_sequence" in present:
        db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


def _ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def _populate(client, person):
    v1 = person.v1_headers
    ids = person.ids
    ids["account"] = _ok(client.post("/api/v1/accounts/create/", headers=v1,
                                     data={"account": "Main", "amount": "250.00"}))["id"]
    ids["category"] = _ok(client.post("/api/v1/categories/create/", headers=v1,
                                      data={"name": "Snacks", "icon": "🍪", "type": "spent"}))["id"]
    ids["transaction"] = _ok(client.post("/api/v1/transactions/create/", headers=v1, data={
        "type": "spent", "account": "Main", "category": "snacks", "amount": "4.50",
        "description": "crisps #fuzz"}))["id"]
    ids["import"] = _ok(client.post("/api/v1/imports/", headers=v1, content_type="multipart/form-data", data={
        "account": "Main", "file": (io.BytesIO(STATEMENT), "statement.csv")}))["id"]
    ids["expense"] = _ok(client.post("/api/expense/", headers=person.xpenser_headers, data={
        "type": "taxi", "amount": "12.30", "notes": "airport"}))["id"]
    ids["attachment"] = _ok(client.post(f"/v2/users/{ids['user']}/attachments", headers=person.v2_headers, json={
        "file_name": "receipt.txt", "file_data": base64.b64encode(b"Bakery 3.20\n").decode()}))["id"]
    ids["institution"] = _ok(client.post(f"/v2/users/{ids['user']}/institutions", headers=person.v2_headers,
                                         json={"title": "Kiwibank", "currency_code": "nzd"}), 201)["id"]
    _plan(client, person)
    project = person.project_id
    _ok(client.post("/api/projects", data={"name": f"{person.username}'s trip", "id": project,
                                           "password": person.project_password,
                                           "contact_email": f"{person.username}@example.com"}), 201)
    headers = person.project_headers
    members = [_ok(client.post(f"/api/projects/{project}/members", headers=headers, data={"name": name}), 201)
               for name in ("zoe", "yann")]
    ids["member"] = members[0]
    ids["bill"] = _ok(client.post(f"/api/projects/{project}/bills", headers=headers, data={
        "what": "dinner", "payer": members[0], "payed_for": members, "amount": "42.10",
        "date": "2024-05-04"}), 201)


def _plan(client, person):
    """A budget of the account's primary scenario (monthly, for ever) and a weekday event
    that ends, both from EVENTS_START, in the category the transactions use."""
    ids, v2 = person.ids, person.v2_headers
    ids["scenario"] = _ok(client.get(f"/v2/accounts/{ids['account']}", headers=v2))["primary_scenario"]["id"]
    for body in ({"amount": -50, "repeat_type": "monthly", "note": "Snacks budget"},
                 {"amount": -4.5, "repeat_type": "each weekday", "end_date": "2027-12-31", "colour": "#f63737"}):
        event = _ok(client.post(f"/v2/scenarios/{ids['scenario']}/events", headers=v2, json={
            "category_id": ids["category"], "date": EVENTS_START, **body}), 201)
        ids.setdefault("event", event["id"])
