"""Balances and totals stay inside BIGINT: a write that would leave it is refused whole.

Before the guard, 9,240 maximal incomes made a SQLite balance a REAL (9.24e18) and broke
/profile and check-balances for the whole instance; with the guard at BIGINT, two accounts
near it still overflowed every sum across them. Now LIMIT and the account cap keep sums
across a ledger's accounts inside BIGINT too.
"""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import text, update

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Member
from spendsense.services.bills import members, splits
from spendsense.services.errors import Invalid
from spendsense.services.ledger import accounts, balances, transactions, transfers
from spendsense.services.ledger.commands import NewTransaction, NewTransfer
from tests.api.projects_helpers import basic as project_basic
from tests.api.projects_helpers import create_project
from tests.api.xpenser_client import basic
from tests.conftest import PASSWORD
from tests.unit.helpers import balance, live_count
from tests.web.helpers import login


@pytest.fixture
def logged_in_alice(app, user):
    browser = app.test_client()
    assert login(browser, "alice", PASSWORD).status_code == 302
    return browser

LARGEST = Decimal(money.MAX_MINOR) / 100  # the largest single EUR amount
NOON = datetime.combine(date(2024, 5, 2), time(12))  # one day, so every row adds to one category total


def near_the_limit(account):
    """An account opened just under the limit (as years of a central bank's books might be)."""
    start = balances.LIMIT - money.MAX_MINOR // 2
    db.session.execute(update(Account).where(Account.id == account).values(opening_balance=start, balance=start))
    db.session.commit()
    return start


def test_an_income_past_the_limit_is_refused_and_changes_nothing(ledger, account):
    start = near_the_limit(account)
    with pytest.raises(Invalid) as caught:
        transactions.record(ledger, NewTransaction(amount=LARGEST, account_id=account))
    assert caught.value.message == balances.TOO_LARGE
    with pytest.raises(Invalid):
        transactions.record_many(ledger, [NewTransaction(amount=LARGEST / 4, account_id=account)] * 3)
    assert balance(account) == start and live_count(account) == 0
    transactions.record(ledger, NewTransaction(amount=-LARGEST, account_id=account))  # money out still works
    assert balance(account) == start - money.MAX_MINOR


def test_a_batch_larger_than_any_balance_is_refused(ledger, account):
    with pytest.raises(Invalid) as caught:
        transactions.record_many(ledger, [NewTransaction(amount=LARGEST, account_id=account)] * 10_000)
    assert caught.value.message == balances.TOO_LARGE
    assert balance(account) == 0 and live_count(account) == 0


def test_each_front_door_refuses_it_with_the_message(client, ledger, account, auth, logged_in_alice):
    """v1, Xpenser, v2 and the web form: the dialect's error, saying why; nothing written."""
    start = near_the_limit(account)
    amount = str(LARGEST)
    response = client.post("/api/v1/transactions/create/", headers=auth, data={
        "type": "earn", "amount": amount, "category": "salary", "account": "Current"})
    assert (response.status_code, response.get_json()["error"]) == (400, balances.TOO_LARGE)
    response = client.post("/api/expense/", headers=basic("alice@example.com"), data={
        "type": "salary", "amount": "-" + amount, "notes": "bonus"})
    assert (response.status_code, response.get_json()["error"]) == (400, balances.TOO_LARGE)
    response = client.post(f"/v2/transaction_accounts/{account}/transactions", headers=auth, json={
        "payee": "Bonus", "amount": int(LARGEST), "date": "2024-05-02"})
    assert (response.status_code, response.get_json()) == (422, {"error": balances.TOO_LARGE})
    response = logged_in_alice.post("/transactions/new", data={
        "kind": "earn", "amount": amount, "account_id": str(account), "date": "2024-05-02", "payee": "Bonus"})
    assert response.status_code == 422 and balances.TOO_LARGE in response.get_data(as_text=True)
    assert balance(account) == start and live_count(account) == 0


