from datetime import date

import pytest

from spendsense.extensions import db
from spendsense.models import Account
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts
from spendsense.services.scope import ledger_for
from tests import factories
from tests.unit.helpers import balance, months, row


def stored(account_id):
    db.session.rollback()
    return db.session.get(Account, account_id, populate_existing=True)


def test_create_with_defaults(ledger):
    account = accounts.create_account(ledger, "  Current  ")
    saved = stored(account.id)
    assert saved.ledger_id == ledger
    assert saved.name == "Current"
    assert saved.type == "bank"
    assert saved.currency == "EUR"  # the owner's base currency
    assert (saved.opening_balance, saved.balance) == (0, 0)
    assert saved.opening_date is None
    assert saved.is_net_worth is True
    assert saved.archived is False
    assert saved.deleted_at is None
    assert saved.position == 0


def test_default_currency_is_the_owners(make_user):
    user = make_user("kenji", base_currency="JPY")
    account = accounts.create_account(ledger_for(user), "Wallet", opening_balance="1500")
    saved = stored(account.id)
    assert (saved.currency, saved.opening_balance, saved.balance) == ("JPY", 1500, 1500)


@pytest.mark.parametrize("currency, opening, minor", [
    ("EUR", "100.50", 10050), ("EUR", "-20", -2000), ("JPY", "1000", 1000), ("BHD", "1.234", 1234),
    ("EUR", None, 0), ("EUR", "", 0),
])
def test_create_with_opening_balance(ledger, currency, opening, minor):
    account = accounts.create_account(ledger, "Opened", currency=currency, opening_balance=opening,
                                      opening_date="2024-01-31", type="cash", is_net_worth="false")
    saved = stored(account.id)
    assert (saved.currency, saved.opening_balance, saved.balance) == (currency, minor, minor)
    assert saved.opening_date == date(2024, 1, 31)
    assert saved.type == "cash"
    assert saved.is_net_worth is False


def test_positions_follow_creation_order(ledger):
    ids = [accounts.create_account(ledger, name).id for name in ("A", "B", "C")]
    assert [stored(i).position for i in ids] == [0, 1, 2]
    assert [a.id for a in accounts.list_accounts(ledger)] == ids


@pytest.mark.parametrize("kwargs, field", [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": None}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "tab\there"}, "name"),
    ({"type": "piggy_bank"}, "type"),
    ({"currency": "XYZ"}, "currency"),
    ({"opening_balance": "1.234"}, "opening_balance"),
    ({"opening_balance": "ten"}, "opening_balance"),
    ({"opening_balance": "1e3"}, "opening_balance"),
    ({"currency": "JPY", "opening_balance": "1.5"}, "opening_balance"),
    ({"opening_date": "2024-13-01"}, "opening_date"),
    ({"opening_date": "1899-12-31"}, "opening_date"),
    ({"is_net_worth": "maybe"}, "is_net_worth"),
])
def test_create_refuses(ledger, kwargs, field):
    values = {"name": "Fine"} | kwargs
    with pytest.raises(Invalid) as caught:
        accounts.create_account(ledger, values.pop("name"), **values)
    assert list(caught.value.errors) == [field]
    assert accounts.list_accounts(ledger) == []


@pytest.mark.parametrize("second", ["Current", "current", "CURRENT", " current "])
def test_duplicate_names_are_refused_ignoring_case(ledger, account, second):
    with pytest.raises(Invalid) as caught:
        accounts.create_account(ledger, second)
    assert caught.value.errors == {"name": "An account with this name already exists."}
    assert len(accounts.list_accounts(ledger)) == 1


def test_non_ascii_names_are_found_and_unique(ledger):
    account = accounts.create_account(ledger, "Épargne")
    assert accounts.find_by_name(ledger, "Épargne").id == account.id
    assert accounts.find_by_name(ledger, "ÉPARGNE").id == account.id
    with pytest.raises(Invalid):
        accounts.create_account(ledger, "ÉPARGNE")


