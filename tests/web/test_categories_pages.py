"""System and own categories; creating, editing and deleting own ones."""

import json
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from spendsense.extensions import db
from spendsense.models import Category, Transaction
from spendsense.services.ledger import categories
from spendsense.services.scope import ledger_for
from spendsense.web.emoji_choices import EMOJI_CHOICES
from tests import factories
from tests.web.helpers import at, field_errors, fresh, system_category, text


def own_categories(ledger):
    fresh()
    return db.session.scalars(select(Category).where(Category.ledger_id == ledger).order_by(Category.id)).all()


def category_count():
    fresh()
    return db.session.scalar(select(func.count()).select_from(Category))


def section(html, title):
    return html.split(f"<h2>{title}</h2>")[1].split("</section>")[0]


def test_list_shows_system_and_own_by_kind(logged_in, ledger):
    books = categories.create_category(ledger, "Books", "📚", "spent")
    categories.create_category(ledger, "Novels", "📖", "spent", parent_id=books.id)
    categories.create_category(ledger, "Bonus", "💶", "earn")
    html = text(logged_in.get("/categories"))
    spent, earn = section(html, "Expenses"), section(html, "Income")
    assert f'<li data-category-id="{books.id}"><span class="emoji">📚</span> Books' in spent
    assert '<span class="emoji">📖</span> Novels' in spent and "in 📚 Books" in spent
    assert '<span class="emoji">💶</span> Bonus' in earn and "Bonus" not in spent
    assert '<span class="emoji">🛒</span> Supermarket' in spent
    assert '<span class="emoji">💰</span> Salary' in earn
    assert len(re.findall(r'<li><span class="emoji">', spent)) == 13
    assert len(re.findall(r'<li><span class="emoji">', earn)) == 4
    # own ones can be changed, system ones cannot
    assert f'href="/categories/{books.id}/edit"' in spent
    assert f'/categories/{system_category("supermarket").id}/edit' not in html


def test_list_empty_state_for_own(logged_in):
    html = text(logged_in.get("/categories"))
    assert section(html, "Expenses").count("None yet — the system categories below are always there.") == 1
    assert section(html, "Income").count("None yet") == 1


def test_new_form_has_emoji_picker_and_parents(logged_in, ledger):
    books = categories.create_category(ledger, "Books", "📚", "spent")
    html = text(logged_in.get("/categories/new?kind=earn"))
    assert '<input checked class="kind-radio" id="kind-1" name="kind" type="radio" value="earn">' in html
    assert len(re.findall(r'<button type="button" class="emoji-button" data-emoji="', html)) == len(EMOJI_CHOICES)
    assert 'data-emoji="☕"' in html
    # parents offered for the chosen kind; both kinds' lists are there for the script
    select_html = html.split('<select name="parent_id"')[1].split("</select>")[0]
    parents = json.loads(unescape(re.search(r"data-parents='([^']*)'", select_html).group(1)))
    options = select_html.split(">", 1)[1]
    assert '<option value="" selected>— top level —</option>' in options
    assert "💰 Salary" in options and "📚 Books" not in options
    assert parents["earn"][:2] == [["", "— top level —"], [str(system_category("salary", "earn").id), "💰 Salary"]]
    assert [str(books.id), "📚 Books"] in parents["spent"]
    assert len(parents["spent"]) == 1 + 13 + 1 and len(parents["earn"]) == 1 + 4


def test_create_category(logged_in, ledger):
    response = logged_in.post("/categories/new", data={"kind": "spent", "name": "Board games", "icon": "🎲",
                                                       "parent_id": ""})
    assert response.status_code == 302
    assert response.headers["Location"] == "/categories"
    (category,) = own_categories(ledger)
    assert (category.name, category.value, category.icon, category.kind, category.parent_id) == (
        "Board games", "board_games", "🎲", "spent", None)
    assert "Category 🎲 Board games added." in text(logged_in.get("/categories"))


def test_create_income_category_with_parent(logged_in, ledger):
    salary = system_category("salary", "earn")
    response = logged_in.post("/categories/new", data={"kind": "earn", "name": "Bonus", "icon": "👨‍💻",
                                                       "parent_id": str(salary.id)})
    assert response.status_code == 302
    (category,) = own_categories(ledger)
    assert (category.kind, category.parent_id, category.icon) == ("earn", salary.id, "👨‍💻")


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "x" * 101}, "name", "Field cannot be longer than 100 characters."),
    ({"name": "!!!"}, "name", "Name must contain a letter or a digit."),
    ({"name": "supermarket"}, "name", "A category with this name already exists."),
    ({"name": "  Pets "}, "name", "A category with this name already exists."),
    ({"icon": ""}, "icon", "This field is required."),
    ({"icon": "ab"}, "icon", "Icon must be a single valid emoji."),
    ({"icon": "🎲🎲"}, "icon", "Icon must be a single valid emoji."),
    ({"parent_id": "abc"}, "parent_id", "Not a valid choice."),
    ({"parent_id": "{salary}"}, "parent_id", "Not a valid choice."),
    ({"parent_id": "999999"}, "parent_id", "Not a valid choice."),
])
def test_create_category_invalid(logged_in, ledger, data, field, message):
    data = {"kind": "spent", "name": "Board games", "icon": "🎲", "parent_id": "", **data}
    data = {key: value.format(salary=system_category("salary", "earn").id) for key, value in data.items()}
    before = category_count()
    response = logged_in.post("/categories/new", data=data)
    assert response.status_code == 422
    assert field_errors(text(response), field) == [message]
    assert category_count() == before


