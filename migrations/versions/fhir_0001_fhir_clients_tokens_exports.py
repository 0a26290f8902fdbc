"""FHIR R4 API: backend-services clients, used assertion ids, tokens, export jobs, name flag

Revision ID: fhir_0001
Revises: rota_0001
"""
from alembic import op
import sqlalchemy as sa

from server.db_types import UTCDateTime

revision = 'fhir_0001'
down_revision = 'rota_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fhir_share_names', sa.Boolean(), nullable=False,
                                      server_default='0'))
    op.create_table(
        'fhir_client',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('jwks', sa.JSON(), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['centre_id'], ['centre.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('client_id'),
    )
    op.create_index('ix_fhir_client_centre_id', 'fhir_client', ['centre_id'])
    op.create_table(
        'fhir_assertion_use',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_pk', sa.Integer(), nullable=False),
        sa.Column('jti', sa.String(length=255), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_pk'], ['fhir_client.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('client_pk', 'jti'),
    )
    op.create_index('ix_fhir_assertion_use_expires_at', 'fhir_assertion_use', ['expires_at'])
    op.create_table(
        'fhir_token',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('client_pk', sa.Integer(), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('issued_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_pk'], ['fhir_client.id']),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    op.create_index('ix_fhir_token_client_pk', 'fhir_token', ['client_pk'])
    op.create_index('ix_fhir_token_expires_at', 'fhir_token', ['expires_at'])
    op.create_table(
        'fhir_export',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('owner_kind', sa.String(length=16), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('types', sa.JSON(), nullable=False),
        sa.Column('since', UTCDateTime(), nullable=True),
        sa.Column('request_url', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=True),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.Column('output', sa.JSON(), nullable=False),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['centre_id'], ['centre.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_fhir_export_centre_id', 'fhir_export', ['centre_id'])
    op.create_index('ix_fhir_export_state', 'fhir_export', ['state'])


def downgrade():
    op.drop_table('fhir_export')
    op.drop_table('fhir_token')
    op.drop_table('fhir_assertion_use')
    op.drop_table('fhir_client')
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.drop_column('fhir_share_names')
