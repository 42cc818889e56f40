"""Estates (小区/项目) as the database knows them, and who serves which (docs/estates.md).

An estate's settings live in config.yaml (``Settings.for_estate``); its row in ``estates`` is
what buildings, tickets and staff refer to by code. :func:`sync_estates` writes the configured
estates at start-up, so a new entry in config.yaml needs no other step. Staff serve the estates
of their ``staff_estates`` rows (none: the company's default estate); admins serve the company.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from models import Building, Estate, Home, HomeBinding, Staff, StaffEstate

ADMIN = "admin"
SENDER_ESTATE = "sender_estate"  # the resource sender_scope gives handlers


async def sync_estates(session: AsyncSession, settings: Settings) -> None:
    """Every configured estate has its row (by code), with the configured name.

    Several instances may start at once (or a ``jobs run-due`` beside ``serve``): a row another one
    has just written is left as it is, never an error.
    """
    known: dict[str, str] = dict((await session.execute(select(Estate.code, Estate.name))).all())
    for estate in settings.estate_list:
        if estate.code not in known:
            await _insert_if_missing(session, estate.code, estate.name)
        elif known[estate.code] != estate.name:
            await session.execute(update(Estate).where(Estate.code == estate.code).values(name=estate.name))


async def _insert_if_missing(session: AsyncSession, code: str, name: str) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(insert(Estate).values(code=code, name=name).on_conflict_do_nothing(index_elements=["code"]))


def print_estates(settings: Settings, stdout: TextIO | None = None) -> int:
    """``wuyebot estates list``: one block per estate, the company's default first."""
    out = stdout or sys.stdout
    for estate in settings.estate_list:
        hours = estate.office_hours
        default = "（默认）" if estate.code == settings.company_default_estate else ""
        print(f"{estate.code}\t{estate.name}{default}", file=out)
        print(f"  别名：{'、'.join(estate.aliases) or '无'}", file=out)
        print(f"  地址：{estate.address or '未填写'}；管理处：{estate.office_address or '未填写'}", file=out)
        print(f"  客服热线：{estate.hotline}（{hours.start:%H:%M}-{hours.end:%H:%M}）；"
              f"紧急电话：{estate.emergency_phone}", file=out)
    return 0


async def estate_id(session: AsyncSession, code: str, name: str | None = None) -> int:
    """The row of an estate by code, made when missing (an import before the first start)."""
    found = await session.scalar(select(Estate.id).where(Estate.code == code))
    if found is None:
        await _insert_if_missing(session, code, name or code)
        found = await session.scalar(select(Estate.id).where(Estate.code == code))
    assert found is not None
    return found


async def estate_of_home(session: AsyncSession, home_id: int) -> str | None:
    return await session.scalar(_ESTATE_OF_HOME, {"home_id": home_id})


async def served_estates(session: AsyncSession, person: Staff, default: str) -> frozenset[str] | None:
    """The codes of the estates a staff member serves; None for an admin (the whole company).

    Someone with no estates on file serves ``default``, the company's default estate: what a
    single-estate deployment and its staff file have always meant.
    """
    if person.role == ADMIN:
        return None
    return frozenset(await session.scalars(_SERVED, {"staff_id": person.id})) or frozenset({default})


class EstateRoster:
    """Who serves which estate, read once for a job that looks at many tickets (escalation, visits)."""

    def __init__(self, listed: dict[int, frozenset[str]], default: str) -> None:
        self._listed = listed
        self._default = default

    @classmethod
    async def load(cls, session: AsyncSession, default: str) -> EstateRoster:
        listed: dict[int, set[str]] = {}
        for staff_id, estate in (await session.execute(select(StaffEstate.staff_id, StaffEstate.estate))).all():
            listed.setdefault(staff_id, set()).add(estate)
        return cls({key: frozenset(value) for key, value in listed.items()}, default)

    def serves(self, person: Staff, estate: str) -> bool:
        if person.role == ADMIN:
            return True
        return estate in self._listed.get(person.id, frozenset({self._default}))

    def of(self, people: Iterable[Staff], estate: str) -> list[Staff]:
        return [person for person in people if self.serves(person, estate)]


def serves(served: frozenset[str] | None, estate: str) -> bool:
    return served is None or estate in served


