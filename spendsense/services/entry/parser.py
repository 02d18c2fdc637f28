"""The one-line quick-entry language: ``type amount notes #tag1 #tag2``, as Xpenser
defines it, plus currencies, a date, an account and a direction.

    lunch 45 with jack #work        45 in the account's currency, type "lunch"
    45€ taxi to the airport         a currency symbol or code before or after the number
    groceries 1 234,56 EUR          spaces, dots, commas or apostrophes grouping thousands
    +500 salary                     a plus sign records money in, a minus sign money out
    coffee 3.20 yesterday @cash     a date word (today, yesterday, mon, last fri, 2024-06-01,
                                    3 days ago, on 1 jun, 1 jun 2024) and an account

The words before the amount are the type (when the amount comes first, the word after
it); the rest are notes. The type picks a category by value, by name or by a learned
rule (a payee pattern); otherwise the expense goes to "other", keeping the type as its
payee. A line that cannot be read one way only is refused with a message that says how
to write it, and nothing is recorded.

This module is pure: it reads nothing but its arguments (the ledger's categories,
rules and accounts come in a ``Vocabulary``), so every rule is testable without a
database. services/entry/recorder.py resolves, converts and records.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from spendsense.services import validation
from spendsense.services.entry.amounts import HOW, currency_of, number, take_amount
from spendsense.services.entry.dates import take_date
from spendsense.services.errors import Invalid
from spendsense.services.ledger import rules
from spendsense.services.ledger.categories import slugify

MAX_LENGTH = 500
MAX_LABELS = 20


@dataclass(frozen=True)
class CategoryRef:
    id: int
    name: str
    value: str
    kind: str
    icon: str = ""


@dataclass(frozen=True)
class AccountRef:
    id: int
    name: str
    currency: str


@dataclass(frozen=True)
class Vocabulary:
    """The words of one ledger: categories, learned rules, accounts and the default."""

    currency: str = "EUR"  # of the default account, or the owner's base currency
    categories: tuple = ()
    rules: tuple = ()  # of services.ledger.rules.Rule
    accounts: tuple = ()
    default_account: AccountRef | None = None


@dataclass(frozen=True)
class QuickEntry:
    text: str
    direction: str  # "spent" or "earn"
    amount: Decimal  # positive, with the currency's decimals, as typed
    currency: str  # typed, else the account's
    day: date | None  # None: now
    type: str | None
    notes: str | None
    labels: tuple = ()
    account: AccountRef | None = None  # None: the default account
    category: CategoryRef | None = None
    matched_by: str = "none"  # value, name, rule, default or none
    currency_typed: bool = False
    payee: str | None = None  # the type, kept when it did not name a category

    @property
    def signed_amount(self):
        return -self.amount if self.direction == "spent" else self.amount


@dataclass
class _Token:
    text: str
    used: bool = False


def parse(text, *, today, vocabulary):
    """Read one line; return a QuickEntry or raise Invalid naming what to fix."""
    line = _clean(text)
    tokens = [_Token(part) for part in line.split()]
    labels = _take_labels(tokens)
    account = _take_account(tokens, vocabulary)
    day = take_date(tokens, today)
    amount_at, sign, currency_word, typed = take_amount(tokens)
    currency = currency_of(currency_word, account or vocabulary.default_account, vocabulary.currency)
    amount = number(typed, currency)
    words = [(index, token.text) for index, token in enumerate(tokens) if not token.used]
    before = [word for index, word in words if index < amount_at]
    after = [word for index, word in words if index > amount_at]
    if before:
        kind_word, notes = " ".join(before), " ".join(after)
    else:
        kind_word, notes = (after[0], " ".join(after[1:])) if after else (None, "")
    kind_word = validation.text(kind_word, "type", max_length=200, label="Type")
    notes = validation.text(notes, "notes", max_length=500, label="Notes")
    direction, category, matched_by = resolve_category(vocabulary, kind_word, sign)
    return QuickEntry(
        text=line, direction=direction, amount=amount, currency=currency, day=day, type=kind_word,
        notes=notes, labels=tuple(labels), account=account, category=category, matched_by=matched_by,
        currency_typed=currency_word is not None,
        payee=kind_word if matched_by not in ("value", "name") else None)


def _clean(text):
    if not isinstance(text, str) or not text.strip():
        raise Invalid.field("q", f"Type an expense. {HOW}")
    line = unicodedata.normalize("NFC", text).strip()
    if any(unicodedata.category(ch) == "Cc" for ch in line):
        raise Invalid.field("q", "The line must not contain control characters.")
    if len(line) > MAX_LENGTH:
        raise Invalid.field("q", f"The line must be at most {MAX_LENGTH} characters.")
    return line


def _take_labels(tokens):
    labels = []
    for token in tokens:
        if token.text.startswith("#"):
            name = token.text.lstrip("#").rstrip(".,;:!?")
            if not name:
                raise Invalid.field("labels", "A # must be followed by the tag, like #work.")
            if len(name) > 50:
                raise Invalid.field("labels", "A tag must be at most 50 characters.")
            token.used = True
            if name.casefold() not in {label.casefold() for label in labels}:
                labels.append(name)
    if len(labels) > MAX_LABELS:
        raise Invalid.field("labels", f"An expense can have at most {MAX_LABELS} tags.")
    return labels


def _take_account(tokens, vocabulary):
    named = [token for token in tokens if token.text.startswith("@") and not token.used]
    if not named:
        return None
    if len(named) > 1:
        raise Invalid.field("account", "Name one account only (one @name).")
    token = named[0]
    token.used = True
    wanted = token.text[1:].rstrip(".,;:!?")
    if not wanted:
        raise Invalid.field("account", "An @ must be followed by the account, like @cash.")
    keys = {wanted.casefold(), wanted.replace("_", " ").replace("-", " ").casefold()}
    for account in vocabulary.accounts:
        if account.name.casefold() in keys:
            return account
    raise Invalid.field("account", f"There is no account called “{wanted}”.")


def resolve_category(vocabulary, kind_word, sign):
    """(direction, category, matched_by) for a type word and an optional typed sign.

    Without a sign the entry is money out, unless the word names only an income
    category ("salary 3000" is income, "gifts 20" an expense: both kinds have gifts).
    """
    spent = _match(vocabulary, kind_word, "spent")
    earn = _match(vocabulary, kind_word, "earn")
    if sign == "+" or (not sign and earn[0] is not None and spent[0] is None):
        direction, (category, matched_by) = "earn", earn
    else:
        direction, (category, matched_by) = "spent", spent
    if category is None and direction == "spent":
        other = next((c for c in vocabulary.categories if c.kind == "spent" and c.value == "other"), None)
        if other is not None:
            return direction, other, "default"
    return direction, category, matched_by


def _match(vocabulary, kind_word, kind):
    """(category, how) for the type: by value, by name, then by learned rule."""
    if not kind_word:
        return None, "none"
    pool = [c for c in vocabulary.categories if c.kind == kind]
    for phrase in dict.fromkeys((kind_word, kind_word.split()[0])):
        slug, folded = slugify(phrase), phrase.casefold()
        found = next((c for c in pool if c.value == slug), None)
        if found is not None:
            return found, "value"
        found = next((c for c in pool if c.name.casefold() == folded), None)
        if found is not None:
            return found, "name"
    by_id = {c.id: c for c in pool}
    category_id = rules.best_match(vocabulary.rules, kind_word, kind=kind)
    if category_id in by_id:
        return by_id[category_id], "rule"
    return None, "none"
