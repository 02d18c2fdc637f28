"""Imports: one batch per imported statement, remembered CSV mappings, and the batch of each imported row

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'import_batches',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('ledger_id', BigId, sa.ForeignKey('ledgers.id', name='fk_import_batches_ledger_id_ledgers',
                                                   ondelete='CASCADE'), nullable=False),
        sa.Column('account_id', BigId, sa.ForeignKey('accounts.id', name='fk_import_batches_account_id_accounts',
                                                    ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('file_name', sa.String(255)),
        sa.Column('format', sa.String(30), nullable=False),
        sa.Column('new_count', sa.Integer(), nullable=False),
        sa.Column('duplicate_count', sa.Integer(), nullable=False),
        sa.Column('matched_count', sa.Integer(), nullable=False),
        sa.Column('statement_balance', sa.BigInteger()),
        sa.Column('statement_balance_date', sa.Date()),
        sa.Column('balance_after', sa.BigInteger()),
        sa.Column('reverted_at', sa.DateTime()),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_import_batches'),
    )
    op.create_index('ix_import_batches_ledger_created', 'import_batches', ['ledger_id', 'created_at'])
    op.create_index('ix_import_batches_account_id', 'import_batches', ['account_id'])
    op.create_table(
        'csv_profiles',
        sa.Column('id', BigId, primary_key=True),
        sa.Column('ledger_id', BigId, sa.ForeignKey('ledgers.id', name='fk_csv_profiles_ledger_id_ledgers',
                                                   ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(100), nullable=False),
        sa.Column('header_key', sa.String(2000), nullable=False),
        sa.Column('dialect', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_csv_profiles'),
        sa.UniqueConstraint('ledger_id', 'name', name='uq_csv_profiles_ledger_id'),
    )
    op.create_index('ix_csv_profiles_ledger_header', 'csv_profiles', ['ledger_id', 'header_key'])
    # SQLite cannot add a foreign key to an existing table: batch mode copies the table
    # (as 0003 does for report_id).
    with op.batch_alter_table('transactions', schema=None, reflect_kwargs={'resolve_fks': False}) as batch_op:
        batch_op.add_column(sa.Column('import_batch_id', BigId, nullable=True))
        batch_op.create_index(batch_op.f('ix_transactions_import_batch_id'), ['import_batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_transactions_import_batch_id_import_batches'), 'import_batches',
                                    ['import_batch_id'], ['id'], ondelete='SET NULL')

def downgrade():
    with op.batch_alter_table('transactions', schema=None, reflect_kwargs={'resolve_fks': False}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_transactions_import_batch_id_import_batches'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_transactions_import_batch_id'))
        batch_op.drop_column('import_batch_id')
    op.drop_index('ix_csv_profiles_ledger_header', 'csv_profiles')
    op.drop_table('csv_profiles')
    op.drop_index('ix_import_batches_account_id', 'import_batches')
    op.drop_index('ix_import_batches_ledger_created', 'import_batches')
    op.drop_table('import_batches')
