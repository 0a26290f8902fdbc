"""channels: per-recipient channel lists (SMS, voice, webhook, PagerDuty), their attempts

Revision ID: channels_0001
Revises: lang_0001
"""
from alembic import op
import sqlalchemy as sa

import server.db_types

revision = 'channels_0001'
down_revision = 'lang_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contact_channel',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_kind', sa.String(length=16), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('delay_seconds', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=1024), nullable=True),
        sa.Column('secret', sa.String(length=128), nullable=True),
        sa.Column('consent_at', server.db_types.UTCDateTime(), nullable=True),
        sa.Column('consent_by_staff_id', sa.Integer(), nullable=True),
        sa.Column('opted_out_at', server.db_types.UTCDateTime(), nullable=True),
        sa.Column('created_at', server.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['patient_id'], ['patient.id']),
        sa.ForeignKeyConstraint(['consent_by_staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_contact_channel_recipient', 'contact_channel',
                    ['recipient_kind', 'recipient_id', 'position'])
    op.create_index('ix_contact_channel_patient_id', 'contact_channel', ['patient_id'])
    op.create_index('ix_contact_channel_address', 'contact_channel', ['address'])
    op.create_table(
        'channel_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('intent_id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('address', sa.String(length=1024), nullable=True),
        sa.Column('at', server.db_types.UTCDateTime(), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=False),
        sa.Column('status_at', server.db_types.UTCDateTime(), nullable=True),
        sa.Column('provider_ref', sa.String(length=64), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['intent_id'], ['notification_intent.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_channel_attempt_intent_id', 'channel_attempt', ['intent_id'])
    op.create_index('ix_channel_attempt_address', 'channel_attempt', ['address'])
    op.create_index('ix_channel_attempt_provider_ref', 'channel_attempt', ['provider_ref'])
    with op.batch_alter_table('notification_intent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('channel_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('chain', sa.String(length=160), nullable=True))
        batch_op.create_index('ix_notification_intent_chain', ['chain'])


def downgrade():
    with op.batch_alter_table('notification_intent', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_intent_chain')
        batch_op.drop_column('chain')
        batch_op.drop_column('channel_kind')
        batch_op.drop_column('channel_id')
    op.drop_table('channel_attempt')
    op.drop_table('contact_channel')
