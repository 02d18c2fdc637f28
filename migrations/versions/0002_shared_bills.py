"""shared bills: projects, members, bills, their owers, and the audit log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 13:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('projects',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('default_currency', sa.String(length=3), nullable=False),
    sa.Column('history_enabled', sa.Boolean(), nullable=False),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_projects_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_owner_id'), ['owner_id'], unique=False)
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.String(length=64), nullable=True),
    sa.Column('ledger_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor', sa.String(length=150), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], name=op.f('fk_audit_events_ledger_id_ledgers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_audit_events_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_ledger_id', ['ledger_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_project_id', ['project_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_user_id'), ['user_id'], unique=False)
    op.create_table('project_members',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('weight_milli', sa.Integer(), nullable=False),
    sa.Column('activated', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('record_share', sa.Boolean(), nullable=False),
    sa.Column('share_account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('share_category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('paid', sa.BigInteger(), nullable=False),
    sa.Column('owed', sa.BigInteger(), nullable=False),
    sa.Column('transferred', sa.BigInteger(), nullable=False),
    sa.Column('received', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_members_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['share_account_id'], ['accounts.id'], name=op.f('fk_project_members_share_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['share_category_id'], ['categories.id'], name=op.f('fk_project_members_share_category_id_categories'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_project_members_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_members')),
    sa.UniqueConstraint('project_id', 'user_id', name=op.f('uq_project_members_project_id'))
    )
    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_members_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_members_share_account_id'), ['share_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_members_share_category_id'), ['share_category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_members_user_id'), ['user_id'], unique=False)
    op.create_table('bills',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('project_id', sa.String(length=64), nullable=False),
    sa.Column('payer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('original_currency', sa.String(length=3), nullable=False),
    sa.Column('converted_amount', sa.BigInteger(), nullable=False),
    sa.Column('fx_rate', sa.String(length=40), nullable=True),
    sa.Column('fx_rate_date', sa.Date(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('creation_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=False),
    sa.Column('bill_type', sa.String(length=13), server_default=sa.text("'Expense'"), nullable=False),
    sa.Column('external_link', sa.String(length=2048), server_default=sa.text("''"), nullable=False),
    sa.ForeignKeyConstraint(['payer_id'], ['project_members.id'], name=op.f('fk_bills_payer_id_project_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_bills_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bills'))
    )
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bills_payer_id'), ['payer_id'], unique=False)
        batch_op.create_index('ix_bills_project_date', ['project_id', 'date', 'creation_date', 'id'], unique=False)
    op.create_table('bill_owers',
    sa.Column('bill_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('share', sa.BigInteger(), nullable=False),
    sa.Column('transaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['bill_id'], ['bills.id'], name=op.f('fk_bill_owers_bill_id_bills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['project_members.id'], name=op.f('fk_bill_owers_member_id_project_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['transaction_id'], ['transactions.id'], name=op.f('fk_bill_owers_transaction_id_transactions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('bill_id', 'member_id', name=op.f('pk_bill_owers'))
    )
    with op.batch_alter_table('bill_owers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bill_owers_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bill_owers_transaction_id'), ['transaction_id'], unique=False)


def downgrade():
    with op.batch_alter_table('bill_owers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bill_owers_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_bill_owers_member_id'))
    op.drop_table('bill_owers')
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_project_date')
        batch_op.drop_index(batch_op.f('ix_bills_payer_id'))
    op.drop_table('bills')
    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_project_members_share_category_id'))
        batch_op.drop_index(batch_op.f('ix_project_members_share_account_id'))
        batch_op.drop_index(batch_op.f('ix_project_members_project_id'))
    op.drop_table('project_members')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_user_id'))
        batch_op.drop_index('ix_audit_events_project_id')
        batch_op.drop_index('ix_audit_events_ledger_id')
    op.drop_table('audit_events')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_owner_id'))
    op.drop_table('projects')
