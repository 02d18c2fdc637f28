"""What a ledger plans: scenarios, budget events, budgets and the category totals they
are compared with.

A **Scenario** belongs to one account: each live account has exactly one primary
scenario (created with the account) holding its planned income and bills, and may
have extra ones (a savings goal, a debt) that a forecast can add on top.

A **BudgetEvent** is a *series*: an amount in a category on a start date, repeated by
a rule (once, daily, weekly, fortnightly, monthly, yearly, each weekday, times an
interval), until an end date or a count. Its occurrences are computed
(services/planning/repeats.py), never stored one by one; an **EventOccurrence** row
records only what happened to one of them: skipped (deleted on its own), paid (an
actual transaction matched it) or posted (``flask post-due`` recorded it).

Budgets compare events with **category totals**: per ledger, category, currency and
day (and per month), the money out (``debit`` >= 0) and in (``credit`` >= 0) of the
live, categorised, non-transfer transactions. They are kept up to date on every write
in the same database transaction (services/ledger/category_totals.py), so a budget
over any range reads at most one row per category and day, never the history.
"""

from sqlalchemy import text
from sqlalchemy.orm import declared_attr

from spendsense.extensions import db
from spendsense.models.base import BigId, TimestampMixin, utcnow

SCENARIO_TYPES = ("no-interest", "savings", "debt")
REPEAT_TYPES = ("once", "daily", "weekly", "fortnightly", "monthly", "yearly", "each weekday")
OCCURRENCE_STATES = ("skipped", "paid", "posted")


class Scenario(TimestampMixin, db.Model):
    __tablename__ = "scenarios"

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False, index=True)
    account_id = db.Column(db.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True)
    is_primary = db.Column(db.Boolean, nullable=False, default=False)
    title = db.Column(db.String(100), nullable=False)
    description = db.Column(db.String(500))
    type = db.Column(db.String(12), nullable=False, default="no-interest")
    # Percent per year, kept as text so "2.4" stays exactly 2.4.
    interest_rate = db.Column(db.String(20))
    # PocketSmith's numbers: 0 none, 2 weekly, 3 fortnightly, 4 monthly, 5 yearly, 7 quarterly.
    interest_rate_repeat_id = db.Column(db.Integer, nullable=False, default=0)
    # Minor units of the account's currency.
    minimum_value = db.Column(db.BigInteger)
    maximum_value = db.Column(db.BigInteger)
    achieve_date = db.Column(db.Date)

    account = db.relationship("Account")


# One primary scenario per account.
db.Index("uq_scenarios_primary_account", Scenario.account_id, unique=True,
         sqlite_where=text("is_primary"), postgresql_where=text("is_primary"))


class BudgetEvent(TimestampMixin, db.Model):
    __tablename__ = "budget_events"
    __table_args__ = (db.Index("ix_budget_events_ledger_start", "ledger_id", "start_date"),)

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    scenario_id = db.Column(db.ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False, index=True)
    category_id = db.Column(db.ForeignKey("categories.id", ondelete="CASCADE"), nullable=False, index=True)
    # Signed minor units of ``currency``: negative = money out (a bill, a budget).
    amount = db.Column(db.BigInteger, nullable=False)
    currency = db.Column(db.String(3), nullable=False)
    start_date = db.Column(db.Date, nullable=False)
    repeat_type = db.Column(db.String(12), nullable=False, default="once")
    repeat_interval = db.Column(db.Integer, nullable=False, default=1)
    # Either or neither: the last day an occurrence may fall on, or how many there are.
    end_date = db.Column(db.Date)
    occurrences = db.Column(db.Integer)
    note = db.Column(db.String(500))
    colour = db.Column(db.String(7))
    # Recorded as a transaction by ``flask post-due`` when due (services/planning/recurring.py).
    post_automatically = db.Column(db.Boolean, nullable=False, default=False)
    # Set by the Budgets page ("set a category's budget"): the category's budget, found
    # again by that page, and not a bill (the dashboard's next bills leave it out).
    is_budget = db.Column(db.Boolean, nullable=False, default=False)

    scenario = db.relationship("Scenario")
    category = db.relationship("Category")


class EventOccurrence(db.Model):
    """What happened to one occurrence of a series (none of this = still expected)."""

    __tablename__ = "event_occurrences"
    __table_args__ = (db.UniqueConstraint("event_id", "occurs_on"),)

    id = db.Column(BigId, primary_key=True)
    event_id = db.Column(db.ForeignKey("budget_events.id", ondelete="CASCADE"), nullable=False)
    occurs_on = db.Column(db.Date, nullable=False)
    state = db.Column(db.String(10), nullable=False)
    transaction_id = db.Column(db.ForeignKey("transactions.id", ondelete="SET NULL"), index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class CategoryBudgetOption(db.Model):
    """A ledger's budgeting choices for one category (system ones included)."""

    __tablename__ = "category_budget_options"
    __table_args__ = (db.UniqueConstraint("ledger_id", "category_id"),)

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    category_id = db.Column(db.ForeignKey("categories.id", ondelete="CASCADE"), nullable=False, index=True)
    # Carry what is left (or overspent) of a period into the next one.
    rollover = db.Column(db.Boolean, nullable=False, default=False)


class BudgetAssignment(TimestampMixin, db.Model):
    """Envelope budgeting: money assigned to a category for one calendar month, in the
    ledger's base currency (minor units)."""

    __tablename__ = "budget_assignments"
    __table_args__ = (db.UniqueConstraint("ledger_id", "category_id", "month"),)

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    category_id = db.Column(db.ForeignKey("categories.id", ondelete="CASCADE"), nullable=False, index=True)
    month = db.Column(db.Date, nullable=False)  # first day of the month
    amount = db.Column(db.BigInteger, nullable=False)


class _CategoryTotal:
    """The columns a day's and a month's category totals share."""

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    currency = db.Column(db.String(3), nullable=False)
    debit = db.Column(db.BigInteger, nullable=False, default=0)  # >= 0: money out
    credit = db.Column(db.BigInteger, nullable=False, default=0)  # >= 0: money in
    count = db.Column(db.Integer, nullable=False, default=0)

    @declared_attr
    def category_id(cls):
        return db.Column(db.ForeignKey("categories.id", ondelete="CASCADE"), nullable=False, index=True)


class CategoryDayTotal(_CategoryTotal, db.Model):
    __tablename__ = "category_day_totals"
    __table_args__ = (db.UniqueConstraint("ledger_id", "day", "category_id", "currency"),)

    day = db.Column(db.Date, nullable=False)


class CategoryMonthTotal(_CategoryTotal, db.Model):
    __tablename__ = "category_month_totals"
    __table_args__ = (db.UniqueConstraint("ledger_id", "month", "category_id", "currency"),)

    month = db.Column(db.Date, nullable=False)  # first day of the month
