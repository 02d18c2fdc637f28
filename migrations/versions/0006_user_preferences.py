"""Users: a display name and the two preferences PocketSmith clients read and set

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('display_name', sa.String(100)))
    op.add_column('users', sa.Column('beta_user', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('users', sa.Column('always_show_base_currency', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))


def downgrade():
    for column in ('always_show_base_currency', 'beta_user', 'display_name'):
        op.drop_column('users', column)
