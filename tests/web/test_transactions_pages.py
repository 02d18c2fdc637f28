"""Adding, editing and deleting expenses, income and transfers through the pages."""

from datetime import date

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Transaction
from spendsense.services.auth import users
from spendsense.services.ledger import accounts, categories
from spendsense.services.scope import ledger_for
from tests import factories
from tests.web.helpers import (
    all_errors,
    at,
    balance,
    field_errors,
    fresh,
    live_count,
    row_ids,
    system_category,
    text,
)


def entry(account, **changes):
    data = {"kind": "spent", "amount": "12.34", "account_id": str(account), "date": "2024-05-17",
            "description": "Groceries", "labels": "#food, weekly"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def only_transaction(ledger):
    fresh()
    return db.session.scalars(select(Transaction).where(Transaction.ledger_id == ledger,
                                                        Transaction.deleted_at.is_(None))).one()


# --- add ------------------------------------------------------------------------

def test_add_expense(logged_in, ledger, main):
    supermarket = system_category("supermarket")
    response = logged_in.post("/transactions/new", data=entry(main, category_id=str(supermarket.id)))
    assert response.status_code == 302
    assert response.headers["Location"] == "/transactions"
    assert balance(main) == 10000 - 1234
    txn = only_transaction(ledger)
    assert txn.amount == -1234
    assert txn.kind == "spent"
    assert txn.category_id == supermarket.id
    assert txn.occurred_at.date() == date(2024, 5, 17)
    assert txn.description == "Groceries"
    assert [label.name for label in txn.labels] == ["food", "weekly"]
    assert txn.source == "web"
    assert "Expense added." in text(logged_in.get("/transactions"))


def test_add_income(logged_in, ledger, main):
    salary = system_category("salary", "earn")
    response = logged_in.post("/transactions/new", data=entry(
        main, kind="earn", amount="2500.01", category_id=str(salary.id), labels=""))
    assert response.status_code == 302
    assert balance(main) == 10000 + 250001
    txn = only_transaction(ledger)
    assert (txn.amount, txn.kind, txn.category_id, txn.labels) == (250001, "earn", salary.id, [])
    assert "Income added." in text(logged_in.get("/dashboard"))


def test_add_returns_to_next_and_only_inside_the_site(logged_in, ledger, main):
    response = logged_in.post("/transactions/new", data=entry(main, next="/reports?period=year"))
    assert response.headers["Location"] == "/reports?period=year"
    response = logged_in.post("/transactions/new", data=entry(main, next="//evil.com/x"))
    assert response.headers["Location"] == "/transactions"
    response = logged_in.post("/transactions/new", data=entry(main, next="/x\r\nSet-Cookie: a=b"))
    assert response.headers["Location"] == "/transactions"
    assert balance(main) == 10000 - 3 * 1234


def test_add_without_category_and_with_plus_sign(logged_in, ledger, main):
    assert logged_in.post("/transactions/new", data=entry(main, amount="+3", labels="")).status_code == 302
    txn = only_transaction(ledger)
    assert (txn.amount, txn.category_id) == (-300, None)


def test_add_uses_now_as_time_of_day(logged_in, ledger, main):
    today = users.local_now(ledger).date()
    before = users.local_now(ledger)
    logged_in.post("/transactions/new", data=entry(main, date=today.isoformat()))
    after = users.local_now(ledger)
    assert before <= only_transaction(ledger).occurred_at <= after


def test_new_page_preselects_kind_and_today(logged_in, ledger, main):
    html = text(logged_in.get("/transactions/new?kind=earn"))
    assert '<input checked class="kind-radio" id="entry-kind-1" name="kind" type="radio" value="earn">' in html
    assert f'type="date" value="{users.local_now(ledger).date().isoformat()}"' in html


@pytest.mark.parametrize(("amount", "message"), [
    ("abc", "Amount must be a number."),
    ("1.234", "Amount has more decimals than EUR allows (2)."),
    ("-5", "Type the amount without a sign; choose Expense or Income instead."),
    ("", "This field is required."),
    ("   ", "This field is required."),
    ("0", "Amount must not be zero."),
    ("0.00", "Amount must not be zero."),
    ("1e3", "Amount must be a number."),
    ("12,50", "Amount must be a number."),
    ("NaN", "Amount must be a number."),
    ("99999999999999999999", "Amount is too large."),
])
@pytest.mark.parametrize("kind", ["spent", "earn"])
def test_add_invalid_amount(logged_in, ledger, main, amount, message, kind):
    response = logged_in.post("/transactions/new", data=entry(main, amount=amount, kind=kind))
    assert response.status_code == 422
    html = text(response)
    assert field_errors(html, "amount") == [message]
    assert all_errors(html) == [message]
    assert live_count(ledger) == 0
    assert balance(main) == 10000


def test_add_invalid_amount_for_a_currency_without_cents(logged_in, ledger):
    yen = accounts.create_account(ledger, "Yen", currency="JPY").id
    response = logged_in.post("/transactions/new", data=entry(yen, amount="1.5"))
    assert field_errors(text(response), "amount") == ["Amount has more decimals than JPY allows (0)."]
    assert logged_in.post("/transactions/new", data=entry(yen, amount="1500")).status_code == 302
    assert balance(yen) == -1500


@pytest.mark.parametrize(("kind", "value", "category_kind"), [("spent", "salary", "earn"), ("earn", "pets", "spent")])
def test_add_category_of_the_wrong_kind_is_refused(logged_in, ledger, main, kind, value, category_kind):
    category = system_category(value, category_kind)
    response = logged_in.post("/transactions/new", data=entry(main, kind=kind, category_id=str(category.id)))
    assert response.status_code == 422
    # The rule and its wording are the service's (tests/unit/test_transactions.py): the form shows it.
    [message] = field_errors(text(response), "category_id")
    assert message.startswith(f"“{category.name}” is an")
    assert live_count(ledger) == 0


@pytest.mark.parametrize("category_id", ["abc", "0", "99999999", "-1"])
def test_add_unknown_category_is_refused(logged_in, ledger, main, category_id):
    response = logged_in.post("/transactions/new", data=entry(main, category_id=category_id))
    assert response.status_code == 422
    assert field_errors(text(response), "category_id") == ["Choose a category from the list."]
    assert live_count(ledger) == 0


def test_add_with_another_users_category_or_account_is_refused(logged_in, ledger, main, other_user):
    bob = ledger_for(other_user)
    bobs_category = categories.create_category(bob, "Bob stuff", "🎲", "spent")
    bobs_account = accounts.create_account(bob, "Bob main").id
    response = logged_in.post("/transactions/new", data=entry(main, category_id=str(bobs_category.id)))
    assert field_errors(text(response), "category_id") == ["Choose a category from the list."]
    response = logged_in.post("/transactions/new", data=entry(bobs_account))
    assert field_errors(text(response), "account_id") == ["Not a valid choice."]
    assert live_count(ledger) == 0
    assert live_count(bob) == 0


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"date": "2024-02-30"}, "date", "Not a valid date value."),
    ({"date": "yesterday"}, "date", "Not a valid date value."),
    ({"date": ""}, "date", "This field is required."),
    ({"date": "1800-01-01"}, "date", "date must be between 1900-01-01 and 2999-12-31."),
    ({"account_id": ""}, "account_id", "This field is required."),
    ({"description": "x" * 501}, "description", "Field cannot be longer than 500 characters."),
    ({"labels": "ok bad\x01label"}, "labels", "Label must not contain control characters."),
    ({"labels": " ".join(f"l{n}" for n in range(21))}, "labels", "A transaction can have at most 20 labels."),
])
def test_add_other_invalid_fields(logged_in, ledger, main, changes, field, message):
    response = logged_in.post("/transactions/new", data=entry(main, **changes))
    assert response.status_code == 422
    assert field_errors(text(response), field) == [message]
    assert live_count(ledger) == 0
    assert balance(main) == 10000


