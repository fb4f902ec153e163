"""authority senders: the 质检通讯平台 accounts the authority issues (only they may post to the inbox)

Revision ID: 0009_authority_senders
Revises: 0008_notices
Create Date: 2026-12-01 13:00:00

Until now the authority accepted the enterprise's own choice of 质检通讯平台帐号/密码 (from 资质备案). From here
on the authority keeps its own register. An existing deployment keeps working: each qualification that has an
account and a password becomes a registered sender with the same account (its password is re-hashed by
`flask authority import-senders`, which needs the encryption key; until then that sender cannot sign in).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_authority_senders'
down_revision = '0008_notices'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'authority_senders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('co_reg_no', sa.String(length=9), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('account', sa.String(length=64), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('password_set_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_authority_senders_created_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_authority_senders'),
        sa.UniqueConstraint('account', name='uq_authority_senders_account'),
        sa.UniqueConstraint('co_reg_no', name='uq_authority_senders_co_reg_no'),
    )


def downgrade():
    op.drop_table('authority_senders')
