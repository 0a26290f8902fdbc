"""escalation_outcome: ASTCT grades and dated treatments recorded per escalation (issue 18)

Revision ID: course_0001
Revises: ble_0001
"""
from alembic import op
import sqlalchemy as sa

import server.db_types


revision = 'course_0001'
down_revision = 'ble_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('escalation_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('crs_grade', sa.Integer(), nullable=True),
    sa.Column('icans_grade', sa.Integer(), nullable=True),
    sa.Column('treatments', sa.JSON(), nullable=False),
    sa.Column('recorded_at', server.db_types.UTCDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', server.db_types.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalation.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('escalation_id')
    )
    with op.batch_alter_table('escalation_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalation_outcome_patient_id'), ['patient_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('escalation_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_outcome_patient_id'))
    op.drop_table('escalation_outcome')
