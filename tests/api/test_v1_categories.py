"""v1 categories: the 17 system ones, the type and user filters, and creating own ones."""

import pytest

from tests.api.helpers import (
    DUPLICATE_CATEGORY,
    ICON_ERROR,
    LIST_TYPE_ERROR,
    SCHEMES,
    SYSTEM_CATEGORIES,
    TYPE_ERROR,
    USER_FILTER_ERROR,
    fails,
    ok,
    snapshot,
)


def rows(response):
    """The categories of a 200 answer as (type, value, name, icon) tuples."""
    return [(c["type"], c["value"], c["name"], c["icon"]) for c in ok(response)["categories"]]


@SCHEMES
@pytest.mark.parametrize("path", ["categories/", "categories/get/", "categories", "categories/get"])
def test_system_categories(api, path):
    response = api.get(path)
    assert ok(response)["user"] == "alice"
    listed = rows(response)
    assert len(listed) == 17
    assert set(listed) == SYSTEM_CATEGORIES
    assert all(c["is_system"] for c in response.get_json()["categories"])


@SCHEMES
@pytest.mark.parametrize("kind, count", [("earn", 4), ("spent", 13)])
def test_type_filter(api, kind, count):
    listed = rows(api.get("categories/", {"type": kind}))
    assert len(listed) == count
    assert set(listed) == {c for c in SYSTEM_CATEGORIES if c[0] == kind}


def test_empty_type_means_all(api):
    assert len(rows(api.get("categories/", {"type": ""}))) == 17


@pytest.mark.parametrize("kind", ["income", "SPENT", "Earn", "all", "-1", "x" * 10_000])
def test_invalid_type_filter(api, kind):
    fails(api.get("categories/", {"type": kind}), 400, LIST_TYPE_ERROR)


@SCHEMES
def test_user_filter(api):
    fails(api.get("categories/", {"user": "true"}), 404, "Categories cannot be found")
    coffee = api.create_category("Coffee Shops", "☕")
    bonus = api.create_category("Bonus", "💶", kind="earn")
    own = ok(api.get("categories/", {"user": "true"}))["categories"]
    assert [(c["id"], c["type"], c["value"], c["name"], c["icon"], c["is_system"]) for c in own] == [
        (coffee, "spent", "coffee_shops", "Coffee Shops", "☕", False),
        (bonus, "earn", "bonus", "Bonus", "💶", False),
    ]
    assert set(rows(api.get("categories/", {"user": "false"}))) == SYSTEM_CATEGORIES
    everything = set(rows(api.get("categories/")))
    assert everything == SYSTEM_CATEGORIES | {("spent", "coffee_shops", "Coffee Shops", "☕"),
                                              ("earn", "bonus", "Bonus", "💶")}


@pytest.mark.parametrize("value, expected", [("TRUE", ["bonus"]), ("False", []), ("", None)])
def test_user_filter_ignores_case_and_empty_means_both(api, value, expected):
    api.create_category("Bonus", "💶", kind="earn")
    listed = [c["value"] for c in ok(api.get("categories/", {"user": value, "type": "earn"}))["categories"]
              if not c["is_system"]]
    assert listed == (expected if expected is not None else ["bonus"])


def test_type_and_user_filters_combine(api):
    api.create_category("Coffee Shops", "☕")
    assert rows(api.get("categories/", {"user": "true", "type": "spent"})) == [
        ("spent", "coffee_shops", "Coffee Shops", "☕")]
    fails(api.get("categories/", {"user": "true", "type": "earn"}), 404, "Categories cannot be found")
    assert len(rows(api.get("categories/", {"user": "false", "type": "earn"}))) == 4


@pytest.mark.parametrize("value", ["yes", "1", "0", "-1", "maybe", "x" * 10_000])
def test_invalid_user_filter(api, value):
    fails(api.get("categories/", {"user": value}), 400, USER_FILTER_ERROR)


# --- creating --------------------------------------------------------------------------

@SCHEMES
def test_create_by_get_query(api):
    response = api.get("categories/create/", {"type": "spent", "name": "Groceries", "icon": "🛒"})
    body = ok(response)
    assert body == {"status": "ok", "id": body["id"]}
    assert rows(api.get("categories/", {"user": "true"})) == [("spent", "groceries", "Groceries", "🛒")]


