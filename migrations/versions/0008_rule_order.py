"""Category rules: an order, and how a rule matches

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Until now a payee took the rule it equalled, else the longest one it contained, else
# the oldest. Numbering each ledger's rules longest pattern first, then oldest, gives
# that same answer under the new rule "the first in order that matches wins": a rule
# equal to the payee is at least as long as any other rule the payee contains.
NUMBER = """
UPDATE category_rules SET position = (
    SELECT count(*) FROM category_rules AS earlier
    WHERE earlier.ledger_id = category_rules.ledger_id
      AND (length(trim(earlier.payee_pattern)) > length(trim(category_rules.payee_pattern))
           OR (length(trim(earlier.payee_pattern)) = length(trim(category_rules.payee_pattern))
               AND earlier.id < category_rules.id)))
"""


def upgrade():
    op.add_column('category_rules', sa.Column('match_mode', sa.String(length=12), server_default='contains',
                                              nullable=False))
    op.add_column('category_rules', sa.Column('position', sa.Integer(), server_default='0', nullable=False))
    op.execute(NUMBER)
    op.drop_index('ix_category_rules_ledger_id', table_name='category_rules')
    op.create_index('ix_category_rules_ledger_position', 'category_rules', ['ledger_id', 'position'])


def downgrade():
    op.drop_index('ix_category_rules_ledger_position', table_name='category_rules')
    op.create_index('ix_category_rules_ledger_id', 'category_rules', ['ledger_id'])
    # SQLite (3.35+) drops a plain column in place, as PostgreSQL does.
    op.drop_column('category_rules', 'position')
    op.drop_column('category_rules', 'match_mode')
