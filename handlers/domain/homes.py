"""Which home an owner means: the bound home by default, a named room, or a shared place."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Home, HomeBinding, Resident
from models.account import active_bindings

_BUILDING = re.compile(r"([0-9]{1,3}|[A-Za-z])\s*(?:栋|號樓|号楼|幢|座|号)")


async def home_by_room(session: AsyncSession, room_key: str) -> Home | None:
    return await session.scalar(select(Home).where(Home.room_key == room_key.upper()))


async def current_binding(session: AsyncSession, openid: str) -> HomeBinding | None:
    bindings = await active_bindings(session, openid)
    return bindings[0] if bindings else None


async def complete_room(session: AsyncSession, openid: str, room: str) -> str:
    """A bare room number (502) means that room in the building and unit of the owner's current home."""
    if "-" in room:
        return room
    binding = await current_binding(session, openid)
    home = await session.get(Home, binding.home_id) if binding is not None else None
    if home is None:
        return room
    return f"{home.room_key.rsplit('-', 1)[0]}-{room}"


async def registered_phone(session: AsyncSession, binding: HomeBinding | None) -> str | None:
    if binding is None:
        return None
    return await session.scalar(select(Resident.phone).where(Resident.id == binding.resident_id))


def building_of_place(place: str) -> str | None:
    """The building code in a shared place (3栋电梯 → 3, B座大堂 → B), for merging reports."""
    match = _BUILDING.search(place)
    return match.group(1).upper() if match else None
