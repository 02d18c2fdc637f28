"""All models, imported here so Alembic and the app see one metadata."""

from spendsense.models.ledger import (
    ACCOUNT_TYPES,
    CATEGORY_KINDS,
    Account,
    Category,
    CategoryRule,
    Institution,
    Label,
    MonthlyTotal,
    Transaction,
    transaction_labels,
)
from spendsense.models.user import ApiToken, Ledger, LedgerMember, User

__all__ = [
    "ACCOUNT_TYPES", "CATEGORY_KINDS", "Account", "ApiToken", "Category", "CategoryRule",
    "Institution", "Label", "Ledger", "LedgerMember", "MonthlyTotal", "Transaction", "User",
    "transaction_labels",
]
