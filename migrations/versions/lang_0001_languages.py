"""languages: the language of each patient and caregiver (app, instructions, pushes)

Revision ID: lang_0001
Revises: home_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'lang_0001'
down_revision = 'home_0001'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('patient', 'caregiver'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=False,
                                          server_default='en'))


def downgrade():
    for table in ('caregiver', 'patient'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')