@SCHEMES
def test_create_by_post_form_and_json(api):
    ok(api.post("categories/create/", data={"type": "earn", "name": "Side Gig", "icon": "💼"}))
    ok(api.post("categories/create", json={"type": "spent", "name": "Board Games", "icon": "🎲"}))
    assert rows(api.get("categories/", {"user": "true"})) == [
        ("spent", "board_games", "Board Games", "🎲"), ("earn", "side_gig", "Side Gig", "💼")]


@pytest.mark.parametrize("name, stored, value", [
    ("Coffee Shops", "Coffee Shops", "coffee_shops"),
    ("  Coffee   Shops  ", "Coffee   Shops", "coffee_shops"),
    ("Kids' Toys & Games", "Kids' Toys & Games", "kids_toys_games"),
    ("Café 2.0", "Café 2.0", "café_2_0"),
    ("Кава та чай", "Кава та чай", "кава_та_чай"),
    ("חשבונות", "חשבונות", "חשבונות"),
    ("__Snake__Case__", "__Snake__Case__", "snake_case"),
    ("'; DROP TABLE categories; --", "'; DROP TABLE categories; --", "drop_table_categories"),
])
def test_value_is_a_lower_case_slug_of_the_name(api, name, stored, value):
    api.create_category(name)
    assert rows(api.get("categories/", {"user": "true"})) == [("spent", value, stored, "☕")]


@pytest.mark.parametrize("icon", ["☕", "👍🏽", "👨‍👩‍👧‍👦", "🇺🇦", "🏳️‍🌈", "🧑🏻‍❤️‍💋‍🧑🏼", "1️⃣", "🏛️", " 🎲 "],
                         ids=["plain", "skin-tone", "zwj-family", "flag", "zwj-flag", "zwj-skin-tones",
                              "keycap", "variation-selector", "padded"])
def test_single_emoji_icons_are_accepted(api, icon):
    api.create_category("Things", icon)
    [category] = ok(api.get("categories/", {"user": "true"}))["categories"]
    assert category["icon"] == icon.strip()


@pytest.mark.parametrize("icon", ["", "  ", "☕☕", "👍🏽👍", "🇺🇦🇵🇱", "a", "abc", "a☕", "☕ ☕", ":coffee:", "1",
                                  "#", "-1", "\x00", "☕\x00", "☕" * 10_000, "'; DROP TABLE categories; --"],
                         ids=["empty", "blank", "two", "skin-tone-and-plain", "two-flags", "letter", "text",
                              "text-and-emoji", "spaced-pair", "shortcode", "digit", "hash", "negative",
                              "nul", "emoji-nul", "huge", "sql"])
def test_anything_but_one_emoji_is_rejected(api, icon):
    before = snapshot()
    fails(api.get("categories/create/", {"type": "spent", "name": "Things", "icon": icon}), 400, ICON_ERROR)
    assert snapshot() == before


def test_icon_is_required(api):
    fails(api.get("categories/create/", {"type": "spent", "name": "Things"}), 400, ICON_ERROR)


@pytest.mark.parametrize("kind", [None, "", "SPENT", "income", "-1", "x" * 10_000])
def test_create_type_must_be_spent_or_earn(api, kind):
    params = {"name": "Things", "icon": "☕"}
    if kind is not None:
        params["type"] = kind
    fails(api.get("categories/create/", params), 400, TYPE_ERROR)


@pytest.mark.parametrize("name", [None, "", "   "])
def test_name_is_required(api, name):
    params = {"type": "spent", "icon": "☕"}
    if name is not None:
        params["name"] = name
    fails(api.get("categories/create/", params), 400, "name parameter is required")


@pytest.mark.parametrize("kind, name", [("spent", "Supermarket"), ("spent", "supermarket"),
                                        ("earn", "SALARY"), ("spent", "Coffee shops"),
                                        ("spent", "coffee-shops")])
def test_duplicate_name(api, kind, name):
    api.create_category("Coffee Shops")
    before = snapshot()
    fails(api.get("categories/create/", {"type": kind, "name": name, "icon": "🎁"}), 400, DUPLICATE_CATEGORY)
    assert snapshot() == before


def test_same_name_with_the_other_type_is_allowed(api):
    api.create_category("Salary", "💸", kind="spent")
    assert ("spent", "salary", "Salary", "💸") in rows(api.get("categories/", {"type": "spent"}))


def test_name_without_letters_or_digits(api):
    fails(api.get("categories/create/", {"type": "spent", "name": "!!! ???", "icon": "☕"}), 400,
          "Name must contain a letter or a digit.")
