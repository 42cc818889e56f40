"""Which home an owner means: the bound home by default, a named room, or a shared place."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Turn
from bot.settings import Settings
from models import Building, Estate, Home, HomeBinding, Resident
from models.account import active_bindings

OWNER, TENANT = "owner", "tenant"
ACTIVE, PENDING, REJECTED, REVOKED = "active", "pending", "rejected", "revoked"


@dataclass(frozen=True)
class BoundHome:
    binding: HomeBinding
    home: Home
    estate: str = ""  # its estate's code

    @property
    def room(self) -> str:
        return self.home.room_key


def spans_estates(homes: list[BoundHome]) -> bool:
    """Whether the account's homes are in more than one estate (then replies name the estate)."""
    return len({bound.estate for bound in homes}) > 1


def home_label(bound: BoundHome, homes: list[BoundHome], settings: Settings) -> str:
    """``3-2-501``, or ``兰亭苑 3-2-501`` for an account with homes in several estates."""
    if not spans_estates(homes):
        return bound.room
    return f"{settings.for_estate(bound.estate).estate.name} {bound.room}"


def pick_home(homes: list[BoundHome], *, estate: str | None, room: str | None, ordinal: int | None) -> BoundHome | None:
    """The one home of the account an answer means: by estate, room, both, or its number in the list."""
    if ordinal is not None and estate is None and room is None:
        return homes[ordinal - 1] if 1 <= ordinal <= len(homes) else None
    found = [bound for bound in homes if (estate is None or bound.estate == estate)
             and (room is None or find_bound([bound], room) is not None)]
    return found[0] if len(found) == 1 and (estate is not None or room is not None) else None


async def bound_homes(session: AsyncSession, openid: str, *, statuses: tuple[str, ...] = (ACTIVE,)) -> list[BoundHome]:
    """The homes this account acts for, the current one first."""
    rows = await session.execute(_BOUND_HOMES, {"openid": openid, "statuses": list(statuses)})
    return [BoundHome(binding, home, estate) for binding, home, estate in rows]


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
    select(HomeBinding, Home, Estate.code).join(Home, Home.id == HomeBinding.home_id)
    .join(Building, Building.id == Home.building_id).join(Estate, Estate.id == Building.estate_id)
    .where(HomeBinding.openid == bindparam("openid"), HomeBinding.status.in_(bindparam("statuses", expanding=True)))
    .order_by(HomeBinding.is_current.desc(), HomeBinding.id))
_HOMES_BY_ROOM = (select(Home, Estate.code).join(Building, Building.id == Home.building_id)
                  .join(Estate, Estate.id == Building.estate_id).where(Home.room_key == bindparam("room_key"))
                  .order_by(Estate.id))
_RESIDENT_PHONE = select(Resident.phone).where(Resident.id == bindparam("resident_id"))



WHICH_HOME = "home"  # the question a form asks when the account's homes are in several estates


async def home_for_request(session: AsyncSession, turn: Turn, form: Form[Any], settings: Settings,
                           question: str) -> BoundHome | Ask | None:
    """The home a request (a visitor pass, a release permit …) is for.

    One estate's homes: the current one. Homes in several estates: the one the owner named (the NLU's
    estate and room slots, kept in the form), else ``question`` is asked ({homes} and {example} filled);
    the answer may be an estate, a room or a number from the list. None: bound to nothing.
    """
    homes = await bound_homes(session, turn.openid)
    if not homes:
        return None
    if not spans_estates(homes):
        return homes[0]
    if form.answers.pop(WHICH_HOME, None) is not None:
        slots = turn.understanding.slots
        picked = pick_home(homes, estate=slots.get("estate"), room=slots.get("room"),
                           ordinal=turn.understanding.details.ordinal)
    else:
        picked = pick_home(homes, estate=form.slots.get("estate"), room=form.slots.get("room"), ordinal=None)
    if picked is not None:
        form.slots["estate"], form.slots["room"] = picked.estate, picked.room  # kept for the form's next turns
        return picked
    lines = "\n".join(f"{index}. {home_label(bound, homes, settings)}" for index, bound in enumerate(homes, 1))
    example = settings.for_estate(homes[-1].estate).estate.name
    return Ask(WHICH_HOME, question.format(homes=lines, example=example), free_text=True)
