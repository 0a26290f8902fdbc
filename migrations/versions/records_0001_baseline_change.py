"""baseline_change: the history of handwriting, tremor and ICE baselines

Revision ID: records_0001
Revises: ladder_0001
Create Date: 2026-12-01 23:00:00

"""
from alembic import op
import sqlalchemy as sa

import server.db_types


revision = 'records_0001'
down_revision = 'ladder_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('baseline_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('previous_checkin_id', sa.Integer(), nullable=True),
    sa.Column('previous_value', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('at', server.db_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('baseline_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_baseline_change_patient_id'), ['patient_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('baseline_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_baseline_change_patient_id'))
    op.drop_table('baseline_change')
