"""console sessions that were signed out, and the audit trail looked up by phone

Signing out now outlives copies of the cookie (console_ended_sessions); failed sign-ins of a phone
that is not a staff member's are counted from the audit trail, which gets an index for it.
Data: none changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 15:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('console_ended_sessions',
    sa.Column('sid', sa.String(length=48), nullable=False),
    sa.Column('ended_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sid', name=op.f('pk_console_ended_sessions'))
    )
    with op.batch_alter_table('console_ended_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_ended_sessions_ended_at'), ['ended_at'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_target_action', ['target', 'action'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_target_action')

    with op.batch_alter_table('console_ended_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_ended_sessions_ended_at'))

    op.drop_table('console_ended_sessions')
