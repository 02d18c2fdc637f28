"""System categories every ledger sees (COMPAT.md §1)."""

from sqlalchemy import select

from spendsense.models import Category
from spendsense.services.uow import write_transaction

# (kind, value, name, icon)
SYSTEM_CATEGORIES = (
    ("earn", "salary", "Salary", "💰"),
    ("earn", "deposit_interest", "Deposit interest", "🏛️"),
    ("earn", "returning", "Returning", "🤝"),
    ("earn", "gifts", "Gifts", "🎁"),
    ("spent", "supermarket", "Supermarket", "🛒"),
    ("spent", "restaurants", "Restaurants", "🍽️"),
    ("spent", "transport", "Transport", "🚗"),
    ("spent", "home", "Home", "🏠"),
    ("spent", "pets", "Pets", "🐶"),
    ("spent", "clothing", "Clothing and footwear", "👕"),
    ("spent", "vacation", "Vacation", "🌴"),
    ("spent", "technology", "Technology", "💻"),
    ("spent", "taxes", "Taxes", "🏛️"),
    ("spent", "health", "Health", "🏥"),
    ("spent", "gifts", "Gifts", "🎁"),
    ("spent", "education", "Education", "📚"),
    ("spent", "other", "Other", "🤷"),
)


def seed_system_categories():
    """Insert the system categories that are missing. Returns how many were added."""
    with write_transaction() as session:
        existing = set(session.execute(
            select(Category.kind, Category.value).where(Category.ledger_id.is_(None))).all())
        missing = [row for row in SYSTEM_CATEGORIES if (row[0], row[1]) not in existing]
        for kind, value, name, icon in missing:
            session.add(Category(ledger_id=None, kind=kind, value=value, name=name, icon=icon))
    return len(missing)
