"""Agreements since the manual: back-to-back and de minimis on certificates, the applicant undertaking (Decree 270),
RCEP's per-row country of origin and additional criterion, origin declarations and approved exporters

Revision ID: 0013_agreements
Revises: 0012_qualification_english
Create Date: 2026-12-01 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_agreements'
down_revision = '0012_qualification_english'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('back_to_back', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('btb_cert_no', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('btb_cert_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('btb_party', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('btb_origin', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('de_minimis', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('undertaking_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('undertaking_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('declaration_no', sa.String(length=40), nullable=True))
        batch_op.create_index('ix_certificates_declaration_no', ['declaration_no'], unique=True)
    with op.batch_alter_table('certificate_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('criterion_extra', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('origin_country', sa.String(length=2), nullable=True))
    op.create_table(
        'approved_exporters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('approval_no', sa.String(length=20), nullable=False),
        sa.Column('agreements', sa.String(length=200), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name='fk_approved_exporters_enterprise_id_enterprises'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name='fk_approved_exporters_updated_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_approved_exporters'),
        sa.UniqueConstraint('approval_no', name='uq_approved_exporters_approval_no'),
    )
    op.create_index('ix_approved_exporters_enterprise_id', 'approved_exporters', ['enterprise_id'], unique=False)


def downgrade():
    op.drop_index('ix_approved_exporters_enterprise_id', table_name='approved_exporters')
    op.drop_table('approved_exporters')
    with op.batch_alter_table('certificate_items', schema=None) as batch_op:
        batch_op.drop_column('origin_country')
        batch_op.drop_column('criterion_extra')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_certificates_declaration_no')
        batch_op.drop_column('declaration_no')
        batch_op.drop_column('undertaking_at')
        batch_op.drop_column('undertaking_text')
        batch_op.drop_column('de_minimis')
        batch_op.drop_column('btb_origin')
        batch_op.drop_column('btb_party')
        batch_op.drop_column('btb_cert_date')
        batch_op.drop_column('btb_cert_no')
        batch_op.drop_column('back_to_back')
