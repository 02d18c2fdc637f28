"""Xpenser shapes (COMPAT.md §3). Amounts are decimal strings; "amount" is the money
that went out (an income is negative); times are "YYYY-MM-DD HH:MM:SS"."""

from spendsense.services.io.expense_filter import expense_type
from spendsense.services.io.exports import decimal_text, safe, timestamp

CSV_HEADER = ("pk", "date", "type", "amount", "currency", "rawamount", "rawcurrency", "notes", "tags",
              "report", "category", "status", "sourceid", "created", "modified")


def _raw(minor, currency, foreign_minor, foreign_currency):
    if foreign_currency:
        return decimal_text(-foreign_minor, foreign_currency), foreign_currency
    return decimal_text(-minor, currency), currency


def expense(txn):
    """GET /api/expense/<id>: the expense's data."""
    return {
        "date": timestamp(txn.occurred_at),
        "report": txn.report_id,
        "amount": decimal_text(-txn.amount, txn.account.currency),
        "type": expense_type(txn.payee, txn.category.value if txn.category else None, txn.transfer_id),
        "notes": txn.description or "",
    }


def json_item(user_id):
    """A record function for exports.json_stream: one item of GET /api/expenses/."""
    def record(row, labels):
        rawamount, _currency = _raw(row.amount, row.currency, row.foreign_amount, row.foreign_currency)
        return {"pk": row.id, "model": "xpense.expense", "fields": {
            "category": row.category_id,
            # 0 marks a deleted expense (a tombstone), listed only to delta-sync clients.
            "status": 0 if row.deleted_at is not None else 1,
            "rawamount": rawamount,
            "sourceid": row.external_id or "",
            "notes": row.description or "",
            "created": timestamp(row.created_at),
            "modified": timestamp(row.updated_at),
            "report": row.report_id,
            "amount": decimal_text(-row.amount, row.currency),
            "user": user_id,
            "date": timestamp(row.occurred_at),
            "type": expense_type(row.payee, row.category_value, row.transfer_id),
            "tags": [label_id for label_id, _name in labels],
        }}
    return record


def csv_row(row, labels):
    """A record function for exports.csv_stream, in CSV_HEADER's order (the hot path of a
    large export: one call per row, so the helpers are inlined)."""
    currency = row.currency
    amount = decimal_text(-row.amount, currency)
    if row.foreign_currency:
        rawamount, rawcurrency = decimal_text(-row.foreign_amount, row.foreign_currency), row.foreign_currency
    else:
        rawamount, rawcurrency = amount, currency
    kind = row.payee or row.category_value or ("transfer" if row.transfer_id else "")
    return (row.id, timestamp(row.occurred_at), safe(kind), amount, currency, rawamount, rawcurrency,
            safe(row.description), safe(" ".join([name for _id, name in labels])) if labels else "",
            row.report_id or "", row.category_id or "", 1 if row.deleted_at is None else 0,
            safe(row.external_id), timestamp(row.created_at), timestamp(row.updated_at))
