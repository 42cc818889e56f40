"""The rows behind a human handoff (转人工): one ``Handoff`` per handover and its thread of messages.

The conversation's ``handoff_until`` decides whether the bot answers an owner; these rows are what
the staff console shows and shares between agents: the handoffs open now (newest activity
first), who is answering whom, and every line said, the owner's and the agents'. They are written
in the same transaction as the conversation, so the two never disagree after a commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Handoff, HandoffMessage, Staff

OWNER, AGENT, SYSTEM = "owner", "agent", "system"
THREAD_LIMIT = 200  # lines of one handoff shown to an agent


async def current(session: AsyncSession, openid: str, now: datetime) -> Handoff | None:
    """The owner's handoff that is open at ``now`` (not ended, not run out), if any."""
    return await session.scalar(
        select(Handoff).where(Handoff.openid == openid, Handoff.ended_at.is_(None), Handoff.until > now)
        .order_by(Handoff.id.desc()).limit(1))


async def open_handoff(session: AsyncSession, openid: str, estate: str, home_id: int | None, now: datetime,
                       until: datetime, note: str) -> Handoff:
    """A new handoff, or the open one carried on (asking again while handed over changes no agent)."""
    handoff = await current(session, openid, now)
    if handoff is None:
        handoff = Handoff(openid=openid, estate=estate, home_id=home_id, started_at=now, until=until,
                          last_message_at=now)
        session.add(handoff)
        await session.flush()
    else:
        handoff.until = max(handoff.until, until)
        handoff.last_message_at = now
    await add_line(session, handoff, SYSTEM, note, now)
    return handoff


async def add_line(session: AsyncSession, handoff: Handoff, author: str, text: str, now: datetime,
                   staff: Staff | None = None) -> HandoffMessage:
    line = HandoffMessage(handoff_id=handoff.id, at=now, author=author, text=text,
                          staff_id=staff.id if staff is not None else None)
    session.add(line)
    if author != SYSTEM:
        handoff.last_message_at = now
    await session.flush()
    return line


async def note_owner_message(session: AsyncSession, openid: str, text: str, now: datetime) -> None:
    """An owner's message during the handoff joins its thread (agents see it live)."""
    handoff = await current(session, openid, now)
    if handoff is not None:
        await add_line(session, handoff, OWNER, text, now)


async def extend(session: AsyncSession, openid: str, now: datetime, until: datetime) -> None:
    handoff = await current(session, openid, now)
    if handoff is not None and handoff.until < until:
        handoff.until = until


@dataclass(frozen=True)
class Line:
    id: int
    handoff_id: int
    at: datetime
    author: str
    name: str | None  # the agent's name
    text: str


async def open_handoffs(session: AsyncSession, estates: Iterable[str] | None, now: datetime) -> list[Handoff]:
    """The handoffs open now in those estates (None: all), the latest activity first."""
    query = select(Handoff).where(Handoff.ended_at.is_(None), Handoff.until > now)
    if estates is not None:
        query = query.where(Handoff.estate.in_(list(estates)))
    return list((await session.scalars(query.order_by(Handoff.last_message_at.desc(), Handoff.id.desc()))).all())


async def thread(session: AsyncSession, handoff_id: int) -> list[Line]:
    rows = (await session.execute(
        select(HandoffMessage, Staff.name).outerjoin(Staff, Staff.id == HandoffMessage.staff_id)
        .where(HandoffMessage.handoff_id == handoff_id)
        .order_by(HandoffMessage.id.desc()).limit(THREAD_LIMIT))).all()
    return [_line(message, name) for message, name in reversed(rows)]


async def lines_after(session: AsyncSession, cursor: int, estates: Iterable[str] | None) -> list[Line]:
    """Every line written after ``cursor`` (a line id) in handoffs of those estates: the live feed."""
    query = (select(HandoffMessage, Staff.name).join(Handoff, Handoff.id == HandoffMessage.handoff_id)
             .outerjoin(Staff, Staff.id == HandoffMessage.staff_id).where(HandoffMessage.id > cursor))
    if estates is not None:
        query = query.where(Handoff.estate.in_(list(estates)))
    rows = (await session.execute(query.order_by(HandoffMessage.id).limit(THREAD_LIMIT))).all()
    return [_line(message, name) for message, name in rows]


async def last_line_id(session: AsyncSession) -> int:
    return await session.scalar(select(HandoffMessage.id).order_by(HandoffMessage.id.desc()).limit(1)) or 0


def _line(message: HandoffMessage, name: str | None) -> Line:
    return Line(message.id, message.handoff_id, message.at, message.author, name, message.text)