def test_add_unknown_kind(logged_in, ledger, main):
    response = logged_in.post("/transactions/new", data=entry(main, kind="gift"))
    assert response.status_code == 422
    assert all_errors(text(response)) == ["Not a valid choice."]
    assert live_count(ledger) == 0


def test_add_shows_every_field_error_at_once(logged_in, ledger, main):
    response = logged_in.post("/transactions/new", data={"kind": "spent", "amount": "", "account_id": "",
                                                          "date": "", "description": "x" * 501})
    html = text(response)
    for field in ("amount", "account_id", "date"):
        assert field_errors(html, field) == ["This field is required."], field
    assert field_errors(html, "description") == ["Field cannot be longer than 500 characters."]
    assert live_count(ledger) == 0


def test_add_needs_an_active_account(logged_in, ledger, main):
    accounts.archive_account(ledger, main)
    response = logged_in.post("/transactions/new", data=entry(main))
    assert field_errors(text(response), "account_id") == ["Not a valid choice."]
    assert live_count(ledger) == 0


# --- edit -----------------------------------------------------------------------

@pytest.fixture
def groceries(ledger, main):
    return factories.create_transaction(
        ledger, account_id=main, amount="-10.00", occurred_at=at("2024-05-17", 18, 45),
        category_id=system_category("supermarket").id, description="Groceries", labels="food").id


