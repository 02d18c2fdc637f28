"""Category rules: a payee pattern that files matching transactions under a category.

One matcher serves every writer: the transaction service applies it to a new row that
names no category (whatever door it came through), quick entry to its type word, and
rule_application.py, in SQL, to the rows a ledger already has. A ledger's rules are
tried in order (``position``, then id); the first whose pattern meets the payee, and
whose category fits the amount's sign, wins. A pattern meets a payee, ignoring case,
by being inside it (``contains``), at its start (``starts_with``) or all of it
(``exact``). Text is folded with ``str.lower``, the fold SQL's lower() makes (db_setup
gives SQLite a Unicode-aware one), so Python and SQL agree on what matches.
"""

from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import contains_eager

from spendsense.extensions import db
from spendsense.models import Category, CategoryRule
from spendsense.services import validation
from spendsense.services.errors import Invalid
from spendsense.services.ledger.categories import get_visible
from spendsense.services.scope import get_owned
from spendsense.services.uow import write_transaction

MAX_PATTERN = CategoryRule.__table__.c.payee_pattern.type.length
MATCHES = ("contains", "starts_with", "exact")
RULE_NOT_FOUND = "Category rule not found."
ORDER = (CategoryRule.position, CategoryRule.id)


@dataclass(frozen=True)
class Rule:
    pattern: str
    category_id: int
    kind: str  # of the category: spent or earn
    match: str = "contains"

    def meets(self, folded):
        """Whether the rule's pattern meets ``folded`` (a payee stripped and lower-cased)."""
        pattern = self.pattern.strip().lower()
        if not pattern:
            return False
        if self.match == "exact":
            return folded == pattern
        if self.match == "starts_with":
            return folded.startswith(pattern)
        return pattern in folded


def for_ledger(ledger_id):
    """The ledger's rules, in the order they are tried."""
    return tuple(Rule(pattern, category_id, kind, match) for pattern, category_id, kind, match in db.session.execute(
        select(CategoryRule.payee_pattern, CategoryRule.category_id, Category.kind, CategoryRule.match_mode)
        .join(Category, Category.id == CategoryRule.category_id)
        .where(CategoryRule.ledger_id == ledger_id).order_by(*ORDER)))


def best_match(rules, text, *, kind=None):
    """The category id the first fitting rule gives ``text``, or None. ``kind`` keeps
    only rules whose category is of that kind (an income never takes an expense one)."""
    if not text:
        return None
    folded = text.strip().lower()
    return next((rule.category_id for rule in rules
                 if (kind is None or rule.kind == kind) and rule.meets(folded)), None)


def learn(ledger_id, word, category_id):
    """Remember that a word means a category, replacing what it meant before. A new
    word goes first: it is the latest choice, so no older, broader rule may hide it."""
    pattern = word.strip().lower()[:MAX_PATTERN]
    with write_transaction() as session:
        same = [rule for rule in session.scalars(select(CategoryRule).where(CategoryRule.ledger_id == ledger_id))
                if rule.payee_pattern.strip().lower() == pattern]
        if not same:
            session.execute(update(CategoryRule).where(CategoryRule.ledger_id == ledger_id)
                            .values(position=CategoryRule.position + 1)
                            .execution_options(synchronize_session=False))
            session.add(CategoryRule(ledger_id=ledger_id, category_id=category_id, payee_pattern=pattern,
                                     position=0))
        for rule in same:
            rule.category_id = category_id


def list_rules(ledger_id, *, category_id=None):
    """The ledger's rules in order, each with its category loaded (one SELECT)."""
    query = (select(CategoryRule).join(CategoryRule.category).options(contains_eager(CategoryRule.category))
             .where(CategoryRule.ledger_id == ledger_id).order_by(*ORDER))
    if category_id is not None:
        query = query.where(CategoryRule.category_id == category_id)
    return db.session.scalars(query).all()


def get_rule(ledger_id, rule_id):
    """The ledger's rule with this id; NotFound for another ledger's or a missing one."""
    return get_owned(CategoryRule, ledger_id, rule_id, message=RULE_NOT_FOUND)


def _clean(ledger_id, pattern, match, kind, *, exclude_id=None):
    pattern = validation.text(pattern, "pattern", max_length=MAX_PATTERN, required=True, label="Payee pattern")
    match = validation.choice(match, "match", MATCHES, label="Match")
    folded = pattern.lower()
    query = (select(CategoryRule.payee_pattern).join(Category, Category.id == CategoryRule.category_id)
             .where(CategoryRule.ledger_id == ledger_id, CategoryRule.match_mode == match, Category.kind == kind))
    if exclude_id is not None:
        query = query.where(CategoryRule.id != exclude_id)
    # A later rule with the same pattern, match and kind could never win: the first
    # always would. (One of the other kind can: "acme" out, and "acme" refunds in.)
    if any(other.strip().lower() == folded for other in db.session.scalars(query)):
        raise Invalid.field("pattern", f"There is already a rule for “{pattern}”: change that one instead.")
    return pattern, match


def create_rule(ledger_id, category_id, pattern, *, match="contains"):
    """A new rule for a category the ledger sees (its own or a system one), tried after
    the ledger's other rules."""
    with write_transaction() as session:
        category = get_visible(ledger_id, category_id)
        pattern, match = _clean(ledger_id, pattern, match, category.kind)
        last = session.scalar(select(func.max(CategoryRule.position)).where(CategoryRule.ledger_id == ledger_id))
        rule = CategoryRule(ledger_id=ledger_id, category_id=category.id, payee_pattern=pattern, match_mode=match,
                            position=0 if last is None else last + 1)
        rule.category = category
        session.add(rule)
    return rule


def update_rule(ledger_id, rule_id, *, pattern=None, match=None, category_id=None):
    """Change a rule's pattern, match or category (None: keep it)."""
    with write_transaction():
        rule = get_rule(ledger_id, rule_id)
        category = rule.category if category_id is None else get_visible(ledger_id, category_id)
        rule.payee_pattern, rule.match_mode = _clean(
            ledger_id, rule.payee_pattern if pattern is None else pattern,
            rule.match_mode if match is None else match, category.kind, exclude_id=rule.id)
        rule.category = category
    return rule


def delete_rule(ledger_id, rule_id):
    with write_transaction() as session:
        rule = get_rule(ledger_id, rule_id)
        session.delete(rule)
    return rule


def move_rule(ledger_id, rule_id, step):
    """Move a rule ``step`` places (-1: up, tried sooner; +1: down). The ledger's rules
    are renumbered 0, 1, 2... in one UPDATE, which also settles ties of two rules made
    at once."""
    if step not in (-1, 1):
        raise Invalid.field("step", "A rule moves one place up or down.")
    with write_transaction() as session:
        rule = get_rule(ledger_id, rule_id)
        rows = session.execute(select(CategoryRule.id, CategoryRule.position)
                               .where(CategoryRule.ledger_id == ledger_id).order_by(*ORDER)
                               .with_for_update()).all()
        order = [row.id for row in rows]
        here = order.index(rule.id)
        there = here + step
        if 0 <= there < len(order):
            order[here], order[there] = order[there], order[here]
        wanted = {row_id: place for place, row_id in enumerate(order)}
        moved = {row.id: wanted[row.id] for row in rows if row.position != wanted[row.id]}
        if moved:
            session.execute(update(CategoryRule).where(CategoryRule.id.in_(moved))
                            .values(position=case(moved, value=CategoryRule.id))
                            .execution_options(synchronize_session=False))
            session.expire(rule)
    return rule
