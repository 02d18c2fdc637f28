from decimal import Decimal

from spendsense.services.ledger import accounts
from spendsense.services.ledger import totals as reports
from spendsense.services.scope import ledger_for
from tests import factories


def book(ledger, account, *amounts, when="2024-03-10"):
    for amount in amounts:
        factories.create_transaction(ledger, account_id=account, amount=amount, occurred_at=when)


def totals(ledger):
    return [(t.currency, t.spent, t.earned, t.difference) for t in reports.all_time_totals(ledger)]


def test_empty_ledger_has_no_totals(ledger, account):
    assert totals(ledger) == []
    zero = reports.totals_in("EUR", reports.all_time_totals(ledger))
    assert (zero.spent, zero.earned, str(zero.spent)) == (0, 0, "0.00")


def test_totals_per_currency_over_all_months(ledger, account, savings, yen, dinar):
    book(ledger, account, "-10.25", "-0.75", "1500", when="2023-12-31T23:59:59")
    book(ledger, savings, "-4", "20.50", when="2024-01-01")
    book(ledger, yen, "-1200", "-300")
    book(ledger, dinar, "1.005")
    assert totals(ledger) == [
        ("BHD", Decimal("0.000"), Decimal("1.005"), Decimal("1.005")),
        ("EUR", Decimal("15.00"), Decimal("1520.50"), Decimal("1505.50")),
        ("JPY", Decimal("1500"), Decimal("0"), Decimal("-1500")),
    ]
    jpy = reports.totals_in("JPY", reports.all_time_totals(ledger))
    assert (str(jpy.spent), str(jpy.earned)) == ("1500", "0")
    assert str(reports.totals_in("BHD", reports.all_time_totals(ledger)).earned) == "1.005"


def test_edits_and_deletes_are_reflected(ledger, account):
    first = factories.create_transaction(ledger, account_id=account, amount="-10", occurred_at="2024-03-01")
    second = factories.create_transaction(ledger, account_id=account, amount="-5", occurred_at="2024-04-01")
    factories.update_transaction(ledger, first.id, amount="30")
    factories.delete_transaction(ledger, second.id)
    assert totals(ledger) == [("EUR", Decimal("0.00"), Decimal("30.00"), Decimal("30.00"))]


def test_deleted_accounts_and_other_ledgers_do_not_count(ledger, account, savings, other_user):
    book(ledger, account, "-10")
    book(ledger, savings, "-99")
    accounts.delete_account(ledger, savings, delete_transactions=True)
    bobs = ledger_for(other_user)
    bobs_account = accounts.create_account(bobs, "Bob's").id
    book(bobs, bobs_account, "-1000")
    assert totals(ledger) == [("EUR", Decimal("10.00"), Decimal("0.00"), Decimal("-10.00"))]
    assert totals(bobs) == [("EUR", Decimal("1000.00"), Decimal("0.00"), Decimal("-1000.00"))]


def test_archived_accounts_still_count(ledger, account):
    book(ledger, account, "-10")
    accounts.archive_account(ledger, account)
    assert totals(ledger) == [("EUR", Decimal("10.00"), Decimal("0.00"), Decimal("-10.00"))]
