"""staff app wording: the centre's clock format (24h / 12h) for every time the staff app shows

Revision ID: wording_0001
Revises: records_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'wording_0001'
down_revision = 'records_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_format', sa.String(length=3), nullable=False,
                                      server_default='24h'))


def downgrade():
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.drop_column('time_format')
