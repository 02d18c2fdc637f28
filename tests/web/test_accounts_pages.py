"""Adding, editing, archiving, restoring and deleting accounts through the pages."""

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Account
from spendsense.services.ledger import accounts
from tests import factories
from tests.web.helpers import (
    account_count,
    balance,
    field_errors,
    form_errors,
    fresh,
    live_count,
    text,
)

NEW = {"name": "Wallet", "type": "cash", "currency": "EUR", "opening_balance": "25.50", "is_net_worth": "y"}


def account_named(ledger, name):
    fresh()
    return db.session.scalars(select(Account).where(Account.ledger_id == ledger, Account.name == name,
                                                    Account.deleted_at.is_(None))).one()


def test_create_account(logged_in, ledger):
    response = logged_in.post("/accounts/new", data=NEW)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    wallet = account_named(ledger, "Wallet")
    assert (wallet.type, wallet.currency, wallet.opening_balance, wallet.balance, wallet.is_net_worth) == (
        "cash", "EUR", 2550, 2550, True)
    html = text(logged_in.get("/dashboard"))
    assert "Account “Wallet” added." in html
    assert f'data-account-id="{wallet.id}"' in html


def test_create_account_unticked_net_worth_and_empty_opening(logged_in, ledger):
    data = {**NEW, "opening_balance": "", "currency": "JPY"}
    del data["is_net_worth"]
    assert logged_in.post("/accounts/new", data=data).status_code == 302
    wallet = account_named(ledger, "Wallet")
    assert (wallet.currency, wallet.balance, wallet.is_net_worth) == ("JPY", 0, False)


def test_create_account_next_redirect(logged_in, ledger):
    response = logged_in.post("/accounts/new", data={**NEW, "next": "/transactions?period=all"})
    assert response.headers["Location"] == "/transactions?period=all"
    response = logged_in.post("/accounts/new", data={**NEW, "name": "Other", "next": "https://evil.com"})
    assert response.headers["Location"] == "/dashboard"


def test_new_account_form_defaults_to_base_currency(logged_in):
    html = text(logged_in.get("/accounts/new"))
    assert '<option selected value="EUR">EUR</option>' in html
    assert 'name="opening_balance" type="text" value="0"' in html


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "   "}, "name", "This field is required."),
    ({"name": "x" * 101}, "name", "Field cannot be longer than 100 characters."),
    ({"opening_balance": "abc"}, "opening_balance", "Amount must be a number."),
    ({"opening_balance": "1.234"}, "opening_balance", "Amount has more decimals than EUR allows (2)."),
    ({"opening_balance": "1,5"}, "opening_balance", "Amount must be a number."),
    ({"currency": "XYZ"}, "currency", "Not a valid choice."),
    ({"type": "piggybank"}, "type", "Not a valid choice."),
])
def test_create_account_invalid(logged_in, ledger, changes, field, message):
    response = logged_in.post("/accounts/new", data={**NEW, **changes})
    assert response.status_code == 422
    assert field_errors(text(response), field) == [message]
    assert account_count(ledger) == 0


@pytest.mark.parametrize("name", ["Main", "MAIN", " main "])
def test_create_account_duplicate_name(logged_in, ledger, main, name):
    response = logged_in.post("/accounts/new", data={**NEW, "name": name})
    assert response.status_code == 422
    assert field_errors(text(response), "name") == ["An account with this name already exists."]
    assert account_count(ledger) == 1


def test_edit_form_shows_current_values(logged_in, ledger, main):
    html = text(logged_in.get(f"/accounts/{main}/edit"))
    assert "<h1>Edit Main</h1>" in html
    assert 'name="name" required type="text" value="Main"' in html
    assert 'name="opening_balance" type="text" value="100.00"' in html
    assert '<option selected value="bank">Bank account</option>' in html


def test_edit_account_name_type_and_opening_balance(logged_in, ledger, main):
    factories.create_transaction(ledger, account_id=main, amount="-12.50")
    response = logged_in.post(f"/accounts/{main}/edit", data={
        "name": "Everyday", "type": "credits", "currency": "EUR", "opening_balance": "200", "is_net_worth": ""})
    assert response.status_code == 302
    fresh()
    account = db.session.get(Account, main)
    assert (account.name, account.type, account.opening_balance, account.balance, account.is_net_worth) == (
        "Everyday", "credits", 20000, 18750, False)
    assert "Account saved." in text(logged_in.get("/dashboard"))


def test_edit_account_currency_refused_with_transactions(logged_in, ledger, main):
    factories.create_transaction(ledger, account_id=main, amount="-1")
    response = logged_in.post(f"/accounts/{main}/edit", data={**NEW, "name": "Main", "currency": "USD"})
    assert response.status_code == 422
    assert field_errors(text(response), "currency") == [
        "The currency of an account with transactions cannot change."]
    fresh()
    assert db.session.get(Account, main).currency == "EUR"
    assert balance(main) == 9900


