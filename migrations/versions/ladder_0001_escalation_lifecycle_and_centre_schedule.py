"""policy v2: escalation lifecycle (worsened, lapsed, follow-up) and centre schedule settings

Revision ID: ladder_0001
Revises: holes_0001
"""
from alembic import op
import sqlalchemy as sa

import server.db_types

revision = 'ladder_0001'
down_revision = 'holes_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('schedule', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('ack_lapse_hours', sa.JSON(), nullable=False,
                                      server_default='{}'))
        batch_op.add_column(sa.Column('proximity_days', sa.Integer(), nullable=False,
                                      server_default='14'))
        batch_op.add_column(sa.Column('driving_days', sa.Integer(), nullable=False,
                                      server_default='14'))
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worsened_at', server.db_types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('ack_lapsed_at', server.db_types.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('followed_up_at', server.db_types.UTCDateTime(),
                                      nullable=True))
    with op.batch_alter_table('escalation_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_reasons', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('escalation_event', schema=None) as batch_op:
        batch_op.drop_column('new_reasons')
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_column('followed_up_at')
        batch_op.drop_column('ack_lapsed_at')
        batch_op.drop_column('worsened_at')
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.drop_column('driving_days')
        batch_op.drop_column('proximity_days')
        batch_op.drop_column('ack_lapse_hours')
        batch_op.drop_column('schedule')