def test_edit_form_is_prefilled(logged_in, groceries, main):
    html = text(logged_in.get(f"/transactions/{groceries}/edit"))
    assert 'name="amount" required type="text" value="10.00"' in html
    assert 'type="date" value="2024-05-17"' in html
    assert f'<option selected value="{main}">Main (EUR)</option>' in html
    assert 'name="description" type="text" value="Groceries"' in html
    assert 'name="labels" type="text" value="food"' in html
    assert f'value="{system_category("supermarket").id}" checked' in html
    assert '<input checked class="kind-radio" id="kind-0" name="kind" type="radio" value="spent">' in html


def test_edit_moves_to_another_account_and_date(logged_in, ledger, main, savings, groceries):
    assert balance(main) == 9000
    response = logged_in.post(f"/transactions/{groceries}/edit", data=entry(
        savings, amount="15.50", date="2024-06-02", category_id=str(system_category("home").id),
        description="Paint", labels="diy"))
    assert response.status_code == 302
    assert balance(main) == 10000
    assert balance(savings) == -1550
    txn = only_transaction(ledger)
    assert txn.id == groceries
    assert txn.account_id == savings
    assert txn.occurred_at == at("2024-06-02", 18, 45)  # the time of day is kept
    assert (txn.amount, txn.description, [label.name for label in txn.labels]) == (-1550, "Paint", ["diy"])
    assert txn.category_id == system_category("home").id
    assert "Transaction saved." in text(logged_in.get("/transactions"))


def test_edit_can_clear_category_description_and_labels(logged_in, ledger, main, groceries):
    response = logged_in.post(f"/transactions/{groceries}/edit", data=entry(
        main, amount="10.00", date="2024-05-17", category_id="", description="", labels=""))
    assert response.status_code == 302
    txn = only_transaction(ledger)
    assert (txn.category_id, txn.description, txn.labels, txn.amount) == (None, None, [], -1000)
    assert balance(main) == 9000


def test_edit_expense_into_income(logged_in, ledger, main, groceries):
    response = logged_in.post(f"/transactions/{groceries}/edit", data=entry(
        main, kind="earn", amount="10.00", category_id=str(system_category("returning", "earn").id)))
    assert response.status_code == 302
    assert balance(main) == 11000
    assert only_transaction(ledger).amount == 1000


def test_edit_kind_without_changing_category_is_refused(logged_in, ledger, main, groceries):
    response = logged_in.post(f"/transactions/{groceries}/edit", data=entry(
        main, kind="earn", amount="10.00", category_id=str(system_category("supermarket").id)))
    assert response.status_code == 422
    assert field_errors(text(response), "category_id") == [
        "“Supermarket” is an expense category: an income needs an income category."]
    assert balance(main) == 9000


def test_edit_into_another_currency(logged_in, ledger, main, groceries):
    dollars = accounts.create_account(ledger, "Dollars", currency="USD").id
    response = logged_in.post(f"/transactions/{groceries}/edit", data=entry(dollars, amount="11.20"))
    assert response.status_code == 302
    assert (balance(main), balance(dollars)) == (10000, -1120)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"amount": "abc"}, "amount", "Amount must be a number."),
    ({"amount": "1.234"}, "amount", "Amount has more decimals than EUR allows (2)."),
    ({"amount": "-5"}, "amount", "Type the amount without a sign; choose Expense or Income instead."),
    ({"amount": ""}, "amount", "This field is required."),
    ({"date": "2024-13-01"}, "date", "Not a valid date value."),
    ({"account_id": "424242"}, "account_id", "Not a valid choice."),
])
def test_edit_invalid_changes_nothing(logged_in, ledger, main, savings, groceries, changes, field, message):
    response = logged_in.post(f"/transactions/{groceries}/edit", data=entry(savings, **changes))
    assert response.status_code == 422
    assert field_errors(text(response), field) == [message]
    txn = only_transaction(ledger)
    assert (txn.account_id, txn.amount, txn.occurred_at) == (main, -1000, at("2024-05-17", 18, 45))
    assert (balance(main), balance(savings)) == (9000, 0)


