import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Category, CategoryRule
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.ledger import categories, seed
from spendsense.services.scope import ledger_for
from tests import factories
from tests.unit.helpers import row


def stored(category_id):
    db.session.rollback()
    return db.session.get(Category, category_id, populate_existing=True)


def system(ledger, value, kind="spent"):
    return categories.find_by_value(ledger, value, kind)


def test_system_categories_are_seeded(ledger):
    listed = categories.list_categories(ledger)
    assert len(listed) == 17 == len(seed.SYSTEM_CATEGORIES)
    assert all(c.is_system for c in listed)
    assert [c.value for c in categories.list_categories(ledger, kind="earn")] == [
        "salary", "deposit_interest", "returning", "gifts"]
    assert {(c.kind, c.value, c.name, c.icon) for c in listed} == set(seed.SYSTEM_CATEGORIES)


def test_seed_is_idempotent(app):
    assert seed.seed_system_categories() == 0
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Category)) == 17


def test_create(ledger):
    category = categories.create_category(ledger, "  Eating out  ", " 🍕 ", "spent", colour="#AABBCC")
    saved = stored(category.id)
    assert (saved.ledger_id, saved.name, saved.value, saved.icon, saved.kind, saved.colour) == (
        ledger, "Eating out", "eating_out", "🍕", "spent", "#aabbcc")
    assert saved.parent_id is None
    assert saved.is_system is False
    assert [c.id for c in categories.list_categories(ledger, own=True)] == [category.id]
    assert len(categories.list_categories(ledger, own=False)) == 17
    assert len(categories.list_categories(ledger)) == 18


@pytest.mark.parametrize("name, value", [
    ("Eating out", "eating_out"),
    ("Kids & Family", "kids_family"),
    ("  Car--Fuel  ", "car_fuel"),
    ("Їжа та напої", "їжа_та_напої"),
    ("_Hidden_", "hidden"),
    ("2024 Trip!", "2024_trip"),
])
def test_value_is_a_slug_of_the_name(ledger, name, value):
    assert categories.create_category(ledger, name, "🍕", "spent").value == value


@pytest.mark.parametrize("icon", ["🍕", "🏛️", "👨‍👩‍👧", "🇺🇦", "👍🏽", "❤️"])
def test_icon_accepts_one_emoji(ledger, icon):
    assert categories.create_category(ledger, "Any", icon, "spent").icon == icon


@pytest.mark.parametrize("icon", ["", "  ", None, "x", "pizza", ":pizza:", "🍕🍕", "🍕x", "1", 127829])
def test_icon_must_be_one_emoji(ledger, icon):
    with pytest.raises(Invalid) as caught:
        categories.create_category(ledger, "Any", icon, "spent")
    assert caught.value.errors == {"icon": "Icon must be a single valid emoji."}
    assert categories.list_categories(ledger, own=True) == []


@pytest.mark.parametrize("name, kind, colour, field", [
    ("", "spent", None, "name"),
    ("   ", "spent", None, "name"),
    ("!!!", "spent", None, "name"),
    ("x" * 101, "spent", None, "name"),
    ("Fine", "income", None, "type"),
    ("Fine", None, None, "type"),
    ("Fine", "spent", "red", "colour"),
    ("Fine", "spent", "#12345", "colour"),
    ("Fine", "spent", "#1234567", "colour"),
])
def test_create_refuses(ledger, name, kind, colour, field):
    with pytest.raises(Invalid) as caught:
        categories.create_category(ledger, name, "🍕", kind, colour=colour)
    assert list(caught.value.errors) == [field]


def test_a_name_whose_value_would_not_fit_is_refused(ledger):
    # "İ" lower-cases to two characters, so 100 of them give a 200-character value.
    with pytest.raises(Invalid) as caught:
        categories.create_category(ledger, "İ" * 100, "🍕", "spent")
    assert list(caught.value.errors) == ["name"]


@pytest.mark.parametrize("name", ["Eating out", "eating OUT", "Eating-Out", "eating_out"])
def test_names_are_unique_per_kind(ledger, name):
    categories.create_category(ledger, "Eating out", "🍕", "spent")
    with pytest.raises(Invalid) as caught:
        categories.create_category(ledger, name, "🍔", "spent")
    assert caught.value.errors == {"name": "A category with this name already exists."}
    assert categories.create_category(ledger, name, "🍔", "earn").kind == "earn"


