from datetime import date, datetime
from decimal import Decimal

import pytest

from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts, categories, legs
from spendsense.services.ledger import totals as reports
from spendsense.services.scope import ledger_for
from tests import factories
from tests.factories import update_transfer
from tests.unit.helpers import balance, live_count, months, row

MARCH = date(2024, 3, 1)
APRIL = date(2024, 4, 1)


def at(text):
    """A naive wall-clock time, as transactions store them."""
    return datetime.fromisoformat(text)


def transfer(ledger, source, target, amount="25.00", when="2024-03-10T09:00:00", **kwargs):
    return factories.create_transfer(ledger, from_account_id=source, to_account_id=target, amount=amount,
                                        occurred_at=when, **kwargs)


def test_same_currency_transfer_makes_two_linked_legs(ledger, account, savings):
    out_leg, in_leg = transfer(ledger, account, savings, description="to savings", labels=["monthly"])
    out_row, in_row = row(out_leg.id), row(in_leg.id)
    assert (out_row.account_id, out_row.amount) == (account, -2500)
    assert (in_row.account_id, in_row.amount) == (savings, 2500)
    assert (out_row.transfer_id, in_row.transfer_id) == (in_leg.id, out_leg.id)
    assert out_row.is_transfer and in_row.is_transfer
    assert out_row.occurred_at == in_row.occurred_at == at("2024-03-10T09:00:00")
    assert out_row.description == in_row.description == "to savings"
    assert [label.name for label in in_row.labels] == ["monthly"]
    assert out_row.category_id is None and in_row.category_id is None
    for leg in (out_row, in_row):
        assert (leg.foreign_amount, leg.foreign_currency, leg.fx_rate, leg.fx_rate_date) == (None, None, None, None)
    assert (balance(account), balance(savings)) == (-2500, 2500)
    assert months(account) == {MARCH: (0, 0, -2500, 1)}
    assert months(savings) == {MARCH: (0, 0, 2500, 1)}
    assert legs.transfer_pair(row(in_leg.id))[0].id == out_leg.id


def test_same_currency_accepts_an_equal_to_amount(ledger, account, savings):
    _out, in_leg = transfer(ledger, account, savings, amount="10", to_amount="10.00")
    assert row(in_leg.id).amount == 1000


@pytest.mark.parametrize("kwargs, field", [
    ({"amount": "0"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "5.001"}, "amount"),
    ({"amount": "five"}, "amount"),
    ({"to_amount": "11"}, "to_amount"),
    ({"when": "2024-99-01"}, "date"),
    ({"description": "x" * 501}, "description"),
])
def test_transfer_refuses(ledger, account, savings, kwargs, field):
    values = {"amount": "10"} | kwargs
    with pytest.raises(Invalid) as caught:
        transfer(ledger, account, savings, **values)
    assert list(caught.value.errors) == [field]
    assert (live_count(account), live_count(savings)) == (0, 0)
    assert (balance(account), balance(savings)) == (0, 0)


def test_transfer_needs_two_accounts_of_the_ledger(ledger, account, other_user):
    with pytest.raises(Invalid) as caught:
        transfer(ledger, account, account)
    assert caught.value.errors == {"to_account": "Choose two different accounts."}
    bobs = accounts.create_account(ledger_for(other_user), "Bob's").id
    with pytest.raises(NotFound):
        transfer(ledger, account, bobs)
    with pytest.raises(NotFound):
        transfer(ledger, bobs, account)
    assert (balance(account), balance(bobs)) == (0, 0)


def test_cross_currency_transfer_keeps_both_amounts_and_the_rate(ledger, account, yen):
    out_leg, in_leg = transfer(ledger, account, yen, amount="10.00", to_amount="1600")
    out_row, in_row = row(out_leg.id), row(in_leg.id)
    assert (out_row.amount, in_row.amount) == (-1000, 1600)
    assert (out_row.foreign_amount, out_row.foreign_currency) == (1600, "JPY")
    assert (in_row.foreign_amount, in_row.foreign_currency) == (-1000, "EUR")
    assert (out_row.fx_rate, in_row.fx_rate) == ("160", "0.00625")
    assert out_row.fx_rate_date == in_row.fx_rate_date == date(2024, 3, 10)
    assert (balance(account), balance(yen)) == (-1000, 1600)
    assert months(yen) == {MARCH: (0, 0, 1600, 1)}


