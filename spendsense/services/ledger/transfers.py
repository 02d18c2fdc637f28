"""Transfers: money moved between two accounts of a ledger, as two linked legs.

Creating and rewriting a transfer live here; editing one field of a leg and deleting
go through transactions.py, which keeps the other leg in step (legs.py).
"""

from spendsense.models import Transaction
from spendsense.models.base import utcnow
from spendsense.models.ledger import TRANSACTION_SOURCES
from spendsense.services import validation
from spendsense.services.errors import Invalid
from spendsense.services.ledger import balances, labels
from spendsense.services.ledger.legs import locked_legs, set_fx, transfer_pair
from spendsense.services.ledger.resolver import Resolver, minor_amount
from spendsense.services.uow import write_transaction

SAME_ACCOUNT = "Choose two different accounts."


def amounts(source_account, target_account, amount, to_amount):
    """(minor units leaving the source, minor units arriving) of a transfer."""
    if amount is not None and amount < 0:
        raise Invalid.field("amount", "Amount must not be negative.")
    out = minor_amount(amount, source_account.currency)
    if source_account.currency == target_account.currency:
        if to_amount is not None and minor_amount(to_amount, target_account.currency, "to_amount") != out:
            raise Invalid.field("to_amount", "Both accounts use the same currency: leave the received amount empty.")
        return out, out
    if to_amount is None:
        raise Invalid.field(
            "to_amount", f"The accounts use different currencies: say how much {target_account.currency} arrives.")
    if to_amount < 0:
        raise Invalid.field("to_amount", "Amount must not be negative.")
    return out, minor_amount(to_amount, target_account.currency, "to_amount")


def _accounts(resolver, cmd, *, for_new_rows):
    source = resolver.account(cmd.from_account_id, for_new_rows=for_new_rows)
    target = resolver.account(cmd.to_account_id, for_new_rows=for_new_rows)
    if source.id == target.id:
        raise Invalid.field("to_account", SAME_ACCOUNT)
    return source, target


def create(ledger_id, cmd):
    """Record a NewTransfer; (out_leg, in_leg)."""
    with write_transaction() as session:
        balances.lock_accounts(ledger_id, (cmd.from_account_id, cmd.to_account_id))
        resolver = Resolver(ledger_id)
        source_account, target_account = _accounts(resolver, cmd, for_new_rows=True)
        out_minor, in_minor = amounts(source_account, target_account, cmd.amount, cmd.to_amount)
        when = validation.parse_datetime(cmd.occurred_at, "date") if cmd.occurred_at else resolver.now()
        note = validation.text(cmd.description, "description", max_length=500)
        tags = labels.resolve(ledger_id, labels.clean(cmd.labels))
        source = validation.choice(cmd.source, "source", TRANSACTION_SOURCES)
        legs = []
        for account, minor in ((source_account, -out_minor), (target_account, in_minor)):
            leg = Transaction(ledger_id=ledger_id, account_id=account.id, amount=minor,
                              occurred_at=when, description=note, source=source, status="posted")
            leg.account = account
            leg.labels = list(tags)
            session.add(leg)
            legs.append(leg)
        session.flush()
        out_leg, in_leg = legs
        out_leg.transfer_id, in_leg.transfer_id = in_leg.id, out_leg.id
        set_fx(out_leg, in_leg, source_account, target_account)
        for leg in legs:
            balances.apply_transaction(leg, +1)
    return out_leg, in_leg


def update(ledger_id, txn_id, cmd):
    """Rewrite a transfer (given by either leg) from a ChangeTransfer: accounts,
    amounts, date and note."""
    with write_transaction() as session:
        # Old and new accounts locked first, as every balance writer does (balances.py).
        txn, _other = locked_legs(ledger_id, txn_id, cmd.from_account_id, cmd.to_account_id)
        pair = transfer_pair(txn)
        if pair is None:
            raise Invalid.field("transfer", "This transaction is not a transfer.")
        out_leg, in_leg = pair
        resolver = Resolver(ledger_id)
        source, target = _accounts(resolver, cmd, for_new_rows=False)
        out_minor, in_minor = amounts(source, target, cmd.amount, cmd.to_amount)
        when = validation.parse_datetime(cmd.occurred_at, "date") if cmd.occurred_at else out_leg.occurred_at
        note = validation.text(cmd.description, "description", max_length=500)
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