@pytest.mark.parametrize("name, kind", [("Supermarket", "spent"), ("SALARY", "earn"), ("gifts", "spent"),
                                        ("Gifts", "earn")])
def test_names_clash_with_system_categories(ledger, name, kind):
    with pytest.raises(Invalid) as caught:
        categories.create_category(ledger, name, "🍕", kind)
    assert caught.value.errors == {"name": "A category with this name already exists."}


def test_another_ledger_may_use_the_same_name(ledger, other_user):
    mine = categories.create_category(ledger, "Hobby", "🎨", "spent")
    theirs = categories.create_category(ledger_for(other_user), "Hobby", "🎸", "spent")
    assert mine.id != theirs.id
    assert [c.id for c in categories.list_categories(ledger_for(other_user), own=True)] == [theirs.id]


def test_parent_of_the_same_kind(ledger):
    food = categories.create_category(ledger, "Food", "🍽️", "spent")
    pizza = categories.create_category(ledger, "Pizza", "🍕", "spent", parent_id=food.id)
    assert stored(pizza.id).parent_id == food.id
    under_system = categories.create_category(ledger, "Snacks", "🍿", "spent",
                                              parent_id=system(ledger, "supermarket").id)
    assert stored(under_system.id).parent.value == "supermarket"
    with pytest.raises(Invalid) as caught:
        categories.create_category(ledger, "Bonus", "💶", "earn", parent_id=food.id)
    assert caught.value.errors == {"parent": "The parent category must be of the same type."}


def test_parent_must_be_visible(ledger, other_user):
    theirs = categories.create_category(ledger_for(other_user), "Theirs", "🎸", "spent")
    with pytest.raises(NotFound):
        categories.create_category(ledger, "Mine", "🎨", "spent", parent_id=theirs.id)
    with pytest.raises(Invalid):
        categories.create_category(ledger, "Mine", "🎨", "spent", parent_id="top")


def test_no_cycles(ledger):
    a = categories.create_category(ledger, "A", "🅰️", "spent")
    b = categories.create_category(ledger, "B", "🅱️", "spent", parent_id=a.id)
    c = categories.create_category(ledger, "C", "🌊", "spent", parent_id=b.id)
    for parent in (a.id, c.id):
        with pytest.raises(Invalid) as caught:
            categories.update_category(ledger, a.id, parent_id=parent)
        assert caught.value.errors == {"parent": "A category cannot be inside itself."}
    assert stored(a.id).parent_id is None
    categories.update_category(ledger, c.id, parent_id=a.id)
    assert stored(c.id).parent_id == a.id
    categories.update_category(ledger, c.id, clear_parent=True)
    assert stored(c.id).parent_id is None


def test_update(ledger):
    category = categories.create_category(ledger, "Hobby", "🎨", "spent")
    categories.update_category(ledger, category.id, name="Hobbies & Art", icon="🖌️", colour="#00ff00")
    saved = stored(category.id)
    assert (saved.name, saved.value, saved.icon, saved.colour) == ("Hobbies & Art", "hobbies_art", "🖌️", "#00ff00")
    categories.update_category(ledger, category.id, name="HOBBIES & ART")  # its own value
    assert stored(category.id).name == "HOBBIES & ART"


@pytest.mark.parametrize("changes, field", [
    ({"name": "Supermarket"}, "name"), ({"name": "Other one"}, "name"), ({"name": ""}, "name"),
    ({"name": "???"}, "name"), ({"icon": "no"}, "icon"), ({"colour": "blue"}, "colour"),
])
def test_update_refuses(ledger, changes, field):
    categories.create_category(ledger, "Other one", "🎲", "spent")
    category = categories.create_category(ledger, "Hobby", "🎨", "spent")
    with pytest.raises(Invalid) as caught:
        categories.update_category(ledger, category.id, **changes)
    assert list(caught.value.errors) == [field]
    saved = stored(category.id)
    assert (saved.name, saved.icon, saved.colour) == ("Hobby", "🎨", None)


