"""Attachments: stored files (content-addressed) and their links to transactions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'attachments',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('ledger_id', BigId, sa.ForeignKey('ledgers.id', name='fk_attachments_ledger_id_ledgers',
                                                   ondelete='CASCADE'), nullable=False),
        sa.Column('title', sa.String(255), nullable=False),
        sa.Column('file_name', sa.String(255), nullable=False),
        sa.Column('content_type', sa.String(100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('digest', sa.String(64), nullable=False),
        sa.Column('large_digest', sa.String(64)),
        sa.Column('thumb_digest', sa.String(64)),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_attachments'),
    )
    op.create_index('ix_attachments_ledger_created', 'attachments', ['ledger_id', 'created_at'])
    # A file is removed when no row names its digest in any of the three columns.
    for column in ('digest', 'large_digest', 'thumb_digest'):
        op.create_index(f'ix_attachments_{column}', 'attachments', [column])
    op.create_table(
        'attachment_transactions',
        sa.Column('attachment_id', BigId, sa.ForeignKey(
            'attachments.id', name='fk_attachment_transactions_attachment_id_attachments', ondelete='CASCADE'),
            nullable=False),
        sa.Column('transaction_id', BigId, sa.ForeignKey(
            'transactions.id', name='fk_attachment_transactions_transaction_id_transactions', ondelete='CASCADE'),
            nullable=False),
        sa.PrimaryKeyConstraint('attachment_id', 'transaction_id', name='pk_attachment_transactions'),
    )
    op.create_index('ix_attachment_transactions_transaction_id', 'attachment_transactions', ['transaction_id'])


def downgrade():
    op.drop_index('ix_attachment_transactions_transaction_id', 'attachment_transactions')
    op.drop_table('attachment_transactions')
    for column in ('thumb_digest', 'large_digest', 'digest'):
        op.drop_index(f'ix_attachments_{column}', 'attachments')
    op.drop_index('ix_attachments_ledger_created', 'attachments')
    op.drop_table('attachments')
