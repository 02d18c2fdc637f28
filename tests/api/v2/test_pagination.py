"""Paging the transaction lists: page/per_page, the Per-Page, Total and Link headers, a
page past the end, and pages placed by the cached month counts (the page's SELECT
skips rows of one month at most, never the history before it)."""

import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from spendsense.extensions import db
from spendsense.models import Transaction
from spendsense.services.ledger import accounts
from tests.api.v2.helpers import error_of
from tests.api.v2.transaction_data import wall
from tests.factories import (
    create_transaction,
    create_transfer,
    delete_transaction,
    update_transaction,
)

LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def links(response):
    return {rel: url for url, rel in LINK.findall(response.headers["Link"])}


@pytest.fixture
def history(ledger):
    """75 live rows over seven months in two accounts: rows at the first and last moment
    of months, equal times, a transfer, rows added months back, one deleted."""
    rng = random.Random(3)
    main = accounts.create_account(ledger, "Main", currency="EUR")
    spare = accounts.create_account(ledger, "Spare", currency="EUR")
    made = []
    for index in range(70):
        when = wall("2024-01-01T00:00") + timedelta(hours=rng.randrange(0, 24 * 212))
        if index % 10 == 0:
            when = when.replace(day=1, hour=0, minute=0)
        elif index % 10 == 1:
            when = (when.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(seconds=1)
        made.append(create_transaction(ledger, account_id=(main if index % 3 else spare).id, amount=f"-{index + 1}",
                                       occurred_at=when, payee="odd" if index % 2 else "even").id)
    create_transfer(ledger, from_account_id=main.id, to_account_id=spare.id, amount="5",
                    occurred_at=wall("2024-03-15T12:00"))
    for txn_id in made[:5]:
        update_transaction(ledger, txn_id, occurred_at=wall("2023-12-31T23:59:59"))
    delete_transaction(ledger, made[40])
    create_transaction(ledger, account_id=main.id, amount="9", occurred_at=wall("2024-03-15T12:00"), payee="even")
    create_transaction(ledger, account_id=main.id, amount="1", occurred_at=wall("2024-01-01T00:00"), payee="even")
    create_transaction(ledger, account_id=spare.id, amount="2", occurred_at=wall("2024-07-31T23:59:59"))
    db.session.commit()
    return main, spare


def expected(ledger, *, account_id=None, start=None, end=None, where=()):
    """Ids of the live rows, newest first, read naively."""
    query = select(Transaction.id).where(Transaction.ledger_id == ledger, Transaction.deleted_at.is_(None), *where)
    if account_id is not None:
        query = query.where(Transaction.account_id == account_id)
    if start is not None:
        query = query.where(Transaction.occurred_at >= wall(start))
    if end is not None:
        query = query.where(Transaction.occurred_at < wall(end) + timedelta(days=1))
    return list(db.session.scalars(query.order_by(Transaction.occurred_at.desc(), Transaction.id.desc())))


def walk(v2, path, per_page):
    """Every page's ids in turn, following rel="next"."""
    ids, url, pages = [], f"{path}{'&' if '?' in path else '?'}per_page={per_page}", 0
    while url:
        response = v2.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["Per-Page"] == str(per_page)
        ids += [item["id"] for item in response.get_json()]
        pages += 1
        following = links(response).get("next")
        url = following.removeprefix("http://localhost/v2") if following else None
    return ids, pages


def test_three_pages_with_their_headers(v2, user, ledger, history):
    base = f"/users/{user.id}/transactions"
    total = len(expected(ledger))
    assert total == 74
    first, second, third = (v2.get(f"{base}?per_page=30&page={n}") for n in (1, 2, 3))
    for response in (first, second, third):
        assert response.status_code == 200
        assert response.headers["Per-Page"] == "30"
        assert response.headers["Total"] == "74"
    assert [len(r.get_json()) for r in (first, second, third)] == [30, 30, 14]
    url = f"http://localhost/v2{base}?per_page=30&page="
    assert links(first) == {"first": url + "1", "next": url + "2", "last": url + "3"}
    assert links(second) == {"first": url + "1", "prev": url + "1", "next": url + "3", "last": url + "3"}
    assert links(third) == {"first": url + "1", "prev": url + "2", "last": url + "3"}
    ids = [item["id"] for r in (first, second, third) for item in r.get_json()]
    assert ids == expected(ledger)


def test_default_page_size_is_30(v2, user, history):
    response = v2.get(f"/users/{user.id}/transactions")
    assert response.headers["Per-Page"] == "30" and len(response.get_json()) == 30
    assert 'rel="prev"' not in response.headers["Link"]


def test_a_filter_is_kept_in_every_link(v2, user, history):
    response = v2.get(f"/users/{user.id}/transactions?search=even&type=debit&per_page=10&page=2")
    assert response.status_code == 200
    found = links(response)
    assert set(found) == {"first", "prev", "next", "last"}
    for url in found.values():
        assert "search=even" in url and "type=debit" in url and "per_page=10" in url
    total = int(response.headers["Total"])
    assert found["last"].endswith(f"page={-(-total // 10)}")


def test_links_start_with_the_base_url_the_client_used(v2, user, history):
    response = v2.get(f"/users/{user.id}/transactions?per_page=10", base_url="https://money.example.org")
    for url in links(response).values():
        assert url.startswith(f"https://money.example.org/v2/users/{user.id}/transactions?")
    response = v2.get(f"/users/{user.id}/transactions?per_page=10", base_url="http://10.0.0.5:8080")
    assert links(response)["next"] == f"http://10.0.0.5:8080/v2/users/{user.id}/transactions?per_page=10&page=2"


def test_a_page_past_the_end_is_400(v2, user, history):
    assert v2.get(f"/users/{user.id}/transactions?per_page=37&page=2").status_code == 200
    message = error_of(v2.get(f"/users/{user.id}/transactions?per_page=37&page=3"), 400)
    assert "out of bounds" in message
    assert "out of bounds" in error_of(v2.get(f"/users/{user.id}/transactions?search=even&page=99"), 400)
    assert "out of bounds" in error_of(v2.get(f"/users/{user.id}/transactions?page=1000000000"), 400)


def test_an_empty_list_has_one_empty_page(v2, user, ledger):
    response = v2.get(f"/users/{user.id}/transactions")
    assert response.status_code == 200 and response.get_json() == []
    assert response.headers["Total"] == "0"
    assert links(response) == {"first": f"http://localhost/v2/users/{user.id}/transactions?page=1",
                               "last": f"http://localhost/v2/users/{user.id}/transactions?page=1"}
    assert "out of bounds" in error_of(v2.get(f"/users/{user.id}/transactions?page=2"), 400)


@pytest.mark.parametrize("per_page", [10, 13, 37, 1000])
@pytest.mark.parametrize(("start", "end"), [
    (None, None), ("2024-01-01", None), (None, "2024-05-31"), ("2024-02-14", "2024-06-03"),
    ("2024-03-15", "2024-03-15"), ("2024-03-01", "2024-03-31"), ("2023-12-31", "2024-01-01"), ("2025-01-01", None),
])
def test_pages_placed_by_month_counts_match_a_plain_listing(v2, user, ledger, history, per_page, start, end):
    query = "&".join(f"{name}={value}" for name, value in (("start_date", start), ("end_date", end)) if value)
    for account_id, path in ((None, f"/users/{user.id}/transactions"),
                             (history[0].id, f"/accounts/{history[0].id}/transactions")):
        want = expected(ledger, account_id=account_id, start=start, end=end)
        ids, pages = walk(v2, f"{path}?{query}" if query else path, per_page)
        assert ids == want
        assert pages == max(1, -(-len(want) // per_page))
        response = v2.get(f"{path}?{query}&per_page={per_page}")
        assert response.headers["Total"] == str(len(want))


@pytest.mark.parametrize("per_page", [10, 13])
@pytest.mark.parametrize(("query", "where", "dates"), [
    ("search=even", (Transaction.payee == "even",), {}),
    ("type=debit", (Transaction.amount < 0,), {}),
    ("search=EVEN&type=credit", (Transaction.payee == "even", Transaction.amount >= 0), {}),
    ("search=odd&start_date=2024-02-14&end_date=2024-06-03", (Transaction.payee == "odd",),
     {"start": "2024-02-14", "end": "2024-06-03"}),
])
def test_filtered_pages_placed_by_counted_months_match_a_plain_listing(v2, user, ledger, history, per_page, query,
                                                                         where, dates):
    for account_id, path in ((None, f"/users/{user.id}/transactions"),
                             (history[1].id, f"/accounts/{history[1].id}/transactions")):
        want = expected(ledger, account_id=account_id, where=where, **dates)
        assert want or account_id is not None
        ids, pages = walk(v2, f"{path}?{query}", per_page)
        assert ids == want
        assert pages == max(1, -(-len(want) // per_page))


@pytest.fixture
def statements(app):
    seen = []

    def listener(_conn, _cursor, statement, parameters, *_rest):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    yield seen
    event.remove(db.engine, "before_cursor_execute", listener)


def test_a_deep_page_skips_rows_of_one_month_only(v2, user, ledger, statements):
    """Page 12 of 10 reads from the month that holds its first row: the SELECT is
    bounded by that month's end and skips fewer rows than the month holds."""
    account = accounts.create_account(ledger, "Busy", currency="EUR")
    for index in range(150):  # 25 a month, January to June
        create_transaction(ledger, account_id=account.id, amount="-1",
                           occurred_at=wall("2024-01-01T08:00") + timedelta(days=index // 25 * 31, hours=index % 25))
    db.session.commit()
    del statements[:]
    response = v2.get(f"/users/{user.id}/transactions?per_page=10&page=12")
    assert response.status_code == 200
    page_rows = [(sql, params) for sql, params in statements
                 if "FROM transactions" in sql and "LIMIT" in sql and "ORDER BY transactions.occurred_at DESC" in sql]
    assert len(page_rows) == 1
    sql, params = page_rows[0]
    assert "transactions.occurred_at <" in sql
    values = list(params.values()) if isinstance(params, dict) else list(params)  # PostgreSQL names them
    assert values[-1] < 25  # the OFFSET: rows into one month, not 110 rows into the list
    ids = [item["id"] for item in response.get_json()]
    assert ids == expected(ledger)[110:120]
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            plan = " ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
        assert "USING INDEX ix_transactions_ledger_occurred" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # the index gives the order: no sort of the rows


def test_the_account_list_uses_the_accounts_index(v2, user, ledger, history, statements):
    del statements[:]
    assert v2.get(f"/accounts/{history[0].id}/transactions?per_page=10&page=3").status_code == 200
    page_rows = [(sql, params) for sql, params in statements
                 if "FROM transactions" in sql and "LIMIT" in sql and "ORDER BY transactions.occurred_at DESC" in sql]
    assert len(page_rows) == 1
    if db.engine.dialect.name == "sqlite":
        sql, params = page_rows[0]
        with db.engine.connect() as connection:
            plan = " ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
        assert "USING INDEX ix_transactions_account_occurred" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