def test_another_ledger_may_use_the_same_name(account, other_user):
    other = accounts.create_account(ledger_for(other_user), "Current")
    assert other.id != account


def test_a_deleted_accounts_name_can_be_reused(ledger, account):
    accounts.delete_account(ledger, account)
    again = accounts.create_account(ledger, "current")
    assert again.id != account
    assert [a.id for a in accounts.list_accounts(ledger)] == [again.id]


def test_find_by_name(ledger, account):
    assert accounts.find_by_name(ledger, "CURRENT").id == account
    assert accounts.find_by_name(ledger, " current ").id == account
    assert accounts.find_by_name(ledger, "Savings") is None
    assert accounts.find_by_name(ledger, "") is None
    assert accounts.find_by_name(ledger, None) is None


def test_find_by_name_stays_in_the_ledger(account, other_user):
    assert accounts.find_by_name(ledger_for(other_user), "Current") is None


def test_rename(ledger, account):
    accounts.update_account(ledger, account, name="Main")
    assert stored(account).name == "Main"
    accounts.update_account(ledger, account, name="MAIN")  # its own name in another case
    assert stored(account).name == "MAIN"


def test_rename_to_a_taken_name(ledger, account, savings):
    with pytest.raises(Invalid) as caught:
        accounts.update_account(ledger, savings, name="current")
    assert caught.value.errors == {"name": "An account with this name already exists."}
    assert stored(savings).name == "Savings"


def test_update_other_fields(ledger, account):
    accounts.update_account(ledger, account, type="credits", opening_date="2023-05-01", is_net_worth=False,
                            position="7")
    saved = stored(account)
    assert (saved.type, saved.opening_date, saved.is_net_worth, saved.position) == (
        "credits", date(2023, 5, 1), False, 7)
    accounts.update_account(ledger, account, opening_date="")
    assert stored(account).opening_date is None


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"), ({"type": "jar"}, "type"), ({"currency": "EURO"}, "currency"),
    ({"opening_balance": "0.001"}, "opening_balance"), ({"position": -1}, "position"),
    ({"position": "first"}, "position"), ({"is_net_worth": "perhaps"}, "is_net_worth"),
])
def test_update_refuses(ledger, account, changes, field):
    with pytest.raises(Invalid) as caught:
        accounts.update_account(ledger, account, **changes)
    assert list(caught.value.errors) == [field]
    saved = stored(account)
    assert (saved.name, saved.type, saved.currency, saved.position) == ("Current", "bank", "EUR", 0)


def test_archive(ledger, account, savings):
    accounts.archive_account(ledger, account)
    assert stored(account).archived is True
    assert [a.id for a in accounts.list_accounts(ledger, include_archived=False)] == [savings]
    assert [a.id for a in accounts.list_accounts(ledger)] == [account, savings]
    accounts.archive_account(ledger, account, archived=False)
    assert stored(account).archived is False


def test_archive_understands_false_strings(ledger, account):
    accounts.archive_account(ledger, account, archived="false")
    assert stored(account).archived is False


def test_update_opening_balance_adjusts_balance(ledger, account):
    factories.create_transaction(ledger, account_id=account, amount="-12.50", occurred_at="2024-03-02")
    assert balance(account) == -1250
    accounts.update_account(ledger, account, opening_balance="100")
    saved = stored(account)
    assert (saved.opening_balance, saved.balance) == (10000, 8750)
    accounts.update_account(ledger, account, opening_balance="-0.50")
    saved = stored(account)
    assert (saved.opening_balance, saved.balance) == (-50, -1300)


def test_currency_change_without_transactions(ledger):
    account = accounts.create_account(ledger, "Travel", currency="EUR", opening_balance="10.00").id
    accounts.update_account(ledger, account, currency="usd")
    saved = stored(account)
    assert (saved.currency, saved.opening_balance, saved.balance) == ("USD", 1000, 1000)
    accounts.update_account(ledger, account, currency="JPY")
    saved = stored(account)
    assert (saved.currency, saved.opening_balance, saved.balance) == ("JPY", 10, 10)


