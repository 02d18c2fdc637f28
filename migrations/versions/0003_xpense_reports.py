"""Xpenser reports: folders of expenses, and the transaction's report

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
CURRENT = sa.text('is_current')


def upgrade():
    op.create_table('expense_reports',
    sa.Column('id', BigId, nullable=False),
    sa.Column('ledger_id', BigId, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], name=op.f('fk_expense_reports_ledger_id_ledgers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_reports')),
    sa.UniqueConstraint('ledger_id', 'name', name=op.f('uq_expense_reports_ledger_id'))
    )
    op.create_index('uq_expense_reports_current', 'expense_reports', ['ledger_id'], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)
    # SQLite cannot add a foreign key to an existing table: batch mode copies the table.
    with op.batch_alter_table('transactions', schema=None, reflect_kwargs={'resolve_fks': False}) as batch_op:
        batch_op.add_column(sa.Column('report_id', BigId, nullable=True))
        batch_op.create_index(batch_op.f('ix_transactions_report_id'), ['report_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_transactions_report_id_expense_reports'), 'expense_reports',
                                    ['report_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('transactions', schema=None, reflect_kwargs={'resolve_fks': False}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_transactions_report_id_expense_reports'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_transactions_report_id'))
        batch_op.drop_column('report_id')
    op.drop_index('uq_expense_reports_current', table_name='expense_reports',
                  sqlite_where=CURRENT, postgresql_where=CURRENT)
    op.drop_table('expense_reports')
