"""Which home an owner means: the bound home by default, a named room, or a shared place."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Building, Estate, Home, HomeBinding, Resident
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


@dataclass(frozen=True)
class EstateHome:
    home: Home
    estate: str  # its estate's code


async def homes_by_room(session: AsyncSession, room_key: str) -> list[EstateHome]:
    """Every home with this room key: one per estate that has it."""
    rows = await session.execute(_HOMES_BY_ROOM, {"room_key": room_key.upper()})
    return [EstateHome(home, estate) for home, estate in rows]


async def home_by_room(session: AsyncSession, room_key: str, estates: Collection[str] | None = None) -> Home | None:
    """The home with this room key among ``estates`` (all when None); None when none or several match."""
    found = [match for match in await homes_by_room(session, room_key)
             if estates is None or match.estate in estates]
    return found[0].home if len(found) == 1 else None


async def estates_of(session: AsyncSession, openid: str) -> list[str]:
    """The estates of the account's active homes, the current home's first."""
    return list(dict.fromkeys(await session.scalars(_ESTATES_OF, {"openid": openid})))


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
_HOMES_BY_ROOM = (select(Home, Estate.code).join(Building, Building.id == Home.building_id)
                  .join(Estate, Estate.id == Building.estate_id).where(Home.room_key == bindparam("room_key"))
                  .order_by(Estate.id))
_ESTATES_OF = (select(Estate.code).join(Building, Building.estate_id == Estate.id)
               .join(Home, Home.building_id == Building.id).join(HomeBinding, HomeBinding.home_id == Home.id)
               .where(HomeBinding.openid == bindparam("openid"), HomeBinding.status == "active")
               .order_by(HomeBinding.is_current.desc(), HomeBinding.id))
_RESIDENT_PHONE = select(Resident.phone).where(Resident.id == bindparam("resident_id"))

