"""What several pages show: account and category choices, the entry forms' defaults."""

from flask import g
from flask_login import current_user

from spendsense import money
from spendsense.services.auth import users
from spendsense.services.ledger import accounts, categories
from spendsense.web.forms import TransactionForm, TransferForm


def _per_request(key, compute):
    """Compute once per request: a page asks for today's date and the account and
    category lists from several places (filters, dialogs, forms)."""
    cache = g.setdefault("_page_data", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def account_choices(ledger_id, *, include_archived=False):
    return _per_request(("accounts", ledger_id, include_archived), lambda: [
        (str(a.id), f"{a.name} ({a.currency})")
        for a in accounts.list_accounts(ledger_id, include_archived=include_archived)])


def category_choices(ledger_id):
    """All categories, each with kind, for the emoji picker."""
    return _per_request(("categories", ledger_id), lambda: categories.list_categories(ledger_id))


def currency_choices():
    return [(code, code) for code in money.currency_codes()]


def today(ledger_id):
    return _per_request(("today", ledger_id), lambda: users.local_now(ledger_id).date())


def distinct_ids(form, prefix):
    """Give a form's inputs ids of their own, so two forms on one page (the dialog's
    expense and transfer tabs) never share an id and each label points at its input.
    Field names, and so what is posted, stay the same."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
        field.label.field_id = field.id
    return form


def entry_forms(ledger_id, *, formdata=None):
    """The quick-add dialog's expense/income form and transfer form, with defaults."""
    choices = account_choices(ledger_id)
    entry = TransactionForm(formdata=formdata, date=today(ledger_id))
    entry.account_id.choices = choices
    entry.category_id.choices = [(str(c.id), c.name) for c in category_choices(ledger_id)]
    transfer = TransferForm(formdata=formdata, date=today(ledger_id))
    transfer.from_account_id.choices = choices
    transfer.to_account_id.choices = choices
    if formdata is None and len(choices) > 1:
        transfer.to_account_id.data = choices[1][0]  # "from" defaults to the first account
    return distinct_ids(entry, "entry"), distinct_ids(transfer, "transfer")


def week_start_of_user():
    return getattr(current_user, "week_start", 0) or 0
