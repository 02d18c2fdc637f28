"""All-time totals per account: spent, earned, transferred and count beside the balance

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COLUMNS = ('total_spent', 'total_earned', 'total_transferred', 'total_count')
# The monthly totals already hold these sums per month (kept in step with every row
# change, checked by `flask check-balances`): the backfill adds them up per account.
BACKFILL = """
UPDATE accounts SET
    total_spent = coalesce((SELECT sum(m.spent) FROM monthly_totals AS m WHERE m.account_id = accounts.id), 0),
    total_earned = coalesce((SELECT sum(m.earned) FROM monthly_totals AS m WHERE m.account_id = accounts.id), 0),
    total_transferred = coalesce((SELECT sum(m.transferred) FROM monthly_totals AS m
                                  WHERE m.account_id = accounts.id), 0),
    total_count = coalesce((SELECT sum(m.count) FROM monthly_totals AS m WHERE m.account_id = accounts.id), 0)
"""


def upgrade():
    for name in COLUMNS:
        op.add_column('accounts', sa.Column(name, sa.BigInteger(), server_default='0', nullable=False))
    op.execute(BACKFILL)


def downgrade():
    # SQLite (3.35+) drops a plain column in place; batch mode would copy the table and
    # lose its expression index (uq_accounts_ledger_name), which it cannot reflect.
    for name in reversed(COLUMNS):
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE accounts DROP COLUMN {name}')
        else:
            op.drop_column('accounts', name)
