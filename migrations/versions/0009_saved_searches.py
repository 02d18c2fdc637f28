"""Saved searches: a named filter of the transactions list

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 13:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'saved_searches',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('ledger_id', BigId, sa.ForeignKey('ledgers.id', name='fk_saved_searches_ledger_id_ledgers',
                                                   ondelete='CASCADE'), nullable=False),
        sa.Column('title', sa.String(100), nullable=False),
        sa.Column('title_key', sa.String(300), nullable=False),
        sa.Column('query_string', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_saved_searches'),
        sa.UniqueConstraint('ledger_id', 'title_key', name='uq_saved_searches_ledger_id'),
    )


def downgrade():
    op.drop_table('saved_searches')
