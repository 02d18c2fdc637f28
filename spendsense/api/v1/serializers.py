"""SpendSense v1 shapes (COMPAT.md §1). Amounts are JSON numbers with exact digits."""

from spendsense import money


def timestamp(value):
    """UTC timestamps the way Django REST Framework writes them."""
    return value.isoformat() + "Z" if value else None


def account(row):
    return {
        "name": row.name,
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
        "description": row.description or "",
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
