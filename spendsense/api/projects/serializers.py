"""ihatemoney's JSON shapes. Its amounts and weights are JSON numbers (floats): the
only place exact minor units become floats is here, on the way out."""

from decimal import Decimal
from functools import cache

from spendsense import money
from spendsense.models.shared import WEIGHT_SCALE


@cache
def _scale(currency):
    return 10 ** money.places(currency)


def number(minor, currency):
    # An integer over a power of ten is rounded once, to the nearest double: the same
    # float as float(Decimal("12.34")), for a tenth of the cost on long bill lists.
    return minor / _scale(currency)


def member(row):
    return {"id": row.id, "name": row.name, "weight": float(Decimal(row.weight_milli) / WEIGHT_SCALE),
            "activated": row.activated}


def project(row, members, balances):
    currency = row.default_currency
    return {
        "id": row.id,
        "name": row.name,
        "contact_email": row.contact_email,
        "logging_preference": 1 if row.history_enabled else 0,
        "members": [{**member(m), "balance": number(balances.get(m.id, 0), currency)} for m in members],
        "default_currency": currency,
    }


def bill(view, members_by_id, project_currency, member_objects=None):
    """``member_objects`` ({id: member dict}) lets a long list share one dict per member."""
    shown = member_objects if member_objects is not None else {
        member_id: member(members_by_id[member_id]) for member_id in view.owers}
    return {
        "id": view.id,
        "payer_id": view.payer_id,
        "owers": [shown[member_id] for member_id in view.owers],
        "amount": number(view.amount, view.original_currency),
        "date": view.date.isoformat(),
        "creation_date": view.creation_date.isoformat(),
        "what": view.what,
        "bill_type": view.bill_type,
        "external_link": view.external_link,
        "original_currency": view.original_currency,
        "converted_amount": number(view.converted_amount, project_currency),
    }


def statistics(lines, currency):
    return [{
        "member": member(line.member),
        "paid": number(line.paid, currency),
        "spent": number(-line.spent, currency),
        "transferred": number(line.transferred, currency),
        "received": number(-line.received, currency),
        "balance": number(line.balance, currency),
    } for line in lines]
