"""notices: when each user last looked at the 通知, and the indexes of 首页's to-do lists

Revision ID: 0008_notices
Revises: 0007_printing
Create Date: 2026-11-27 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_notices'
down_revision = '0007_printing'
branch_labels = None
depends_on = None


def upgrade():
    # Existing users start with NULL: every answer on their certificates counts as new until they mark it read.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notices_seen_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index('ix_receipts_enterprise_id_status_received_at',
                              ['enterprise_id', 'status', 'received_at'], unique=False)
    with op.batch_alter_table('authority_declarations', schema=None) as batch_op:
        batch_op.create_index('ix_authority_declarations_authority_code_status_decided_at',
                              ['authority_code', 'status', 'decided_at'], unique=False)


def downgrade():
    with op.batch_alter_table('authority_declarations', schema=None) as batch_op:
        batch_op.drop_index('ix_authority_declarations_authority_code_status_decided_at')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index('ix_receipts_enterprise_id_status_received_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notices_seen_at')
