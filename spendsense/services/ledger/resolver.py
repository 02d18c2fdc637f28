"""Every rule a transaction row must keep, written once for every writer.

``Resolver`` turns NewTransaction commands into the column values of their rows inside
the caller's write transaction: it resolves the account (by id or name) and the
category (by id, by value, or by the ledger's category rules), and checks the amount
against the account's currency, the category's kind against the amount's sign, the
account being open, the text fields, the status, the source and the Xpenser folder.
Accounts, categories, rules and folders are read once per resolver and kept, so a bulk
write of ten thousand rows into one account reads that account once.

Another ledger's ids read as "not found" (services/scope.py), never as "forbidden".
"""

from decimal import Decimal

from sqlalchemy import func, select

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Category, Transaction
from spendsense.models.ledger import TRANSACTION_SOURCES, TRANSACTION_STATUSES
from spendsense.services import validation
from spendsense.services.auth.users import local_now
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import folders, labels, rules
from spendsense.services.ledger.categories import find_by_value, visible
from spendsense.services.scope import owned

TEXT_FIELDS = {"payee": 200, "original_payee": 200, "description": 500, "memo": 500, "cheque_number": 30}
EXTERNAL_ID_LENGTH = 255
ZERO = "Amount must not be zero."
ACCOUNT_NOT_FOUND = "Account not found!"
CATEGORY_NOT_FOUND = "Category not found!"
ARCHIVED = "This account is archived: reopen it to add transactions."