def test_create_with_another_users_parent_is_refused(logged_in, ledger, other_user):
    bobs = categories.create_category(ledger_for(other_user), "Bob's", "🎲", "spent")
    response = logged_in.post("/categories/new", data={"kind": "spent", "name": "Mine", "icon": "🎲",
                                                       "parent_id": str(bobs.id)})
    assert response.status_code == 422
    assert field_errors(text(response), "parent_id") == ["Not a valid choice."]
    assert own_categories(ledger) == []


def test_create_same_name_as_the_other_kind_is_allowed(logged_in, ledger):
    response = logged_in.post("/categories/new", data={"kind": "earn", "name": "Pets", "icon": "🐶"})
    assert response.status_code == 302
    assert [c.kind for c in own_categories(ledger)] == ["earn"]


@pytest.fixture
def books(ledger):
    return categories.create_category(ledger, "Books", "📚", "spent").id


def test_edit_form_is_prefilled(logged_in, books):
    html = text(logged_in.get(f"/categories/{books}/edit"))
    assert 'name="name" required type="text" value="Books"' in html
    assert 'value="📚"' in html
    assert 'class="kind-radio"' not in html  # the kind of an existing category does not change


def test_edit_category(logged_in, ledger, books):
    education = system_category("education")
    response = logged_in.post(f"/categories/{books}/edit", data={"name": "Comics", "icon": "🎨",
                                                                 "parent_id": str(education.id), "kind": "earn"})
    assert response.status_code == 302
    (category,) = own_categories(ledger)
    assert (category.name, category.value, category.icon, category.parent_id, category.kind) == (
        "Comics", "comics", "🎨", education.id, "spent")
    assert "Category saved." in text(logged_in.get("/categories"))
    response = logged_in.post(f"/categories/{books}/edit", data={"name": "Comics", "icon": "🎨", "parent_id": ""})
    assert response.status_code == 302
    assert own_categories(ledger)[0].parent_id is None


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "Health"}, "name", "A category with this name already exists."),
    ({"icon": "x"}, "icon", "Icon must be a single valid emoji."),
    ({"parent_id": "{books}"}, "parent_id", "Not a valid choice."),
    ({"parent_id": "{salary}"}, "parent_id", "Not a valid choice."),
])
def test_edit_category_invalid(logged_in, ledger, books, data, field, message):
    data = {"name": "Comics", "icon": "🎨", "parent_id": "", **data}
    data = {key: value.format(books=books, salary=system_category("salary", "earn").id) for key, value in data.items()}
    response = logged_in.post(f"/categories/{books}/edit", data=data)
    assert response.status_code == 422
    assert field_errors(text(response), field) == [message]
    (category,) = own_categories(ledger)
    assert (category.name, category.icon, category.parent_id) == ("Books", "📚", None)


def test_edit_cannot_make_a_loop(logged_in, ledger, books):
    child = categories.create_category(ledger, "Novels", "📖", "spent", parent_id=books).id
    response = logged_in.post(f"/categories/{books}/edit", data={"name": "Books", "icon": "📚",
                                                                 "parent_id": str(child)})
    assert response.status_code == 422
    assert field_errors(text(response), "parent_id") == ["A category cannot be inside itself."]
    assert own_categories(ledger)[0].parent_id is None


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("action", ["edit", "delete"])
def test_system_categories_cannot_be_changed(logged_in, method, action):
    supermarket = system_category("supermarket")
    response = getattr(logged_in, method)(f"/categories/{supermarket.id}/{action}",
                                          data={"name": "Mine now", "icon": "🎲"})
    assert response.status_code == 403
    assert "You cannot do that here" in text(response)
    fresh()
    assert db.session.get(Category, supermarket.id).name == "Supermarket"


def used_by(ledger, main, category_id, count):
    return [factories.create_transaction(ledger, account_id=main, amount=f"-{n + 1}",
                                            occurred_at=at("2024-01-01"), category_id=category_id).id
            for n in range(count)]


def categories_of(ids):
    fresh()
    return [db.session.get(Transaction, txn_id).category_id for txn_id in ids]


