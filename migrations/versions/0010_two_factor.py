"""two factor: TOTP secrets, recovery codes, and the expiry of initial passwords

Revision ID: 0010_two_factor
Revises: 0009_authority_senders
Create Date: 2026-12-01 15:00:00

Officers and system administrators without a second factor are asked to enrol at their next request. An
initial password (set by an admin, not yet changed) that exists at upgrade time expires INITIAL_PASSWORD_HOURS
(72) after the upgrade, like one set afterwards.
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_two_factor'
down_revision = '0009_authority_senders'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_secret_enc', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_recovery_codes_user_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_recovery_codes'),
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index('ix_recovery_codes_user_id', ['user_id'], unique=False)
    expires = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=72)
    users = sa.table('users', sa.column('must_change_password', sa.Boolean()),
                     sa.column('password_expires_at', sa.DateTime()))
    op.execute(users.update().where(users.c.must_change_password.is_(True)).values(password_expires_at=expires))


def downgrade():
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_recovery_codes_user_id')
    op.drop_table('recovery_codes')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret_enc')
        batch_op.drop_column('password_expires_at')
