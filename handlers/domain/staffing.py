"""Who is on which team: maintenance trades by their skills, and the front desk (前台/客服).

Skills are the repair and complaint categories a person handles (from the staff file). The front
desk is staff with no trade: nothing but 其他 (the front desk sorts what fits nowhere else). A team
is named by a skill, or by ``FRONT_DESK``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Staff

FRONT_DESK = "前台"
NO_TRADE = frozenset({"其他"})


def is_front_desk(person: Staff) -> bool:
    return person.role == "staff" and person.skill_set <= NO_TRADE


def in_team(person: Staff, team: str) -> bool:
    if team == FRONT_DESK:
        return is_front_desk(person)
    return team in person.skill_set


async def is_staff(session: AsyncSession, openid: str) -> bool:
    """Whether the account is a staff member's bound account (docs/security.md)."""
    return await session.scalar(select(Staff.id).where(Staff.openid == openid)) is not None


async def staff_by_openid(session: AsyncSession, openid: str) -> Staff:
    """The staff member behind a bound account; for staff commands, which the dispatcher routes only
    for registered staff openids."""
    staff = await session.scalar(select(Staff).where(Staff.openid == openid))
    assert staff is not None
    return staff


def may_announce(person: Staff) -> bool:
    """Notices to owners come from the front desk, supervisors and admins, not from the trades."""
    return person.role in ("supervisor", "admin") or is_front_desk(person)
