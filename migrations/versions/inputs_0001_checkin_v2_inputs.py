"""check-in inputs of policy v2: respiratory rate, fever medicine, free text, ICE self-check

Revision ID: inputs_0001
Revises: 819f83f44aad
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'inputs_0001'
down_revision = '819f83f44aad'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ice_self', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('respiratory_rate', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('antipyretic', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('antipyretic_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('other_text', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.drop_column('other_text')
        batch_op.drop_column('antipyretic_kind')
        batch_op.drop_column('antipyretic')
        batch_op.drop_column('respiratory_rate')
        batch_op.drop_column('ice_self')
