"""Scenarios: the primary one per account, the default one of a ledger, extra ones."""

from datetime import date

import pytest
from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import BudgetEvent, Scenario
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.ledger import accounts
from spendsense.services.planning import scenarios


def test_primary_for_returns_the_accounts_primary_scenario(ledger, account):
    primary = scenarios.primary_for(ledger, account)
    assert primary.is_primary and primary.account_id == account and primary.title == "Current"
    assert (primary.type, primary.interest_rate_repeat_id) == ("no-interest", 0)
    assert scenarios.primary_for(ledger, account).id == primary.id


def test_primary_for_makes_a_missing_one(ledger, account):
    db.session.execute(Scenario.__table__.delete())
    db.session.commit()
    made = scenarios.primary_for(ledger, account)
    assert (made.is_primary, made.account_id, made.title, made.ledger_id) == (True, account, "Current", ledger)
    assert len(db.session.scalars(select(Scenario)).all()) == 1


def test_primary_for_another_ledgers_account_is_not_found(ledger, other_account):
    with pytest.raises(NotFound):
        scenarios.primary_for(ledger, other_account)


def test_default_scenario_is_the_first_live_unarchived_accounts(ledger, account, savings):
    assert scenarios.default_scenario(ledger).account_id == account
    accounts.reorder_accounts(ledger, [savings, account])
    assert scenarios.default_scenario(ledger).account_id == savings
    accounts.archive_account(ledger, savings)
    assert scenarios.default_scenario(ledger).account_id == account
    accounts.delete_account(ledger, account)
    with pytest.raises(Invalid) as caught:
        scenarios.default_scenario(ledger)
    assert caught.value.errors == {"account": "Add an account first: a budget belongs to an account's plan."}


def test_default_scenario_without_accounts(ledger, other_account):
    with pytest.raises(Invalid):
        scenarios.default_scenario(ledger)


def test_lists_primary_first_by_account_position(ledger, account, savings, other_account):
    goal = scenarios.create_scenario(ledger, savings, title="Holiday", type="savings")
    debt = scenarios.create_scenario(ledger, account, title="Car loan", type="debt")
    primary, savings_primary = scenarios.primary_for(ledger, account), scenarios.primary_for(ledger, savings)
    assert [s.id for s in scenarios.list_for_ledger(ledger)] == [primary.id, debt.id, savings_primary.id, goal.id]
    assert [s.id for s in scenarios.list_for_account(ledger, savings)] == [savings_primary.id, goal.id]
    accounts.delete_account(ledger, account)
    assert [s.id for s in scenarios.list_for_ledger(ledger)] == [savings_primary.id, goal.id]
    with pytest.raises(NotFound):
        scenarios.list_for_account(ledger, account)
    with pytest.raises(NotFound):
        scenarios.list_for_account(ledger, other_account)


def test_get_scenario(ledger, account, other_ledger, other_scenario):
    primary = scenarios.primary_for(ledger, account)
    assert scenarios.get_scenario(ledger, primary.id).id == primary.id
    for wrong in (other_scenario, str(primary.id), 0, True, None, 2**63):
        with pytest.raises(NotFound, match="Scenario not found"):
            scenarios.get_scenario(ledger, wrong)
    with pytest.raises(NotFound):
        scenarios.get_scenario(other_ledger, primary.id)
    accounts.delete_account(ledger, account)
    with pytest.raises(NotFound):
        scenarios.get_scenario(ledger, primary.id)


def test_create_scenario_keeps_every_field(ledger, account, dinar):
    goal = scenarios.create_scenario(ledger, account, title=" Wedding ", type="savings", description="Big day",
                                     interest_rate="2.4", interest_rate_repeat_id=4, minimum_value="1000",
                                     maximum_value="4000.50", achieve_date="2027-06-01")
    assert (goal.title, goal.type, goal.description, goal.is_primary) == ("Wedding", "savings", "Big day", False)
    # The rate is kept as typed; values are minor units of the account's currency.
    assert (goal.interest_rate, goal.interest_rate_repeat_id) == ("2.4", 4)
    assert (goal.minimum_value, goal.maximum_value, goal.achieve_date) == (100000, 400050, date(2027, 6, 1))
    assert scenarios.create_scenario(ledger, dinar, title="Fils", minimum_value="1.234").minimum_value == 1234