def test_delete_asks_first(logged_in, ledger, main, groceries):
    response = logged_in.get(f"/transactions/{groceries}/delete?next=/dashboard")
    assert response.status_code == 200
    html = text(response)
    assert "<h1>Delete this expense?</h1>" in html
    assert "🛒 Groceries —" in html
    assert "<strong>€10.00</strong> in Main on 17 May 2024." in html
    assert 'href="/dashboard">Keep it</a>' in html
    assert live_count(ledger) == 1
    assert balance(main) == 9000


def test_delete_after_confirmation(logged_in, ledger, main, groceries):
    response = logged_in.post(f"/transactions/{groceries}/delete", data={"next": "/dashboard"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert live_count(ledger) == 0
    assert balance(main) == 10000
    assert "Transaction deleted." in text(logged_in.get("/dashboard"))
    assert logged_in.get(f"/transactions/{groceries}/edit").status_code == 404
    assert logged_in.post(f"/transactions/{groceries}/delete").status_code == 404


def test_delete_income_page(logged_in, ledger, main):
    txn = factories.create_transaction(ledger, account_id=main, amount="5", occurred_at=at("2024-01-02"))
    html = text(logged_in.get(f"/transactions/{txn.id}/delete"))
    assert "<h1>Delete this income?</h1>" in html
    assert "❔ Uncategorised —" in html


# --- transfers ------------------------------------------------------------------

def transfer(from_id, to_id, **changes):
    data = {"from_account_id": str(from_id), "to_account_id": str(to_id), "amount": "25.00", "to_amount": "",
            "date": "2024-05-20", "description": "Saving"}
    data.update(changes)
    return data


def legs(ledger):
    fresh()
    rows = db.session.scalars(select(Transaction).where(Transaction.ledger_id == ledger,
                                                        Transaction.deleted_at.is_(None))
                              .order_by(Transaction.amount)).all()
    return rows


def test_new_transfer(logged_in, ledger, main, savings):
    response = logged_in.post("/transfers/new", data=transfer(main, savings))
    assert response.status_code == 302
    assert (balance(main), balance(savings)) == (7500, 2500)
    out_leg, in_leg = legs(ledger)
    assert (out_leg.account_id, out_leg.amount, in_leg.account_id, in_leg.amount) == (main, -2500, savings, 2500)
    assert out_leg.transfer_id == in_leg.id and in_leg.transfer_id == out_leg.id
    assert out_leg.occurred_at.date() == date(2024, 5, 20)
    html = text(logged_in.get("/transactions?period=all"))
    assert "Transfer recorded." in html
    assert row_ids(html) == [out_leg.id]  # one movement, not two rows
    assert "Transfer · Saving" in html
    assert "Main → Savings" in html
    assert '<span class="txn-amount amount-move">€25.00</span>' in html
    # a transfer is neither income nor expense
    assert "data-day-spent" not in html and "data-day-earned" not in html


def test_transfer_shows_on_both_accounts(logged_in, ledger, main, savings):
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=main, to_account_id=savings,
                                                   amount="25", occurred_at=at("2024-05-20"))
    for account_id, leg in ((main, out_leg), (savings, in_leg)):
        html = text(logged_in.get(f"/transactions?period=all&account={account_id}"))
        assert row_ids(html) == [leg.id]
        assert "Main → Savings" in html


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"amount": "abc"}, "amount", "Amount must be a number."),
    ({"amount": "-5"}, "amount", "Amount must not be negative."),
    ({"amount": "0"}, "amount", "Amount must not be zero."),
    ({"amount": "1.001"}, "amount", "Amount has more decimals than EUR allows (2)."),
    ({"amount": ""}, "amount", "This field is required."),
    ({"to_amount": "30"}, "to_amount", "Both accounts use the same currency: leave the received amount empty."),
    ({"date": "2024-02-31"}, "date", "Not a valid date value."),
    ({"to_account_id": "{main}"}, "to_account_id", "Choose two different accounts."),
    ({"from_account_id": "999"}, "from_account_id", "Not a valid choice."),
])
def test_new_transfer_invalid(logged_in, ledger, main, savings, changes, field, message):
    changes = {key: value.format(main=main) for key, value in changes.items()}
    response = logged_in.post("/transfers/new", data=transfer(main, savings, **changes))
    assert response.status_code == 422
    assert field_errors(text(response), field) == [message]
    assert live_count(ledger) == 0
    assert (balance(main), balance(savings)) == (10000, 0)