async def staff_named(session: AsyncSession, who: str, estate: str, default: str) -> list[Staff]:
    """The staff a name or phone means for a ticket of ``estate``: those of them who serve it, else all
    of them (the caller refuses someone of another estate). Two 王师傅 of one estate: both, to ask."""
    matching = list(await session.scalars(select(Staff).where((Staff.name == who) | (Staff.phone == who))
                                          .order_by(Staff.id)))
    roster = await EstateRoster.load(session, default)
    return [person for person in matching if roster.serves(person, estate)] or matching


async def supervisors_of(session: AsyncSession, estate: str, default: str) -> list[Staff]:
    """The supervisors who serve an estate; its admins (the company's managers) when it has none, so
    that nothing about it goes unheard."""
    return (await staff_of_estate(session, estate, ("supervisor",), default)
            or await staff_of_estate(session, estate, ("admin",), default))


async def staff_of_estate(session: AsyncSession, estate: str, roles: Iterable[str], default: str) -> list[Staff]:
    """Staff of those roles who serve the estate (admins serve every estate; see served_estates)."""
    listed = select(StaffEstate.staff_id).where(StaffEstate.estate == estate)
    serving = (Staff.role == ADMIN) | Staff.id.in_(listed)
    if estate == default:
        serving = serving | ~Staff.id.in_(select(StaffEstate.staff_id))
    query = select(Staff).where(Staff.role.in_(tuple(roles))).where(serving)
    return list(await session.scalars(query.order_by(Staff.id)))


async def current_estate(session: AsyncSession, openid: str) -> str | None:
    """The estate of the account's current home (None: bound to nothing)."""
    return await session.scalar(_CURRENT_ESTATE, {"openid": openid})


async def estates_of(session: AsyncSession, openid: str) -> list[str]:
    """The estates of the account's active homes, the current home's first."""
    return list(dict.fromkeys(await session.scalars(_ESTATES_OF_ACCOUNT, {"openid": openid})))


async def reporter_estate(session: AsyncSession, openid: str, building: str | None) -> str | None:
    """The estate a bound account's report of a shared place belongs to: of the estates of their homes,
    the one that has the building named (6栋 is 兰亭苑's when only 兰亭苑 has a building 6 among
    them), else their current home's. None: bound to nothing."""
    estates = await estates_of(session, openid)
    if building is not None and len(estates) > 1:
        having = set(await session.scalars(_ESTATES_WITH_BUILDING, {"building": building.upper(), "codes": estates}))
        if len(having) == 1:
            return having.pop()
    return estates[0] if estates else None


async def sender_scope(session: AsyncSession, openid: str, resources: Mapping[str, Any]) -> dict[str, Any]:
    """What a message's handlers see of its sender's estate: that estate's settings and calendar.

    The estate of the account's current home; the company's default for anyone else. A single-estate
    deployment skips the lookup. ``sender_estate`` is the code, None for someone bound to nothing (and
    always in a deployment of one estate): a handler greeting a newcomer speaks for the company.
    """
    settings: Settings = resources["settings"]
    if not settings.multi_estate:
        return {SENDER_ESTATE: None}
    code = await current_estate(session, openid)
    if code is None or code == settings.estate.code:
        return {SENDER_ESTATE: code}
    return {SENDER_ESTATE: code, "settings": settings.for_estate(code), "calendar": resources["sla"].calendar_for(code)}


_ESTATES_OF_ACCOUNT = (select(Estate.code).join(Building, Building.estate_id == Estate.id)
                       .join(Home, Home.building_id == Building.id).join(HomeBinding, HomeBinding.home_id == Home.id)
                       .where(HomeBinding.openid == bindparam("openid"), HomeBinding.status == "active")
                       .order_by(HomeBinding.is_current.desc(), HomeBinding.id))
_CURRENT_ESTATE = _ESTATES_OF_ACCOUNT.limit(1)
_ESTATES_WITH_BUILDING = (select(Estate.code).join(Building, Building.estate_id == Estate.id)
                          .where(Building.code == bindparam("building"),
                                 Estate.code.in_(bindparam("codes", expanding=True))))
_ESTATE_OF_HOME = (select(Estate.code).join(Building, Building.estate_id == Estate.id)
                   .join(Home, Home.building_id == Building.id).where(Home.id == bindparam("home_id")))
_SERVED = select(StaffEstate.estate).where(StaffEstate.staff_id == bindparam("staff_id"))