def test_delete_unused_category(logged_in, ledger, books):
    html = text(logged_in.get(f"/categories/{books}/delete"))
    assert "<h1>Delete 📚 Books?</h1>" in html
    assert "No transactions use this category." in html
    assert 'name="move_to"' not in html
    response = logged_in.post(f"/categories/{books}/delete")
    assert response.status_code == 302
    assert own_categories(ledger) == []
    assert "Category Books deleted." in text(logged_in.get("/categories"))


def test_delete_asks_where_transactions_go(logged_in, ledger, main, books):
    used_by(ledger, main, books, 3)
    html = text(logged_in.get(f"/categories/{books}/delete"))
    assert "3 transactions are filed under it. Where should they go?" in html
    move_to = html.split('name="move_to"')[1].split("</select>")[0]
    assert '<option selected value="">Leave them uncategorised</option>' in move_to, move_to
    assert "🛒 Supermarket" in move_to and "📚 Books" not in move_to and "💰 Salary" not in move_to


def test_delete_moves_transactions_to_another_category(logged_in, ledger, main, books):
    ids = used_by(ledger, main, books, 2)
    pets = system_category("pets")
    response = logged_in.post(f"/categories/{books}/delete", data={"move_to": str(pets.id)})
    assert response.status_code == 302
    assert own_categories(ledger) == []
    assert categories_of(ids) == [pets.id, pets.id]


def test_delete_leaves_transactions_uncategorised(logged_in, ledger, main, books):
    ids = used_by(ledger, main, books, 1)
    assert "1 transaction is filed under it. Where should it go?" in text(logged_in.get(f"/categories/{books}/delete"))
    assert logged_in.post(f"/categories/{books}/delete", data={"move_to": ""}).status_code == 302
    assert categories_of(ids) == [None]


def test_delete_moves_sub_categories_up(logged_in, ledger, books):
    education = system_category("education")
    middle = categories.create_category(ledger, "Middle", "📦", "spent", parent_id=education.id).id
    child = categories.create_category(ledger, "Child", "🧸", "spent", parent_id=middle).id
    assert logged_in.post(f"/categories/{middle}/delete").status_code == 302
    fresh()
    assert db.session.get(Category, child).parent_id == education.id


@pytest.mark.parametrize("target", ["{books}", "{salary}", "{bobs}", "999999", "abc"])
def test_delete_move_to_must_be_a_same_kind_category_of_ours(logged_in, ledger, main, books, other_user, target):
    bobs = categories.create_category(ledger_for(other_user), "Bob's", "🎲", "spent").id
    ids = used_by(ledger, main, books, 1)
    target = target.format(books=books, bobs=bobs, salary=system_category("salary", "earn").id)
    response = logged_in.post(f"/categories/{books}/delete", data={"move_to": target})
    assert response.status_code == 422
    assert field_errors(text(response), "move_to") == ["Not a valid choice."]
    assert [c.id for c in own_categories(ledger)] == [books]
    assert categories_of(ids) == [books]


def test_edit_form_preselects_the_parent(logged_in, ledger, books):
    child = categories.create_category(ledger, "Novels", "📖", "spent", parent_id=books).id
    html = text(logged_in.get(f"/categories/{child}/edit"))
    assert f'<option value="{books}" selected>📚 Books</option>' in html
    assert '<option value="" >— top level —</option>' in html
    assert f'<option value="{child}"' not in html  # not inside itself


def test_delete_service_refuses_a_target_of_the_other_kind(ledger, main, books):
    from spendsense.services.errors import Invalid

    ids = used_by(ledger, main, books, 1)
    with pytest.raises(Invalid) as caught:
        categories.delete_category(ledger, books, move_to_id=system_category("salary", "earn").id)
    assert caught.value.errors == {"move_to": "Move the transactions to a category of the same type."}
    assert categories_of(ids) == [books]


def test_a_category_that_takes_refunds(logged_in, ledger):
    response = logged_in.post("/categories/new", data={"kind": "spent", "name": "Clothes", "icon": "👕",
                                                       "parent_id": "", "refunds": "y"})
    assert response.status_code == 302
    (clothes,) = own_categories(ledger)
    assert clothes.refund_behaviour == "credits_are_refunds"
    assert re.search(r'<input checked[^>]* name="refunds" type="checkbox"', text(logged_in.get(f"/categories/{clothes.id}/edit")))
    # The income tab of the entry dialog offers it too (data-also), for the refund itself.
    assert 'data-kind="spent" data-also="earn" title="Clothes"' in text(logged_in.get("/transactions/new"))
    logged_in.post(f"/categories/{clothes.id}/edit", data={"name": "Clothes", "icon": "👕", "parent_id": ""})
    assert own_categories(ledger)[0].refund_behaviour is None