def test_edit_account_invalid_keeps_it(logged_in, ledger, main, savings):
    response = logged_in.post(f"/accounts/{main}/edit", data={**NEW, "name": "savings"})
    assert response.status_code == 422
    assert field_errors(text(response), "name") == ["An account with this name already exists."]
    response = logged_in.post(f"/accounts/{main}/edit", data={**NEW, "name": "Main", "opening_balance": "-"})
    assert field_errors(text(response), "opening_balance") == ["Amount must be a number."]
    fresh()
    account = db.session.get(Account, main)
    assert (account.name, account.type, account.balance) == ("Main", "bank", 10000)


def test_archive_and_restore(logged_in, ledger, main):
    response = logged_in.post(f"/accounts/{main}/archive", follow_redirects=True)
    assert response.request.path == "/dashboard"
    assert "Account “Main” archived." in text(response)
    fresh()
    assert db.session.get(Account, main).archived is True
    response = logged_in.post(f"/accounts/{main}/archive", follow_redirects=True)
    assert "Account “Main” restored." in text(response)
    fresh()
    assert db.session.get(Account, main).archived is False
    assert balance(main) == 10000


def test_archived_account_keeps_its_transactions_visible(logged_in, ledger, main):
    txn = factories.create_transaction(ledger, account_id=main, amount="-7", description="Old thing")
    accounts.archive_account(ledger, main)
    html = text(logged_in.get("/transactions?period=all"))
    assert f'data-id="{txn.id}"' in html
    # and it can still be chosen when editing that transaction
    assert f'<option selected value="{main}">Main (EUR)</option>' in text(
        logged_in.get(f"/transactions/{txn.id}/edit"))


def test_delete_page_without_transactions(logged_in, ledger, main):
    html = text(logged_in.get(f"/accounts/{main}/delete"))
    assert "<h1>Delete “Main”?</h1>" in html
    assert "This account has no transactions. Its balance of €100.00 will no longer count." in html
    assert 'name="delete_transactions"' not in html


def test_delete_account_without_transactions(logged_in, ledger, main):
    response = logged_in.post(f"/accounts/{main}/delete", follow_redirects=True)
    assert response.request.path == "/dashboard"
    assert "Account “Main” deleted." in text(response)
    assert account_count(ledger) == 0
    assert logged_in.get(f"/accounts/{main}/edit").status_code == 404


def test_delete_account_with_transactions_needs_the_box(logged_in, ledger, main, savings):
    factories.create_transaction(ledger, account_id=main, amount="-5")
    factories.create_transaction(ledger, account_id=main, amount="-6")
    html = text(logged_in.get(f"/accounts/{main}/delete"))
    assert "This account has <strong>2</strong> transactions." in html
    assert 'name="delete_transactions"' in html
    response = logged_in.post(f"/accounts/{main}/delete", data={})
    assert response.status_code == 422
    assert form_errors(text(response)) == [
        "This account has 2 transactions. Delete them too, or move them to another account first."]
    assert account_count(ledger) == 2
    assert live_count(ledger) == 2
    assert balance(main) == 8900


def test_delete_account_with_transactions_and_transfers(logged_in, ledger, main, savings):
    factories.create_transaction(ledger, account_id=main, amount="-5")
    factories.create_transaction(ledger, account_id=savings, amount="3")
    factories.create_transfer(ledger, from_account_id=main, to_account_id=savings, amount="40")
    assert balance(savings) == 4300
    response = logged_in.post(f"/accounts/{main}/delete", data={"delete_transactions": "y"})
    assert response.status_code == 302
    assert account_count(ledger) == 1
    # the other leg of the transfer went too, so Savings is back to its own income
    assert balance(savings) == 300
    assert live_count(ledger) == 1


def test_archive_buttons_say_what_they_do(logged_in, ledger, main, savings):
    accounts.archive_account(ledger, savings)
    html = text(logged_in.get("/dashboard"))
    assert (f'action="/accounts/{main}/archive" class="inline">\n          <input type="hidden" name="csrf_token" '
            in html)
    main_form = html.split(f'action="/accounts/{main}/archive"')[1].split("</form>")[0]
    savings_form = html.split(f'action="/accounts/{savings}/archive"')[1].split("</form>")[0]
    assert '<input type="hidden" name="archived" value="1"><button class="link-button" type="submit">Archive' \
        in main_form
    assert '<input type="hidden" name="archived" value="0"><button class="link-button" type="submit">Restore' \
        in savings_form


def test_archiving_twice_keeps_it_archived(logged_in, ledger, main):
    for _ in range(2):  # a double click, or a stale second tab
        response = logged_in.post(f"/accounts/{main}/archive", data={"archived": "1"}, follow_redirects=True)
        assert "Account “Main” archived." in text(response)
    fresh()
    assert db.session.get(Account, main).archived is True
    for _ in range(2):
        response = logged_in.post(f"/accounts/{main}/archive", data={"archived": "0"}, follow_redirects=True)
        assert "Account “Main” restored." in text(response)
    fresh()
    assert db.session.get(Account, main).archived is False
