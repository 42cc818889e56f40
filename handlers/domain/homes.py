"""Which home an owner means: the bound home by default, a named room, or a shared place."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Home, HomeBinding, Resident
from models.account import active_bindings

OWNER, TENANT = "owner", "tenant"
ACTIVE, PENDING, REJECTED, REVOKED = "active", "pending", "rejected", "revoked"


@dataclass(frozen=True)
class BoundHome:
    binding: HomeBinding
    home: Home

    @property
    def room(self) -> str:
        return self.home.room_key


async def bound_homes(session: AsyncSession, openid: str, *, statuses: tuple[str, ...] = (ACTIVE,)) -> list[BoundHome]:
    """The homes this account acts for, the current one first."""
    rows = await session.execute(_BOUND_HOMES, {"openid": openid, "statuses": list(statuses)})
    return [BoundHome(binding, home) for binding, home in rows]


def find_bound(homes: list[BoundHome], room: str) -> BoundHome | None:
    """A room named in full (3-2-502), or by its last part (502) when that is unambiguous among the account's homes."""
    room = room.upper()
    exact = [bound for bound in homes if bound.room == room]
    if exact:
        return exact[0]
    if "-" not in room:
        tail = [bound for bound in homes if bound.room.rsplit("-", 1)[-1] == room]
        if len(tail) == 1:
            return tail[0]
    return None


async def home_by_room(session: AsyncSession, room_key: str) -> Home | None:
    return await session.scalar(_HOME_BY_ROOM, {"room_key": room_key.upper()})


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
    return await session.scalar(_RESIDENT_PHONE, {"resident_id": binding.resident_id})


# The statements of every message about a home, built once (building one costs more than running it).
_BOUND_HOMES = (
    select(HomeBinding, Home).join(Home, Home.id == HomeBinding.home_id)
    .where(HomeBinding.openid == bindparam("openid"), HomeBinding.status.in_(bindparam("statuses", expanding=True)))
    .order_by(HomeBinding.is_current.desc(), HomeBinding.id))
_HOME_BY_ROOM = select(Home).where(Home.room_key == bindparam("room_key"))
_RESIDENT_PHONE = select(Resident.phone).where(Resident.id == bindparam("resident_id"))