def test_member_totals_past_the_limit_are_refused(client):
    """9,240 maximal bills would take a member's "paid" past BIGINT; the one that would is refused."""
    assert create_project(client, name="Trip", project_id="trip", password="secret").status_code == 201
    headers = project_basic("trip", "secret")
    zoe, yann = (client.post("/api/projects/trip/members", data={"name": n}, headers=headers).get_json()
                 for n in ("zoe", "yann"))
    db.session.execute(update(Member).where(Member.id == zoe).values(paid=balances.LIMIT - money.MAX_MINOR // 2))
    db.session.commit()
    response = client.post("/api/projects/trip/bills", headers=headers, data={
        "what": "castle", "payer": zoe, "payed_for": [zoe, yann], "amount": str(LARGEST)})
    assert (response.status_code, response.get_json()) == (400, {"amount": [splits.TOO_LARGE]})
    assert client.get("/api/projects/trip/bills", headers=headers).get_json() == []
    assert splits.inconsistencies("trip") != []  # the total set by hand, not by bills: the check sees it
    db.session.execute(update(Member).where(Member.id == zoe).values(paid=0))
    db.session.commit()


def test_check_balances_reports_a_balance_that_became_a_real(runner, account):
    """What 9,240 maximal incomes left before the guard: a SQLite REAL in a BIGINT column.
    check-balances names the account and --fix mends it, rather than crashing."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite stores a REAL in a BIGINT column")
    db.session.execute(text("UPDATE accounts SET balance = 9.23999999999999e+18, total_earned = 9.3e18"))
    db.session.commit()
    result = runner.invoke(args=["check-balances"])
    assert result.exit_code == 1 and "cached balance 9.23999999999999e+18" in result.output
    result = runner.invoke(args=["check-balances", "--fix"])
    assert result.exit_code == 0 and "fixed" in result.output
    assert runner.invoke(args=["check-balances"]).exit_code == 0


def test_the_caps_keep_every_sum_across_accounts_or_members_inside_bigint():
    assert balances.MAX_ACCOUNTS * balances.LIMIT < 2**63
    assert 2 * members.MAX_MEMBERS * balances.LIMIT < 2**63


def filled(ledger, account):
    """The account's all-time earnings brought just under LIMIT with real incomes (the
    review's imports did it with 9,200 rows of 10,000,000,000,000.00), all in "salary"."""
    rows = [LARGEST, LARGEST, Decimal(balances.LIMIT - 2 * money.MAX_MINOR - 10**12) / 100]
    transactions.record_many(ledger, [NewTransaction(amount=amount, account_id=account, category_value="salary",
                                                     occurred_at=NOON) for amount in rows])


def test_two_accounts_near_the_limit_still_sum(ledger, account, savings, auth, client, logged_in_alice):
    """Each account near LIMIT: the sums across them (profile, reports, the category's day
    and month totals) stay integers, and every page that shows them answers."""
    filled(ledger, account)
    filled(ledger, savings)
    assert balances.LIMIT - 10**13 < balance(account) <= balances.LIMIT
    for path in ("/profile", "/reports"):
        assert logged_in_alice.get(path).status_code == 200, path
    assert client.get("/api/v1/profile-data/", headers=auth).status_code == 200
    day, month = (db.session.execute(text(f"SELECT credit, typeof(credit) FROM {table}")).one()
                  if db.engine.dialect.name == "sqlite" else (None, None)
                  for table in ("category_day_totals", "category_month_totals"))
    if day[0] is not None:
        assert day == month == (2 * balance(account), "integer")


def test_a_ledger_holds_at_most_max_accounts(ledger, account, auth, client, logged_in_alice, monkeypatch):
    """Past the cap, each front door refuses a new account in its own shape, saying why."""
    monkeypatch.setattr(balances, "MAX_ACCOUNTS", 1)
    with pytest.raises(Invalid) as caught:
        accounts.create_account(ledger, "Savings")
    assert caught.value.message == accounts.TOO_MANY
    response = client.post("/api/v1/accounts/create/", headers=auth, data={"account": "Savings"})
    assert (response.status_code, response.get_json()) == (400, {"error": accounts.TOO_MANY})
    bank = client.post("/v2/users/1/institutions", headers=auth, json={"title": "Bank", "currency_code": "eur"})
    response = client.post("/v2/users/1/accounts", headers=auth, json={
        "institution_id": bank.get_json()["id"], "title": "Savings", "currency_code": "eur", "type": "bank"})
    assert response.status_code == 422 and response.get_json()["error"] == accounts.TOO_MANY
    response = logged_in_alice.post("/accounts/new", data={"name": "Savings", "type": "bank", "currency": "EUR",
                                                           "opening_balance": "0"})
    assert response.status_code == 422 and accounts.TOO_MANY in response.get_data(as_text=True)
    accounts.delete_account(ledger, account)  # a deleted account no longer counts
    assert accounts.create_account(ledger, "Savings").name == "Savings"


def test_an_opening_balance_cannot_take_the_balance_past_the_limit(ledger, account):
    filled(ledger, account)
    start = balance(account)
    with pytest.raises(Invalid) as caught:
        accounts.update_account(ledger, account, opening_balance=str(LARGEST))
    assert caught.value.message == balances.TOO_LARGE
    assert balance(account) == start
    accounts.update_account(ledger, account, opening_balance=str(-LARGEST))  # down still works
    assert balance(account) == start - money.MAX_MINOR


def test_check_balances_reports_totals_whose_sum_overflows_or_became_a_real(runner, ledger, account):
    """Rows whose sum leaves BIGINT (written behind the guards' back) and a category day
    total stored as a REAL (what two full accounts left before the cap): check-balances
    reports them and carries on, rather than failing on an SQL SUM of them."""
    for _ in range(2):
        transactions.record(ledger, NewTransaction(amount=Decimal("12.50"), account_id=account,
                                                   category_value="salary", occurred_at=NOON))
    db.session.execute(text("UPDATE transactions SET amount = 5000000000000000000"))
    db.session.commit()
    result = runner.invoke(args=["check-balances"])
    assert result.exit_code == 1 and "transactions give (0, 10000000000000000000, 2) (debit, credit, count)" in result.output
    db.session.execute(text("UPDATE transactions SET amount = 1250"))
    db.session.commit()
    assert runner.invoke(args=["check-balances"]).exit_code == 0
    if db.engine.dialect.name != "sqlite":
        return  # only SQLite stores a REAL in a BIGINT column
    db.session.execute(text("UPDATE category_day_totals SET credit = 1.84e19"))
    db.session.commit()
    result = runner.invoke(args=["check-balances"])
    assert result.exit_code == 1 and "category day total" in result.output and "1.84e+19" in result.output
    assert runner.invoke(args=["check-balances", "--fix"]).exit_code == 0
    assert runner.invoke(args=["check-balances"]).exit_code == 0


def test_transfers_dated_to_alternate_months_cannot_grow_one_month_past_the_limit(ledger, account, savings):
    """Each move keeps the balance and all-time net small; the month's own sum is held too."""
    def move(source, target, day):
        transfers.create(ledger, NewTransfer(from_account_id=source, to_account_id=target, amount=LARGEST,
                                             occurred_at=day))
    for source, target, day in [(savings, account, "2024-01-15")] * 2 + [(account, savings, "2024-02-15")] * 2:
        move(source, target, day)
    with pytest.raises(Invalid) as caught:
        move(savings, account, "2024-01-16")  # January would hold 3e15 in, past LIMIT
    assert caught.value.message == balances.TOO_LARGE
    assert balance(account) == 0 and live_count(account) == 4


def test_a_project_holds_at_most_max_members(client, monkeypatch):
    monkeypatch.setattr(members, "MAX_MEMBERS", 1)
    assert create_project(client, name="Trip", project_id="trip", password="secret").status_code == 201
    headers = project_basic("trip", "secret")
    assert client.post("/api/projects/trip/members", data={"name": "zoe"}, headers=headers).status_code == 201
    response = client.post("/api/projects/trip/members", data={"name": "yann"}, headers=headers)
    assert (response.status_code, response.get_json()) == (400, {"name": [members.TOO_MANY]})
