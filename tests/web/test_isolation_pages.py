"""Another user's ids are "not found" on every page, and nothing of theirs shows or changes."""

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Account, Category, Transaction
from spendsense.services.ledger import accounts, categories
from tests import factories
from tests.web.helpers import at, balance, field_errors, fresh, live_count, row_ids, text


@pytest.fixture
def alices(ledger, main, savings):
    """alice's data, with names that must never appear on bob's pages."""
    category = categories.create_category(ledger, "Alicecat", "🎻", "spent")
    txn = factories.create_transaction(ledger, account_id=main, amount="-12.00", category_id=category.id,
                                          description="Alicesecret", labels="alicelabel",
                                          occurred_at=at("2024-02-02"))
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=main, to_account_id=savings,
                                                   amount="30", description="Alicetransfer",
                                                   occurred_at=at("2024-02-03"))
    return {"account": main, "savings": savings, "txn": txn.id, "out": out_leg.id, "in": in_leg.id,
            "category": category.id}


@pytest.fixture
def bobs(bob_ledger):
    account = accounts.create_account(bob_ledger, "Bobbank", opening_balance="10").id
    category = categories.create_category(bob_ledger, "Bobcat", "🐈", "spent").id
    txn = factories.create_transaction(bob_ledger, account_id=account, amount="-1", category_id=category,
                                          occurred_at=at("2024-02-02"))
    return {"account": account, "category": category, "txn": txn.id}


def snapshot(ledger):
    fresh()
    return (
        [(a.id, a.name, a.balance, a.archived, a.deleted_at) for a in
         db.session.scalars(select(Account).where(Account.ledger_id == ledger).order_by(Account.id))],
        [(t.id, t.account_id, t.amount, t.occurred_at, t.category_id, t.deleted_at) for t in
         db.session.scalars(select(Transaction).where(Transaction.ledger_id == ledger).order_by(Transaction.id))],
        [(c.id, c.name, c.icon, c.parent_id) for c in
         db.session.scalars(select(Category).where(Category.ledger_id == ledger).order_by(Category.id))],
    )


ROUTES = [
    ("get", "/accounts/{account}/edit"), ("post", "/accounts/{account}/edit"),
    ("get", "/accounts/{account}/delete"), ("post", "/accounts/{account}/delete"),
    ("post", "/accounts/{account}/archive"),
    ("get", "/transactions/{txn}/edit"), ("post", "/transactions/{txn}/edit"),
    ("get", "/transactions/{txn}/delete"), ("post", "/transactions/{txn}/delete"),
    ("get", "/transactions/{out}/edit"), ("get", "/transactions/{in}/delete"), ("post", "/transactions/{out}/delete"),
    ("get", "/transfers/{out}/edit"), ("post", "/transfers/{out}/edit"),
    ("get", "/transfers/{in}/edit"), ("post", "/transfers/{in}/edit"),
    ("get", "/categories/{category}/edit"), ("post", "/categories/{category}/edit"),
    ("get", "/categories/{category}/delete"), ("post", "/categories/{category}/delete"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_other_users_ids_are_not_found(bob_client, ledger, alices, bobs, method, path):
    before = snapshot(ledger)
    # a valid-looking form, pointing at bob's own account and category
    data = {"name": "Taken", "type": "bank", "currency": "EUR", "opening_balance": "1", "kind": "spent",
            "amount": "1", "account_id": str(bobs["account"]), "from_account_id": str(bobs["account"]),
            "to_account_id": str(bobs["account"]), "date": "2024-01-01", "icon": "🎲", "parent_id": "",
            "delete_transactions": "y", "move_to": ""}
    response = getattr(bob_client, method)(path.format(**alices), data=data if method == "post" else None)
    assert response.status_code == 404
    html = text(response)
    assert "We could not find that page" in html
    assert "It may have been deleted, or it belongs to someone else." in html
    assert "Log out <span class=\"muted\">(bob)</span>" in html
    assert snapshot(ledger) == before


def test_filtering_by_another_users_account_or_category_shows_nothing(bob_client, alices, bobs):
    for params in ({"account": alices["account"]}, {"account": alices["savings"]},
                   {"category": alices["category"]}, {"label": "alicelabel"}, {"q": "Alice"}):
        html = text(bob_client.get("/transactions", query_string={"period": "all", **params}))
        assert row_ids(html) == []
        assert "No transactions match these filters." in html
        for secret in ("Alicesecret", "Alicetransfer", "Alicecat", "Main (EUR)", "🎻"):
            assert secret not in html
    # bob's own list shows only bob's
    assert row_ids(text(bob_client.get("/transactions?period=all"))) == [bobs["txn"]]


@pytest.mark.parametrize("path", ["/dashboard", "/transactions?period=all", "/categories", "/reports?period=year",
                                  "/profile", "/link_api/", "/transactions/new", "/transfers/new",
                                  "/categories/new"])
def test_nothing_of_alices_shows_on_bobs_pages(bob_client, alices, bobs, path):
    html = text(bob_client.get(path))
    for secret in ("Main (EUR)", "Savings", "Alicesecret", "Alicetransfer", "Alicecat", "🎻", "alicelabel"):
        assert secret not in html, secret


def test_bob_cannot_book_into_alices_account_or_category(bob_client, ledger, bob_ledger, alices, bobs):
    before = snapshot(ledger)
    base = {"kind": "spent", "amount": "5", "date": "2024-01-01", "account_id": str(bobs["account"])}
    response = bob_client.post("/transactions/new", data={**base, "account_id": str(alices["account"])})
    assert field_errors(text(response), "account_id") == ["Not a valid choice."]
    response = bob_client.post("/transactions/new", data={**base, "category_id": str(alices["category"])})
    assert field_errors(text(response), "category_id") == ["Choose a category from the list."]
    response = bob_client.post(f"/transactions/{bobs['txn']}/edit",
                               data={**base, "account_id": str(alices["account"])})
    assert field_errors(text(response), "account_id") == ["Not a valid choice."]
    response = bob_client.post("/transfers/new", data={"from_account_id": str(bobs["account"]),
                                                       "to_account_id": str(alices["account"]),
                                                       "amount": "5", "date": "2024-01-01"})
    assert field_errors(text(response), "to_account_id") == ["Not a valid choice."]
    response = bob_client.post("/categories/new", data={"kind": "spent", "name": "Sub", "icon": "🎲",
                                                        "parent_id": str(alices["category"])})
    assert field_errors(text(response), "parent_id") == ["Not a valid choice."]
    response = bob_client.post(f"/categories/{bobs['category']}/delete", data={"move_to": str(alices["category"])})
    assert field_errors(text(response), "move_to") == ["Not a valid choice."]
    assert snapshot(ledger) == before
    assert live_count(bob_ledger) == 1
    assert balance(bobs["account"]) == 900


@pytest.mark.parametrize("path", [
    "/accounts/0/edit", "/accounts/99999999999999999999/edit", "/accounts/9223372036854775808/delete",
    "/transactions/9223372036854775807/edit", "/transfers/18446744073709551616/edit",
    "/categories/99999999999999999999999/delete", "/transactions/-1/edit", "/accounts/abc/edit",
])
def test_missing_and_huge_ids_are_not_found(logged_in, path):
    response = logged_in.get(path)
    assert response.status_code == 404
    assert "We could not find that page" in text(response)
