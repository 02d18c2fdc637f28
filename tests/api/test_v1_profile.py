"""v1 profile-data: all-time totals, exact to the cent, transfers not counted."""

from decimal import Decimal

from tests import factories
from tests.api.helpers import SCHEMES, ok, raw_number


def totals(response):
    body = ok(response)
    return body["total_all_spending"], body["total_all_earning"], body["total_all_diff"]


@SCHEMES
def test_no_data_is_all_zero(api):
    response = api.get("profile-data/")
    assert ok(response) == {"user": "alice", "total_all_spending": Decimal("0.00"),
                            "total_all_earning": Decimal("0.00"), "total_all_diff": Decimal("0.00"),
                            "currency": "EUR", "other_currencies": {}}
    for key in ("total_all_spending", "total_all_earning", "total_all_diff"):
        assert raw_number(response, key, "0.00")


@SCHEMES
def test_totals_are_exact(api, main_account):
    api.create_account("Savings", "5000")  # an opening balance is not income
    for amount in ("0.10", "0.20", "12.34"):
        api.create_transaction("spent", amount)
    api.create_transaction("spent", "0.01", account="Savings", category="taxes", date="2019-01-31")
    api.create_transaction("earn", "1000.00", date="2024-02-29")
    api.create_transaction("earn", "0.05", account="Savings", category="deposit_interest")
    response = api.get("profile-data/")
    assert totals(response) == (Decimal("12.65"), Decimal("1000.05"), Decimal("987.40"))
    assert raw_number(response, "total_all_spending", "12.65")
    assert raw_number(response, "total_all_earning", "1000.05")
    assert raw_number(response, "total_all_diff", "987.40")


def test_negative_difference(api, main_account):
    api.create_transaction("earn", "10")
    api.create_transaction("spent", "25.5")
    response = api.get("profile-data/")
    assert totals(response) == (Decimal("25.50"), Decimal("10.00"), Decimal("-15.50"))
    assert raw_number(response, "total_all_diff", "-15.50")


def test_transfers_are_not_counted(api, ledger, main_account):
    savings = api.create_account("Savings")
    api.create_transaction("spent", "20")
    api.create_transaction("earn", "30")
    factories.create_transfer(ledger, from_account_id=main_account, to_account_id=savings,
                                 amount="75.25", description="Rainy day")
    assert api.balances() == {"Main": Decimal("34.75"), "Savings": Decimal("75.25")}
    assert totals(api.get("profile-data/")) == (Decimal("20.00"), Decimal("30.00"), Decimal("10.00"))


def test_other_currencies_are_reported_apart(api, main_account):
    api.create_account("Dollars", "100", currency="USD")
    api.create_transaction("spent", "4.99", account="Dollars")
    api.create_transaction("earn", "1.50")
    body = ok(api.get("profile-data/"))
    assert (body["currency"], body["total_all_spending"], body["total_all_earning"]) == (
        "EUR", Decimal("0.00"), Decimal("1.50"))
    assert body["other_currencies"] == {"USD": {"total_all_spending": Decimal("4.99"),
                                                "total_all_earning": Decimal("0.00"),
                                                "total_all_diff": Decimal("-4.99")}}
