"""ticket offers: who a ticket was offered to for 抢单, so only they may take it

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticket_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('offered_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_ticket_offers_staff_id_staff')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_offers_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_offers')),
    sa.UniqueConstraint('ticket_id', 'staff_id', name=op.f('uq_ticket_offers_ticket_id_staff_id'))
    )
    with op.batch_alter_table('ticket_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_offers_ticket_id'), ['ticket_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ticket_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_offers_ticket_id'))

    op.drop_table('ticket_offers')
