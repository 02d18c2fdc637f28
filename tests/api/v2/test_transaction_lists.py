"""The four transaction lists: by user, account, categories and transaction account.
Newest first, every filter (``0``/``false`` meaning no filter), nobody else's rows, and a
fixed number of SQL statements however long the list."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from spendsense.extensions import db
from spendsense.models import Category
from spendsense.models import Transaction as TransactionRow
from spendsense.models.base import utcnow
from spendsense.services.ledger import categories
from tests.api.v2.helpers import error_of, no_nulls
from tests.api.v2.transaction_data import make_book, wall
from tests.factories import create_transaction
from tests.statements import recorded


@pytest.fixture
def book(ledger):
    return make_book(ledger)


def _ids(v2, path):
    response = v2.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    no_nulls(body)
    return [item["id"] for item in body]


def _names(book, ids):
    by_id = {txn_id: name for name, txn_id in book.rows.items()}
    return [by_id[txn_id] for txn_id in ids]


NEWEST_FIRST = ["bus", "transfer_in", "transfer_out", "souk", "sushi", "nothing", "corner", "pay", "shop"]


def test_the_users_list_is_newest_first_with_both_transfer_legs(v2, user, book):
    names = _names(book, _ids(v2, f"/users/{user.id}/transactions"))
    # Same time: the higher id first (transfer_in, nothing were written after their twins).
    assert names == NEWEST_FIRST


def test_an_accounts_list_holds_only_its_rows(v2, book):
    for prefix in ("/accounts", "/transaction_accounts"):
        assert _names(book, _ids(v2, f"{prefix}/{book.main.id}/transactions")) == [
            "bus", "transfer_out", "nothing", "corner", "pay", "shop"]
        assert _names(book, _ids(v2, f"{prefix}/{book.savings.id}/transactions")) == ["transfer_in"]


def test_categories_list_takes_one_id_or_several(v2, book):
    assert _names(book, _ids(v2, f"/categories/{book.groceries.id}/transactions")) == ["shop"]
    both = f"{book.groceries.id},{book.salary.id}"
    assert _names(book, _ids(v2, f"/categories/{both}/transactions")) == ["pay", "shop"]
    assert _names(book, _ids(v2, f"/categories/{both},{book.moving.id}/transactions?type=debit")) == ["bus", "shop"]


def test_a_system_category_is_the_callers_to_list(v2, ledger, book):
    system = db.session.scalars(select(Category).where(Category.ledger_id.is_(None), Category.kind == "spent")).first()
    txn = create_transaction(ledger, account_id=book.main.id, amount="-2", category_id=system.id,
                             occurred_at=wall("2024-04-01T10:00"))
    assert _ids(v2, f"/categories/{system.id}/transactions") == [txn.id]


def _filtered(v2, book, query):
    return set(_names(book, _ids(v2, f"/accounts/{book.main.id}/transactions?{query}")))


MAIN = {"bus", "transfer_out", "nothing", "corner", "pay", "shop"}


@pytest.mark.parametrize(("query", "expected"), [
    ("start_date=2024-02-03", {"bus", "transfer_out", "nothing", "corner"}),
    ("end_date=2024-02-03", {"nothing", "corner", "pay", "shop"}),
    ("start_date=2024-01-06&end_date=2024-03-01", {"transfer_out", "nothing", "corner", "pay"}),
    ("start_date=2024-03-02&end_date=2024-03-02", {"bus"}),
    ("start_date=2024-03-05&end_date=2024-01-01", set()),
    ("uncategorised=1", {"nothing", "corner"}),  # a transfer leg is not waiting for a category
    ("uncategorised=true", {"nothing", "corner"}),
    ("only_uncategorised=1", {"nothing", "corner"}),
    ("uncategorised=0", MAIN),
    ("uncategorised=false", MAIN),
    ("only_uncategorised=0", MAIN),
    ("type=debit", {"bus", "transfer_out", "nothing", "corner", "shop"}),
    ("type=credit", {"pay"}),
    ("needs_review=1", {"corner"}),
    ("needs_review=true", {"corner"}),
    ("needs_review=0", MAIN),
    ("needs_review=false", MAIN),
    ("search=supermarket", {"shop"}),  # payee, in any case
    ("search=FOR+THE", {"shop"}),  # note
    ("search=weekly", {"shop"}),  # memo
    ("search=corner", {"corner"}),
    ("search=12.50", {"shop"}),  # an amount, either sign
    ("search=-12.5", {"shop"}),
    ("search=%2B12.5", set()),  # "+12.5": credits only
    ("search=1000", {"pay"}),
    ("search=100", {"transfer_out"}),
    ("search=7.250", {"corner"}),
    ("search=12.505", set()),  # more decimals than EUR has: no amount matches
    ("search=%25", set()),  # "%" is a character, not a wildcard
    ("search=_", set()),
    ("search=%5C", set()),  # a backslash
    ("search=%27%3B--", set()),
    ("search=%C3%A9t%C3%A9", set()),
    ("search=", MAIN),
    ("search=no+such+thing", set()),
    ("type=debit&search=bus", {"bus"}),
    ("start_date=&end_date=&type=&search=", MAIN),  # empty values are no filter
    ("start_date=0001-01-01&end_date=9999-12-31", MAIN),  # bounds past any date a row can have
    ("end_date=9999-12-31&search=shop", {"corner"}),
])
def test_filters(v2, book, query, expected):
    assert _filtered(v2, book, query) == expected


def test_search_by_amount_in_each_currency(v2, user, book):
    assert _names(book, _ids(v2, f"/users/{user.id}/transactions?search=1500")) == ["sushi"]
    assert _names(book, _ids(v2, f"/users/{user.id}/transactions?search=-1.125")) == ["souk"]
    assert _names(book, _ids(v2, f"/users/{user.id}/transactions?search=1.5")) == []  # JPY has no decimals


def test_category_filter_on_the_users_list(v2, user, book):
    base = f"/users/{user.id}/transactions"
    assert _names(book, _ids(v2, f"{base}?category_id={book.groceries.id}")) == ["shop"]
    assert _names(book, _ids(v2, f"{base}?category_id={book.groceries.id},{book.salary.id}")) == ["pay", "shop"]
    assert _names(book, _ids(v2, f"{base}?category_id=0")) == NEWEST_FIRST
    assert _names(book, _ids(v2, f"{base}?category_id={book.salary.id}&type=debit")) == []


def test_updated_since(v2, user, book):
    later = utcnow() + timedelta(hours=1)
    db.session.execute(update(TransactionRow).where(TransactionRow.id == book.rows["sushi"])
                       .values(updated_at=later))
    db.session.commit()
    base = f"/users/{user.id}/transactions"
    since = (later - timedelta(minutes=1)).replace(microsecond=0)
    assert _names(book, _ids(v2, f"{base}?updated_since={since.isoformat()}Z")) == ["sushi"]
    # The same moment written with a zone: 13:00+02:00 is 11:00Z.
    shifted = (since + timedelta(hours=2)).isoformat() + "+02:00"
    assert _names(book, _ids(v2, f"{base}?updated_since={shifted.replace('+', '%2B')}")) == ["sushi"]
    assert len(_ids(v2, f"{base}?updated_since=2000-01-01")) == len(NEWEST_FIRST)


@pytest.mark.parametrize("query", [
    "start_date=2024-13-01", "start_date=01/02/2024", "end_date=yesterday", "end_date=2024-02-30",
    "start_date=20240101", "updated_since=last+week", "updated_since=2024-01-01T25:00:00Z",
    "updated_since=0001-01-01T00:00:00%2B01:00",
    "type=expense", "type=1", "uncategorised=maybe", "only_uncategorised=2", "needs_review=yes",
    "category_id=abc", "category_id=1,,2", "category_id=-1", "category_id=4,632431050005390445906", "search=" + "x" * 201, "search=%00", "search=a%0Ab",
    "per_page=5", "per_page=2000", "per_page=abc", "page=0", "page=-1", "page=x", "page=2",
])
def test_bad_query_values_are_400(v2, user, book, query):
    for path in (f"/users/{user.id}/transactions", f"/accounts/{book.main.id}/transactions",
                 f"/transaction_accounts/{book.main.id}/transactions", f"/categories/{book.groceries.id}/transactions"):
        error_of(v2.get(f"{path}?{query}"), 400)


def test_without_a_key_every_list_is_401(v2_anonymous, user, book):
    for path in (f"/users/{user.id}/transactions", f"/accounts/{book.main.id}/transactions",
                 f"/transaction_accounts/{book.main.id}/transactions", f"/categories/{book.groceries.id}/transactions"):
        error_of(v2_anonymous.get(path), 401)


def test_bob_gets_403_on_every_list_of_alices(v2_bob, user, book):
    for path in (f"/users/{user.id}/transactions", f"/accounts/{book.main.id}/transactions",
                 f"/transaction_accounts/{book.main.id}/transactions", f"/categories/{book.groceries.id}/transactions",
                 f"/categories/{book.groceries.id},{book.salary.id}/transactions"):
        error_of(v2_bob.get(path), 403)


def test_one_of_alices_categories_among_bobs_is_403(v2_bob, other_user, book):
    from spendsense.services.scope import ledger_for

    bobs = categories.create_category(ledger_for(other_user), "Bob's", "🎲", "spent")
    error_of(v2_bob.get(f"/categories/{bobs.id},{book.groceries.id}/transactions"), 403)
    assert v2_bob.get(f"/categories/{bobs.id}/transactions").get_json() == []


@pytest.mark.parametrize("path", [
    "/users/999999/transactions", "/accounts/999999/transactions", "/transaction_accounts/999999/transactions",
    "/categories/999999/transactions", "/accounts/99999999999999999999/transactions",
    "/categories/99999999999999999999/transactions", "/accounts/abc/transactions", "/categories/abc/transactions",
    "/categories/1,abc/transactions", "/categories/,/transactions", "/categories/-1/transactions",
    "/categories/" + ",".join(["1"] * 101) + "/transactions",
])
def test_missing_or_malformed_ids_are_404(v2, book, path):
    error_of(v2.get(path), 404)


def test_a_missing_category_among_alices_is_404(v2, book):
    error_of(v2.get(f"/categories/{book.groceries.id},999999/transactions"), 404)


def test_statements_do_not_grow_with_the_page(v2, ledger, user, book):
    """One SELECT each for the location (or count), the rows, their labels,
    categories, the accounts and the closing balances, whether a page has 9 rows or
    60, from the start of the list or further in."""
    def count(path):
        with recorded() as statements:
            assert v2.get(path).status_code == 200
        return len(statements)

    paths = [f"/users/{user.id}/transactions?per_page=100", f"/accounts/{book.main.id}/transactions?per_page=100",
             f"/users/{user.id}/transactions?per_page=100&start_date=2023-07-15&end_date=2024-01-10",
             f"/users/{user.id}/transactions?search=super&per_page=100"]
    v2.get("/me")  # the key's first use of the minute writes its last-used time
    few = [count(path) for path in paths]
    for day in range(51):
        create_transaction(ledger, account_id=[book.main, book.yen, book.dinar][day % 3].id, amount="-1",
                           occurred_at=wall("2023-06-01T10:00") + timedelta(days=day * 5), labels=(f"l{day % 4}",),
                           category_id=book.groceries.id if day % 3 == 0 else None, payee="Super shop")
    assert len(v2.get(paths[0]).get_json()) == 60
    assert [count(path) for path in paths] == few
    assert [count(path.replace("per_page=100", "per_page=10&page=2")) for path in paths] == few
    assert few[0] == 7  # the key, the accounts, the location, the rows, labels, categories, closing balances


def test_search_matches_account_category_labels_and_date_as_the_spec_says(v2, user, ledger):
    from spendsense.services.ledger import accounts

    cheque = accounts.create_account(ledger, "Cheque account", currency="EUR")
    savings = accounts.create_account(ledger, "Savings", currency="EUR")
    dining = categories.create_category(ledger, "Dining out", "🍽️", "spent")
    create_transaction(ledger, account_id=cheque.id, amount="-1", payee="a", occurred_at="2024-03-05T10:00:00")
    create_transaction(ledger, account_id=savings.id, amount="-2", payee="b", category_id=dining.id,
                       occurred_at="2024-03-06T10:00:00")
    create_transaction(ledger, account_id=savings.id, amount="-3", payee="c", labels=("holiday",),
                       occurred_at="2024-03-07T10:00:00")
    db.session.commit()

    def payees(text):
        listed = v2.get(f"/users/{user.id}/transactions", query_string={"search": text}).get_json()
        return sorted(item["payee"] for item in listed)

    assert payees("cheque") == ["a"]  # the account's name
    assert payees("DINING") == ["b"]  # the category's title, any case
    assert payees("holi") == ["c"]  # a label
    assert payees("2024-03-06") == ["b"]  # the date
    assert payees("2024-02-30") == []  # no such day: text only
