"""ihatemoney's JSON shapes. Its amounts and weights are JSON numbers (floats): the
only place exact minor units become floats is here, on the way out."""

import json
from decimal import Decimal
from functools import cache

from spendsense import money
from spendsense.models.shared import WEIGHT_SCALE
from spendsense.services.bills.listing import day_text

_text = json.encoder.encode_basestring_ascii  # how json.dumps writes a str (ensure_ascii)


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


def bill_list(currency):
    """A renderer for services.bills.listing.stream: GET .../bills as ``respond`` would
    write the list of ``bill``s (``json.dumps(...) + "\n"``), batch by batch. Each
    member's JSON is written once and reused for every bill it owes; texts go through
    json.dumps' own string encoder and numbers through repr, as json.dumps writes them,
    without building a dict per bill."""
    def render(members, batches):
        shown = {str(member_id): json.dumps(member(row)) for member_id, row in members.items()}
        project_scale = _scale(currency)
        before = "["
        for rows in batches:
            parts = []
            for bill_id, payer_id, owers, amount, original, converted, day, created, what, kind, link in rows:
                owed = ", ".join([shown[ower] for ower in owers.split(",")]) if owers else ""
                parts.append(
                    f'{before}{{"id": {bill_id}, "payer_id": {payer_id}, "owers": [{owed}], '
                    f'"amount": {amount / _scale(original)!r}, "date": "{day_text(day)}", '
                    f'"creation_date": "{day_text(created)}", "what": {_text(what)}, "bill_type": {_text(kind)}, '
                    f'"external_link": {_text(link)}, "original_currency": {_text(original)}, '
                    f'"converted_amount": {converted / project_scale!r}}}')
                before = ", "
            yield "".join(parts)
        yield "[]\n" if before == "[" else "]\n"
    return render


def statistics(lines, currency):
    return [{
        "member": member(line.member),
        "paid": number(line.paid, currency),
        "spent": number(-line.spent, currency),
        "transferred": number(line.transferred, currency),
        "received": number(-line.received, currency),
        "balance": number(line.balance, currency),
    } for line in lines]
