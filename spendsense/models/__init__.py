"""All models, imported here so Alembic and the app see one metadata."""

from spendsense.models.attachments import Attachment, attachment_transactions
from spendsense.models.audit import AuditEvent
from spendsense.models.imports import CsvProfile, ImportBatch
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
from spendsense.models.planning import (
    BudgetAssignment,
    BudgetEvent,
    CategoryBudgetOption,
    CategoryDayTotal,
    CategoryMonthTotal,
    EventOccurrence,
    Scenario,
)
from spendsense.models.report import Report
from spendsense.models.searches import SavedSearch
from spendsense.models.security import RecoveryCode, SecurityEvent
from spendsense.models.shared import BILL_TYPES, NO_CURRENCY, Bill, Member, Project, bill_owers
from spendsense.models.user import ApiToken, Ledger, LedgerMember, User

__all__ = [
    "ACCOUNT_TYPES", "CATEGORY_KINDS", "Account", "ApiToken", "Category", "CategoryRule",
    "Institution", "Label", "Ledger", "LedgerMember", "MonthlyTotal", "Report", "Transaction", "User",
    "transaction_labels",
    "CsvProfile", "ImportBatch",
    "SavedSearch",
    "RecoveryCode", "SecurityEvent",
    "BudgetAssignment", "BudgetEvent", "CategoryBudgetOption", "CategoryDayTotal", "CategoryMonthTotal",
    "EventOccurrence", "Scenario",
    "Attachment", "attachment_transactions",
    "AuditEvent", "BILL_TYPES", "Bill", "Member", "NO_CURRENCY", "Project", "bill_owers",
]
