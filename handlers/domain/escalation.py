"""The periodic SLA check: escalate what is about to be or is overdue, each step once.

For every open deadline: at 80% of the time allowed (``sla.warn_at_fraction``) the assignee is
warned; when it is overdue the supervisors are told; when it is overdue by half as long again
(150% of the time allowed) the estate manager (staff role ``admin``) is told. Each step happens
once per deadline (``escalation_level``); a reopened ticket's fresh deadlines start again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.notify import Notifier
from handlers.domain.sla import SlaPolicy
from handlers.domain.tickets import OPEN_STATUSES
from handlers.replies import staff as replies
from models import Staff, Ticket, TicketDeadline

WARN, OVERDUE, SEVERE = 1, 2, 3
SEVERE_FRACTION = 1.5


def level_at(deadline: TicketDeadline, now: datetime, sla: SlaPolicy) -> int:
    allowed = deadline.due_at - deadline.starts_at
    if now >= deadline.starts_at + allowed * SEVERE_FRACTION:
        return SEVERE
    if now >= deadline.due_at:
        return OVERDUE
    if now >= sla.warn_at(deadline.starts_at, deadline.due_at):
        return WARN
    return 0


async def escalate_due(session: AsyncSession, now: datetime, sla: SlaPolicy, notifier: Notifier,
                       settings: Settings) -> int:
    """Send the escalations due at ``now``; returns how many notifications were queued."""
    rows = (await session.execute(
        select(TicketDeadline, Ticket)
        .join(Ticket, Ticket.id == TicketDeadline.ticket_id)
        .where(TicketDeadline.met_at.is_(None), TicketDeadline.escalation_level < SEVERE,
               Ticket.status.in_(OPEN_STATUSES))
        .order_by(TicketDeadline.due_at)
    )).all()
    if not rows:
        return 0
    staff = list(await session.scalars(select(Staff)))
    by_id = {person.id: person for person in staff}
    supervisors = [p for p in staff if p.role == "supervisor"]
    managers = [p for p in staff if p.role == "admin"]
    queued = 0
    for deadline, ticket in rows:
        target_level = level_at(deadline, now, sla)
        for level in range(deadline.escalation_level + 1, target_level + 1):
            assignee = by_id.get(ticket.assignee_id or 0)
            recipients = {WARN: [assignee] if assignee else supervisors, OVERDUE: supervisors, SEVERE: managers}[level]
            text = replies.ESCALATION[level].format(
                number=ticket.number, deadline=replies.DEADLINE_NAMES.get(deadline.name, deadline.name),
                due=f"{deadline.due_at.astimezone(settings.tz):%m-%d %H:%M}",
                assignee=assignee.name if assignee else "未派单")
            stamp = int(deadline.starts_at.timestamp())
            for person in recipients:
                key = f"escalate:{ticket.number}:{deadline.name}:{stamp}:{level}:{person.id}"
                queued += await notifier.to_staff(session, person, text, key=key, kind="escalation", ticket=ticket)
        deadline.escalation_level = max(deadline.escalation_level, target_level)
    await session.flush()
    return queued
