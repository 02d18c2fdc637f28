"""Splitting a transaction: part of its amount moves to new transactions in its account.

The transaction keeps a remainder and each part becomes a row of its own; the remainder
and the parts must add up to the amount the transaction had, so the account's balance
does not move. The change of the transaction (its remainder and whatever else the
caller changes) and the new rows are one write transaction: every part is checked
(by the same rules as any new row, transactions.record_many) or nothing is saved.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from spendsense import money
from spendsense.services.errors import Invalid
from spendsense.services.ledger import transactions
from spendsense.services.ledger.commands import UNSET, NewTransaction
from spendsense.services.ledger.legs import locked_legs
from spendsense.services.ledger.resolver import minor_amount
from spendsense.services.uow import write_transaction

REMAINDER_NEEDED = "Give the amount the transaction keeps after the splits."
NO_PARTS = "Give at least one split."
TRANSFER = "A transfer cannot be split: both of its legs must keep the same amount."


@dataclass(frozen=True, slots=True)
class SplitPart:
    """One part to split off. An UNSET payee, category or date is the transaction's (as
    the change leaves it); ``category_id`` None is no category."""

    amount: Decimal
    payee: str | None = UNSET
    category_id: int | None = UNSET
    occurred_at: datetime = UNSET
    description: str | None = None


def split(ledger_id, txn_id, cmd, parts, *, source):
    """Apply ChangeTransaction ``cmd`` (whose amount is the remainder) to the transaction
    and record ``parts`` beside it; (the transaction's id, the new rows' ids in order)."""
    parts = tuple(parts)
    if cmd.amount is UNSET:
        raise Invalid.field("amount", REMAINDER_NEEDED)
    if not parts:
        raise Invalid.field("splits", NO_PARTS)
    with write_transaction():
        txn, other = locked_legs(ledger_id, txn_id)
        if other is not None:
            raise Invalid.field("splits", TRANSFER)
        _check_sum(txn.amount, txn.account.currency, cmd.amount, parts)
        kept = transactions.change(ledger_id, txn_id, cmd)
        try:
            ids = transactions.record_many(ledger_id, [_command(kept, part, source) for part in parts])
        except Invalid as exc:
            raise _of_parts(exc) from None
    return txn_id, ids


def _check_sum(before, currency, remainder, parts):
    """Each amount fits the currency, and remainder + parts == the amount before."""
    kept = minor_amount(remainder, currency)
    total = kept
    for index, part in enumerate(parts):
        try:
            total += minor_amount(part.amount, currency, "amount")
        except Invalid as exc:
            raise Invalid.field(f"splits.{index}.amount", f"Split {index + 1}: {exc.message}") from None
    if total != before:
        expected = money.from_minor(before - (total - kept), currency)
        raise Invalid.field("amount", (
            f"The amount and the splits add up to {money.from_minor(total, currency)}, not the "
            f"transaction's {money.from_minor(before, currency)}: the amount it keeps must be {expected}."))


def _command(kept, part, source):
    inherit = {"payee": kept.payee, "category_id": kept.category_id, "occurred_at": kept.occurred_at}
    chosen = {field: getattr(part, field) for field in inherit}
    values = {field: inherit[field] if value is UNSET else value for field, value in chosen.items()}
    return NewTransaction(
        amount=part.amount, account_id=kept.account_id, description=part.description, source=source,
        # A part told to have no category stays without one; rules fill only an inherited gap.
        apply_rules=part.category_id is UNSET, **values)


def _of_parts(exc):
    """record_many names a failing command "<index>.<field>"; here they are splits."""
    errors = {f"splits.{field}": message for field, message in exc.errors.items()}
    first = next(iter(exc.errors))
    return Invalid(errors, f"Split {int(first.split('.')[0]) + 1}: {exc.errors[first]}")
