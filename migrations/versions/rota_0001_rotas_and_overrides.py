"""rota, rota_override: who of a tier is on duty when, and admins' overrides

Revision ID: rota_0001
Revises: channels_0001
Create Date: 2026-12-02 01:30:00

"""
from alembic import op
import sqlalchemy as sa

import server.db_types


revision = 'rota_0001'
down_revision = 'channels_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('pattern', sa.String(length=8), nullable=False),
    sa.Column('handoffs', sa.JSON(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('people', sa.JSON(), nullable=False),
    sa.Column('created_at', server.db_types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', server.db_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('centre_id', 'tier', name='uq_rota_centre_tier')
    )
    with op.batch_alter_table('rota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rota_centre_id'), ['centre_id'], unique=False)
    op.create_table('rota_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rota_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', server.db_types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', server.db_types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', server.db_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rota_id'], ['rota.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rota_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rota_override_rota_id'), ['rota_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rota_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rota_override_rota_id'))
    op.drop_table('rota_override')
    with op.batch_alter_table('rota', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rota_centre_id'))
    op.drop_table('rota')
