"""Short summaries pushed to supervisors: the daily 8:30 brief and the weekly and monthly figures."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.notify import Notifier
from handlers.domain.tickets import OPEN_STATUSES
from handlers.replies import visits as replies
from models import ReturnVisit, Staff, Ticket, TicketDeadline


async def supervisors(session: AsyncSession) -> list[Staff]:
    return list(await session.scalars(select(Staff).where(Staff.role.in_(("supervisor", "admin")))))


async def push_to_supervisors(session: AsyncSession, notifier: Notifier, text: str, key: str) -> int:
    sent = 0
    for person in await supervisors(session):
        sent += await notifier.to_staff(session, person, text, key=f"{key}:{person.id}", kind="summary")
    return sent


async def daily_summary(session: AsyncSession, now: datetime, notifier: Notifier, settings: Settings) -> str:
    local = now.astimezone(settings.tz)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    yesterday = day_start - timedelta(days=1)
    open_count = await session.scalar(select(func.count()).select_from(Ticket).where(Ticket.status.in_(OPEN_STATUSES)))
    overdue = await session.scalar(
        select(func.count(func.distinct(Ticket.id))).select_from(Ticket)
        .join(TicketDeadline, TicketDeadline.ticket_id == Ticket.id)
        .where(Ticket.status.in_(OPEN_STATUSES), TicketDeadline.met_at.is_(None), TicketDeadline.due_at < now))
    new = await session.scalar(select(func.count()).select_from(Ticket)
                               .where(Ticket.created_at >= yesterday, Ticket.created_at < day_start))
    done = await session.scalar(select(func.count()).select_from(Ticket)
                                .where(Ticket.completed_at >= yesterday, Ticket.completed_at < day_start))
    phone = await session.scalar(select(func.count()).select_from(ReturnVisit).where(ReturnVisit.status == "phone"))
    text = replies.DAILY_SUMMARY.format(day=f"{local:%m-%d}", open=open_count, overdue=overdue, new=new, done=done,
                                        phone=phone)
    sent = await push_to_supervisors(session, notifier, text, key=f"daily:{local:%Y-%m-%d}")
    return f"{text} → {sent} people"
