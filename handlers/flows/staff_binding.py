"""Binding a staff member's WeChat account by a one-time code from an admin (员工绑定).

Staff commands act on tickets, so the account that may send them must be one an admin vouched
for. An admin runs ``wuyebot staff bind-code PHONE`` and hands the printed code to that person;
the person sends ``员工绑定 12345678`` from their own WeChat. The code works once, for that staff
member, until it expires; only its hash is stored; wrong codes count against the sender's daily
binding attempts like wrong home bindings do. Binding moves the staff rights to the new account
(a lost phone: the old account loses them). See docs/security.md.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.router import Router, Turn
from bot.settings import Settings
from handlers.flows import Flow
from handlers.replies import staff_binding as replies
from models import BindingAttempt, Staff, StaffBindingCode

router = Router("staff_binding")

CODE_DIGITS = 8
CODE_PATTERN = r"(?:员工绑定|绑定员工|員工綁定|綁定員工)\s*[:：]?\s*(\d{8})"
DEFAULT_VALID_HOURS = 24


@dataclass(frozen=True)
class IssuedCode:
    code: str
    staff: Staff
    expires_at: datetime


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


async def issue_code(session: AsyncSession, staff: Staff, now: datetime, *,
                     hours: int = DEFAULT_VALID_HOURS) -> IssuedCode:
    """A fresh code for ``staff``; earlier unused codes of theirs stop working."""
    await session.execute(update(StaffBindingCode)
                          .where(StaffBindingCode.staff_id == staff.id, StaffBindingCode.used_at.is_(None))
                          .values(expires_at=now))
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    expires_at = now + timedelta(hours=hours)
    session.add(StaffBindingCode(staff_id=staff.id, code_hash=_hash(code), created_at=now, expires_at=expires_at))
    await session.flush()
    return IssuedCode(code, staff, expires_at)


@router.text(CODE_PATTERN)
async def bind_staff(turn: Turn, session: AsyncSession, settings: Settings, match: re.Match[str]) -> str:
    if (await _failures_today(session, turn.openid, turn.now, settings)
            >= settings.conversation.binding_attempts_per_day):
        return replies.LOCKED
    row = await session.scalar(select(StaffBindingCode).where(StaffBindingCode.code_hash == _hash(match.group(1))))
    if row is None or row.used_at is not None or row.expires_at <= turn.now:
        session.add(BindingAttempt(openid=turn.openid, at=turn.now, succeeded=False))
        return replies.INVALID
    staff = await session.get(Staff, row.staff_id)
    if staff is None:
        return replies.INVALID
    row.used_at, row.used_by = turn.now, turn.openid
    await session.execute(update(Staff).where(Staff.openid == turn.openid, Staff.id != staff.id).values(openid=None))
    staff.openid = turn.openid
    session.add(BindingAttempt(openid=turn.openid, at=turn.now, succeeded=True))
    return replies.BOUND.format(name=staff.name)


async def _failures_today(session: AsyncSession, openid: str, now: datetime, settings: Settings) -> int:
    start = datetime.combine(now.astimezone(settings.tz).date(), time(0), tzinfo=settings.tz)
    count = await session.scalar(
        select(func.count()).select_from(BindingAttempt)
        .where(BindingAttempt.openid == openid, BindingAttempt.succeeded.is_(False), BindingAttempt.at >= start))
    return int(count or 0)


async def issue_code_command(settings: Settings, phone: str, *, hours: int, now: datetime) -> IssuedCode | None:
    """``wuyebot staff bind-code PHONE``: a code for the staff member with that phone, or None."""
    from bot.storage.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine).begin() as session:
            staff = await session.scalar(select(Staff).where(Staff.phone == phone.strip()))
            return await issue_code(session, staff, now, hours=hours) if staff is not None else None
    finally:
        await engine.dispose()


FLOW = Flow(router)
