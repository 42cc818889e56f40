"""deferred_messages: messages acknowledged at the deadline whose handler had not committed

Data: none changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deferred_messages',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('inbound', sa.JSON(), nullable=False),
    sa.Column('deferred_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_deferred_messages'))
    )
    with op.batch_alter_table('deferred_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deferred_messages_deferred_at'), ['deferred_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deferred_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deferred_messages_deferred_at'))

    op.drop_table('deferred_messages')
