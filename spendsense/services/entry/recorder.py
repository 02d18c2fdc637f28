"""Quick entry against a ledger: what a line will record (preview) and recording it.

The parser (services/entry/parser.py) is pure; this module gives it the ledger's words,
converts a foreign amount with the offline reference rate of the entry's date, and
records through services/ledger/transactions.py in one write transaction, so a line either
becomes one transaction or changes nothing.

When the ledger has no account yet, the first entry opens a "Cash" account in the
owner's base currency: a phone or a script can start recording at once.
"""

from dataclasses import dataclass
from datetime import datetime

from spendsense.extensions import db
from spendsense.services import exchange, validation
from spendsense.services.auth import users
from spendsense.services.entry import parser as quick_entry
from spendsense.services.errors import Invalid
from spendsense.services.ledger import accounts, categories, folders, rules, transactions
from spendsense.services.ledger.commands import NewTransaction
from spendsense.services.uow import write_transaction

NEW_ACCOUNT_NAME = "Cash"


@dataclass(frozen=True)
class Plan:
    """What recording a line would store."""

    entry: quick_entry.QuickEntry
    account: quick_entry.AccountRef | None  # None: "Cash" will be opened
    account_name: str
    currency: str  # of the account: the stored amount's
    amount: object  # Decimal, positive, in ``currency``
    conversion: exchange.Conversion | None
    occurred_at: datetime
    report_name: str | None

    @property
    def signed_amount(self):
        return -self.amount if self.entry.direction == "spent" else self.amount


def vocabulary(ledger_id):
    """The ledger's categories, rules and live accounts, and the default account: the
    first open account in the owner's base currency, else the first open account."""
    base = accounts.ledger_currency(ledger_id)
    cats = tuple(quick_entry.CategoryRef(c.id, c.name, c.value, c.kind, c.icon)
                 for c in categories.list_categories(ledger_id))
    learned = rules.for_ledger(ledger_id)
    rows = accounts.list_accounts(ledger_id)
    refs = tuple(quick_entry.AccountRef(a.id, a.name, a.currency) for a in rows)
    open_rows = [a for a in rows if not a.archived]
    default = next((a for a in open_rows if a.currency == base), open_rows[0] if open_rows else None)
    default_ref = quick_entry.AccountRef(default.id, default.name, default.currency) if default else None
    return quick_entry.Vocabulary(currency=default.currency if default else base, categories=cats,
                                  rules=learned, accounts=refs, default_account=default_ref)


def preview(ledger_id, text, *, report_id=None):
    """The Plan for a line; nothing is written. Invalid when the line cannot be recorded."""
    now = users.local_now(ledger_id)
    words = vocabulary(ledger_id)
    entry = quick_entry.parse(text, today=now.date(), vocabulary=words)
    account = entry.account or words.default_account
    currency = account.currency if account else words.currency
    when = datetime.combine(entry.day, now.time()) if entry.day else now
    conversion = None
    amount = entry.amount
    if entry.currency != currency:
        conversion = exchange.convert(entry.amount, entry.currency, currency, when.date())
        amount = conversion.amount
        if amount == 0:
            raise Invalid.field("amount", f"{entry.amount} {entry.currency} is less than the smallest "
                                          f"amount of {currency}.")
    return Plan(entry=entry, account=account, account_name=account.name if account else NEW_ACCOUNT_NAME,
                currency=currency, amount=amount, conversion=conversion, occurred_at=when,
                report_name=_report_name(ledger_id, report_id))


def _report_name(ledger_id, report_id):
    if report_id not in (None, ""):
        return folders.get_report(ledger_id, folders.fileable(ledger_id, report_id)).name
    current = folders.current_report(ledger_id)
    return current.name if current else folders.DEFAULT_NAME


def record(ledger_id, text, *, report_id=None, category_id=None, source="quick"):
    """Record a line in the given report (else the current one). ``category_id``
    overrides the category the line picked, and is learned for its type word."""
    plan = preview(ledger_id, text, report_id=report_id)
    entry = plan.entry
    chosen = _override(category_id, entry)
    with write_transaction():
        account_id = plan.account.id if plan.account else _open_account(ledger_id, plan.currency)
        txn = transactions.record(ledger_id, NewTransaction(
            amount=plan.signed_amount, account_id=account_id, occurred_at=plan.occurred_at,
            category_id=chosen or (entry.category.id if entry.category else None), labels=tuple(entry.labels),
            payee=entry.type if chosen else entry.payee, description=entry.notes, source=source,
            report_id=validation.identifier(report_id, "report") if report_id not in (None, "") else None,
            current_report=report_id in (None, ""), conversion=plan.conversion,
            apply_rules=False))  # the parser has applied the rules to the type word already
        if chosen is not None and entry.type and entry.matched_by not in ("value", "name"):
            rules.learn(ledger_id, entry.type, chosen)
    return txn


def _override(category_id, entry):
    """The id of the category the caller chose instead of the parsed one (the service
    checks it is the ledger's and fits the entry's direction); None when there is none."""
    if category_id in (None, ""):
        return None
    chosen = validation.identifier(category_id, "category")
    if entry.category is not None and chosen == entry.category.id:
        return None
    return chosen


def default_account_id(ledger_id, words=None):
    """The account an Xpenser create without ``account`` goes to (opened when missing);
    ``words`` is the ledger's vocabulary when the caller has read it already."""
    words = words or vocabulary(ledger_id)
    if words.default_account is not None:
        return words.default_account.id
    with write_transaction():
        return _open_account(ledger_id, words.currency)


def _open_account(ledger_id, currency):
    """Open the "Cash" account inside the caller's write transaction; its id is needed now."""
    account = accounts.create_account(ledger_id, NEW_ACCOUNT_NAME, type="cash", currency=currency)
    db.session.flush()
    return account.id
