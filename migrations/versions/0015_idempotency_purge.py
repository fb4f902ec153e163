"""Idempotency answers are forgotten after API_IDEMPOTENCY_DAYS: an index on their creation time for the purge

Revision ID: 0015_idempotency_purge
Revises: 0014_data_in_out
Create Date: 2026-12-03 08:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_idempotency_purge'
down_revision = '0014_data_in_out'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_api_idempotency_created_at', 'api_idempotency', ['created_at'])


def downgrade():
    op.drop_index('ix_api_idempotency_created_at', table_name='api_idempotency')
