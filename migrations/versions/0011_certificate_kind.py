"""certificates.kind takes "change_reissue" (14 characters; the column had 10, which PostgreSQL enforced)

Revision ID: 0011_certificate_kind
Revises: 0010_two_factor
Create Date: 2026-12-01 14:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_certificate_kind'
down_revision = '0010_two_factor'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=10), type_=sa.String(length=20),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=20), type_=sa.String(length=10),
                              existing_nullable=False)
