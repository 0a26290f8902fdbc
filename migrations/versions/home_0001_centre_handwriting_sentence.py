"""patient home: the centre's own handwriting sentence (null: the app's, per language)

Revision ID: home_0001
Revises: course_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'home_0001'
down_revision = 'course_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handwriting_sentence', sa.String(length=200),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('centre', schema=None) as batch_op:
        batch_op.drop_column('handwriting_sentence')