def test_transfer_between_currencies(logged_in, ledger, main):
    dollars = accounts.create_account(ledger, "Dollars", currency="USD").id
    response = logged_in.post("/transfers/new", data=transfer(main, dollars))
    assert field_errors(text(response), "to_amount") == [
        "The accounts use different currencies: say how much USD arrives."]
    assert live_count(ledger) == 0
    response = logged_in.post("/transfers/new", data=transfer(main, dollars, to_amount="27.10"))
    assert response.status_code == 302
    assert (balance(main), balance(dollars)) == (7500, 2710)


@pytest.fixture
def moved(ledger, main, savings):
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=main, to_account_id=savings,
                                                   amount="25", occurred_at=at("2024-05-20", 7, 30),
                                                   description="Saving")
    return out_leg.id, in_leg.id


def test_edit_transfer_form_is_prefilled(logged_in, main, savings, moved):
    for leg in moved:
        html = text(logged_in.get(f"/transfers/{leg}/edit"))
        assert f'<option selected value="{main}">Main (EUR)</option>' in html.split('name="to_account_id"')[0]
        assert f'<option selected value="{savings}">Savings (EUR)</option>' in html.split('name="to_account_id"')[1]
        assert 'name="amount" required type="text" value="25.00"' in html
        assert 'type="date" value="2024-05-20"' in html


@pytest.mark.parametrize("which", [0, 1])
def test_edit_transfer_amount_direction_and_date(logged_in, ledger, main, savings, moved, which):
    third = accounts.create_account(ledger, "Third", opening_balance="5").id
    response = logged_in.post(f"/transfers/{moved[which]}/edit",
                              data=transfer(savings, third, amount="40.10", date="2024-06-01", description="Back"))
    assert response.status_code == 302
    assert (balance(main), balance(savings), balance(third)) == (10000, -4010, 500 + 4010)
    out_leg, in_leg = legs(ledger)
    assert (out_leg.account_id, in_leg.account_id) == (savings, third)
    assert out_leg.occurred_at == in_leg.occurred_at == at("2024-06-01", 7, 30)
    assert out_leg.description == in_leg.description == "Back"
    assert {out_leg.id, in_leg.id} == set(moved)
    assert "Transfer saved." in text(logged_in.get("/dashboard"))


def test_edit_transfer_invalid_changes_nothing(logged_in, ledger, main, savings, moved):
    response = logged_in.post(f"/transfers/{moved[0]}/edit", data=transfer(main, main))
    assert response.status_code == 422
    assert field_errors(text(response), "to_account_id") == ["Choose two different accounts."]
    response = logged_in.post(f"/transfers/{moved[0]}/edit", data=transfer(main, savings, amount="x"))
    assert field_errors(text(response), "amount") == ["Amount must be a number."]
    assert (balance(main), balance(savings)) == (7500, 2500)