def minor_amount(value, currency, field="amount"):
    """A command's Decimal as minor units of ``currency``: Invalid when it is zero, has
    more decimals than the currency or is larger than any amount may be."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise Invalid.field(field, "Amount must be a number.")
    try:
        minor = money.to_minor(value, currency)
    except money.MoneyError as exc:
        raise Invalid.field(field, str(exc)) from exc
    if abs(minor) > money.MAX_MINOR:
        raise Invalid.field(field, "Amount is too large.")
    if minor == 0:
        raise Invalid.field(field, ZERO)
    return minor


def check_kind(category, minor):
    """An expense category takes money out, an income category money in, except where
    the category says otherwise (PocketSmith's refund behaviour): an expense category
    whose credits are refunds takes money back in (a refund of a purchase, which its
    budget counts off the spending), an income category whose debits are deductions
    takes money out."""
    if category is None:
        return
    if category.kind == "spent" and minor > 0 and category.refund_behaviour != "credits_are_refunds":
        raise Invalid.field("category", f"“{category.name}” is an expense category: an income needs "
                                        "an income category.")
    if category.kind == "earn" and minor < 0 and category.refund_behaviour != "debits_are_deductions":
        raise Invalid.field("category", f"“{category.name}” is an income category: an expense needs "
                                        "an expense category.")


# Importers find their rows again by memo or cheque number (COMPAT.md §4): kept exactly
# as sent, spaces and all.
VERBATIM_FIELDS = {"memo", "cheque_number"}


def clean_text(values):
    """The text fields of ``values`` (a mapping) checked; all but VERBATIM_FIELDS stripped."""
    return {field: validation.text(values[field], field, max_length=limit, strip=field not in VERBATIM_FIELDS)
            for field, limit in TEXT_FIELDS.items() if field in values}


def kind_of(minor):
    return "spent" if minor < 0 else "earn"


class Resolver:
    """Resolves and checks commands of one ledger, remembering what it has read.

    Accounts are read with a key-share row lock (PostgreSQL): an account cannot be
    deleted under a row being written into it. SQLite runs one writer at a time anyway.
    """

    def __init__(self, ledger_id):
        self.ledger_id = ledger_id
        self._accounts = {}
        self._named = {}
        self._categories = {}
        self._by_value = {}
        self._rules = None
        self._matched = {}
        self._reports = {}
        self._now = None

    def account(self, account_id=None, name=None, *, for_new_rows=True):
        """The live account by id or name; NotFound for another ledger's or a missing one."""
        if account_id is None and name is not None:
            key = validation.text(name, "account", max_length=100, label="Account")
            if key is None:
                raise Invalid.field("account", "Choose an account.")
            folded = key.lower()
            if folded not in self._named:
                # On SQLite lower() is the Unicode-aware one db_setup registers.
                found = db.session.scalars(owned(Account, self.ledger_id)
                                           .where(func.lower(Account.name) == folded).order_by(Account.id)
                                           .with_for_update(key_share=True)).first()
                if found is None:
                    raise NotFound(ACCOUNT_NOT_FOUND, entity="account")
                self._named[folded] = found.id
                self._accounts[found.id] = found
            account = self._accounts[self._named[folded]]
        else:
            account = self._account_by_id(account_id)
        if for_new_rows and account.archived:
            raise Invalid.field("account", ARCHIVED)
        return account

    def _account_by_id(self, account_id):
        if account_id is None:
            raise Invalid.field("account", "Choose an account.")
        if account_id not in self._accounts:
            if not validation.is_row_id(account_id):
                raise NotFound(ACCOUNT_NOT_FOUND, entity="account")
            found = db.session.scalars(owned(Account, self.ledger_id).where(Account.id == account_id)
                                       .with_for_update(key_share=True)).first()
            if found is None:
                raise NotFound(ACCOUNT_NOT_FOUND, entity="account")
            self._accounts[account_id] = found
        return self._accounts[account_id]

    def category_by_id(self, category_id):
        if category_id not in self._categories:
            if not validation.is_row_id(category_id):
                raise NotFound(CATEGORY_NOT_FOUND, entity="category")
            found = db.session.scalars(visible(self.ledger_id).where(Category.id == category_id)).first()
            if found is None:
                raise NotFound(CATEGORY_NOT_FOUND, entity="category")
            self._categories[category_id] = found
        return self._categories[category_id]

    def category(self, cmd, minor, payee):
        """The command's category (checked against the amount's sign), the one its
        payee's rule gives, or None."""
        kind = kind_of(minor)
        if cmd.category_id is not None:
            category = self.category_by_id(cmd.category_id)
        elif cmd.category_value is not None:
            value = validation.text(cmd.category_value, "category", max_length=100, label="Category")
            key = (value, kind)
            if key not in self._by_value:
                found = find_by_value(self.ledger_id, value, kind)
                if found is None:  # v1's contract: "for that type" (COMPAT.md §1) is not found
                    raise NotFound(CATEGORY_NOT_FOUND, entity="category")
                self._categories[found.id] = found
                self._by_value[key] = found
            category = self._by_value[key]
        elif cmd.apply_rules and payee:
            matched = self._rule_match(payee, kind)
            category = self.category_by_id(matched) if matched is not None else None
        else:
            category = None
        check_kind(category, minor)
        return category

    def _rule_match(self, payee, kind):
        """The category id the ledger's rules give a payee: a statement repeats its payees,
        so each is matched once."""
        if self._rules is None:
            self._rules = rules.for_ledger(self.ledger_id)
        key = (payee, kind)
        if key not in self._matched:
            self._matched[key] = rules.best_match(self._rules, payee, kind=kind)
        return self._matched[key]

    def report(self, report_id, *, current=False):
        """The id of the open folder to file in: the given one, the ledger's current one
        (made when missing) with ``current``, else None."""
        if report_id is not None:
            if report_id not in self._reports:
                self._reports[report_id] = folders.fileable(self.ledger_id, report_id)
            return self._reports[report_id]
        if current:
            if "current" not in self._reports:
                self._reports["current"] = folders.ensure_current(self.ledger_id).id
            return self._reports["current"]
        return None

    def now(self):
        if self._now is None:
            self._now = local_now(self.ledger_id)
        return self._now

    def row(self, cmd):
        """(column values, account, category, label names) of a NewTransaction's row."""
        account = self.account(cmd.account_id, cmd.account_name)
        minor = minor_amount(cmd.amount, account.currency)
        text = clean_text({field: getattr(cmd, field) for field in TEXT_FIELDS})
        category = self.category(cmd, minor, text.get("payee"))
        occurred = validation.parse_datetime(cmd.occurred_at, "date") if cmd.occurred_at else self.now()
        values = {
            "ledger_id": self.ledger_id, "account_id": account.id, "amount": minor,
            "occurred_at": occurred, "category_id": category.id if category else None,
            "status": validation.choice(cmd.status, "status", TRANSACTION_STATUSES),
            "needs_review": validation.boolean(cmd.needs_review, "needs_review", default=False),
            "source": validation.choice(cmd.source, "source", TRANSACTION_SOURCES),
            "external_id": validation.text(cmd.external_id, "external_id", max_length=EXTERNAL_ID_LENGTH),
            "report_id": self.report(cmd.report_id, current=cmd.current_report),
            "import_batch_id": cmd.import_batch_id,
            **text,
        }
        if cmd.conversion is not None:
            values.update(conversion_columns(cmd.conversion, account.currency, minor))
        return values, account, category, labels.clean(cmd.labels)


def conversion_columns(fx, currency, minor):
    """The typed foreign amount and the rate of a converted amount (the stored amount
    must be the converted one)."""
    if fx.currency != currency or money.to_minor(fx.amount, fx.currency) != abs(minor):
        raise Invalid.field("amount", "The converted amount does not match the transaction.")
    sign = -1 if minor < 0 else 1
    return {"foreign_amount": sign * money.to_minor(fx.foreign_amount, fx.foreign_currency),
            "foreign_currency": fx.foreign_currency, "fx_rate": fx.rate_text, "fx_rate_date": fx.rate_date}


NO_CONVERSION = {"foreign_amount": None, "foreign_currency": None, "fx_rate": None, "fx_rate_date": None}


def existing_ids(account_id, external_ids):
    """Which of these external ids the account already has. Tombstones count too: a
    deleted import row must not come back on the next import."""
    if not external_ids:
        return set()
    found = set()
    ids = sorted(external_ids)
    for start in range(0, len(ids), 500):  # bounded IN lists
        found.update(db.session.scalars(select(Transaction.external_id).where(
            Transaction.account_id == account_id, Transaction.external_id.in_(ids[start:start + 500]))))
    return found
