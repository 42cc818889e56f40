"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 08:58:17.172377
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_tokens',
    sa.Column('appid', sa.String(length=64), nullable=False),
    sa.Column('token', sa.String(length=600), nullable=False),
    sa.Column('expires_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('appid', name=op.f('pk_access_tokens'))
    )
    op.create_table('binding_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_binding_attempts'))
    )
    with op.batch_alter_table('binding_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_binding_attempts_openid_at', ['openid', 'at'], unique=False)

    op.create_table('conversation_states',
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('openid', name=op.f('pk_conversation_states'))
    )
    op.create_table('daily_sequences',
    sa.Column('prefix', sa.String(length=1), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', 'day', name=op.f('pk_daily_sequences'))
    )
    op.create_table('estates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_estates')),
    sa.UniqueConstraint('name', name=op.f('uq_estates_name'))
    )
    op.create_table('job_runs',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('fire_time', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('ran_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', 'fire_time', name=op.f('pk_job_runs'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=300), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('due_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_until', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_recipient'), ['recipient'], unique=False)
        batch_op.create_index('ix_outbox_status_due', ['status', 'due_at'], unique=False)

    op.create_table('processed_messages',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('received_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_processed_messages'))
    )
    with op.batch_alter_table('processed_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_messages_openid'), ['openid'], unique=False)
        batch_op.create_index(batch_op.f('ix_processed_messages_received_at'), ['received_at'], unique=False)

    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=True),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('skills', sa.String(length=200), nullable=False),
    sa.Column('on_duty', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('openid', name=op.f('uq_staff_openid')),
    sa.UniqueConstraint('phone', name=op.f('uq_staff_phone'))
    )
    op.create_table('wechat_accounts',
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('subscribed', sa.Boolean(), nullable=False),
    sa.Column('subscribed_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('last_inbound_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('refused_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('prefers_traditional', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('openid', name=op.f('pk_wechat_accounts'))
    )
    op.create_table('buildings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_buildings_estate_id_estates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buildings')),
    sa.UniqueConstraint('estate_id', 'code', name=op.f('uq_buildings_estate_id_code'))
    )
    op.create_table('homes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('room', sa.String(length=20), nullable=False),
    sa.Column('room_key', sa.String(length=50), nullable=False),
    sa.Column('area_m2', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('in_custody', sa.Boolean(), nullable=False),
    sa.Column('prepaid_balance', models.types.Money(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_homes_building_id_buildings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes')),
    sa.UniqueConstraint('room_key', name=op.f('uq_homes_room_key'))
    )
    with op.batch_alter_table('homes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_homes_building_id'), ['building_id'], unique=False)

    op.create_table('bills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('item', sa.String(length=20), nullable=False),
    sa.Column('amount', models.types.Money(), nullable=False),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_bills_home_id_homes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bills')),
    sa.UniqueConstraint('home_id', 'period', 'item', name=op.f('uq_bills_home_id_period_item'))
    )
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bills_home_id'), ['home_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bills_period'), ['period'], unique=False)

    op.create_table('fee_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('amount', models.types.Money(), nullable=False),
    sa.Column('months_owed', sa.Integer(), nullable=False),
    sa.Column('oldest_period', sa.String(length=7), nullable=False),
    sa.Column('sent_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_fee_reminders_home_id_homes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_reminders')),
    sa.UniqueConstraint('home_id', 'month', name=op.f('uq_fee_reminders_home_id_month'))
    )
    with op.batch_alter_table('fee_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_reminders_home_id'), ['home_id'], unique=False)

    op.create_table('residents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_residents_home_id_homes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_residents')),
    sa.UniqueConstraint('home_id', 'phone', name=op.f('uq_residents_home_id_phone'))
    )
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_residents_home_id'), ['home_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_residents_phone'), ['phone'], unique=False)

    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=True),
    sa.Column('place', sa.String(length=100), nullable=True),
    sa.Column('building', sa.String(length=20), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('tier', sa.String(length=10), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=True),
    sa.Column('contact_phone', sa.String(length=11), nullable=True),
    sa.Column('preferred_time', sa.String(length=20), nullable=True),
    sa.Column('multi_trade', sa.Boolean(), nullable=False),
    sa.Column('owner_due', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff.id'], name=op.f('fk_tickets_assignee_id_staff')),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_tickets_home_id_homes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('number', name=op.f('uq_tickets_number'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_home_id'), ['home_id'], unique=False)
        batch_op.create_index('ix_tickets_kind_status', ['kind', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_openid'), ['openid'], unique=False)

    op.create_table('gate_passes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('home_id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('visitor_name', sa.String(length=50), nullable=True),
    sa.Column('plate', sa.String(length=12), nullable=True),
    sa.Column('people', sa.Integer(), nullable=True),
    sa.Column('items', sa.Text(), nullable=True),
    sa.Column('valid_from', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('valid_until', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=14), nullable=False),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_gate_passes_home_id_homes')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_gate_passes_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_passes')),
    sa.UniqueConstraint('code', name=op.f('uq_gate_passes_code')),
    sa.UniqueConstraint('number', name=op.f('uq_gate_passes_number'))
    )
    with op.batch_alter_table('gate_passes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_passes_home_id'), ['home_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_passes_openid'), ['openid'], unique=False)

    op.create_table('home_bindings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_home_bindings_home_id_homes')),
    sa.ForeignKeyConstraint(['openid'], ['wechat_accounts.openid'], name=op.f('fk_home_bindings_openid_wechat_accounts')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_home_bindings_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_bindings'))
    )
    with op.batch_alter_table('home_bindings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_bindings_home_id'), ['home_id'], unique=False)
        batch_op.create_index('ix_home_bindings_openid_status', ['openid', 'status'], unique=False)

    op.create_table('return_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('due_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('sent_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('answered_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_return_visits_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_visits'))
    )
    with op.batch_alter_table('return_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_visits_due_at'), ['due_at'], unique=False)
        batch_op.create_index('ix_return_visits_openid_status', ['openid', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visits_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('starts_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('due_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('met_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_deadlines_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_deadlines')),
    sa.UniqueConstraint('ticket_id', 'name', name=op.f('uq_ticket_deadlines_ticket_id_name'))
    )
    with op.batch_alter_table('ticket_deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_deadlines_open_due', ['met_at', 'due_at'], unique=False)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=True),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_events_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_events'))
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_events_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_reporters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reported_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_reporters_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_reporters')),
    sa.UniqueConstraint('ticket_id', 'openid', name=op.f('uq_ticket_reporters_ticket_id_openid'))
    )
    with op.batch_alter_table('ticket_reporters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_reporters_ticket_id'), ['ticket_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ticket_reporters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_reporters_ticket_id'))

    op.drop_table('ticket_reporters')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_events_ticket_id'))

    op.drop_table('ticket_events')
    with op.batch_alter_table('ticket_deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_deadlines_open_due')

    op.drop_table('ticket_deadlines')
    with op.batch_alter_table('return_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_visits_ticket_id'))
        batch_op.drop_index('ix_return_visits_openid_status')
        batch_op.drop_index(batch_op.f('ix_return_visits_due_at'))

    op.drop_table('return_visits')
    with op.batch_alter_table('home_bindings', schema=None) as batch_op:
        batch_op.drop_index('ix_home_bindings_openid_status')
        batch_op.drop_index(batch_op.f('ix_home_bindings_home_id'))

    op.drop_table('home_bindings')
    with op.batch_alter_table('gate_passes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_passes_openid'))
        batch_op.drop_index(batch_op.f('ix_gate_passes_home_id'))

    op.drop_table('gate_passes')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_openid'))
        batch_op.drop_index('ix_tickets_kind_status')
        batch_op.drop_index(batch_op.f('ix_tickets_home_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_created_at'))
        batch_op.drop_index(batch_op.f('ix_tickets_assignee_id'))

    op.drop_table('tickets')
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_residents_phone'))
        batch_op.drop_index(batch_op.f('ix_residents_home_id'))

    op.drop_table('residents')
    with op.batch_alter_table('fee_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_reminders_home_id'))

    op.drop_table('fee_reminders')
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bills_period'))
        batch_op.drop_index(batch_op.f('ix_bills_home_id'))

    op.drop_table('bills')
    with op.batch_alter_table('homes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_building_id'))

    op.drop_table('homes')
    op.drop_table('buildings')
    op.drop_table('wechat_accounts')
    op.drop_table('staff')
    with op.batch_alter_table('processed_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_messages_received_at'))
        batch_op.drop_index(batch_op.f('ix_processed_messages_openid'))

    op.drop_table('processed_messages')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_due')
        batch_op.drop_index(batch_op.f('ix_outbox_recipient'))

    op.drop_table('outbox')
    op.drop_table('job_runs')
    op.drop_table('estates')
    op.drop_table('daily_sequences')
    op.drop_table('conversation_states')
    with op.batch_alter_table('binding_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_binding_attempts_openid_at')

    op.drop_table('binding_attempts')
    op.drop_table('access_tokens')
