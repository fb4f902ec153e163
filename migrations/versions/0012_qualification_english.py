"""qualifications: the exporter's English name and address as filed (申报 compares the certificate with them);
code entries: English names up to 600 characters, the search text holds pinyin initials and words without spaces (the tables are reloaded)

Revision ID: 0012_qualification_english
Revises: 0011_certificate_kind
Create Date: 2026-12-01 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_qualification_english'
down_revision = '0011_certificate_kind'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('address_en', sa.String(length=400), nullable=True))
    # China's tariff names run to 434 characters in English.
    with op.batch_alter_table('code_entries', schema=None) as batch_op:
        batch_op.alter_column('name_en', existing_type=sa.String(length=400), type_=sa.String(length=600),
                              existing_nullable=False)
    # The entries' search text is rebuilt by the next `flask refdata load` (make run does it): forget the
    # fingerprints so that every shipped entry is rewritten, not only the changed ones.
    op.execute("UPDATE code_entries SET package_hash = NULL WHERE locally_edited = false")


def downgrade():
    with op.batch_alter_table('code_entries', schema=None) as batch_op:
        batch_op.alter_column('name_en', existing_type=sa.String(length=600), type_=sa.String(length=400),
                              existing_nullable=False)
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.drop_column('address_en')
        batch_op.drop_column('name_en')
