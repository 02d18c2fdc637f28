"""The dashboard: account tiles with balances, totals per currency, this month, recent
activity, and the quick-add dialog."""

import re

from spendsense.services.auth import users
from spendsense.services.ledger import accounts, categories
from spendsense.services.scope import ledger_for
from tests import factories
from tests.web.helpers import at, data_attr, row_ids, text


def tile(html, account_id):
    match = re.search(rf'<article class="tile card" data-account-id="{account_id}">(.*?)</article>', html, re.S)
    assert match, f"no tile for account {account_id}"
    return match.group(1)


def tile_balance(html, account_id):
    return data_attr(tile(html, account_id), "data-balance")[0]


def test_new_user_sees_empty_states(logged_in):
    html = text(logged_in.get("/dashboard"))
    assert "No accounts yet. Add your first one" in html
    assert "Nothing recorded yet. Use “Add expense” to record your first one." in html
    assert 'class="tile card"' not in html
    # no account, so the dialog asks for one instead of showing the form
    assert "Add an account first: transactions belong to an account." in html
    assert 'id="entry-form"' not in html


def test_tiles_and_totals_per_currency(logged_in, ledger, main, savings):
    dollars = accounts.create_account(ledger, "Dollars", currency="USD", opening_balance="50.25").id
    card = accounts.create_account(ledger, "Card", type="credits", currency="EUR", opening_balance="-30.10").id
    factories.create_transaction(ledger, account_id=main, amount="-12.34")
    factories.create_transaction(ledger, account_id=savings, amount="1000")
    html = text(logged_in.get("/dashboard"))
    assert tile_balance(html, main) == "€87.66"
    assert tile_balance(html, savings) == "€1,000.00"
    assert tile_balance(html, dollars) == "US$50.25"
    assert tile_balance(html, card) == "-€30.10"
    assert 'class="tile-balance amount-out" data-balance>-€30.10' in html
    assert "credits · EUR" in tile(html, card)
    # 87.66 + 1000 - 30.10; currencies are never added together
    assert data_attr(html, "data-total", "EUR") == ["€1,057.56"]
    assert data_attr(html, "data-total", "USD") == ["US$50.25"]
    assert "Total balance in EUR" in html and "Total balance in USD" in html
    # tiles open the account's transactions
    assert f'href="/transactions?account={main}&amp;period=all"' in tile(html, main)


def test_archived_accounts_leave_tiles_and_total(logged_in, ledger, main, savings):
    factories.create_transaction(ledger, account_id=savings, amount="40")
    accounts.archive_account(ledger, savings)
    html = text(logged_in.get("/dashboard"))
    assert f'data-account-id="{savings}"' not in html
    assert data_attr(html, "data-total", "EUR") == ["€100.00"]
    assert "Archived accounts (1)" in html
    assert "Savings · €40.00" in html
    assert f'action="/accounts/{savings}/archive"' in html


def test_month_flows_and_recent_transactions(logged_in, ledger, main, savings):
    today = users.local_now(ledger).date()
    factories.create_transaction(ledger, account_id=main, amount="-10.00", occurred_at=at(today, 8))
    factories.create_transaction(ledger, account_id=main, amount="-2.50", occurred_at=at(today, 9))
    factories.create_transaction(ledger, account_id=main, amount="300", occurred_at=at(today, 10))
    factories.create_transfer(ledger, from_account_id=main, to_account_id=savings, amount="55",
                                 occurred_at=at(today, 11))
    html = text(logged_in.get("/dashboard"))
    assert '<span class="amount-out">−€12.50</span> · <span class="amount-in">+€300.00</span>' in html
    assert len(row_ids(html)) == 4  # the transfer is one movement
    assert "Main → Savings" in html


def test_recent_transactions_are_the_latest_eight(logged_in, ledger, main):
    made = [factories.create_transaction(ledger, account_id=main, amount=f"-{n}",
                                            occurred_at=at("2024-03-01", n)).id for n in range(1, 11)]
    assert row_ids(text(logged_in.get("/dashboard"))) == made[::-1][:8]


def test_quick_add_dialog(logged_in, ledger, main, savings):
    own = categories.create_category(ledger, "Coffee", "☕", "spent")
    html = text(logged_in.get("/dashboard"))
    today = users.local_now(ledger).date().isoformat()
    entry = html.split('id="entry-form"')[1].split("</form>")[0]
    assert 'action="/transactions/new"' in html
    assert f'type="date" value="{today}"' in entry
    assert '<input checked class="kind-radio" id="entry-kind-0" name="kind" type="radio" value="spent">' in entry
    assert '<input class="kind-radio" id="entry-kind-1" name="kind" type="radio" value="earn">' in entry
    # every system category plus the own one, as emoji chips with their kind
    chips = re.findall(r'<label class="emoji-chip" data-kind="(\w+)" title="([^"]+)">', entry)
    assert len(chips) == 13 + 4 + 1  # system: 13 expense, 4 income
    assert ("spent", "Coffee") in chips and ("earn", "Salary") in chips
    assert f'value="{own.id}"' in entry
    # the expense and transfer tabs share no element id, so each label points at its input
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert f'<option value="{main}">Main (EUR)</option>' in entry
    assert f'<option value="{savings}">Savings (EUR)</option>' in entry
    assert 'name="labels"' in entry and 'name="description"' in entry
    # the transfer tab and the add-account dialog
    assert 'action="/transfers/new"' in html
    assert 'action="/accounts/new" id="account-form"' in html


def test_dialog_offers_only_active_accounts(logged_in, ledger, main, savings):
    accounts.archive_account(ledger, savings)
    entry = text(logged_in.get("/dashboard")).split('id="entry-form"')[1].split("</form>")[0]
    assert f'<option value="{main}">' in entry
    assert f'<option value="{savings}">' not in entry


def test_dashboard_shows_only_own_accounts(logged_in, other_user, main):
    bob = ledger_for(other_user)
    accounts.create_account(bob, "Bob's secret stash", opening_balance="999")
    html = text(logged_in.get("/dashboard"))
    assert "secret stash" not in html
    assert data_attr(html, "data-total", "EUR") == ["€100.00"]
