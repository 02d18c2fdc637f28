"""Categories: refund_behaviour holds "debits_are_deductions" (21 characters; it was 20)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 14:10:00

"""
import warnings

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _resize(length):
    # On SQLite a batch rebuilds the table (its indexes, the partial one included, are
    # made again as reflected); the servers change the column in place. Reflecting the
    # tables categories points at reaches users, whose lower(username) index SQLAlchemy
    # cannot reflect: that table is only read, never rebuilt, so the warning is moot.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                sa.exc.SAWarning)
        with op.batch_alter_table('categories') as batch:
            batch.alter_column('refund_behaviour', type_=sa.String(length),
                               existing_type=sa.String(30 if length == 20 else 20))


def upgrade():
    _resize(30)


def downgrade():
    _resize(20)
