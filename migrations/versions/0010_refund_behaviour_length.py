"""Categories: refund_behaviour holds "debits_are_deductions" (21 characters; it was 20)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 14:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _resize(length, was):
    # SQLite does not enforce a VARCHAR's length, and changing the declared one there
    # means rebuilding the table: dropping the old one, with foreign keys on, would
    # delete every category rule and uncategorise every transaction (ON DELETE CASCADE
    # and SET NULL). Only the servers that check the length need the change.
    if op.get_bind().dialect.name != 'sqlite':
        op.alter_column('categories', 'refund_behaviour', type_=sa.String(length), existing_type=sa.String(was))


def upgrade():
    _resize(30, 20)


def downgrade():
    _resize(20, 30)
