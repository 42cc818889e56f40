"""statuses, roles and kinds checked by the schema; the appointment booked on a ticket

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 13:35:57.538785
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# (table, column, allowed values, what a value outside them becomes first)
CHECKS = (
    ("tickets", "status", ("new", "assigned", "accepted", "in_progress", "completed", "visited", "closed", "cancelled"),
     None),
    ("tickets", "tier", ("major", "important", "minor"), None),
    ("ticket_events", "from_status",
     ("new", "assigned", "accepted", "in_progress", "completed", "visited", "closed", "cancelled"), None),
    ("ticket_events", "to_status",
     ("new", "assigned", "accepted", "in_progress", "completed", "visited", "closed", "cancelled"), None),
    ("outbox", "status", ("pending", "sending", "sent", "held", "dead"), "dead"),
    ("outbox", "channel", ("customer_service", "template", "wecom_robot"), None),
    ("home_bindings", "role", ("owner", "tenant"), None),
    ("home_bindings", "status", ("pending", "active", "rejected", "revoked"), None),
    ("residents", "role", ("owner", "tenant"), None),
    ("staff", "role", ("staff", "supervisor", "admin"), None),
    ("return_visits", "status", ("scheduled", "sent", "answered", "phone"), None),
    ("gate_passes", "kind", ("visitor", "release"), None),
    ("gate_passes", "status", ("pending_owner", "active", "used", "cancelled", "rejected"), None),
)


def _allowed(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed}) OR {column} IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment', models.types.AwareDateTime(timezone=True), nullable=True))
    for table, column, values, fallback in CHECKS:
        if fallback is not None:
            listed = ", ".join(f"'{value}'" for value in values)
            op.execute(f"UPDATE {table} SET {column} = '{fallback}' WHERE {column} NOT IN ({listed})")
    tables: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for table, column, values, _fallback in CHECKS:
        tables.setdefault(table, []).append((column, values))
    for table, columns in tables.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns:
                batch_op.create_check_constraint(column, _allowed(column, values))


def downgrade() -> None:
    tables: dict[str, list[str]] = {}
    for table, column, _values, _fallback in CHECKS:
        tables.setdefault(table, []).append(column)
    for table, columns in tables.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(f"ck_{table}_{column}", type_="check")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('appointment')
