"""Balances and totals stay inside BIGINT: a write that would leave it is refused whole.

Before the guard, 9,240 maximal incomes made a SQLite balance a REAL (9.24e18) and broke
/profile and check-balances for the whole instance.
"""

from decimal import Decimal

import pytest
from sqlalchemy import text, update

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Member
from spendsense.services.bills import splits
from spendsense.services.errors import Invalid
from spendsense.services.ledger import balances, transactions
from spendsense.services.ledger.commands import NewTransaction
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
