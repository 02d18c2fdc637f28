"""/transactions/{id}: one transaction as every v2 read writes it, and nobody else's."""

import re
from datetime import date
from decimal import Decimal

import pytest

from spendsense import money
from spendsense.services import exchange
from tests.api.v2.helpers import decimal_json, error_of, no_nulls
from tests.api.v2.transaction_data import make_book
from tests.factories import delete_transaction

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def book(ledger):
    return make_book(ledger)


def _get(v2, txn_id):
    response = v2.get(f"/transactions/{txn_id}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = decimal_json(response)
    no_nulls(body)
    return body, response.get_data(as_text=True)


def test_every_field_of_a_categorised_row(v2, book, user):
    body, _raw = _get(v2, book.rows["shop"])
    assert body["id"] == book.rows["shop"]
    assert body["payee"] == "Supermarket"
    assert body["original_payee"] == "SUPERMARKET 123 BERLIN"
    assert body["date"] == "2024-01-05"
    assert body["amount"] == Decimal("-12.50") and str(body["amount"]) == "-12.50"
    assert body["amount_in_base_currency"] == Decimal("-12.50")  # alice's base currency is EUR
    assert body["closing_balance"] == Decimal("87.50")  # opening 100.00 - 12.50
    assert body["type"] == "debit"
    assert body["is_transfer"] is False
    assert body["needs_review"] is False
    assert body["status"] == "posted"
    assert body["note"] == "food for the week"
    assert body["memo"] == "weekly"
    assert body["cheque_number"] == "000123"
    assert body["labels"] == ["food", "home"]
    assert body["upload_source"] == "web"
    for key in ("created_at", "updated_at"):
        assert TIMESTAMP.fullmatch(body[key]), body[key]
    category = body["category"]
    assert category["id"] == book.groceries.id and category["title"] == "Groceries"
    assert category["colour"] == "#00ff00" and category["is_transfer"] is False
    assert TIMESTAMP.fullmatch(category["created_at"])
    held = body["transaction_account"]
    assert held["id"] == book.main.id and held["name"] == "Main" and held["currency_code"] == "eur"
    assert held["institution"]["title"] == "Kiwibank" and held["institution"]["currency_code"] == "eur"
    assert held["current_balance"] == Decimal("976.25")  # every row of Main, not just those up to this one
    assert DAY.fullmatch(held["current_balance_date"])


def test_money_has_the_currencys_decimals(v2, book):
    sushi, raw = _get(v2, book.rows["sushi"])
    assert re.search(r'"amount":\s*-1500[,}]', raw), raw
    assert re.search(r'"closing_balance":\s*8500[,}]', raw), raw
    assert sushi["transaction_account"]["currency_code"] == "jpy"
    # JPY is not alice's base currency: converted at the reference rate of the row's day.
    rate = exchange.rate("JPY", "EUR", date.fromisoformat(sushi["date"]))[0]
    assert sushi["amount_in_base_currency"] == money.quantize(Decimal(-1500) * rate, "EUR")
    souk, raw = _get(v2, book.rows["souk"])
    assert re.search(r'"amount":\s*-1\.125[,}]', raw), raw
    assert souk["closing_balance"] == Decimal("-1.125")
    assert souk["upload_source"] == "file"  # an imported row
    assert souk["status"] == "pending"


def test_payee_falls_back_to_the_note_then_to_empty(v2, book):
    corner, _raw = _get(v2, book.rows["corner"])
    assert corner["payee"] == "Corner shop" and corner["original_payee"] == "Corner shop"
    assert corner["needs_review"] is True
    assert "category" not in corner
    assert corner["labels"] == []
    nothing, _raw = _get(v2, book.rows["nothing"])
    assert nothing["payee"] == "" and nothing["original_payee"] == ""
    assert "note" not in nothing and "memo" not in nothing


def test_transfers(v2, book):
    out_leg, _raw = _get(v2, book.rows["transfer_out"])
    in_leg, _raw = _get(v2, book.rows["transfer_in"])
    assert out_leg["is_transfer"] is True and in_leg["is_transfer"] is True
    assert out_leg["amount"] == Decimal("-100.00") and out_leg["type"] == "debit"
    assert in_leg["amount"] == Decimal("100.00") and in_leg["type"] == "credit"
    assert in_leg["transaction_account"]["id"] == book.savings.id
    assert in_leg["closing_balance"] == Decimal("100.00")
    # A row filed under a transfer category is a transfer too.
    bus, _raw = _get(v2, book.rows["bus"])
    assert bus["is_transfer"] is True and bus["category"]["is_transfer"] is True


def test_closing_balance_and_current_balance_agree(v2, book):
    """The newest row of an account closes at the account's current balance."""
    bus, _raw = _get(v2, book.rows["bus"])
    assert bus["closing_balance"] == bus["transaction_account"]["current_balance"] == Decimal("976.25")
    out_leg, _raw = _get(v2, book.rows["transfer_out"])
    assert out_leg["closing_balance"] == Decimal("979.25")


def test_without_a_key_is_401(v2_anonymous, book):
    error_of(v2_anonymous.get(f"/transactions/{book.rows['shop']}"), 401)


def test_another_users_transaction_is_403(v2_bob, book):
    error_of(v2_bob.get(f"/transactions/{book.rows['shop']}"), 403)


@pytest.mark.parametrize("txn_id", ["999999", "99999999999999999999", "0", "-1", "abc", "1.5", "%20"])
def test_missing_or_malformed_ids_are_404(v2, book, txn_id):
    error_of(v2.get(f"/transactions/{txn_id}"), 404)


def test_a_deleted_transaction_is_404(v2, v2_bob, ledger, book):
    delete_transaction(ledger, book.rows["shop"])
    error_of(v2.get(f"/transactions/{book.rows['shop']}"), 404)
    error_of(v2_bob.get(f"/transactions/{book.rows['shop']}"), 404)
