"""Figures an operator watches, read from the database (``GET /metrics``; docs/operations.md).

They are the same whichever instance is asked, so each instance reports them; Prometheus should
take the maximum across instances, not the sum.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.domain.tickets import OPEN_STATUSES
from models import OutboxMessage, Ticket, TicketDeadline
from models.enums import OutboxStatus


async def outbox_states(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Pushes by state; ``due`` is the depth: pending pushes whose time has come (quiet hours and
    back-off keep the others pending but not due)."""
    counts = {str(status): 0 for status in OutboxStatus}
    rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    for status, count in rows:
        counts[str(status)] = int(count)
    counts["due"] = int(await session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now)) or 0)
    return counts


async def sla_breaches(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Open tickets' deadlines that have passed unmet, by the deadline's name (on_site, resolve …)."""
    rows = await session.execute(
        select(TicketDeadline.name, func.count())
        .join(Ticket, Ticket.id == TicketDeadline.ticket_id)
        .where(TicketDeadline.met_at.is_(None), TicketDeadline.due_at < now, Ticket.status.in_(OPEN_STATUSES))
        .group_by(TicketDeadline.name))
    return {str(name): int(count) for name, count in rows}