def test_currency_change_refused_when_the_opening_balance_does_not_fit(ledger):
    account = accounts.create_account(ledger, "Travel", currency="EUR", opening_balance="10.50").id
    with pytest.raises(Invalid) as caught:
        accounts.update_account(ledger, account, currency="JPY")
    assert list(caught.value.errors) == ["currency"]
    saved = stored(account)
    assert (saved.currency, saved.opening_balance, saved.balance) == ("EUR", 1050, 1050)


def test_currency_change_refused_with_transactions(ledger, account):
    factories.create_transaction(ledger, account_id=account, amount="5", occurred_at="2024-03-02")
    with pytest.raises(Invalid) as caught:
        accounts.update_account(ledger, account, currency="USD")
    assert caught.value.errors == {"currency": "The currency of an account with transactions cannot change."}
    assert stored(account).currency == "EUR"
    accounts.update_account(ledger, account, currency="eur")  # the same currency is no change


def test_currency_change_allowed_once_transactions_are_deleted(ledger, account):
    txn = factories.create_transaction(ledger, account_id=account, amount="5", occurred_at="2024-03-02")
    factories.delete_transaction(ledger, txn.id)
    accounts.update_account(ledger, account, currency="GBP")
    assert stored(account).currency == "GBP"


def test_delete_an_empty_account(ledger, account):
    accounts.delete_account(ledger, account)
    assert stored(account).deleted_at is not None
    assert accounts.list_accounts(ledger) == []
    with pytest.raises(NotFound):
        accounts.get_account(ledger, account)
    with pytest.raises(NotFound):
        accounts.delete_account(ledger, account)


def test_delete_refused_with_transactions(ledger, account):
    factories.create_transaction(ledger, account_id=account, amount="5", occurred_at="2024-03-02")
    factories.create_transaction(ledger, account_id=account, amount="-1", occurred_at="2024-03-03")
    with pytest.raises(Invalid) as caught:
        accounts.delete_account(ledger, account)
    assert caught.value.errors == {"account": "This account has 2 transactions. "
                                              "Delete them too, or move them to another account first."}
    assert stored(account).deleted_at is None
    assert balance(account) == 400


def test_delete_with_transactions_tombstones_them_and_the_other_legs(ledger, account, savings):
    plain = factories.create_transaction(ledger, account_id=account, amount="-20", occurred_at="2024-03-02")
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=account, to_account_id=savings,
                                                   amount="30", occurred_at="2024-03-05")
    back_out, back_in = factories.create_transfer(ledger, from_account_id=savings, to_account_id=account,
                                                     amount="5", occurred_at="2024-04-01")
    kept = factories.create_transaction(ledger, account_id=savings, amount="100", occurred_at="2024-03-01")
    assert balance(savings) == 10000 + 3000 - 500

    accounts.delete_account(ledger, account, delete_transactions=True)

    assert stored(account).deleted_at is not None
    for txn_id in (plain.id, out_leg.id, in_leg.id, back_out.id, back_in.id):
        assert row(txn_id).deleted_at is not None, txn_id
    assert row(kept.id).deleted_at is None
    assert balance(savings) == 10000
    assert months(savings) == {date(2024, 3, 1): (0, 10000, 0, 1)}
    assert months(account) == {}


def test_other_ledgers_accounts_are_not_found(account, other_user):
    bobs = ledger_for(other_user)
    with pytest.raises(NotFound):
        accounts.get_account(bobs, account)
    with pytest.raises(NotFound):
        accounts.update_account(bobs, account, name="Mine now")
    with pytest.raises(NotFound):
        accounts.archive_account(bobs, account)
    with pytest.raises(NotFound):
        accounts.delete_account(bobs, account)
    assert accounts.list_accounts(bobs) == []
    assert stored(account).name == "Current"