def test_transaction_edit_of_a_transfer_leg_goes_to_the_transfer_form(logged_in, moved):
    response = logged_in.get(f"/transactions/{moved[1]}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/transfers/{moved[1]}/edit"


def test_transfer_edit_of_a_plain_transaction_goes_to_the_transaction_form(logged_in, groceries):
    response = logged_in.get(f"/transfers/{groceries}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/transactions/{groceries}/edit"


def test_delete_transfer_removes_both_legs(logged_in, ledger, main, savings, moved):
    html = text(logged_in.get(f"/transactions/{moved[1]}/delete"))
    assert "<h1>Delete this transfer?</h1>" in html
    assert "€25.00 from <strong>Main</strong> to <strong>Savings</strong> on 20 May 2024." in html
    response = logged_in.post(f"/transactions/{moved[1]}/delete")
    assert response.status_code == 302
    assert live_count(ledger) == 0
    assert (balance(main), balance(savings)) == (10000, 0)
    assert "Transfer deleted." in text(logged_in.get("/dashboard"))


def test_balances_stay_exact_over_many_page_entries(logged_in, ledger, main, savings):
    for amount in ("0.10", "0.20", "0.30"):
        logged_in.post("/transactions/new", data=entry(main, amount=amount, labels=""))
    logged_in.post("/transactions/new", data=entry(savings, kind="earn", amount="0.70", labels=""))
    assert balance(main) == 10000 - 60
    assert balance(savings) == 70
    assert live_count(ledger) == 4


# --- where the forms lead back to ------------------------------------------------

def test_edit_link_round_trip_returns_to_the_filtered_list(logged_in, ledger, main, groceries):
    back_to = "/transactions?period=all&type=spent"
    listing = text(logged_in.get(back_to))
    assert f'href="/transactions/{groceries}/edit?next=/transactions?period%3Dall%26type%3Dspent"' in listing
    url = f"/transactions/{groceries}/edit?next=/transactions?period%3Dall%26type%3Dspent"
    html = text(logged_in.get(url))
    assert html.count('name="next"') == 1
    assert f'<input type="hidden" name="next" value="{back_to.replace("&", "&amp;")}">' in html
    assert f'href="{back_to.replace("&", "&amp;")}">Cancel</a>' in html
    response = logged_in.post(url, data=entry(main, next=back_to, amount="11"))
    assert response.headers["Location"] == back_to


def test_dialog_error_page_keeps_where_to_go_back(logged_in, ledger, main):
    response = logged_in.post("/transactions/new", data=entry(main, amount="abc", next="/dashboard"))
    assert response.status_code == 422
    html = text(response)
    assert html.count('name="next"') == 1
    assert '<input type="hidden" name="next" value="/dashboard">' in html
    assert 'href="/dashboard">Cancel</a>' in html
    # the corrected form, posted from that page, goes back to the dashboard
    response = logged_in.post("/transactions/new", data=entry(main, next="/dashboard"))
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize("target", ["javascript:alert(1)", "//evil.com", "https://evil.com/"])
def test_cancel_and_keep_links_never_leave_the_site(logged_in, groceries, moved, target):
    for path in (f"/transactions/{groceries}/edit", f"/transactions/{groceries}/delete",
                 f"/transfers/{moved[0]}/edit", "/transactions/new", "/transfers/new"):
        html = text(logged_in.get(path, query_string={"next": target}))
        assert 'href="/transactions">' in html, path
        assert f'href="{target}' not in html, path
    response = logged_in.post(f"/transactions/{groceries}/delete", query_string={"next": target},
                              data={"next": target})
    assert response.headers["Location"] == "/transactions"


def test_user_text_is_escaped(logged_in, ledger, main):
    factories.create_transaction(ledger, account_id=main, amount="-1", occurred_at=at("2024-01-01"),
                                    description="<img src=x onerror=alert(1)>", labels="<b>")
    html = text(logged_in.get("/transactions?period=all"))
    assert "<img src=x" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_edit_into_income_without_a_chip_makes_it_uncategorised(logged_in, ledger, main, groceries):
    """The picker shows no income chip chosen: nothing is posted, and the old expense
    category must not stay on an income."""
    data = entry(main, kind="earn", amount="10.00")
    data.pop("category_id", None)
    response = logged_in.post(f"/transactions/{groceries}/edit", data=data)
    assert response.status_code == 302
    txn = only_transaction(ledger)
    assert (txn.amount, txn.category_id) == (1000, None)


def test_a_refund_into_an_expense_category_that_takes_refunds(logged_in, ledger, main):
    clothes = categories.create_category(ledger, "Clothes", "👕", "spent", refund_behaviour="credits_are_refunds")
    response = logged_in.post("/transactions/new", data=entry(main, kind="earn", amount="30",
                                                              category_id=str(clothes.id)))
    assert response.status_code == 302
    txn = only_transaction(ledger)
    assert (txn.amount, txn.category_id) == (3000, clothes.id)
    plain = categories.create_category(ledger, "Shoes", "👟", "spent")
    refused = logged_in.post("/transactions/new", data=entry(main, kind="earn", amount="30", category_id=str(plain.id)))
    assert refused.status_code == 422 and "is an expense category" in refused.get_data(as_text=True)
