"""/users/{id}/categories and /categories/{id}: the tree, CRUD, system categories read
only, nobody else's categories at all."""

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Category, Transaction
from spendsense.services.ledger import accounts, categories
from spendsense.services.scope import ledger_for
from tests import factories
from tests.api.v2.helpers import error_of, no_nulls
from tests.statements import recorded

SYSTEM_COUNT = 17


def system(value, kind="spent"):
    return db.session.scalars(select(Category).where(Category.ledger_id.is_(None), Category.value == value,
                                                     Category.kind == kind)).one()


@pytest.fixture
def food(ledger):
    return categories.create_category(ledger, "Food", "🍔", "spent", colour="#00ff00")


@pytest.fixture
def bobs(other_user):
    return categories.create_category(ledger_for(other_user), "Bob's", "🎸", "spent")


def find(tree, category_id):
    for node in tree:
        if node["id"] == category_id:
            return node
        found = find(node["children"], category_id)
        if found is not None:
            return found
    return None


def test_the_tree_nests_children_at_any_depth(v2, user, ledger, food, bobs):
    snacks = categories.create_category(ledger, "Snacks", "🍿", "spent", parent_id=food.id)
    crisps = categories.create_category(ledger, "Crisps", "🥔", "spent", parent_id=snacks.id)
    under_system = categories.create_category(ledger, "Organic", "🥕", "spent",
                                              parent_id=system("supermarket").id)
    response = v2.get(f"/users/{user.id}/categories")
    assert response.status_code == 200
    tree = response.get_json()
    no_nulls(tree)
    top = {node["id"] for node in tree}
    assert food.id in top and snacks.id not in top and crisps.id not in top and bobs.id not in top
    assert len(top) == SYSTEM_COUNT + 1
    node = find(tree, food.id)
    assert set(node) == {"id", "title", "colour", "children", "is_transfer", "is_bill", "roll_up", "created_at",
                         "updated_at"}  # no parent_id, refund_behaviour: left out, not null
    assert (node["title"], node["colour"], node["is_transfer"], node["is_bill"], node["roll_up"]) == (
        "Food", "#00ff00", False, False, False)
    assert node["created_at"].endswith("Z") and len(node["created_at"]) == 20
    (child,) = node["children"]
    assert (child["id"], child["parent_id"], child["title"]) == (snacks.id, food.id, "Snacks")
    (grandchild,) = child["children"]
    assert (grandchild["id"], grandchild["parent_id"], grandchild["children"]) == (crisps.id, snacks.id, [])
    supermarket = find(tree, system("supermarket").id)
    assert [c["id"] for c in supermarket["children"]] == [under_system.id]
    assert find(tree, bobs.id) is None


def test_the_tree_is_one_select_however_many_categories(v2, user, ledger):
    parent = None
    for number in range(30):
        parent = categories.create_category(ledger, f"Level {number}", "📁", "spent",
                                            parent_id=parent.id if parent else None)
    with recorded() as statements:
        tree = v2.get(f"/users/{user.id}/categories").get_json()
    category_selects = [s for s in statements if "FROM categories" in s]
    assert len(category_selects) == 1, category_selects
    node, depth = next(n for n in tree if n["title"] == "Level 0"), 0
    while node["children"]:
        (node,) = node["children"]
        depth += 1
    assert (depth, node["id"]) == (29, parent.id)


def test_get_one_with_its_children(v2, ledger, food):
    snacks = categories.create_category(ledger, "Snacks", "🍿", "spent", parent_id=food.id)
    body = v2.get(f"/categories/{food.id}").get_json()
    no_nulls(body)
    assert body["id"] == food.id and [c["id"] for c in body["children"]] == [snacks.id]


def test_a_system_category_is_read_but_never_changed(v2, ledger):
    supermarket = system("supermarket")
    body = v2.get(f"/categories/{supermarket.id}").get_json()
    assert body["title"] == "Supermarket" and body["children"] == []
    message = error_of(v2.put(f"/categories/{supermarket.id}", json={"title": "Mine"}), 403)
    assert "system category" in message
    assert "system category" in error_of(v2.delete(f"/categories/{supermarket.id}"), 403)
    db.session.expire_all()
    assert db.session.get(Category, supermarket.id).name == "Supermarket"