@pytest.mark.parametrize("amount, to_amount, out_rate, in_rate", [
    ("1", "100", "100", "0.01"),
    ("3", "1", "0.33333333333333333333", "3"),
    ("1000000", "1", "0.000001", "1000000"),
])
def test_rates_are_plain_decimal_text(ledger, account, yen, amount, to_amount, out_rate, in_rate):
    out_leg, in_leg = transfer(ledger, account, yen, amount=amount, to_amount=to_amount)
    assert (row(out_leg.id).fx_rate, row(in_leg.id).fx_rate) == (out_rate, in_rate)
    assert Decimal(row(out_leg.id).fx_rate) * Decimal(amount) == pytest.approx(Decimal(to_amount))


@pytest.mark.parametrize("source_currency, amount, target_currency, to_amount", [
    ("JPY", "999999999999999", "CLF", "0.0007"),
    ("CLF", "0.0007", "JPY", "999999999999999"),
    ("EUR", "3333333333333.33", "BHD", "0.007"),
])
def test_extreme_rates_fit_the_column(ledger, source_currency, amount, target_currency, to_amount):
    source = accounts.create_account(ledger, "From", currency=source_currency).id
    target = accounts.create_account(ledger, "To", currency=target_currency).id
    out_leg, in_leg = transfer(ledger, source, target, amount=amount, to_amount=to_amount)
    for leg in (row(out_leg.id), row(in_leg.id)):
        assert len(leg.fx_rate) <= 40
        assert "E" not in leg.fx_rate
        assert Decimal(leg.fx_rate) > 0


def test_cross_currency_needs_the_received_amount(ledger, account, yen):
    with pytest.raises(Invalid) as caught:
        transfer(ledger, account, yen, amount="10")
    assert caught.value.errors == {"to_amount": "The accounts use different currencies: say how much JPY arrives."}
    with pytest.raises(Invalid) as caught:
        transfer(ledger, account, yen, amount="10", to_amount="0")
    assert list(caught.value.errors) == ["to_amount"]
    with pytest.raises(Invalid) as caught:
        transfer(ledger, account, yen, amount="10", to_amount="1600.5")
    assert list(caught.value.errors) == ["to_amount"]
    assert live_count(yen) == 0


@pytest.mark.parametrize("edited", ["out", "in"])
def test_editing_the_amount_changes_both_legs(ledger, account, savings, edited):
    out_leg, in_leg = transfer(ledger, account, savings)
    leg = out_leg if edited == "out" else in_leg
    factories.update_transaction(ledger, leg.id, amount="40")
    assert (row(out_leg.id).amount, row(in_leg.id).amount) == (-4000, 4000)
    assert (balance(account), balance(savings)) == (-4000, 4000)
    assert months(account) == {MARCH: (0, 0, -4000, 1)}
    assert months(savings) == {MARCH: (0, 0, 4000, 1)}


def test_editing_the_date_and_note_changes_both_legs(ledger, account, savings):
    out_leg, in_leg = transfer(ledger, account, savings)
    factories.update_transaction(ledger, in_leg.id, occurred_at="2024-04-15", description="moved")
    for leg in (row(out_leg.id), row(in_leg.id)):
        assert leg.occurred_at == at("2024-04-15T00:00:00")
        assert leg.description == "moved"
    assert months(account) == {APRIL: (0, 0, -2500, 1)}
    assert months(savings) == {APRIL: (0, 0, 2500, 1)}


def test_a_transfer_leg_gets_no_category(ledger, account, savings):
    out_leg, _in_leg = transfer(ledger, account, savings)
    food = categories.find_by_value(ledger, "supermarket", "spent").id
    factories.update_transaction(ledger, out_leg.id, category_id=food)
    assert row(out_leg.id).category_id is None


def test_editing_a_cross_currency_amount_needs_the_counter_amount(ledger, account, yen):
    out_leg, in_leg = transfer(ledger, account, yen, amount="10.00", to_amount="1600")
    with pytest.raises(Invalid) as caught:
        factories.update_transaction(ledger, out_leg.id, amount="20")
    assert list(caught.value.errors) == ["counter_amount"]
    assert (row(out_leg.id).amount, row(in_leg.id).amount) == (-1000, 1600)

    factories.update_transaction(ledger, out_leg.id, amount="20", counter_amount="3000")
    out_row, in_row = row(out_leg.id), row(in_leg.id)
    assert (out_row.amount, in_row.amount) == (-2000, 3000)
    assert (out_row.fx_rate, in_row.fx_rate) == ("150", "0.0066666666666666666667")
    assert (out_row.foreign_amount, in_row.foreign_amount) == (3000, -2000)
    assert (balance(account), balance(yen)) == (-2000, 3000)


