"""Short summaries pushed to supervisors: the daily 8:30 brief and the weekly and monthly figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.estates import served_estates
from handlers.domain.notify import Notifier
from handlers.domain.tickets import OPEN_STATUSES
from handlers.replies import visits as replies
from models import ReturnVisit, Staff, Ticket, TicketDeadline


async def supervisors(session: AsyncSession) -> list[Staff]:
    return list(await session.scalars(select(Staff).where(Staff.role.in_(("supervisor", "admin")))))


async def daily_summary(session: AsyncSession, now: datetime, notifier: Notifier, settings: Settings) -> str:
    """Each supervisor's brief covers the estates they serve; an admin's, the company."""
    local = now.astimezone(settings.tz)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    yesterday = day_start - timedelta(days=1)
    texts: dict[frozenset[str] | None, str] = {}
    sent = 0
    for person in await supervisors(session):
        served = await served_estates(session, person, settings.company_default_estate)
        if served not in texts:
            texts[served] = await _brief(session, now, yesterday, day_start, served, settings)
        sent += await notifier.to_staff(session, person, texts[served], key=f"daily:{local:%Y-%m-%d}:{person.id}",
                                        kind="summary")
    return f"{' / '.join(texts.values())} → {sent} people"


async def _brief(session: AsyncSession, now: datetime, yesterday: datetime, day_start: datetime,
                 served: frozenset[str] | None, settings: Settings) -> str:
    def scoped(query: Select[Any]) -> Select[Any]:
        return query if served is None else query.where(Ticket.estate.in_(served))

    open_count = await session.scalar(scoped(
        select(func.count()).select_from(Ticket).where(Ticket.status.in_(OPEN_STATUSES))))
    overdue = await session.scalar(scoped(
        select(func.count(func.distinct(Ticket.id))).select_from(Ticket)
        .join(TicketDeadline, TicketDeadline.ticket_id == Ticket.id)
        .where(Ticket.status.in_(OPEN_STATUSES), TicketDeadline.met_at.is_(None), TicketDeadline.due_at < now)))
    new = await session.scalar(scoped(select(func.count()).select_from(Ticket)
                                      .where(Ticket.created_at >= yesterday, Ticket.created_at < day_start)))
    done = await session.scalar(scoped(select(func.count()).select_from(Ticket)
                                       .where(Ticket.completed_at >= yesterday, Ticket.completed_at < day_start)))
    phone = await session.scalar(scoped(select(func.count()).select_from(ReturnVisit)
                                        .join(Ticket, Ticket.id == ReturnVisit.ticket_id)
                                        .where(ReturnVisit.status == "phone")))
    text = replies.DAILY_SUMMARY.format(day=f"{day_start:%m-%d}", open=open_count, overdue=overdue, new=new,
                                        done=done, phone=phone)
    if settings.multi_estate:  # whose figures these are
        names = [estate.name for estate in settings.estate_list if served is None or estate.code in served]
        text = f"{'、'.join(names) if served is not None else replies.WHOLE_COMPANY}{text}"
    return text