def test_create(v2, user, ledger):
    response = v2.post(f"/users/{user.id}/categories", json={
        "title": "Beer", "colour": "#AABBCC", "is_bill": True, "refund_behaviour": "credits_are_refunds"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    no_nulls(body)
    assert (body["title"], body["colour"], body["is_bill"], body["is_transfer"], body["roll_up"],
            body["refund_behaviour"], body["children"]) == ("Beer", "#aabbcc", True, False, False,
                                                            "credits_are_refunds", [])
    row = db.session.get(Category, body["id"])
    assert (row.ledger_id, row.kind, row.icon) == (ledger, "spent", categories.DEFAULT_ICON)


def test_create_takes_the_parents_kind_or_the_one_sent(v2, user, ledger):
    salary = system("salary", "earn")
    child = v2.post(f"/users/{user.id}/categories", json={"title": "Bonus", "parent_id": salary.id}).get_json()
    assert child["parent_id"] == salary.id
    assert db.session.get(Category, child["id"]).kind == "earn"
    gift = v2.post(f"/users/{user.id}/categories", json={"title": "Prize", "kind": "earn", "icon": "🏆"})
    assert gift.status_code == 201
    row = db.session.get(Category, gift.get_json()["id"])
    assert (row.kind, row.icon) == ("earn", "🏆")


def test_update(v2, ledger, food):
    snacks = categories.create_category(ledger, "Snacks", "🍿", "spent")
    response = v2.put(f"/categories/{snacks.id}", json={"title": "Treats", "parent_id": food.id, "roll_up": True,
                                                        "colour": "#123456", "refund_behaviour": "debits_are_deductions"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["title"], body["parent_id"], body["roll_up"], body["colour"], body["refund_behaviour"]) == (
        "Treats", food.id, True, "#123456", "debits_are_deductions")
    cleared = v2.put(f"/categories/{snacks.id}", json={"parent_id": None, "colour": None,
                                                       "refund_behaviour": None}).get_json()
    no_nulls(cleared)
    assert {"parent_id", "colour", "refund_behaviour"}.isdisjoint(cleared)
    assert cleared["title"] == "Treats" and cleared["roll_up"] is True


def test_delete_uncategorises_its_transactions(v2, ledger, food):
    account = accounts.create_account(ledger, "Main", currency="EUR").id
    txn = factories.create_transaction(ledger, account_id=account, amount="-3", category_id=food.id)
    food_id, txn_id = food.id, txn.id
    response = v2.delete(f"/categories/{food_id}")
    assert response.status_code == 204 and response.get_data() == b""
    db.session.expunge_all()
    assert db.session.get(Category, food_id) is None
    assert db.session.get(Transaction, txn_id).category_id is None
    error_of(v2.get(f"/categories/{food_id}"), 404)


@pytest.mark.parametrize("body, words", [
    ({}, "title"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "Name is required"),
    ({"title": "x" * 101}, "title"),
    ({"title": "Beer", "colour": "green"}, "Colour"),
    ({"title": "Beer", "colour": "#12345"}, "Colour"),
    ({"title": "Beer", "refund_behaviour": "sometimes"}, "refund_behaviour"),
    ({"title": "Beer", "is_bill": "maybe"}, "is_bill"),
    ({"title": "Beer", "kind": "both"}, "kind"),
    ({"title": "Beer", "icon": "beer"}, "emoji"),
    ({"title": "Beer", "parent_id": 999999}, "Category not found"),
    ({"title": "Beer", "parent_id": True}, "parent_id"),
    ({"title": "Beer", "parent_id": "salary"}, "parent_id"),
    ({"title": "Supermarket"}, "already exists"),
])
def test_bad_create_is_422(v2, user, ledger, body, words):
    assert words in error_of(v2.post(f"/users/{user.id}/categories", json=body), 422)
    assert categories.list_categories(ledger, own=True) == []


def test_a_parent_of_another_kind_or_another_user_is_422(v2, user, ledger, bobs):
    assert "same type" in error_of(v2.post(f"/users/{user.id}/categories", json={
        "title": "Beer", "kind": "spent", "parent_id": system("salary", "earn").id}), 422)
    error_of(v2.post(f"/users/{user.id}/categories", json={"title": "Beer", "parent_id": bobs.id}), 422)
    mine = categories.create_category(ledger, "Mine", "🍺", "spent")
    error_of(v2.put(f"/categories/{mine.id}", json={"parent_id": bobs.id}), 422)
    assert categories.list_categories(ledger, own=True)[0].parent_id is None


def test_a_parent_cycle_is_422(v2, ledger, food):
    snacks = categories.create_category(ledger, "Snacks", "🍿", "spent", parent_id=food.id)
    crisps = categories.create_category(ledger, "Crisps", "🥔", "spent", parent_id=snacks.id)
    assert "inside itself" in error_of(v2.put(f"/categories/{food.id}", json={"parent_id": crisps.id}), 422)
    assert "inside itself" in error_of(v2.put(f"/categories/{food.id}", json={"parent_id": food.id}), 422)
    db.session.expire_all()
    assert db.session.get(Category, food.id).parent_id is None


@pytest.mark.parametrize("body", [{"title": ""}, {"colour": "red"}, {"refund_behaviour": "x"},
                                  {"roll_up": "often"}, {"icon": "x"}, {"parent_id": 999999}])
def test_bad_update_is_422(v2, food, body):
    error_of(v2.put(f"/categories/{food.id}", json=body), 422)
    db.session.expire_all()
    assert db.session.get(Category, food.id).name == "Food"


def test_another_users_categories_are_403(v2_bob, user, food, ledger):
    error_of(v2_bob.get(f"/users/{user.id}/categories"), 403)
    error_of(v2_bob.post(f"/users/{user.id}/categories", json={"title": "Mine"}), 403)
    error_of(v2_bob.get(f"/categories/{food.id}"), 403)
    error_of(v2_bob.put(f"/categories/{food.id}", json={"title": "Bob's now"}), 403)
    error_of(v2_bob.delete(f"/categories/{food.id}"), 403)
    db.session.expire_all()
    assert db.session.get(Category, food.id).name == "Food"
    assert [c.name for c in categories.list_categories(ledger, own=True)] == ["Food"]


@pytest.mark.parametrize("path", ["/categories/999999", "/categories/0", "/categories/99999999999999999999",
                                  "/categories/abc"])
def test_a_missing_category_is_404(v2, path):
    error_of(v2.get(path), 404)
    error_of(v2.put(path, json={"title": "x"}), 404)
    error_of(v2.delete(path), 404)


def test_an_unknown_user_is_404(v2):
    error_of(v2.get("/users/999999/categories"), 404)
    error_of(v2.post("/users/999999/categories", json={"title": "x"}), 404)


@pytest.mark.parametrize("method, path", [("GET", "/users/1/categories"), ("POST", "/users/1/categories"),
                                          ("GET", "/categories/1"), ("PUT", "/categories/1"),
                                          ("DELETE", "/categories/1")])
def test_no_key_is_401(v2_anonymous, method, path):
    error_of(v2_anonymous._call(method, path, json={"title": "x"}), 401)
