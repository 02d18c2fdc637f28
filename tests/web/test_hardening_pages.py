"""Issue 13's 500s in the web UI, each the request that reproduced it: a page number past
BIGINT, a NUL byte in a project id (PostgreSQL refuses NUL in any bound value), and a
project import of the wrong shape (too deep, a list as a currency)."""

import io
import json
from decimal import Decimal

import pytest

from spendsense.jsonio import TOO_DEEP
from spendsense.services.ledger import transactions
from spendsense.services.ledger.commands import NewTransaction
from tests.api.projects_helpers import create_project
from tests.web.helpers import text

HUGE = ["999999999999999999", "9223372036854775808", "9" * 400, "-1", "0", "²", "1e9"]


@pytest.mark.parametrize("page", HUGE)
def test_a_page_number_out_of_range_shows_the_first_page(logged_in, ledger, main, page):
    transactions.record(ledger, NewTransaction(amount=Decimal("-4.20"), account_id=main, payee="Bakery"))
    for path in ("/transactions", "/reports/folders/current"):
        response = logged_in.get(path, query_string={"page": page})
        assert response.status_code in (200, 404), (path, response.status_code)
    response = logged_in.get("/transactions", query_string={"page": page})
    assert response.status_code == 200 and "Bakery" in text(response)


@pytest.fixture
def trip(logged_in):
    assert create_project(logged_in, name="Trip", project_id="trip", password="secret").status_code == 201
    response = logged_in.post("/projects/login", data={"id": "trip", "password": "secret"})
    assert response.status_code == 302
    return logged_in


PROJECT_PAGES = ["/", "/bills", "/bills/new", "/members", "/settle", "/statistics", "/history", "/settings",
                 "/invite", "/import", "/export/bills.json"]


@pytest.mark.parametrize("project_id", ["tr\x00ip", "\x00", "tr\x1fip"])
def test_a_control_character_in_a_project_id_names_no_project(trip, project_id):
    """As for any unknown project: not found, or the project login page (no 500)."""
    for method, page in [*(("get", page) for page in PROJECT_PAGES),
                         *(("post", page) for page in ("/bills/new", "/members", "/settle/register", "/delete"))]:
        response = getattr(trip, method)(f"/projects/{project_id}{page}", data={"name": "x"})
        assert response.status_code in (302, 404), (method, page, response.status_code)
        assert response.status_code == 404 or "/projects/login" in response.location
    assert trip.get(f"/{project_id}/join/token").status_code in (302, 404)
    response = trip.post("/projects/login", data={"id": project_id, "password": "secret"})
    assert response.status_code == 422  # the wrong-credentials form, not a way in


def _import(client, document):
    return client.post("/projects/trip/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(document.encode()), "bills.json")})


BILL = {"date": "2024-05-04", "what": "fromage", "bill_type": "Expense", "amount": 12.5, "currency": "XXX",
        "payer_name": "zoe", "payer_weight": 1, "owers": ["zoe", "yann"]}


def test_a_project_import_of_the_wrong_shape_says_so_and_adds_nothing(trip):
    response = _import(trip, "[" * 10_000 + "]" * 10_000)
    assert response.status_code == 422 and TOO_DEEP in text(response)
    response = _import(trip, json.dumps([BILL, {**BILL, "what": "vin", "currency": []}]))
    assert response.status_code == 422 and "Not a valid currency" in text(response)
    assert "fromage" not in text(trip.get("/projects/trip/bills"))
    response = _import(trip, json.dumps([BILL]))
    assert response.status_code == 302
    assert "fromage" in text(trip.get("/projects/trip/bills"))
