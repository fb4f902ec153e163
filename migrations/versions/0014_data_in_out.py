"""Data in and out: 商品库 (products and their criteria per agreement), API tokens and idempotency answers

Revision ID: 0014_data_in_out
Revises: 0013_agreements
Create Date: 2026-12-02 06:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_data_in_out'
down_revision = '0013_agreements'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'products',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('hs_code', sa.String(length=12), nullable=True),
        sa.Column('name_cn', sa.String(length=200), nullable=True),
        sa.Column('name_en', sa.String(length=300), nullable=True),
        sa.Column('quantity_unit', sa.String(length=20), nullable=True),
        sa.Column('package_unit', sa.String(length=20), nullable=True),
        sa.Column('weight_unit', sa.String(length=20), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=True),
        sa.Column('producer_name', sa.String(length=200), nullable=True),
        sa.Column('producer_address', sa.String(length=400), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name='fk_products_enterprise_id_enterprises'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name='fk_products_updated_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_products'),
        sa.UniqueConstraint('enterprise_id', 'code', name='uq_products_enterprise_id_code'),
    )
    op.create_index('ix_products_enterprise_id_hs_code', 'products', ['enterprise_id', 'hs_code'], unique=False)
    op.create_table(
        'product_criteria',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('agreement', sa.String(length=20), nullable=False),
        sa.Column('origin_criterion', sa.String(length=20), nullable=False),
        sa.Column('criterion_aux', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], name='fk_product_criteria_product_id_products',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_product_criteria'),
        sa.UniqueConstraint('product_id', 'agreement', name='uq_product_criteria_product_id_agreement'),
    )
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name='fk_api_tokens_enterprise_id_enterprises'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_api_tokens_user_id_users'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_api_tokens_created_by_id_users'),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name='fk_api_tokens_revoked_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_api_tokens'),
        sa.UniqueConstraint('token_hash', name='uq_api_tokens_token_hash'),
    )
    op.create_index('ix_api_tokens_enterprise_id', 'api_tokens', ['enterprise_id'], unique=False)
    op.create_table(
        'api_idempotency',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=100), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                                name='fk_api_idempotency_enterprise_id_enterprises'),
        sa.PrimaryKeyConstraint('id', name='pk_api_idempotency'),
        sa.UniqueConstraint('enterprise_id', 'scope', 'key', name='uq_api_idempotency_key'),
    )


def downgrade():
    op.drop_table('api_idempotency')
    op.drop_index('ix_api_tokens_enterprise_id', table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_table('product_criteria')
    op.drop_index('ix_products_enterprise_id_hs_code', table_name='products')
    op.drop_table('products')
