"""several estates: estate codes, each ticket's estate, the estates a staff member serves, rooms per estate

Data: the estate that was there becomes the ``default`` estate (the code a single-estate
config.yaml has), every ticket gets its home's estate (a shared place: the default one), and every
staff member serves every estate that existed. An empty database gets no rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 19:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

DEFAULT = 'default'


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('estates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=20), nullable=True))
    first = bind.scalar(sa.text("SELECT min(id) FROM estates"))
    bind.execute(sa.text("UPDATE estates SET code = CASE WHEN id = :first THEN :default ELSE 'e' || id END"),
                 {"first": first, "default": DEFAULT})
    if first is None and bind.scalar(sa.text("SELECT count(*) FROM tickets")):
        # Tickets of shared places but no register yet: they still need an estate to belong to.
        bind.execute(sa.text("INSERT INTO estates (code, name) VALUES (:default, '默认小区')"), {"default": DEFAULT})
    with op.batch_alter_table('estates', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=20), nullable=False)
        batch_op.drop_constraint('uq_estates_name', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_estates_code'), ['code'])

    with op.batch_alter_table('homes', schema=None) as batch_op:
        batch_op.drop_constraint('uq_homes_room_key', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_homes_building_id_room_key'), ['building_id', 'room_key'])
        batch_op.create_index(batch_op.f('ix_homes_room_key'), ['room_key'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('estate', sa.String(length=20), nullable=True))
    bind.execute(sa.text(
        "UPDATE tickets SET estate = (SELECT estates.code FROM homes JOIN buildings ON buildings.id = homes.building_id "
        "JOIN estates ON estates.id = buildings.estate_id WHERE homes.id = tickets.home_id)"))
    bind.execute(sa.text("UPDATE tickets SET estate = :default WHERE estate IS NULL"), {"default": DEFAULT})
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.alter_column('estate', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_tickets_estate_estates'), 'estates', ['estate'], ['code'])
        batch_op.create_index('ix_tickets_estate_created', ['estate', 'created_at'], unique=False)

    op.create_table('staff_estates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('estate', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['estate'], ['estates.code'], name=op.f('fk_staff_estates_estate_estates')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_estates_staff_id_staff'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_estates')),
    sa.UniqueConstraint('staff_id', 'estate', name=op.f('uq_staff_estates_staff_id_estate'))
    )
    with op.batch_alter_table('staff_estates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_estates_staff_id'), ['staff_id'], unique=False)
    bind.execute(sa.text("INSERT INTO staff_estates (staff_id, estate) "
                         "SELECT staff.id, estates.code FROM staff CROSS JOIN estates WHERE staff.role <> 'admin'"))


def downgrade() -> None:
    with op.batch_alter_table('staff_estates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_estates_staff_id'))
    op.drop_table('staff_estates')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_estate_created')
        batch_op.drop_constraint(batch_op.f('fk_tickets_estate_estates'), type_='foreignkey')
        batch_op.drop_column('estate')
    with op.batch_alter_table('homes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_homes_room_key'))
        batch_op.drop_constraint(batch_op.f('uq_homes_building_id_room_key'), type_='unique')
        batch_op.create_unique_constraint('uq_homes_room_key', ['room_key'])
    with op.batch_alter_table('estates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_estates_code'), type_='unique')
        batch_op.create_unique_constraint('uq_estates_name', ['name'])
        batch_op.drop_column('code')
