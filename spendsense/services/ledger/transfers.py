"""Editing a transfer as one movement: both legs change in one database transaction."""

from spendsense.models.base import utcnow
from spendsense.services import validation
from spendsense.services.errors import Invalid
from spendsense.services.ledger import balances
from spendsense.services.ledger.accounts import get_account
from spendsense.services.ledger.transactions import (
    _locked_legs,
    set_fx,
    transfer_amounts,
    transfer_pair,
)
from spendsense.services.uow import write_transaction


def update_transfer(ledger_id, txn_id, *, from_account_id, to_account_id, amount, to_amount=None,
                    occurred_at=None, description=None):
    """Rewrite a transfer (given by either leg): accounts, amounts, date and note."""
    source_id = validation.identifier(from_account_id, "from_account")
    target_id = validation.identifier(to_account_id, "to_account")
    with write_transaction() as session:
        # Old and new accounts locked first, as every balance writer does (balances.py).
        txn, _other = _locked_legs(ledger_id, txn_id, source_id, target_id)
        pair = transfer_pair(txn)
        if pair is None:
            raise Invalid.field("transfer", "This transaction is not a transfer.")
        out_leg, in_leg = pair
        source = get_account(ledger_id, source_id)
        target = get_account(ledger_id, target_id)
        if source.id == target.id:
            raise Invalid.field("to_account", "Choose two different accounts.")
        out_minor, in_minor = transfer_amounts(source, target, amount, to_amount)
        when = validation.parse_datetime(occurred_at, "date") if occurred_at else out_leg.occurred_at
        note = validation.text(description, "description", max_length=500)
        for leg in pair:
            balances.apply_transaction(leg, -1)
        now = utcnow()
        for leg, account, minor in ((out_leg, source, -out_minor), (in_leg, target, in_minor)):
            leg.account_id, leg.account, leg.amount = account.id, account, minor
            leg.occurred_at, leg.description, leg.updated_at = when, note, now
        set_fx(out_leg, in_leg, source, target)
        session.flush()
        for leg in pair:
            balances.apply_transaction(leg, +1)
    return out_leg, in_leg
