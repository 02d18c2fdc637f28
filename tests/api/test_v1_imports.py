"""v1 imports: POST a file, GET the batch, DELETE reverts it."""

import io
from decimal import Decimal
from pathlib import Path

import pytest

from tests.api.helpers import fails, ok

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "import-samples"
CSV = b"Date,Payee,Amount,Reference\n2024-03-01,Bakery,-3.20,A1\n2024-03-05,Salary,2500.00,A2\n"


def upload(api, data, account="Main", name="statement.csv", **fields):
    return api.client.post("/api/v1/imports/", headers=api.headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), name), "account": account, **fields})


@pytest.fixture
def main(api):
    return api.create_account("Main", "100.00")


def test_import_get_and_revert(api, main):
    body = ok(upload(api, CSV))
    assert (body["new"], body["duplicate"], body["matched"], body["account"]) == (2, 0, 0, "Main")
    assert api.balances() == {"Main": Decimal("2596.80")}
    rows = api.transactions({"from": "2024-01-01", "to": "2024-12-31"})
    assert sorted(row["description"] for row in rows) == ["Bakery", "Salary"]  # the payee of imported rows
    again = ok(upload(api, CSV))
    assert (again["new"], again["duplicate"]) == (0, 2)
    assert ok(api.get(f"imports/{body['id']}/"))["reverted"] is False
    reverted = ok(api.client.delete(f"/api/v1/imports/{body['id']}/", headers=api.headers))
    assert reverted["reverted"] is True
    assert api.balances() == {"Main": Decimal("100.00")}


def test_account_by_id_and_the_statement_balance(api):
    usd = api.create_account("Checking", "0", currency="USD")
    body = ok(upload(api, (SAMPLES / "ofxtools-stmtrs.ofx").read_bytes(), account=str(usd), name="s.ofx"))
    assert (body["new"], body["format"]) == (2, "ofx")
    assert (str(body["statement_balance"]), str(body["balance_after"]), str(body["difference"])) == (
        "200.29", "-500.00", "700.29")


@pytest.mark.parametrize(("data", "fragment"), [
    (b"", "empty"),
    (b"PK\x03\x04" + b"\0" * 40, "zip"),
    (b"Date,Payee,Amount\n2024-03-01,Bakery,lots\n", "Line 2"),
    (b"Colour,Shape\nred,round\n", "header"),
])
def test_bad_files_import_nothing_and_say_why(api, main, data, fragment):
    response = upload(api, data)
    assert response.status_code == 400
    assert fragment.lower() in response.get_json()["error"].lower()
    assert api.balances() == {"Main": Decimal("100.00")}


def test_missing_fields_and_unknown_account(api, main):
    response = api.client.post("/api/v1/imports/", headers=api.headers, data={"account": "Main"})
    fails(response, 400, "file parameter is required")
    fails(upload(api, CSV, account=""), 400, "account parameter is required")
    fails(upload(api, CSV, account="Nope"), 404, "Account not found!")


def test_another_users_batches_and_accounts_are_not_found(api, bob, main):
    batch = ok(upload(api, CSV))["id"]
    bob.create_account("Bobs")
    fails(bob.get(f"imports/{batch}/"), 404, "Import not found")
    fails(bob.client.delete(f"/api/v1/imports/{batch}/", headers=bob.headers), 404, "Import not found")
    fails(upload(bob, CSV, account="Main"), 404, "Account not found!")
    assert api.balances() == {"Main": Decimal("2596.80")}


def test_a_saved_profile_maps_a_file_whose_headers_are_unknown(api, main, ledger):
    from dataclasses import replace

    from spendsense.services.io import profiles
    from spendsense.services.io.parsers import ColumnMapping, parse

    data = b"Wann;Wer;Wieviel\n01.03.2024;Bakery;-3,20\n"
    refused = upload(api, data)  # no known header names: refused, naming the header row
    assert refused.status_code == 400 and "line 1" in refused.get_json()["error"].lower()
    known = parse(b"Date;Payee;Amount\n01.03.2024;Bakery;-3,20\n").csv_dialect
    dialect = replace(known, header=("Wann", "Wer", "Wieviel"), mapping=ColumnMapping(date=0, payee=1, amount=2))
    profiles.save_profile(ledger, "My bank", dialect)
    body = ok(upload(api, data, profile="My bank"))
    assert body["new"] == 1
    fails(upload(api, data, profile="Nope"), 404, "Profile not found")


def test_date_order_must_be_dmy_or_mdy(api, main):
    fails(upload(api, CSV, date_order="xyz"), 400, "date_order must be one of: dmy, mdy.")
