"""The category rules page: list in order, create, edit, delete, move, apply now."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import CategoryRule, Transaction
from spendsense.services.ledger import accounts, categories, rules
from tests import factories
from tests.web.helpers import csrf_protected, csrf_token, field_errors, fresh, system_category, text


def listed(html):
    """(pattern, category text) of the rules on the page, in order."""
    return [(unescape(pattern), unescape(then).strip()) for pattern, then in re.findall(
        r'<strong class="rule-pattern">“([^”]*)”</strong></span>\s*<span class="rule-then">'
        r'<span class="muted" aria-hidden="true">→</span> <span class="emoji">[^<]*</span>&nbsp;([^<]*)</span>', html)]


def stored(ledger):
    fresh()
    return [(r.payee_pattern, r.match_mode, r.category_id) for r in rules.list_rules(ledger)]


def flashed(html):
    return [unescape(m) for m in re.findall(r'<div class="flash flash-\w+">([^<]*)</div>', html)]


def spend(ledger, account, payee, amount="-5", **fields):
    return factories.create_transaction(ledger, account_id=account, amount=amount, payee=payee, apply_rules=False,
                                        **fields).id


def category_of(txn_id):
    fresh()
    return db.session.get(Transaction, txn_id).category_id


@pytest.fixture
def supermarket(app):
    return system_category("supermarket")


@pytest.fixture
def restaurants(app):
    return system_category("restaurants")


def test_empty_page_and_the_link_from_categories(logged_in):
    assert 'href="/categories/rules"' in text(logged_in.get("/categories"))
    response = logged_in.get("/categories/rules")
    assert response.status_code == 200
    html = text(response)
    assert "No rules yet" in html and 'id="apply-all"' not in html
    assert 'aria-current="page">Categories' in html
    # the category choice offers the ledger's categories by kind, with their emoji
    assert '<optgroup label="Expenses">' in html and '<optgroup label="Income">' in html
    assert "🛒 Supermarket" in html and "💰 Salary" in html


def test_create_lists_in_order_with_the_category(logged_in, ledger, supermarket, restaurants):
    response = logged_in.post("/categories/rules", data={"pattern": "Countdown", "match": "contains",
                                                         "category_id": str(supermarket.id)})
    assert response.status_code == 302 and response.headers["Location"] == "/categories/rules"
    logged_in.post("/categories/rules", data={"pattern": "Cafe", "match": "starts_with",
                                              "category_id": str(restaurants.id)})
    html = text(logged_in.get("/categories/rules"))
    assert flashed(html) == ["Rule added: a payee that contains “Countdown” goes to 🛒 Supermarket.",
                             "Rule added: a payee that starts with “Cafe” goes to 🍽️ Restaurants."]
    assert listed(html) == [("Countdown", "Supermarket"), ("Cafe", "Restaurants")]
    assert "Payee starts with" in html and '<span class="emoji">🛒</span>' in html
    assert stored(ledger) == [("Countdown", "contains", supermarket.id), ("Cafe", "starts_with", restaurants.id)]


def test_create_and_apply_now_reports_the_count(logged_in, ledger, supermarket):
    account = accounts.create_account(ledger, "Main", currency="EUR").id
    rows = [spend(ledger, account, payee) for payee in ("COUNTDOWN 1", "Countdown 2")]
    spend(ledger, account, "Countdown refund", amount="4")
    response = logged_in.post("/categories/rules", data={"pattern": "countdown", "match": "contains",
                                                         "category_id": str(supermarket.id), "apply_now": "y"},
                              follow_redirects=True)
    (message,) = flashed(text(response))
    assert message.startswith("Rule added: a payee that contains “countdown” goes to 🛒 Supermarket. "
                              "Filed 2 transactions under 🛒 Supermarket.")
    assert message.endswith(" 1 money-in transaction matched but was left alone: 🛒 Supermarket is an expense "
                            "category.")
    assert [category_of(txn) for txn in rows] == [supermarket.id] * 2


@pytest.mark.parametrize("data, field, words", [
    ({"pattern": "", "match": "contains"}, "pattern", "This field is required."),
    ({"pattern": "x" * 201, "match": "contains"}, "pattern", "200"),
    ({"pattern": "Shop", "match": "regex"}, "match", "Not a valid choice"),
    ({"pattern": "Shop", "match": "contains", "category_id": "999999"}, "category_id", "Not a valid choice"),
    ({"pattern": "Shop", "match": "contains", "category_id": "abc"}, "category_id", "Not a valid choice"),
])
def test_bad_create_shows_the_error(logged_in, ledger, supermarket, data, field, words):
    data = {"category_id": str(supermarket.id), **data}
    response = logged_in.post("/categories/rules", data=data)
    assert response.status_code == 422
    assert any(words in message for message in field_errors(text(response), field))
    assert stored(ledger) == []


def test_a_duplicate_is_shown_on_the_pattern(logged_in, ledger, supermarket):
    rules.create_rule(ledger, supermarket.id, "Shop")
    response = logged_in.post("/categories/rules", data={"pattern": "SHOP", "match": "contains",
                                                         "category_id": str(supermarket.id)})
    assert response.status_code == 422
    assert "already a rule" in field_errors(text(response), "pattern")[0]


def test_another_users_category_cannot_be_chosen(logged_in, ledger, bob_ledger):
    bobs = categories.create_category(bob_ledger, "Bob's", "🎸", "spent")
    response = logged_in.post("/categories/rules", data={"pattern": "Guitar", "match": "contains",
                                                         "category_id": str(bobs.id)})
    assert response.status_code == 422 and "Bob's" not in text(response)
    assert stored(ledger) == []


def test_edit(logged_in, ledger, supermarket, restaurants):
    rule = rules.create_rule(ledger, supermarket.id, "Shop")
    html = text(logged_in.get(f"/categories/rules/{rule.id}/edit"))
    assert 'value="Shop"' in html and f'<option selected value="{supermarket.id}">' in html
    response = logged_in.post(f"/categories/rules/{rule.id}/edit", data={
        "pattern": "Shops", "match": "exact", "category_id": str(restaurants.id)})
    assert response.status_code == 302
    assert stored(ledger) == [("Shops", "exact", restaurants.id)]
    bad = logged_in.post(f"/categories/rules/{rule.id}/edit", data={"pattern": " ", "match": "exact",
                                                                    "category_id": str(restaurants.id)})
    assert bad.status_code == 422 and stored(ledger) == [("Shops", "exact", restaurants.id)]


def test_delete_asks_first(logged_in, ledger, supermarket):
    rule = rules.create_rule(ledger, supermarket.id, "Shop")
    html = text(logged_in.get(f"/categories/rules/{rule.id}/delete"))
    assert "Delete this rule?" in html and "“Shop”" in html and 'id="confirm-delete"' in html
    assert stored(ledger) != []
    response = logged_in.post(f"/categories/rules/{rule.id}/delete", follow_redirects=True)
    assert flashed(text(response)) == ["Rule for “Shop” deleted. The transactions it filed keep their category."]
    assert stored(ledger) == []


def test_move_up_and_down(logged_in, ledger, supermarket):
    a, b, c = (rules.create_rule(ledger, supermarket.id, name).id for name in ("A", "B", "C"))
    response = logged_in.post(f"/categories/rules/{c}/move/up")
    assert response.status_code == 302 and response.headers["Location"] == f"/categories/rules#rule-{c}"
    logged_in.post(f"/categories/rules/{a}/move/down")
    assert [pattern for pattern, _m, _c in stored(ledger)] == ["C", "A", "B"]
    html = text(logged_in.get("/categories/rules"))
    first, *_rest, last = re.findall(r'<li class="rule".*?</li>', html, re.S)
    assert re.search(r'data-move="up"[^>]*disabled', first) and not re.search(r'data-move="down"[^>]*disabled', first)
    assert re.search(r'data-move="down"[^>]*disabled', last)
    assert logged_in.post(f"/categories/rules/{a}/move/sideways").status_code == 404
    assert logged_in.get(f"/categories/rules/{a}/move/up").status_code == 405
    assert b


def test_apply_one_rule_with_counts(logged_in, ledger, supermarket, restaurants):
    account = accounts.create_account(ledger, "Main", currency="EUR").id
    loose = spend(ledger, account, "Countdown")
    filed = spend(ledger, account, "Countdown", category_id=restaurants.id)
    rule = rules.create_rule(ledger, supermarket.id, "countdown")
    html = text(logged_in.get(f"/categories/rules/{rule.id}/apply"))
    assert re.search(r'data-count="uncategorised">1 to file<', html)
    assert re.search(r'data-count="all">2 to file<', html)
    assert category_of(loose) is None  # looking writes nothing
    response = logged_in.post(f"/categories/rules/{rule.id}/apply", data={"scope": "uncategorised"},
                              follow_redirects=True)
    assert flashed(text(response)) == ["Filed 1 transaction under 🛒 Supermarket."]
    assert (category_of(loose), category_of(filed)) == (supermarket.id, restaurants.id)
    response = logged_in.post(f"/categories/rules/{rule.id}/apply", data={"scope": "all"}, follow_redirects=True)
    assert flashed(text(response)) == ["Filed 1 transaction under 🛒 Supermarket."]
    assert category_of(filed) == supermarket.id
    response = logged_in.post(f"/categories/rules/{rule.id}/apply", data={"scope": "all"}, follow_redirects=True)
    assert flashed(text(response)) == ["No transactions to file under 🛒 Supermarket."]


def test_apply_all_rules(logged_in, ledger, supermarket, restaurants):
    account = accounts.create_account(ledger, "Main", currency="EUR").id
    rows = [spend(ledger, account, payee) for payee in ("Countdown", "Cafe Rio", "Cafe market")]
    spend(ledger, account, "Market refund", amount="2")
    rules.create_rule(ledger, restaurants.id, "cafe")
    rules.create_rule(ledger, supermarket.id, "market")
    rules.create_rule(ledger, supermarket.id, "countdown")
    html = text(logged_in.get("/categories/rules/apply"))
    assert "Apply all rules now" in html and re.search(r'data-count="uncategorised">3 to file<', html)
    response = logged_in.post("/categories/rules/apply", data={"scope": "uncategorised"}, follow_redirects=True)
    (message,) = flashed(text(response))
    assert message.startswith("Filed 3 transactions by your rules. 1 transaction matched only rules whose category")
    assert [category_of(txn) for txn in rows] == [supermarket.id, restaurants.id, restaurants.id]


def test_a_bad_scope_is_refused(logged_in, ledger, supermarket):
    rule = rules.create_rule(ledger, supermarket.id, "countdown")
    assert logged_in.post(f"/categories/rules/{rule.id}/apply", data={"scope": "some"}).status_code == 422


def test_apply_all_without_rules(logged_in):
    html = text(logged_in.get("/categories/rules/apply"))
    assert "No rules yet." in html and 'id="apply-form"' not in html


@pytest.mark.parametrize("method, path", [
    ("GET", "/categories/rules/{id}/edit"), ("POST", "/categories/rules/{id}/edit"),
    ("GET", "/categories/rules/{id}/delete"), ("POST", "/categories/rules/{id}/delete"),
    ("POST", "/categories/rules/{id}/move/up"), ("GET", "/categories/rules/{id}/apply"),
    ("POST", "/categories/rules/{id}/apply"),
])
def test_another_users_rule_is_404(bob_client, ledger, supermarket, method, path):
    account = accounts.create_account(ledger, "Main", currency="EUR").id
    loose = spend(ledger, account, "Countdown")
    rule = rules.create_rule(ledger, supermarket.id, "countdown")
    response = bob_client.open(path.format(id=rule.id), method=method,
                               data={"pattern": "mine", "match": "contains", "category_id": str(supermarket.id),
                                     "scope": "all"})
    assert response.status_code == 404
    assert stored(ledger) == [("countdown", "contains", supermarket.id)]
    assert category_of(loose) is None
    assert "countdown" not in text(bob_client.get("/categories/rules"))


def test_a_missing_rule_is_404(logged_in):
    assert logged_in.get("/categories/rules/999999/edit").status_code == 404
    assert logged_in.post("/categories/rules/999999/apply", data={"scope": "all"}).status_code == 404


def test_login_required(client):
    response = client.get("/categories/rules")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture
def csrf_browser(app, database_url, user):
    with csrf_protected(database_url) as browser:
        yield browser


def test_every_post_needs_the_csrf_token(csrf_browser, ledger, supermarket):
    account = accounts.create_account(ledger, "Main", currency="EUR").id
    loose = spend(ledger, account, "Countdown")
    first = rules.create_rule(ledger, supermarket.id, "countdown").id
    second = rules.create_rule(ledger, supermarket.id, "market").id
    data = {"pattern": "new", "match": "contains", "category_id": str(supermarket.id), "scope": "all"}
    before = stored(ledger)
    for path in ("/categories/rules", f"/categories/rules/{first}/edit", f"/categories/rules/{first}/delete",
                 f"/categories/rules/{second}/move/up", f"/categories/rules/{first}/apply",
                 "/categories/rules/apply"):
        for token in (None, "forged"):
            sent = data if token is None else {**data, "csrf_token": token}
            assert csrf_browser.post(path, data=sent).status_code == 400, path
    assert stored(ledger) == before and category_of(loose) is None
    # with the page's own token each form works
    page = text(csrf_browser.get("/categories/rules"))
    token = csrf_token(page)
    assert csrf_browser.post(f"/categories/rules/{second}/move/up", data={"csrf_token": token}).status_code == 302
    apply_page = text(csrf_browser.get(f"/categories/rules/{first}/apply"))
    assert csrf_browser.post(f"/categories/rules/{first}/apply",
                             data={"scope": "all", "csrf_token": csrf_token(apply_page)}).status_code == 302
    assert [pattern for pattern, _m, _c in stored(ledger)] == ["market", "countdown"]
    assert category_of(loose) == supermarket.id
    assert db.session.scalars(select(CategoryRule.id)).all()
