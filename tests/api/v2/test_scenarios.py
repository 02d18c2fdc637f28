"""Scenarios as v2 shows them: on every account (``primary_scenario`` and ``scenarios``),
inside every event, with the spec's hyphenated ``minimum-value``/``maximum-value``, and
the /scenarios/{id} paths refusing anybody else's."""

import json
from datetime import date
from decimal import Decimal

import pytest

from spendsense.services.ledger import accounts, institutions
from spendsense.services.planning import scenarios
from spendsense.services.scope import ledger_for
from tests.api.v2.helpers import decimal_json, error_of, no_nulls
from tests.api.v2.spec import fits

# Never sent: SpendSense has no safe balance, and a scenario's closing balance is the
# forecast's end, not worked out for every account list.
NEVER = {"closing_balance", "closing_balance_date", "safe_balance", "safe_balance_in_base_currency"}
WINDOW = {"start_date": "2026-01-01", "end_date": "2026-01-31"}


@pytest.fixture
def account(ledger):
    bank = institutions.create_institution(ledger, "Kiwibank", "EUR")
    return accounts.create_account(ledger, "Everyday", currency="EUR", opening_balance="1000.00",
                                   opening_date="2026-01-01", institution_id=bank.id)


@pytest.fixture
def goal(ledger, account):
    return scenarios.create_scenario(ledger, account.id, title="Wedding", type="savings",
                                     description="Saving for the big day", interest_rate="2.4",
                                     interest_rate_repeat_id=4, minimum_value="42", maximum_value="4000.5",
                                     achieve_date=date(2027, 2, 27))


def test_an_account_carries_its_primary_scenario_and_its_others(v2, ledger, account, goal):
    response = v2.get(f"/accounts/{account.id}")
    assert response.status_code == 200
    body = decimal_json(response)
    no_nulls(body)
    fits(body, "Account", left_out={"safe_balance", "safe_balance_in_base_currency",
                                    "current_balance_exchange_rate"})
    primary = scenarios.primary_for(ledger, account.id)
    assert [plan["id"] for plan in body["scenarios"]] == [primary.id, goal.id]  # the primary first
    assert body["primary_scenario"] == body["scenarios"][0]
    plain, saving = body["scenarios"]
    fits(plain, "Scenario", left_out=NEVER | {"description", "interest_rate", "minimum-value", "maximum-value",
                                              "achieve_date", "current_balance_exchange_rate"})
    assert (plain["title"], plain["type"], plain["interest_rate_repeat_id"]) == ("Everyday", "no-interest", 0)
    fits(saving, "Scenario", left_out=NEVER | {"current_balance_exchange_rate"})
    assert (saving["title"], saving["type"], saving["description"]) == ("Wedding", "savings",
                                                                       "Saving for the big day")
    assert (saving["interest_rate"], saving["interest_rate_repeat_id"]) == (Decimal("2.4"), 4)
    # The spec's own spelling, with hyphens; the values exact, in the account's currency.
    assert (saving["minimum-value"], saving["maximum-value"]) == (Decimal("42.00"), Decimal("4000.50"))
    assert "minimum_value" not in saving and "maximum_value" not in saving
    assert saving["achieve_date"] == "2027-02-27"
    # A scenario plans on top of its account: the account's balances.
    for plan in body["scenarios"]:
        assert (plan["starting_balance"], plan["starting_balance_date"]) == (Decimal("1000.00"), "2026-01-01")
        assert plan["current_balance"] == body["current_balance"] == Decimal("1000.00")
        assert plan["current_balance_in_base_currency"] == Decimal("1000.00")
        assert plan["current_balance_date"] == body["current_balance_date"]
        assert plan["created_at"].endswith("Z") and len(plan["updated_at"]) == 20


def test_the_hyphenated_keys_come_out_as_json(v2, account, goal):
    text = v2.get(f"/accounts/{account.id}").get_data(as_text=True)
    assert '"minimum-value":42.00' in text.replace(" ", "") and '"maximum-value":4000.50' in text.replace(" ", "")


