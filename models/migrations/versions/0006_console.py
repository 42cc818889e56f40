"""the staff console: sign-in invites and lockout, the audit trail, human handoffs, FAQ edits

Data: existing staff get no password (each is invited) and no failed sign-ins; nothing else changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 21:33:24.512371
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_secrets',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_app_secrets'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('target', sa.String(length=120), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_audit_log_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action_at', ['action', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_staff_id'), ['staff_id'], unique=False)

    op.create_table('console_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('used_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_console_invites_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_invites')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_console_invites_token_hash'))
    )
    with op.batch_alter_table('console_invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_invites_staff_id'), ['staff_id'], unique=False)

    op.create_table('faq_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('estate', sa.String(length=20), nullable=False),
    sa.Column('entry', sa.String(length=60), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['estate'], ['estates.code'], name=op.f('fk_faq_answers_estate_estates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_answers')),
    sa.UniqueConstraint('estate', 'entry', name=op.f('uq_faq_answers_estate_entry'))
    )
    op.create_table('handoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('estate', sa.String(length=20), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=True),
    sa.Column('started_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('until', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('last_message_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['staff.id'], name=op.f('fk_handoffs_agent_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['estate'], ['estates.code'], name=op.f('fk_handoffs_estate_estates')),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_handoffs_home_id_homes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoffs'))
    )
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.create_index('ix_handoffs_open', ['ended_at', 'until'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoffs_openid'), ['openid'], unique=False)

    op.create_table('handoff_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=False),
    sa.Column('at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('author', sa.String(length=10), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_handoff_messages_handoff_id_handoffs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_handoff_messages_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_messages'))
    )
    with op.batch_alter_table('handoff_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_messages_handoff_id'), ['handoff_id'], unique=False)

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_changed_at', models.types.AwareDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_signins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', models.types.AwareDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_signins')
        batch_op.drop_column('password_changed_at')

    with op.batch_alter_table('handoff_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_messages_handoff_id'))

    op.drop_table('handoff_messages')
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoffs_openid'))
        batch_op.drop_index('ix_handoffs_open')

    op.drop_table('handoffs')
    op.drop_table('faq_answers')
    with op.batch_alter_table('console_invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_invites_staff_id'))

    op.drop_table('console_invites')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_staff_id'))
        batch_op.drop_index('ix_audit_log_action_at')

    op.drop_table('audit_log')
    op.drop_table('app_secrets')
