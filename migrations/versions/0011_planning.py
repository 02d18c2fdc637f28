"""Planning: scenarios, budget events, budgets, and per-category day and month totals

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:50:00

Every live account gets its primary scenario, and the category totals are summed
once from the transactions there are; from then on every write keeps them.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('budget_assignments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ledger_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_budget_assignments_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], name=op.f('fk_budget_assignments_ledger_id_ledgers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_assignments')),
    sa.UniqueConstraint('ledger_id', 'category_id', 'month', name=op.f('uq_budget_assignments_ledger_id'))
    )
    op.create_index(op.f('ix_budget_assignments_category_id'), 'budget_assignments', ['category_id'], unique=False)

    op.create_table('category_budget_options',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ledger_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rollover', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_category_budget_options_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], name=op.f('fk_category_budget_options_ledger_id_ledgers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_budget_options')),
    sa.UniqueConstraint('ledger_id', 'category_id', name=op.f('uq_category_budget_options_ledger_id'))
    )
    op.create_index(op.f('ix_category_budget_options_category_id'), 'category_budget_options', ['category_id'], unique=False)

    op.create_table('category_day_totals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ledger_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('debit', sa.BigInteger(), nullable=False),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_category_day_totals_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], name=op.f('fk_category_day_totals_ledger_id_ledgers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_day_totals')),
    sa.UniqueConstraint('ledger_id', 'day', 'category_id', 'currency', name=op.f('uq_category_day_totals_ledger_id'))
    )
    op.create_index(op.f('ix_category_day_totals_category_id'), 'category_day_totals', ['category_id'], unique=False)

    op.create_table('category_month_totals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ledger_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('debit', sa.BigInteger(), nullable=False),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_category_month_totals_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], name=op.f('fk_category_month_totals_ledger_id_ledgers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_month_totals')),
    sa.UniqueConstraint('ledger_id', 'month', 'category_id', 'currency', name=op.f('uq_category_month_totals_ledger_id'))
    )
    op.create_index(op.f('ix_category_month_totals_category_id'), 'category_month_totals', ['category_id'], unique=False)

    op.create_table('scenarios',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ledger_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('type', sa.String(length=12), nullable=False),
    sa.Column('interest_rate', sa.String(length=20), nullable=True),
    sa.Column('interest_rate_repeat_id', sa.Integer(), nullable=False),
    sa.Column('minimum_value', sa.BigInteger(), nullable=True),
    sa.Column('maximum_value', sa.BigInteger(), nullable=True),
    sa.Column('achieve_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_scenarios_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], name=op.f('fk_scenarios_ledger_id_ledgers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenarios'))
    )
    op.create_index(op.f('ix_scenarios_account_id'), 'scenarios', ['account_id'], unique=False)
    op.create_index(op.f('ix_scenarios_ledger_id'), 'scenarios', ['ledger_id'], unique=False)
    op.create_index('uq_scenarios_primary_account', 'scenarios', ['account_id'], unique=True, sqlite_where=sa.text('is_primary'), postgresql_where=sa.text('is_primary'))

    op.create_table('budget_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ledger_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scenario_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('repeat_type', sa.String(length=12), nullable=False),
    sa.Column('repeat_interval', sa.Integer(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('occurrences', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('colour', sa.String(length=7), nullable=True),
    sa.Column('post_automatically', sa.Boolean(), nullable=False),
    sa.Column('is_budget', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_budget_events_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], name=op.f('fk_budget_events_ledger_id_ledgers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], name=op.f('fk_budget_events_scenario_id_scenarios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_events'))
    )
    op.create_index(op.f('ix_budget_events_category_id'), 'budget_events', ['category_id'], unique=False)
    op.create_index('ix_budget_events_ledger_start', 'budget_events', ['ledger_id', 'start_date'], unique=False)
    op.create_index(op.f('ix_budget_events_scenario_id'), 'budget_events', ['scenario_id'], unique=False)

    op.create_table('event_occurrences',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('occurs_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('transaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['budget_events.id'], name=op.f('fk_event_occurrences_event_id_budget_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['transaction_id'], ['transactions.id'], name=op.f('fk_event_occurrences_transaction_id_transactions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_occurrences')),
    sa.UniqueConstraint('event_id', 'occurs_on', name=op.f('uq_event_occurrences_event_id'))
    )
    op.create_index(op.f('ix_event_occurrences_transaction_id'), 'event_occurrences', ['transaction_id'], unique=False)



    _backfill()


PRIMARY_SCENARIOS = """
INSERT INTO scenarios (ledger_id, account_id, is_primary, title, type, interest_rate_repeat_id,
                       created_at, updated_at)
SELECT ledger_id, id, TRUE, name, 'no-interest', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM accounts WHERE deleted_at IS NULL
"""

CATEGORY_TOTALS = """
INSERT INTO category_{grain}_totals (ledger_id, category_id, currency, {grain}, debit, credit, count)
SELECT t.ledger_id, t.category_id, a.currency, {bucket},
       SUM(CASE WHEN t.amount < 0 THEN -t.amount ELSE 0 END),
       SUM(CASE WHEN t.amount > 0 THEN t.amount ELSE 0 END), COUNT(*)
FROM transactions AS t JOIN accounts AS a ON a.id = t.account_id
WHERE t.deleted_at IS NULL AND t.category_id IS NOT NULL AND t.transfer_id IS NULL
GROUP BY t.ledger_id, t.category_id, a.currency, {bucket}
"""

BUCKETS = {
    "sqlite": {"day": "date(t.occurred_at)", "month": "strftime('%Y-%m-01', t.occurred_at)"},
    "postgresql": {"day": "CAST(t.occurred_at AS DATE)",
                   "month": "CAST(date_trunc('month', t.occurred_at) AS DATE)"},
}


def _backfill():
    op.execute(PRIMARY_SCENARIOS)
    buckets = BUCKETS[op.get_bind().dialect.name]
    for grain, bucket in buckets.items():
        op.execute(CATEGORY_TOTALS.format(grain=grain, bucket=bucket))


def downgrade():
    for table in ('event_occurrences', 'budget_events', 'scenarios', 'category_month_totals',
                  'category_day_totals', 'category_budget_options', 'budget_assignments'):
        op.drop_table(table)
