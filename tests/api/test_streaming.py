"""Streamed answers (spendsense/streaming.py): written batch by batch, read on a
connection of their own that is given back when the body ends or the client leaves,
and an error of their first queries is the dialect's error answer, not a 200 cut short.
The bytes themselves are pinned by test_streamed_bodies.py."""

import json

import pytest
from flask.testing import FlaskClient

from spendsense import money
from spendsense.extensions import db
from spendsense.services.bills import exports as bill_exports
from spendsense.services.bills import listing
from spendsense.services.io import exports
from tests.api.projects_helpers import basic, body, create_project, raw
from tests.conftest import PASSWORD


@pytest.fixture
def busy(client):
    """The project "trip" with two members and seven bills."""
    assert create_project(client, name="Trip", project_id="trip", default_currency="EUR").status_code == 201
    auth = basic("trip", "secret")
    for name in ("ann", "ben"):
        assert client.post("/api/projects/trip/members", data={"name": name}, headers=auth).status_code == 201
    for day in range(1, 8):
        answer = client.post("/api/projects/trip/bills", headers=auth, data={
            "what": f"bill {day}", "payer": 1, "payed_for": [1, 2], "amount": day, "date": f"2024-05-0{day}"})
        assert answer.status_code == 201, raw(answer)
    return auth


def test_the_bill_list_comes_in_batches(client, busy, monkeypatch):
    whole = body(client.get("/api/projects/trip/bills", headers=busy))
    monkeypatch.setattr(listing, "BATCH", 3)
    response = FlaskClient(client.application).get("/api/projects/trip/bills", headers=busy, buffered=False)
    chunks = list(response.response)
    response.close()
    assert response.is_streamed and len(chunks) == 4  # 3 + 3 + 1 bills, then the closing bracket
    assert json.loads(b"".join(chunks)) == whole
    assert [bill["what"] for bill in whole] == [f"bill {day}" for day in range(7, 0, -1)]


def _checked_out():
    return db.engine.pool.checkedout()


def test_a_client_leaving_mid_body_gives_the_connection_back(client, busy, monkeypatch):
    monkeypatch.setattr(listing, "BATCH", 2)
    # A plain FlaskClient: the request shares the test's app context and session, so
    # only the stream's own connection comes and goes.
    plain = FlaskClient(client.application)
    plain.get("/api/projects/trip/bills", headers=busy)
    before = _checked_out()
    response = plain.get("/api/projects/trip/bills", headers=busy, buffered=False)
    chunks = iter(response.response)
    assert next(chunks).startswith(b'[{"id": 7,')
    assert _checked_out() == before + 1  # held while the body is written
    response.close()
    assert _checked_out() == before


def test_an_error_before_the_first_byte_is_the_dialects_answer(client, busy, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")
        yield  # a generator, as the real one

    monkeypatch.setattr(listing, "batches", broken)
    before = _checked_out()
    response = client.get("/api/projects/trip/bills", headers=busy)
    assert response.status_code == 500
    assert raw(response) == '{"message": "Internal Server Error"}\n'
    assert "the database went away" in caplog.text
    assert _checked_out() == before


def test_an_xpenser_export_error_before_the_first_byte_is_an_xpenser_error(client, user, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")
        yield

    monkeypatch.setattr(exports, "batches", broken)
    response = client.get("/api/expenses/?report=*&format=json", headers=basic("alice", PASSWORD))
    assert response.status_code == 500
    assert response.get_json()["status"] == 500
    assert "the database went away" in caplog.text


def test_the_web_project_export_streams(client, busy, monkeypatch):
    monkeypatch.setattr(listing, "BATCH", 2)
    plain = FlaskClient(client.application)
    assert plain.post("/projects/login", data={"id": "trip", "password": "secret"}).status_code == 302
    response = plain.get("/projects/trip/export/bills.csv", buffered=False)
    chunks = list(response.response)
    response.close()
    assert response.is_streamed and len(chunks) == 4  # the header with 2 bills, 2, 2, 1
    lines = b"".join(chunks).decode().splitlines()
    assert lines[0] == "date,what,bill_type,amount,currency,payer_name,payer_weight,owers"
    assert lines[1:3] == ["2024-05-07,bill 7,Expense,7.00,EUR,ann,1,\"ann, ben\"",
                          "2024-05-06,bill 6,Expense,6.00,EUR,ann,1,\"ann, ben\""]
    assert len(lines) == 8


def test_a_missing_project_export_is_still_a_404(client, busy):
    assert client.post("/projects/login", data={"id": "trip", "password": "secret"}).status_code == 302
    assert client.get("/projects/trip/export/bills.xml").status_code == 404


@pytest.mark.parametrize("currency", ["EUR", "JPY", "BHD", "XXX"])
@pytest.mark.parametrize("minor", [0, 1, -1, 5, -5, 99, 100, -100, 1234567, -987654321, 2**63 - 1, -(2**63)])
def test_export_amounts_are_written_as_their_decimals(currency, minor):
    assert bill_exports.amount_text(minor, currency) == str(money.from_minor(minor, currency))
