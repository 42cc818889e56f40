"""notices: planned outages and announcements, and the accounts each went to

Data: none changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 15:28:33.729234
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('estate', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('buildings', sa.JSON(), nullable=False),
    sa.Column('units', sa.JSON(), nullable=False),
    sa.Column('starts_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('announced_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('cleared_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['estate'], ['estates.code'], name=op.f('fk_notices_estate_estates')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_notices_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('number', name=op.f('uq_notices_number'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_estate_status', ['estate', 'status'], unique=False)

    op.create_table('notice_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=True),
    sa.Column('reporter', sa.Boolean(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_notice_recipients_home_id_homes')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_recipients_notice_id_notices'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_recipients')),
    sa.UniqueConstraint('notice_id', 'openid', name=op.f('uq_notice_recipients_notice_id_openid'))
    )
    with op.batch_alter_table('notice_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_recipients_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_recipients_openid'), ['openid'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('notice_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_recipients_openid'))
        batch_op.drop_index(batch_op.f('ix_notice_recipients_notice_id'))

    op.drop_table('notice_recipients')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_estate_status')

    op.drop_table('notices')
