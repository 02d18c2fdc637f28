"""/users/{id}/labels and /users/{id}/saved_searches: the caller's own, in order, no
nulls; 401 without a key, 403 for another user's id, 404 for an unknown one."""

from datetime import date, datetime, time

import pytest

from spendsense.services.ledger import accounts, searches
from tests import factories
from tests.api.v2.helpers import error_of, no_nulls
from tests.statements import recorded

PATHS = ("/users/{id}/labels", "/users/{id}/saved_searches")


def spend(ledger, account, labels, day=1):
    return factories.create_transaction(ledger, account_id=account, amount="-1.00",
                                        occurred_at=datetime.combine(date(2026, 11, day), time(12)), labels=labels)


@pytest.fixture
def main(ledger):
    return accounts.create_account(ledger, "Main", currency="EUR").id


def test_labels_are_the_names_in_use_sorted_ignoring_case(v2, user, ledger, main):
    spend(ledger, main, ["zoo", "Beer"])
    spend(ledger, main, ["Été", "apple", "beer-run", "ÉCLAIR"])
    gone = spend(ledger, main, ["forgotten"])
    factories.delete_transaction(ledger, gone.id)
    response = v2.get(f"/users/{user.id}/labels")
    assert response.status_code == 200
    body = response.get_json()
    no_nulls(body)
    # "forgotten" is carried only by a deleted transaction: no longer one of the ledger's.
    # Case is ignored (also beyond ASCII: "ÉCLAIR" before "Été"); accents are not.
    assert body == ["apple", "Beer", "beer-run", "zoo", "ÉCLAIR", "Été"]


def test_a_label_of_another_ledger_is_not_listed(v2, user, ledger, main, other_user):
    from spendsense.services.scope import ledger_for

    bobs = ledger_for(other_user)
    spend(bobs, accounts.create_account(bobs, "Bob's", currency="EUR").id, ["secret"])
    spend(ledger, main, ["mine"])
    assert v2.get(f"/users/{user.id}/labels").get_json() == ["mine"]


def test_no_labels_is_an_empty_list(v2, user):
    response = v2.get(f"/users/{user.id}/labels")
    assert response.status_code == 200 and response.get_json() == []


def test_saved_searches_in_title_order(v2, user, ledger):
    coffee = searches.create_search(ledger, "coffee", {"q": "coffee", "period": "all"})
    searches.create_search(ledger, "Big spends", {"type": "spent", "sort": "largest"})
    searches.create_search(ledger, "Été", {"label": "holiday"})
    response = v2.get(f"/users/{user.id}/saved_searches")
    assert response.status_code == 200
    body = response.get_json()
    no_nulls(body)
    assert [row["title"] for row in body] == ["Big spends", "coffee", "Été"]
    first = next(row for row in body if row["id"] == coffee.id)
    assert set(first) == {"id", "title", "created_at", "updated_at"}
    assert first["created_at"].endswith("Z") and len(first["created_at"]) == 20
    assert first["updated_at"] == coffee.updated_at.replace(microsecond=0).isoformat() + "Z"


def test_another_users_searches_are_not_listed(v2, user, other_user):
    from spendsense.services.scope import ledger_for

    searches.create_search(ledger_for(other_user), "Bob's", {"q": "x"})
    assert v2.get(f"/users/{user.id}/saved_searches").get_json() == []


@pytest.mark.parametrize("path", PATHS)
def test_without_a_key_is_401(v2_anonymous, user, path):
    error_of(v2_anonymous.get(path.format(id=user.id)), 401)


@pytest.mark.parametrize("path", PATHS)
def test_bobs_key_on_alices_id_is_403(v2_bob, user, ledger, main, path):
    spend(ledger, main, ["private"])
    searches.create_search(ledger, "Private", {"q": "x"})
    message = error_of(v2_bob.get(path.format(id=user.id)), 403)
    assert "private" not in message.lower()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("user_id", ["999999", "0", "-1", "abc", "99999999999999999999999"])
def test_an_unknown_user_is_404(v2, user, path, user_id):
    error_of(v2.get(path.format(id=user_id)), 404)


@pytest.mark.parametrize("path", PATHS)
def test_statements_do_not_grow_with_the_history(v2, user, ledger, main, path):
    def statements():
        with recorded() as seen:
            assert v2.get(path.format(id=user.id)).status_code == 200
        return len(seen)

    spend(ledger, main, ["one"])
    searches.create_search(ledger, "One", {"q": "one"})
    statements()  # the first use of the key records it (once a minute): not part of the count
    few = statements()
    for day in range(2, 22):
        spend(ledger, main, [f"label {day}", "one"], day=day % 28 + 1)
        searches.create_search(ledger, f"Search {day}", {"q": str(day)})
    assert statements() == few


def test_the_document_lists_both_operations(client):
    paths = client.get("/v2/openapi.json").get_json()["paths"]
    labels = paths["/users/{id}/labels"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert labels == {"type": "array", "items": {"type": "string"}}
    assert set(paths["/users/{id}/saved_searches"]["get"]["responses"]) >= {"200", "401", "403", "404"}
