"""login_throttle (wrong passwords per account and address); device.revoked_reason

Revision ID: holes_0001
Revises: inputs_0001
Create Date: 2026-12-01 22:20:00

"""
from alembic import op
import sqlalchemy as sa

import server.db_types


revision = 'holes_0001'
down_revision = 'inputs_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', server.db_types.UTCDateTime(), nullable=True),
    sa.Column('succeeded_at', server.db_types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account', 'address', name='uq_login_throttle_pair')
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_throttle_last_failure_at'),
                              ['last_failure_at'], unique=False)
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_reason', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('revoked_reason')
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_failure_at'))
        batch_op.drop_index(batch_op.f('ix_login_throttle_account'))
    op.drop_table('login_throttle')