def test_moving_a_leg_to_another_account(ledger, account, savings):
    third = accounts.create_account(ledger, "Third").id
    out_leg, in_leg = transfer(ledger, account, savings)
    factories.update_transaction(ledger, in_leg.id, account_id=third)
    assert row(in_leg.id).account_id == third
    assert (balance(account), balance(savings), balance(third)) == (-2500, 0, 2500)
    with pytest.raises(Invalid) as caught:
        factories.update_transaction(ledger, in_leg.id, account_id=account)
    assert caught.value.errors == {"account": "A transfer needs two different accounts."}
    assert row(in_leg.id).account_id == third


def test_moving_a_leg_into_another_currency(ledger, account, savings, yen):
    out_leg, in_leg = transfer(ledger, account, savings)
    with pytest.raises(Invalid) as caught:
        factories.update_transaction(ledger, in_leg.id, account_id=yen, amount="4000")
    assert caught.value.errors == {"counter_amount": "The other account uses EUR: give the amount it receives."}
    factories.update_transaction(ledger, in_leg.id, account_id=yen, amount="4000", counter_amount="25")
    out_row, in_row = row(out_leg.id), row(in_leg.id)
    assert (out_row.amount, in_row.amount) == (-2500, 4000)
    assert (out_row.fx_rate, in_row.fx_rate) == ("160", "0.00625")
    assert (balance(account), balance(savings), balance(yen)) == (-2500, 0, 4000)


@pytest.mark.parametrize("deleted", ["out", "in"])
def test_deleting_one_leg_deletes_both(ledger, account, savings, deleted):
    out_leg, in_leg = transfer(ledger, account, savings)
    factories.delete_transaction(ledger, (out_leg if deleted == "out" else in_leg).id)
    assert row(out_leg.id).deleted_at is not None
    assert row(in_leg.id).deleted_at is not None
    assert (balance(account), balance(savings)) == (0, 0)
    assert months(account) == {} and months(savings) == {}
    with pytest.raises(NotFound):
        factories.delete_transaction(ledger, in_leg.id)


def test_transfers_are_neither_spent_nor_earned(ledger, account, savings, yen):
    factories.create_transaction(ledger, account_id=account, amount="-30", occurred_at="2024-03-01")
    factories.create_transaction(ledger, account_id=savings, amount="100", occurred_at="2024-03-01")
    transfer(ledger, account, savings, amount="500")
    transfer(ledger, account, yen, amount="10", to_amount="1600")
    totals = reports.all_time_totals(ledger)
    assert [(t.currency, t.spent, t.earned) for t in totals] == [
        ("EUR", Decimal("30.00"), Decimal("100.00")), ("JPY", Decimal("0"), Decimal("0"))]


def test_update_transfer_rewrites_both_legs(ledger, account, savings, yen):
    third = accounts.create_account(ledger, "Third").id
    out_leg, in_leg = transfer(ledger, account, savings)
    update_transfer(ledger, in_leg.id, from_account_id=savings, to_account_id=third, amount="10",
                    occurred_at="2024-04-01", description="rewritten")
    out_row, in_row = row(out_leg.id), row(in_leg.id)
    assert (out_row.account_id, out_row.amount, in_row.account_id, in_row.amount) == (savings, -1000, third, 1000)
    assert out_row.occurred_at == in_row.occurred_at == at("2024-04-01T00:00:00")
    assert (balance(account), balance(savings), balance(third)) == (0, -1000, 1000)
    assert months(savings) == {APRIL: (0, 0, -1000, 1)}

    update_transfer(ledger, out_leg.id, from_account_id=account, to_account_id=yen, amount="5", to_amount="800")
    assert (row(out_leg.id).fx_rate, row(in_leg.id).fx_rate) == ("160", "0.00625")
    assert (balance(account), balance(savings), balance(third), balance(yen)) == (-500, 0, 0, 800)


def test_update_transfer_refuses_a_plain_transaction(ledger, account, savings):
    plain = factories.create_transaction(ledger, account_id=account, amount="-5", occurred_at="2024-03-01")
    with pytest.raises(Invalid) as caught:
        update_transfer(ledger, plain.id, from_account_id=account, to_account_id=savings, amount="1")
    assert list(caught.value.errors) == ["transfer"]
    assert row(plain.id).amount == -500