def test_system_categories_cannot_be_changed(ledger):
    salary = system(ledger, "salary", "earn")
    with pytest.raises(Forbidden):
        categories.update_category(ledger, salary.id, name="Wages")
    with pytest.raises(Forbidden):
        categories.delete_category(ledger, salary.id)
    assert stored(salary.id).name == "Salary"


def test_other_ledgers_categories_are_not_found(ledger, other_user):
    theirs = categories.create_category(ledger_for(other_user), "Theirs", "🎸", "spent")
    for call in (lambda: categories.update_category(ledger, theirs.id, name="Mine"),
                 lambda: categories.delete_category(ledger, theirs.id),
                 lambda: categories.get_visible(ledger, theirs.id)):
        with pytest.raises(NotFound):
            call()
    for bad_id in (0, -1, 2**63, "1", None, True):
        with pytest.raises(NotFound):
            categories.get_visible(ledger, bad_id)
    assert stored(theirs.id).name == "Theirs"


def test_delete_moves_transactions_to_the_chosen_category(ledger, account):
    hobby = categories.create_category(ledger, "Hobby", "🎨", "spent")
    other = categories.create_category(ledger, "Other hobby", "🎲", "spent")
    txn = factories.create_transaction(ledger, account_id=account, amount="-5", category_id=hobby.id,
                                          occurred_at="2024-03-01")
    db.session.add(CategoryRule(ledger_id=ledger, category_id=hobby.id, payee_pattern="ART SHOP"))
    db.session.commit()
    categories.delete_category(ledger, hobby.id, move_to_id=str(other.id))
    assert stored(hobby.id) is None
    assert row(txn.id).category_id == other.id
    assert db.session.scalars(select(CategoryRule.category_id)).all() == [other.id]


def test_delete_leaves_transactions_uncategorised(ledger, account):
    hobby = categories.create_category(ledger, "Hobby", "🎨", "spent")
    child = categories.create_category(ledger, "Painting", "🖌️", "spent", parent_id=hobby.id)
    txn = factories.create_transaction(ledger, account_id=account, amount="-5", category_id=hobby.id,
                                          occurred_at="2024-03-01")
    db.session.add(CategoryRule(ledger_id=ledger, category_id=hobby.id, payee_pattern="ART SHOP"))
    db.session.commit()
    categories.delete_category(ledger, hobby.id)
    saved = row(txn.id)
    assert saved.category_id is None
    assert saved.amount == -500 and saved.deleted_at is None
    assert stored(child.id).parent_id is None
    assert db.session.scalars(select(CategoryRule)).all() == []


def test_delete_moves_sub_categories_up(ledger):
    top = categories.create_category(ledger, "Top", "🔝", "spent")
    middle = categories.create_category(ledger, "Middle", "🔸", "spent", parent_id=top.id)
    leaf = categories.create_category(ledger, "Leaf", "🍃", "spent", parent_id=middle.id)
    categories.delete_category(ledger, middle.id)
    assert stored(leaf.id).parent_id == top.id


def test_delete_refuses_moving_into_itself(ledger):
    hobby = categories.create_category(ledger, "Hobby", "🎨", "spent")
    with pytest.raises(Invalid) as caught:
        categories.delete_category(ledger, hobby.id, move_to_id=hobby.id)
    assert list(caught.value.errors) == ["move_to"]
    assert stored(hobby.id) is not None


def test_find_by_value_prefers_the_ledgers_own(ledger, other_user):
    assert system(ledger, "supermarket").is_system
    assert categories.find_by_value(ledger, " SUPERMARKET ", "spent").value == "supermarket"
    assert categories.find_by_value(ledger, "supermarket", "earn") is None
    assert categories.find_by_value(ledger, "", "spent") is None
    mine = categories.create_category(ledger, "Hobby", "🎨", "spent")
    categories.create_category(ledger_for(other_user), "Garden", "🌻", "spent")
    assert categories.find_by_value(ledger, "hobby", "spent").id == mine.id
    assert categories.find_by_value(ledger, "garden", "spent") is None
