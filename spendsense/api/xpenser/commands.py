"""Xpenser fields -> transaction commands.

An Xpenser ``amount`` is the money that went out (an income is negative), ``type`` a
word that names a category (by value, name or learned rule, as quick entry reads it)
or else the payee, ``notes`` the description, ``tags`` labels, ``report`` the folder
(none: the current one) and ``sourceid`` the client's idempotency key.
"""

from spendsense import money
from spendsense.services import validation
from spendsense.services.entry import parser as quick_entry
from spendsense.services.entry import recorder as quick_record
from spendsense.services.errors import Invalid
from spendsense.services.io.expense_filter import parse_moment
from spendsense.services.ledger.commands import ChangeTransaction, NewTransaction


def _money_out(value):
    """The stored (signed) amount for an Xpenser amount: positive = money out."""
    try:
        return -money.parse_number(value)
    except money.MoneyError as exc:
        raise Invalid.field("amount", str(exc)) from exc


def _type_fields(words, kind_word, signed):
    """(category id, payee) for a type word, as quick entry resolves it."""
    sign = "+" if signed > 0 else "-"
    _direction, category, matched_by = quick_entry.resolve_category(words, kind_word, sign)
    payee = kind_word if matched_by not in ("value", "name") else None
    return (category.id if category else None), payee


def _report(value):
    return validation.identifier(value, "report") if value not in (None, "") else None


def new_expense(ledger_id, data):
    """A NewTransaction from POST /api/expense/ fields (all text or None)."""
    kind_word = validation.text(data.get("type"), "type", max_length=200, label="Type")
    if data.get("amount") in (None, ""):
        raise Invalid.field("amount", "amount is required.")
    signed = _money_out(data["amount"])
    words = quick_record.vocabulary(ledger_id)
    account_name = data.get("account") or None
    category_id, payee = _type_fields(words, kind_word, signed) if signed else (None, kind_word)
    report_id = _report(data.get("report"))
    return NewTransaction(
        amount=signed, account_id=None if account_name else quick_record.default_account_id(ledger_id, words),
        account_name=account_name, category_id=category_id, payee=payee, description=data.get("notes"),
        labels=data.get("tags") or (), occurred_at=parse_moment(data.get("date"), "date"), source="api",
        external_id=data.get("sourceid"), report_id=report_id, current_report=report_id is None,
        apply_rules=False)  # the type word went through the rules already


def expense_change(ledger_id, txn, data):
    """A ChangeTransaction from the Xpenser fields given (type, amount, notes, report,
    date, tags), or None when nothing is to change."""
    changes = {}
    if data.get("amount") not in (None, ""):
        changes["amount"] = _money_out(data["amount"])
    if "type" in data:
        kind_word = validation.text(data["type"], "type", max_length=200, label="Type")
        signed = changes.get("amount", txn.amount)
        category_id, payee = _type_fields(quick_record.vocabulary(ledger_id), kind_word, signed or -1)
        if txn.transfer_id is None:
            changes["category_id"] = category_id
        changes["payee"] = payee
    if "notes" in data:
        changes["description"] = data["notes"]
    if "report" in data:
        changes["report_id"] = _report(data["report"])
    if data.get("date") not in (None, ""):
        changes["occurred_at"] = parse_moment(data["date"], "date")
    if "tags" in data:
        changes["labels"] = data["tags"] or ()
    return ChangeTransaction(**changes) if changes else None
