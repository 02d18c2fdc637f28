"""One table of bad transactions, sent through every front door.

The rules themselves are tested once, at the service (tests/unit/test_transactions.py,
test_record_many.py). Here each door must answer each case in its own dialect (v1's
{"error"}, Xpenser's {"status", "error"}, a quick entry's refusal, a web form's 422)
and write nothing at all.
"""

import pytest

from spendsense.services.ledger import accounts, categories
from spendsense.services.ledger.resolver import ARCHIVED
from spendsense.services.scope import ledger_for
from tests.api.helpers import AMOUNT_FORMAT_ERROR, snapshot
from tests.api.xpenser_client import basic
from tests.conftest import PASSWORD
from tests.web.helpers import field_errors, login, text

CASES = ("zero", "wrong-sign", "decimals", "archived", "other-account", "other-category", "unknown-account",
         "unknown-category", "superscript-two", "1e309", "nan")
AMOUNTS = {"zero": "0", "decimals": "1.001", "superscript-two": "²", "1e309": "1e309", "nan": "NaN"}
DECIMALS = "Amount has more decimals than EUR allows (2)."


@pytest.fixture
def world(ledger, other_user):
    """alice's open "Main" and archived "Old"; bob's account and category."""
    main = accounts.create_account(ledger, "Main", opening_balance="100")
    old = accounts.create_account(ledger, "Old")
    accounts.archive_account(ledger, old.id)
    bob = ledger_for(other_user)
    return {"main": main.id, "old": old.id,
            "bobs_account": accounts.create_account(bob, "Bobs").id,
            "bobs_category": categories.create_category(bob, "Bob only", "🍺", "spent"),
            "supermarket": categories.find_by_value(ledger, "supermarket", "spent").id,
            "salary": categories.find_by_value(ledger, "salary", "earn").id}


def refused(send):
    before = snapshot()
    response = send()
    assert snapshot() == before, "a refused transaction changed the database"
    return response


V1 = {
    "zero": ({"amount": "0"}, 400, "Amount must not be zero."),
    # v1 names a category by value within the type's kind, and a category of the other
    # kind is "not found" (COMPAT.md §1): that is v1's answer to the wrong sign.
    "wrong-sign": ({"type": "earn", "category": "supermarket"}, 404, "Category not found!"),
    "decimals": ({"amount": "1.001"}, 400, DECIMALS),
    "archived": ({"account": "Old"}, 400, ARCHIVED),
    "other-account": ({"account": "Bobs"}, 404, "Account not found!"),
    "other-category": ({"category": "bob_only"}, 404, "Category not found!"),
    "unknown-account": ({"account": "Nope"}, 404, "Account not found!"),
    "unknown-category": ({"category": "nope"}, 404, "Category not found!"),
    "superscript-two": ({"amount": "²"}, 400, AMOUNT_FORMAT_ERROR),
    "1e309": ({"amount": "1e309"}, 400, AMOUNT_FORMAT_ERROR),
    "nan": ({"amount": "NaN"}, 400, AMOUNT_FORMAT_ERROR),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_v1(client, auth, world, case, method):
    changes, status, message = V1[case]
    params = {"type": "spent", "account": "Main", "category": "supermarket", "amount": "12.50", **changes}
    if method == "GET":
        response = refused(lambda: client.get("/api/v1/transactions/create/", query_string=params, headers=auth))
    else:
        response = refused(lambda: client.post("/api/v1/transactions/create/", json=params, headers=auth))
    assert (response.status_code, response.get_json()) == (status, {"error": message})


# Xpenser's type is a word: it names a category of the amount's direction or is kept as
# the payee, so no Xpenser input can pair an amount with a category of the other kind
# or of another ledger ("wrong-sign", "other-category" and "unknown-category" record
# the word as a payee, which test_xpenser_entry.py covers).
XPENSER = {
    "zero": ({"amount": "0"}, "Amount must not be zero."),
    "decimals": ({"amount": "1.001"}, DECIMALS),
    "archived": ({"account": "Old"}, ARCHIVED),
    "other-account": ({"account": "Bobs"}, "Account not found."),
    "unknown-account": ({"account": "Nope"}, "Account not found."),
    "superscript-two": ({"amount": "²"}, "Amount must be a number."),
    "1e309": ({"amount": "1e309"}, "Amount must be a number."),
    "nan": ({"amount": "NaN"}, "Amount must be a number."),
}


@pytest.mark.parametrize("case", sorted(XPENSER))
def test_xpenser(client, user, world, case):
    changes, message = XPENSER[case]
    fields = {"type": "food", "amount": "12.50", "account": "Main", **changes}
    response = refused(lambda: client.post("/api/expense/", data=fields, headers=basic(user.username)))
    assert response.status_code == 400
    assert response.get_json()["status"] == 400
    assert response.get_json()["error"] == message


QUICK = {
    "zero": ("lunch 0", "zero"),
    "decimals": ("lunch 1.001", ""),
    "archived": ("lunch 12 @old", ARCHIVED),
    "other-account": ("lunch 12 @bobs", ""),
    "superscript-two": ("lunch ²", ""),
    "1e309": ("lunch 1e309", ""),
    "nan": ("lunch NaN", ""),
}


@pytest.mark.parametrize("case", sorted(QUICK))
def test_quick_entry_api(client, user, world, case):
    line, fragment = QUICK[case]
    response = refused(lambda: client.get("/api/simple/", query_string={"q": line, "format": "json"},
                                          headers=basic(user.username)))
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == 400 and fragment.lower() in body["error"].lower(), body


@pytest.fixture
def browser(client, user):
    login(client, user.username, PASSWORD)
    return client


def _form(world, case):
    form = {"kind": "spent", "amount": "12.34", "account_id": str(world["main"]),
            "category_id": str(world["supermarket"]), "date": "2024-05-17"}
    changes = {
        "wrong-sign": {"kind": "earn"},
        "archived": {"account_id": str(world["old"])},
        "other-account": {"account_id": str(world["bobs_account"])},
        "other-category": {"category_id": str(world["bobs_category"].id)},
        "unknown-account": {"account_id": "999999"},
        "unknown-category": {"category_id": "999999"},
    }.get(case, {"amount": AMOUNTS.get(case, "12.34")})
    return {**form, **changes}


WEB_FIELD = {"wrong-sign": "category_id", "archived": "account_id", "other-account": "account_id",
             "unknown-account": "account_id", "other-category": "category_id", "unknown-category": "category_id"}


@pytest.mark.parametrize("case", CASES)
def test_web_form(browser, world, case):
    form = _form(world, case)
    response = refused(lambda: browser.post("/transactions/new", data=form))
    assert response.status_code == 422
    assert field_errors(text(response), WEB_FIELD.get(case, "amount")), text(response)


@pytest.mark.parametrize("case", ["wrong-sign", "other-category", "unknown-category"])
def test_web_quick_entry_with_a_chosen_category(browser, world, case):
    chosen = {"wrong-sign": world["salary"], "other-category": world["bobs_category"].id,
              "unknown-category": 999_999}[case]
    response = refused(lambda: browser.post("/quick", data={"q": "lunch 12", "category_id": str(chosen)}))
    assert response.status_code == 302
    assert "Nothing recorded" in text(browser.get(response.headers["Location"]))
