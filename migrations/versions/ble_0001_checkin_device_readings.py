"""ble: which check-in values were read from a Bluetooth LE device (model name, raw bytes)

Revision ID: ble_0001
Revises: wording_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'ble_0001'
down_revision = 'wording_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_readings', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.drop_column('device_readings')
