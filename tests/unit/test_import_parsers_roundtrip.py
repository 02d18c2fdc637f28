"""An export read back by the parsers gives the rows it was written from: the export
functions are fed rows as the database cursor gives them (no database needed)."""

from datetime import date, time
from decimal import Decimal

import pytest

from spendsense.api.xpenser import serializers
from spendsense.services.io import exports
from spendsense.services.io.parsers import parse

FIELDS = {name: None for name in exports.ExportRow._fields}


def export_row(**values):
    return exports.ExportRow(**{**FIELDS, "status": "posted", "created_at": "2024-03-01 09:00:00",
                                "updated_at": "2024-03-01 09:00:00", **values})


ROWS = [
    export_row(id=1, occurred_at="2024-03-01 08:15:00", amount=-1250, currency="EUR", account_name="Wallet",
               account_id=1, payee="+380 taxi", description="=SUM(A1)", category_name="Transport",
               external_id="F-1"),
    export_row(id=2, occurred_at="2024-03-02 00:00:00", amount=500000, currency="EUR", account_name="Bank",
               account_id=2, payee="Employer", transfer_id=None, foreign_amount=54000, foreign_currency="USD"),
    export_row(id=3, occurred_at="2024-03-03 12:00:00", amount=-1000, currency="EUR", account_name="Bank",
               account_id=2, transfer_id=4),
    export_row(id=4, occurred_at="2024-03-03 12:00:00", amount=1000, currency="EUR", account_name="Wallet",
               account_id=1, transfer_id=3),
    export_row(id=5, occurred_at="2024-03-04 12:00:00", amount=-1, currency="EUR", account_name="Bank",
               account_id=2, deleted_at="2024-03-05 00:00:00"),
]
LABELS = {1: [(7, "work")]}


def _export(fmt, **kwargs):
    return "".join(exports.stream(fmt, iter([(ROWS, LABELS)]), **kwargs)).encode()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_spendsense_export_round_trips(fmt):
    statement = parse(_export(fmt))
    assert statement.format == f"spendsense-{fmt}"
    taxi, salary, leg_out, leg_in = statement.rows        # the tombstone is left out
    assert (taxi.date, taxi.time, taxi.amount) == (date(2024, 3, 1), time(8, 15), Decimal("-12.50"))
    # The apostrophes the CSV export puts before formula-like text are taken off again.
    assert (taxi.payee, taxi.description) == ("+380 taxi", "=SUM(A1)")
    assert (taxi.category, taxi.account, taxi.external_id, taxi.labels) == ("Transport", "Wallet", "F-1", ("work",))
    assert (salary.amount, salary.foreign_amount, salary.foreign_currency) == (
        Decimal("5000.00"), Decimal("540.00"), "USD")
    assert (leg_out.transfer_account, leg_in.transfer_account) == ("Wallet", "Bank")
    assert [account.name for account in statement.accounts] == ["Wallet", "Bank"]
    assert statement.currency == "EUR"


def test_xpenser_csv_export_round_trips():
    statement = parse(_export("csv", csv_header=serializers.CSV_HEADER, csv_record=serializers.csv_row))
    assert statement.format == "xpenser-csv"
    assert [row.amount for row in statement.rows] == [Decimal("-12.50"), Decimal("5000.00"), Decimal("-10.00"),
                                                      Decimal("10.00")]
    assert statement.rows[0].payee == "+380 taxi"
    assert (statement.rows[1].foreign_amount, statement.rows[1].foreign_currency) == (Decimal("540.00"), "USD")


def test_xpenser_json_export_round_trips():
    statement = parse(_export("json", json_record=serializers.json_item(1)))
    assert statement.format == "xpenser-json"
    assert [row.amount for row in statement.rows] == [Decimal("-12.50"), Decimal("5000.00"), Decimal("-10.00"),
                                                      Decimal("10.00")]
    assert statement.rows[0].external_id == "F-1"
