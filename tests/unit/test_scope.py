import pytest

from spendsense.extensions import db
from spendsense.models import Account, Ledger, LedgerMember, Transaction
from spendsense.services.errors import Forbidden, NotFound
from spendsense.services.ledger import accounts
from spendsense.services.scope import get_owned, ledger_for, owned
from tests import factories


def test_get_owned_on_another_ledgers_id_is_not_found(ledger, account, other_user):
    bobs = ledger_for(other_user)
    assert get_owned(Account, ledger, account).id == account
    with pytest.raises(NotFound) as caught:
        get_owned(Account, bobs, account, message="Account not found!")
    assert caught.value.message == "Account not found!"
    txn = factories.create_transaction(ledger, account_id=account, amount="1", occurred_at="2024-01-01")
    with pytest.raises(NotFound):
        get_owned(Transaction, bobs, txn.id)


@pytest.mark.parametrize("bad_id", [0, -1, 2**63, True, False, "1", None, 1.0])
def test_get_owned_refuses_ids_that_are_not_ids(account, ledger, bad_id):
    with pytest.raises(NotFound):
        get_owned(Account, ledger, bad_id)


def test_owned_leaves_out_deleted_rows(ledger, account, savings):
    accounts.delete_account(ledger, savings)
    assert [a.id for a in db.session.scalars(owned(Account, ledger))] == [account]
    with pytest.raises(NotFound):
        get_owned(Account, ledger, savings)


def test_ledger_for(user, other_user, ledger):
    bobs = ledger_for(other_user)
    assert bobs != ledger
    assert ledger_for(user, ledger) == ledger
    with pytest.raises(NotFound):
        ledger_for(user, bobs)
    with pytest.raises(NotFound):
        ledger_for(user, 999_999)


@pytest.mark.parametrize("role, can_write", [("owner", True), ("editor", True), ("viewer", False)])
def test_shared_ledger_roles(user, other_user, ledger, role, can_write):
    db.session.add(LedgerMember(ledger_id=ledger, user_id=other_user.id, role=role, is_personal=False))
    db.session.commit()
    assert ledger_for(other_user, ledger) == ledger
    assert ledger_for(other_user) != ledger  # the personal ledger stays the default
    if can_write:
        assert ledger_for(other_user, ledger, write=True) == ledger
    else:
        with pytest.raises(Forbidden):
            ledger_for(other_user, ledger, write=True)
    assert db.session.get(Ledger, ledger).owner_id == user.id
