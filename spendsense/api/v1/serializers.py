"""SpendSense v1 shapes (COMPAT.md §1). Amounts are JSON numbers with exact digits."""

from spendsense import money


def timestamp(value):
    """UTC timestamps the way Django REST Framework writes them."""
    return value.isoformat() + "Z" if value else None


def account(row):
    return {
        "name": row.name,
        # The original server's key, which its Telegram bot reads (COMPAT.md §1).
        "account": row.name,
        "balance": money.from_minor(row.balance, row.currency),
        "id": row.id,
        "currency": row.currency,
        "type": row.type,
        "archived": row.archived,
    }


def transaction(row, labels):
    """A Core row of queries.page_rows; ``labels`` maps transaction ids to label names."""
    return {
        "type": "spent" if row.amount < 0 else "earn",
        "amount": money.from_minor(abs(row.amount), row.currency),
        "category": row.category_value,
        # An imported row often has only the bank's payee: v1 has no payee field.
        "description": row.description or (row.payee if row.source == "import" else None) or "",
        "account": row.account_name,
        "time_create": timestamp(row.created_at),
        "time_update": timestamp(row.updated_at),
        "id": row.id,
        "date": row.occurred_at.isoformat(),
        "currency": row.currency,
        "is_transfer": row.transfer_id is not None,
        "labels": labels.get(row.id, []),
    }


def category(row):
    return {"name": row.name, "value": row.value, "icon": row.icon, "type": row.kind,
            "id": row.id, "is_system": row.is_system}


def profile(user, totals, other_totals):
    return {
        "user": user.username,
        "total_all_spending": totals.spent,
        "total_all_earning": totals.earned,
        "total_all_diff": totals.difference,
        "currency": totals.currency,
        "other_currencies": {
            t.currency: {"total_all_spending": t.spent, "total_all_earning": t.earned,
                         "total_all_diff": t.difference}
            for t in other_totals
        },
    }


def import_batch(batch, difference):
    """An import batch: its counts and, when the file had one, the reconciliation."""
    body = {
        "status": "ok",
        "id": batch.id,
        "name": batch.name,
        "file_name": batch.file_name,
        "format": batch.format,
        "account": batch.account.name,
        "new": batch.new_count,
        "duplicate": batch.duplicate_count,
        "matched": batch.matched_count,
        "time_create": timestamp(batch.created_at),
        "reverted": batch.reverted_at is not None,
    }
    currency = batch.account.currency
    if batch.statement_balance is not None:
        body["statement_balance"] = money.from_minor(batch.statement_balance, currency)
        body["balance_after"] = money.from_minor(batch.balance_after, currency)
        body["difference"] = money.from_minor(difference, currency)
    return body
