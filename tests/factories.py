"""Test shorthand for writing transactions: keyword arguments and text amounts, as a
test reads best, turned into the commands every front door builds.

Text amounts are parsed as a front door parses them (money.parse_number), and a bad
one is the Invalid a door would answer, so tests of rules still see the rule's error.
"""

from decimal import Decimal

from spendsense import money
from spendsense.services.errors import Invalid
from spendsense.services.ledger import transactions, transfers
from spendsense.services.ledger.commands import (
    ChangeTransaction,
    ChangeTransfer,
    NewTransaction,
    NewTransfer,
)


def number(value, field="amount"):
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return money.parse_number(value)
    except money.MoneyError as exc:
        raise Invalid.field(field, str(exc)) from exc


def _labels(value):
    return () if value is None else value


def create_transaction(ledger_id, *, amount, fx=None, labels=None, **fields):
    return transactions.record(ledger_id, NewTransaction(
        amount=number(amount), conversion=fx, labels=_labels(labels), **fields))


def update_transaction(ledger_id, txn_id, *, fx=..., **changes):
    for field in ("amount", "counter_amount"):
        if field in changes:
            changes[field] = number(changes[field], field)
    if "labels" in changes:
        changes["labels"] = _labels(changes["labels"])
    if fx is not ...:
        changes["conversion"] = fx
    return transactions.change(ledger_id, txn_id, ChangeTransaction(**changes))


def create_transfer(ledger_id, *, amount, to_amount=None, labels=None, **fields):
    return transfers.create(ledger_id, NewTransfer(
        amount=number(amount), to_amount=number(to_amount or None, "to_amount"), labels=_labels(labels), **fields))


def update_transfer(ledger_id, txn_id, *, amount, to_amount=None, **fields):
    return transfers.update(ledger_id, txn_id, ChangeTransfer(
        amount=number(amount), to_amount=number(to_amount or None, "to_amount"), **fields))


delete_transaction = transactions.delete