def test_every_account_answer_carries_its_scenarios(v2, user, ledger, account, goal, other_user):
    bobs = accounts.create_account(ledger_for(other_user), "Bob's", currency="EUR")
    scenarios.create_scenario(ledger_for(other_user), bobs.id, title="Bob's goal")
    second = accounts.create_account(ledger, "Savings", currency="EUR")
    listed = decimal_json(v2.get(f"/users/{user.id}/accounts"))
    assert [(a["id"], [s["title"] for s in a["scenarios"]]) for a in listed] == [
        (account.id, ["Everyday", "Wedding"]), (second.id, ["Savings"])]
    for item in listed:
        no_nulls(item)
        assert item["primary_scenario"]["id"] == item["scenarios"][0]["id"]
    by_institution = decimal_json(v2.get(f"/institutions/{account.institution_id}/accounts"))
    assert [[s["id"] for s in a["scenarios"]] for a in by_institution] == [[s["id"] for s in listed[0]["scenarios"]]]

    created = decimal_json(v2.post(f"/users/{user.id}/accounts", json={
        "institution_id": account.institution_id, "title": "Travel", "currency_code": "jpy", "type": "bank"}))
    (plan,) = created["scenarios"]
    assert plan == created["primary_scenario"] and plan["title"] == "Travel"
    assert plan["id"] == scenarios.primary_for(ledger, created["id"]).id
    assert "current_balance_exchange_rate" in plan  # JPY against the base EUR
    renamed = decimal_json(v2.put(f"/accounts/{account.id}", json={"title": "Daily"}))
    assert [s["id"] for s in renamed["scenarios"]] == [s["id"] for s in listed[0]["scenarios"]]
    reordered = decimal_json(v2.put(f"/users/{user.id}/accounts", json={"accounts": [{"id": second.id}]}))
    assert [len(a["scenarios"]) for a in reordered] == [1, 2, 1]


def test_the_document_spells_the_scenario_as_the_spec_does(client):
    document = json.loads(client.get("/v2/openapi.json").get_data(as_text=True))
    schemas = document["components"]["schemas"]
    scenario = schemas["Scenario"]["properties"]
    assert {"minimum-value", "maximum-value"} <= set(scenario) and "minimum_value" not in scenario
    assert scenario["type"]["enum"] == ["no-interest", "savings", "debt"]
    assert all({"type": "null"} not in prop.get("anyOf", ()) for prop in scenario.values())
    account = schemas["Account"]["properties"]
    assert account["primary_scenario"] == {"$ref": "#/components/schemas/Scenario"}
    assert account["scenarios"]["items"] == {"$ref": "#/components/schemas/Scenario"}
    assert schemas["Event"]["properties"]["scenario"] == {"$ref": "#/components/schemas/Scenario"}


def test_scenario_paths_are_404_for_none_and_403_for_anybody_elses(v2, ledger, account, goal, other_user):
    bobs_account = accounts.create_account(ledger_for(other_user), "Bob's", currency="EUR")
    bobs = scenarios.primary_for(ledger_for(other_user), bobs_account.id)
    assert v2.get(f"/scenarios/{goal.id}/events", query_string=WINDOW).status_code == 200
    assert error_of(v2.get(f"/scenarios/{bobs.id}/events", query_string=WINDOW), 403) == \
        "You do not have access to this scenario."
    for missing in (bobs.id + 1000, 0, 10**30):
        assert error_of(v2.get(f"/scenarios/{missing}/events", query_string=WINDOW), 404) == "Scenario not found."
    accounts.delete_account(ledger, account.id, delete_transactions=True)
    error_of(v2.get(f"/scenarios/{goal.id}/events", query_string=WINDOW), 404)
    accounts.delete_account(ledger_for(other_user), bobs_account.id, delete_transactions=True)
    # A deleted account's scenario is nobody's any more.
    error_of(v2.get(f"/scenarios/{bobs.id}/events", query_string=WINDOW), 404)
