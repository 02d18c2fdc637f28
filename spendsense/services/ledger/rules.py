"""Category rules: a payee pattern that files matching transactions under a category.

One matcher serves every writer: the transaction service applies it to a new row that
names no category (whatever door it came through), and quick entry to its type word.
A rule matches a payee it equals (ignoring case), else one that contains it; the
longest contained pattern wins, then the oldest rule. Patterns are folded in Python:
SQLite's lower() folds only ASCII letters.
"""

from dataclasses import dataclass

from sqlalchemy import select

from spendsense.extensions import db
from spendsense.models import Category, CategoryRule
from spendsense.services.uow import write_transaction

MAX_PATTERN = 200


@dataclass(frozen=True)
class Rule:
    pattern: str
    category_id: int
    kind: str  # of the category: spent or earn


def for_ledger(ledger_id):
    """The ledger's rules, oldest first."""
    return tuple(Rule(pattern, category_id, kind) for pattern, category_id, kind in db.session.execute(
        select(CategoryRule.payee_pattern, CategoryRule.category_id, Category.kind)
        .join(Category, Category.id == CategoryRule.category_id)
        .where(CategoryRule.ledger_id == ledger_id).order_by(CategoryRule.id)))


def best_match(rules, text, *, kind=None):
    """The category id the first fitting rule gives ``text``, or None. ``kind`` keeps
    only rules whose category is of that kind (an income never takes an expense one)."""
    if not text:
        return None
    folded = text.strip().casefold()
    usable = [r for r in rules if r.pattern.strip() and (kind is None or r.kind == kind)]
    exact = next((r for r in usable if r.pattern.strip().casefold() == folded), None)
    if exact is not None:
        return exact.category_id
    inside = sorted((r for r in usable if r.pattern.strip().casefold() in folded),
                    key=lambda r: len(r.pattern.strip()), reverse=True)
    return inside[0].category_id if inside else None


def learn(ledger_id, word, category_id):
    """Remember that a word means a category, replacing what it meant before."""
    pattern = word.strip().casefold()[:MAX_PATTERN]
    with write_transaction() as session:
        same = [rule for rule in session.scalars(select(CategoryRule).where(CategoryRule.ledger_id == ledger_id))
                if rule.payee_pattern.strip().casefold() == pattern]
        if not same:
            session.add(CategoryRule(ledger_id=ledger_id, category_id=category_id, payee_pattern=pattern))
        for rule in same:
            rule.category_id = category_id
