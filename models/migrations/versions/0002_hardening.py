"""hardening: replay nonces, health probe, staff binding codes, outbox claims, dedupe keys with the sender

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 12:53:44.579754
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('health_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checked_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_checks'))
    )
    op.create_table('webhook_nonces',
    sa.Column('pair', sa.String(length=120), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('forget_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('pair', name=op.f('pk_webhook_nonces'))
    )
    with op.batch_alter_table('webhook_nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_nonces_forget_at'), ['forget_at'], unique=False)

    op.create_table('staff_binding_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('used_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('used_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_binding_codes_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_binding_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_staff_binding_codes_code_hash'))
    )
    with op.batch_alter_table('staff_binding_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_binding_codes_staff_id'), ['staff_id'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))

    # Dedupe keys now carry the sender (msg:<openid>:<MsgId>); rewrite the ones already stored so a
    # retry arriving across the upgrade still finds its record.
    op.execute("UPDATE processed_messages SET key = 'msg:' || openid || ':' || substr(key, 5) "
               "WHERE key LIKE 'msg:%' AND key NOT LIKE 'msg:' || openid || ':%'")



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('claim_token')

    with op.batch_alter_table('staff_binding_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_binding_codes_staff_id'))

    op.drop_table('staff_binding_codes')
    with op.batch_alter_table('webhook_nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_nonces_forget_at'))

    op.drop_table('webhook_nonces')
    op.drop_table('health_checks')
