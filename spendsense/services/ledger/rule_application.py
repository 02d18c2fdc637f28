"""Filing a ledger's existing transactions by its category rules, in SQL.

One UPDATE files every row a run touches, whatever the size of the history: the new
category is a CASE over the rules in their order, so each row takes the first rule
that meets its payee and whose category fits its sign (rules.py matches the same
way in Python for new rows). Only the category and ``updated_at`` change: balances,
account totals and MonthlyTotal sum amounts per account and month, never per
category, so filing moves no money. Transfers are left alone (they are neither
spent nor earned), and so are deleted rows.
"""

from dataclasses import dataclass

from sqlalchemy import and_, case, func, not_, or_, select, update

from spendsense.extensions import db
from spendsense.models import Transaction
from spendsense.models.base import utcnow
from spendsense.services import validation
from spendsense.services.ledger import category_totals, rules
from spendsense.services.ledger.rules import Rule
from spendsense.services.uow import write_transaction

UNCATEGORISED = "uncategorised"
EVERYTHING = "all"
SCOPES = (UNCATEGORISED, EVERYTHING)


@dataclass(frozen=True)
class Applied:
    """What a run did: ``changed`` rows were filed under a rule's category; ``skipped``
    rows matched a rule whose category does not take their sign (an expense category
    on money in, or the reverse) and no rule that does."""

    changed: int
    skipped: int


def _meets(rule):
    """SQL for ``Rule.meets``: the payee, lower-cased, meets the pattern."""
    payee = func.lower(Transaction.payee)
    pattern = rule.pattern.strip().lower()
    if rule.match == "exact":
        return payee == pattern
    if rule.match == "starts_with":
        return payee.startswith(pattern, autoescape=True)
    return payee.contains(pattern, autoescape=True)


def _fits(rule):
    """The amount's sign takes the rule's category (resolver.check_kind)."""
    return Transaction.amount < 0 if rule.kind == "spent" else Transaction.amount > 0


@dataclass(frozen=True)
class _Run:
    """The SQL pieces of one run: the rows it looks at, the condition "some rule files
    this row", the CASE giving each such row its category, and "some rule meets this
    row's payee" (of whatever kind)."""

    rows: tuple
    files: object
    target: object
    meets: object

    @classmethod
    def of(cls, ledger_id, ledger_rules, scope):
        scope = validation.choice(scope, "apply_to", SCOPES, label="Apply to")
        usable = [rule for rule in ledger_rules if rule.pattern.strip()]
        if not usable:
            return None
        rows = (Transaction.ledger_id == ledger_id, Transaction.deleted_at.is_(None),
                Transaction.transfer_id.is_(None), Transaction.payee.is_not(None))
        if scope == UNCATEGORISED:
            rows += (Transaction.category_id.is_(None),)
        fitting = [and_(_meets(rule), _fits(rule)) for rule in usable]
        return cls(rows=rows, files=or_(*fitting),
                   target=case(*((fits, rule.category_id) for fits, rule in zip(fitting, usable, strict=True))),
                   meets=or_(*(_meets(rule) for rule in usable)))

    def changing(self):
        """Rows the run files under another category than they have. Rows already
        under theirs are not touched: a new updated_at would send them to every
        delta-syncing client for nothing."""
        return (*self.rows, self.files, Transaction.category_id.is_distinct_from(self.target))


def _run(session, ledger_id, ledger_rules, scope):
    run = _Run.of(ledger_id, ledger_rules, scope)
    if run is None:
        return Applied(0, 0)
    skipped = session.scalar(select(func.count()).select_from(Transaction).where(
        *run.rows, run.meets, not_(run.files)))
    category_totals.refile(ledger_id, run.target, *run.changing())
    changed = session.execute(
        update(Transaction).where(*run.changing()).values(category_id=run.target, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    return Applied(changed, skipped)


def _one(rule_row):
    return Rule(rule_row.payee_pattern, rule_row.category_id, rule_row.category.kind, rule_row.match_mode)


def apply_rule(ledger_id, rule_id, *, scope=UNCATEGORISED):
    """File the ledger's transactions whose payee the rule meets: only uncategorised
    ones, or (``scope="all"``) every one, re-filing those under another category."""
    with write_transaction() as session:
        return _run(session, ledger_id, [_one(rules.get_rule(ledger_id, rule_id))], scope)


def apply_rules(ledger_id, *, scope=UNCATEGORISED):
    """File the ledger's transactions by all its rules, in order: the first that
    fits a row files it."""
    with write_transaction() as session:
        return _run(session, ledger_id, rules.for_ledger(ledger_id), scope)


def create_and_apply(ledger_id, category_id, pattern, *, match="contains", scope=None):
    """Create a rule and, with a ``scope``, apply it at once, in one transaction."""
    with write_transaction() as session:
        rule = rules.create_rule(ledger_id, category_id, pattern, match=match)
        applied = _run(session, ledger_id, [_one(rule)], scope) if scope is not None else None
    return rule, applied


def matching(ledger_id, rule_id=None):
    """{scope: how many rows a run would change} for one rule or all of them: the
    numbers the web's "apply" page offers. Counted without writing."""
    ledger_rules = [_one(rules.get_rule(ledger_id, rule_id))] if rule_id is not None else rules.for_ledger(ledger_id)
    return {scope: _count(ledger_id, ledger_rules, scope) for scope in SCOPES}


def _count(ledger_id, ledger_rules, scope):
    run = _Run.of(ledger_id, ledger_rules, scope)
    if run is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(Transaction).where(*run.changing()))
