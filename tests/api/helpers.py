"""Shared pieces of the v1 API tests: a client that sends one user's key, the exact
error strings of the contract (COMPAT.md §1) and a snapshot of the stored rows."""

import re

import pytest
from sqlalchemy import text

from spendsense.extensions import db

BASE = "/api/v1/"

# Every test marked with this runs once per scheme word the v1 API accepts.
SCHEMES = pytest.mark.parametrize("scheme", ["Token", "Bearer"])

NOT_PROVIDED = "Authentication credentials were not provided."
INVALID_TOKEN = "Invalid token."
BAD_CREDENTIALS = {"non_field_errors": ["Unable to log in with provided credentials."]}
TYPE_ERROR = 'The type parameter must be either "spent" or "earn"!'
LIST_TYPE_ERROR = 'Invalid type parameter. Must be "spent", "earn", or omitted.'
USER_FILTER_ERROR = 'Invalid user parameter. Must be "true", "false", or omitted.'
DATE_ERROR = "Invalid date format. Use ISO 8601 (e.g., 2024-06-01T00:00:00)"
AMOUNT_FORMAT_ERROR = "Invalid amount format. Must be a number."
ICON_ERROR = "Icon must be a single valid emoji."
ACCOUNT_REQUIRED = "account parameter is required"
ACCOUNT_NOT_FOUND = "Account not found!"
CATEGORY_NOT_FOUND = "Category not found!"
DUPLICATE_ACCOUNT = "An account with this name already exists."
DUPLICATE_CATEGORY = "A category with this name already exists."

# (type, value, name, icon) of the categories every ledger sees.
SYSTEM_CATEGORIES = {
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
}


class V1Client:
    """The Flask test client, sending fixed headers to paths under /api/v1/."""

    def __init__(self, client, headers):
        self.client = client
        self.headers = headers

    def get(self, path, params=None):
        return self.client.get(BASE + path, query_string=params or {}, headers=self.headers)

    def post(self, path, *, data=None, json=None, params=None, content_type=None):
        return self.client.post(BASE + path, data=data, json=json, query_string=params or {},
                                headers=self.headers, content_type=content_type)

    def create_account(self, name, amount=None, **extra):
        params = {"account": name, **extra}
        if amount is not None:
            params["amount"] = amount
        return ok(self.get("accounts/create/", params))["id"]

    def create_transaction(self, kind, amount, *, account="Main", category=None, **extra):
        category = category or ("supermarket" if kind == "spent" else "salary")
        params = {"type": kind, "account": account, "category": category, "amount": amount, **extra}
        return ok(self.get("transactions/create/", params))["id"]

    def create_category(self, name, icon="☕", kind="spent"):
        return ok(self.get("categories/create/", {"name": name, "icon": icon, "type": kind}))["id"]

    def balances(self):
        """{account name: balance} as the accounts endpoint reports it."""
        return {row["name"]: row["balance"] for row in ok(self.get("accounts/"))["accounts"]}

    def transactions(self, params=None):
        return ok(self.get("transactions/", params))["transactions"]


def ok(response):
    """The JSON body of a 200 answer."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()


def fails(response, status, message):
    """Assert the answer is ``status`` with the v1 body {"error": message}."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert response.get_json() == {"error": message}


def unauthorised(response, detail):
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.get_json() == {"detail": detail}


def raw_number(response, key, digits):
    """True when the body writes ``key`` as the bare JSON number ``digits`` (not a string)."""
    return re.search(rf'"{key}":\s*{re.escape(digits)}[,}}\]]', response.get_data(as_text=True)) is not None


def snapshot():
    """Row counts and balances of everything a create endpoint could change."""
    counts = {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))
              for table in ("accounts", "transactions", "categories", "monthly_totals", "labels")}
    balances = [tuple(row) for row in db.session.execute(
        text("SELECT id, name, balance FROM accounts ORDER BY id"))]
    return counts, balances
