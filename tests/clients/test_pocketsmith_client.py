"""The official PocketSmith client (PyPI ``pocketsmith-api``) against a live server.

The client is generated from PocketSmith's spec and checks every answer's types
strictly (a null where a string is due, a status outside pending|posted, a string
amount all raise), so a full round through it proves v2's shapes as a real tool
reads them: it lists, creates, updates and deletes.
"""

from datetime import date

import pytest

pocketsmith = pytest.importorskip("pocketsmith")

from pocketsmith.exceptions import ApiException  # noqa: E402

from tests.conftest import make_app  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402


@pytest.fixture
def server(app, database_url):
    with LiveServer.running(make_app(database_url)) as running:
        yield running


@pytest.fixture
def ps(server, token):
    client = pocketsmith.PocketsmithClient(token, host=server("/v2"), ssl_ca_cert=None)
    yield client
    client.api_client.close()


def test_a_full_round_through_the_official_client(ps, user):
    me = ps.users.get_me()
    assert me.id == user.id and me.login == "alice"
    assert ps.users.get_user(user.id).email == "alice@example.com"
    assert ps.users.update_user(user.id, inline_object10={"time_zone": "Pacific/Auckland"}).time_zone \
        == "Pacific/Auckland"

    bank = ps.institutions.create_institution(user.id, inline_object14={"title": "Kiwibank",
                                                                       "currency_code": "nzd"})
    assert bank.title == "Kiwibank" and bank.currency_code == "nzd"
    assert [i.id for i in ps.institutions.list_institutions(user.id)] == [bank.id]

    account = ps.accounts.create_account(user.id, inline_object11={
        "institution_id": bank.id, "title": "Everyday", "currency_code": "nzd", "type": "bank"})
    assert account.title == "Everyday"
    assert account.primary_transaction_account.id == account.id
    renamed = ps.accounts.update_account(account.id, inline_object={"title": "Everyday NZ"})
    assert renamed.title == "Everyday NZ"
    assert [a.id for a in ps.accounts.list_accounts(user.id)] == [account.id]
    assert [t.id for t in ps.transaction_accounts.list_transaction_accounts(user.id)] == [account.id]

    groceries = ps.categories.create_category(user.id, inline_object13={"title": "Groceries",
                                                                       "colour": "#00ff00"})
    assert groceries.title == "Groceries"
    assert any(c.id == groceries.id for c in ps.categories.list_categories(user.id))
    rule = ps.category_rules.create_category_rule(groceries.id, inline_object3={"payee_matches": "Countdown"})
    assert rule.payee_matches == "Countdown" and rule.category.id == groceries.id
    assert [r.id for r in ps.category_rules.list_category_rules(user.id)] == [rule.id]

    created = ps.transactions.create_transaction_account_transaction(account.id, inline_object7={
        "payee": "Countdown Riccarton", "amount": -34.6, "date": "2026-11-30", "memo": "card 4083"})
    assert created.amount == -34.6 and created.type == "debit"
    assert created.date == date(2026, 11, 30)
    assert created.category["id"] == groceries.id  # the rule filed it
    assert created.closing_balance == -34.6
    assert created.transaction_account.id == account.id
    salary = ps.transactions.create_transaction_account_transaction(account.id, inline_object7={
        "payee": "Employer", "amount": 2500, "date": "2026-12-01"})
    assert salary.closing_balance == pytest.approx(2465.4)

    updated = ps.transactions.update_transaction(created.id, inline_object8={"note": "weekly shop",
                                                                            "amount": -40.25})
    assert updated.note == "weekly shop" and updated.amount == -40.25
    assert ps.transactions.get_transaction(created.id).amount == -40.25

    listed = ps.transactions.list_transactions(user.id, start_date="2026-11-01", end_date="2026-12-31")
    assert [t.id for t in listed] == [salary.id, created.id]  # newest first
    assert [t.id for t in ps.transactions.list_account_transactions(account.id, type="debit")] == [created.id]
    assert [t.id for t in ps.transactions.list_transaction_account_transactions(
        account.id, search="Employer")] == [salary.id]

    ps.categories.delete_category(groceries.id)
    with pytest.raises(ApiException) as missing:
        ps.categories.get_category(groceries.id)
    assert missing.value.status == 404
    ps.accounts.delete_account(account.id)
    assert ps.accounts.list_accounts(user.id) == []
    ps.institutions.delete_institution(bank.id)
    assert ps.institutions.list_institutions(user.id) == []


def test_the_client_sees_another_users_ids_as_forbidden(ps, other_user):
    with pytest.raises(ApiException) as refused:
        ps.users.get_user(other_user.id)
    assert refused.value.status == 403
