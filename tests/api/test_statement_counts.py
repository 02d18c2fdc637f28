"""How many SQL statements one create costs through each door, from the credential check
to the answer. Measured after the transaction command landed; a change that makes one
of them grow past its number fails here and has to say why (or lower it)."""

import pytest

from tests import statements
from tests.api.projects_helpers import basic as project_basic
from tests.api.xpenser_client import basic

# Statements other than BEGIN, measured on SQLite. Before the transaction command:
# v1 11, Xpenser 30, ihatemoney 12. Since budgets (issue 10) a categorised row also
# adds to its category's day and month totals: two upserts more. Since issue 13 a bill
# reads its members' running totals first, so that one that would pass BIGINT is refused
# before anything is written (splits.apply): one SELECT more.
V1_CREATE = 10
XPENSER_CREATE = 21
IHATEMONEY_BILL = 13


@pytest.fixture
def count_statements(app):
    def run(call):
        with statements.recorded() as seen:
            response = call()
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return len(seen), seen

    return run


def test_v1_create(client, auth, count_statements):
    client.get("/api/v1/accounts/create/", query_string={"account": "Main"}, headers=auth)
    count, seen = count_statements(lambda: client.get("/api/v1/transactions/create/", headers=auth, query_string={
        "type": "spent", "account": "Main", "category": "supermarket", "amount": "12.50"}))
    assert count <= V1_CREATE, "\n".join(seen)


def test_xpenser_create(client, user, count_statements):
    headers = basic(user.username)
    client.post("/api/expense/", data={"type": "coffee", "amount": "1"}, headers=headers)  # opens Cash
    count, seen = count_statements(lambda: client.post("/api/expense/", headers=headers, data={
        "type": "food", "amount": "25", "notes": "lunch", "tags": "work"}))
    assert count <= XPENSER_CREATE, "\n".join(seen)


def test_ihatemoney_bill_create(client, count_statements):
    client.post("/api/projects", data={"name": "raclette", "id": "raclette", "password": "raclette",
                                       "contact_email": "r@example.com"})
    headers = project_basic("raclette", "raclette")
    members = [client.post("/api/projects/raclette/members", data={"name": name}, headers=headers).get_json()
               for name in ("zorglub", "fred")]
    count, seen = count_statements(lambda: client.post("/api/projects/raclette/bills", headers=headers, data={
        "date": "2011-08-10", "what": "fromage", "payer": members[0], "payed_for": members, "amount": "25"}))
    assert count <= IHATEMONEY_BILL, "\n".join(seen)