def test_create_scenario_defaults(ledger, account):
    plain = scenarios.create_scenario(ledger, account, title="Plan B")
    assert (plain.type, plain.description, plain.interest_rate, plain.interest_rate_repeat_id) == (
        "no-interest", None, None, 0)
    assert (plain.minimum_value, plain.maximum_value, plain.achieve_date) == (None, None, None)


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": ""}, "title"),
    ({"title": "x" * 101}, "title"),
    ({"title": None}, "title"),
    ({"type": "lottery"}, "type"),
    ({"description": "x" * 501}, "description"),
    ({"interest_rate": "lots"}, "interest_rate"),
    ({"interest_rate": "1001"}, "interest_rate"),
    ({"interest_rate": "NaN"}, "interest_rate"),
    ({"interest_rate_repeat_id": 1}, "interest_rate_repeat_id"),
    ({"interest_rate_repeat_id": "monthly"}, "interest_rate_repeat_id"),
    ({"minimum_value": "1.001"}, "minimum_value"),
    ({"maximum_value": "x"}, "maximum_value"),
    ({"minimum_value": "10", "maximum_value": "5"}, "maximum_value"),
    ({"achieve_date": "2027-13-01"}, "achieve_date"),
])
def test_create_scenario_refuses_bad_input(ledger, account, fields, field):
    fields.setdefault("title", "Goal")
    with pytest.raises(Invalid) as caught:
        scenarios.create_scenario(ledger, account, **fields)
    assert set(caught.value.errors) == {field}
    assert len(db.session.scalars(select(Scenario)).all()) == 1  # the primary only


def test_create_scenario_on_another_ledgers_account_is_not_found(ledger, other_account):
    with pytest.raises(NotFound):
        scenarios.create_scenario(ledger, other_account, title="Mine now")


def test_update_scenario_changes_and_clears(ledger, account):
    goal = scenarios.create_scenario(ledger, account, title="Wedding", description="Big day", interest_rate="2.4",
                                     minimum_value="100")
    changed = scenarios.update_scenario(ledger, goal.id, title="Honeymoon", description=None, interest_rate="",
                                        maximum_value="250.75", type="savings")
    assert (changed.title, changed.description, changed.interest_rate, changed.type) == ("Honeymoon", None, None,
                                                                                         "savings")
    assert (changed.minimum_value, changed.maximum_value) == (10000, 25075)
    primary = scenarios.update_scenario(ledger, scenarios.primary_for(ledger, account).id, title="Everyday")
    assert primary.title == "Everyday" and primary.is_primary


def test_update_scenario_refuses_bad_input(ledger, account, other_ledger):
    goal = scenarios.create_scenario(ledger, account, title="Wedding", maximum_value="100")
    with pytest.raises(Invalid) as caught:
        scenarios.update_scenario(ledger, goal.id, title="", minimum_value="200")
    assert set(caught.value.errors) == {"title"}
    with pytest.raises(Invalid) as caught:
        scenarios.update_scenario(ledger, goal.id, minimum_value="200")  # above the maximum
    assert set(caught.value.errors) == {"maximum_value"}
    with pytest.raises(TypeError):
        scenarios.update_scenario(ledger, goal.id, is_primary=True)
    with pytest.raises(NotFound):
        scenarios.update_scenario(other_ledger, goal.id, title="Bob's")
    db.session.rollback()
    assert (scenarios.get_scenario(ledger, goal.id).title, scenarios.get_scenario(ledger, goal.id).minimum_value) \
        == ("Wedding", None)


def test_delete_scenario_with_its_events(ledger, account, groceries, other_ledger):
    from spendsense.services.planning import events

    goal = scenarios.create_scenario(ledger, account, title="Wedding")
    events.create_event(ledger, goal.id, category_id=groceries, amount="-10", date="2026-01-01",
                        repeat_type="monthly")
    kept = events.create_event(ledger, scenarios.primary_for(ledger, account).id, category_id=groceries,
                               amount="-10", date="2026-01-01", repeat_type="monthly")
    with pytest.raises(NotFound):
        scenarios.delete_scenario(other_ledger, goal.id)
    scenarios.delete_scenario(ledger, goal.id)
    with pytest.raises(NotFound):
        scenarios.get_scenario(ledger, goal.id)
    assert [row.id for row in db.session.scalars(select(BudgetEvent))] == [kept.id]


def test_the_primary_scenario_cannot_be_deleted(ledger, account):
    primary = scenarios.primary_for(ledger, account)
    with pytest.raises(Forbidden):
        scenarios.delete_scenario(ledger, primary.id)
    assert scenarios.get_scenario(ledger, primary.id).is_primary
