"""The periodic SLA check: escalate what is about to be or is overdue, each step once.

For every open deadline: at 80% of the time allowed (``sla.warn_at_fraction``) the assignee is
warned; when it is overdue the supervisors are told; when it is overdue by half as long again
(150% of the time allowed) the estate manager (staff role ``admin``) is told. Each step happens
once per deadline (``escalation_level``); a reopened ticket's fresh deadlines start again.

A warning is never sent stale (docs/domain.md, "Escalation"):

- when the check first sees a deadline already past (the service was down, or the tick came
  late), the "即将超时" warning is skipped: only the steps still true are sent ("已超时" to the
  supervisors, and "严重超时" to the managers when that is due too);
- an escalation still waiting in the outbox (pending, or held outside a staff member's 48-hour
  window) is dropped, marked dead with the reason, once what it says is no longer true: a
  warning whose deadline has passed, or any escalation whose deadline has been met, restarted
  (reopened) or whose ticket is no longer open (``drop_stale``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.estates import EstateRoster
from handlers.domain.notify import Notifier
from handlers.domain.sla import SlaPolicy
from handlers.domain.tickets import OPEN_STATUSES
from handlers.replies import staff as replies
from models import OutboxMessage, Staff, Ticket, TicketDeadline

WARN, OVERDUE, SEVERE = 1, 2, 3
SEVERE_FRACTION = 1.5
KIND = "escalation"  # the outbox kind of every escalation push (and of its fallback template)
KEY_PREFIX = "escalate:"
STALE = "stale: no longer true when it was due to be sent"


def level_at(deadline: TicketDeadline, now: datetime, sla: SlaPolicy) -> int:
    allowed = deadline.due_at - deadline.starts_at
    if now >= deadline.starts_at + allowed * SEVERE_FRACTION:
        return SEVERE
    if now >= deadline.due_at:
        return OVERDUE
    if now >= sla.warn_at(deadline.starts_at, deadline.due_at):
        return WARN
    return 0


def levels_to_send(already: int, target: int) -> list[int]:
    """The steps to send now, from ``already`` reached to ``target``: a warning only while the
    deadline is still ahead (``target`` is WARN), never beside an overdue notice."""
    return [level for level in range(already + 1, target + 1) if level != WARN or target == WARN]


async def escalate_due(session: AsyncSession, now: datetime, sla: SlaPolicy, notifier: Notifier,
                       settings: Settings) -> int:
    """Send the escalations due at ``now``; returns how many notifications were queued."""
    await drop_stale(session, now)
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
    roster = await EstateRoster.load(session, settings.company_default_estate)
    queued = 0
    for deadline, ticket in rows:
        target_level = level_at(deadline, now, sla)
        # The supervisors of the ticket's estate; the company's managers (admins) for the severe level.
        managers = [p for p in staff if p.role == "admin"]
        supervisors = roster.of((p for p in staff if p.role == "supervisor"), ticket.estate) or managers
        for level in levels_to_send(deadline.escalation_level, target_level):
            assignee = by_id.get(ticket.assignee_id or 0)
            recipients = {WARN: [assignee] if assignee else supervisors, OVERDUE: supervisors, SEVERE: managers}[level]
            text = replies.ESCALATION[level].format(
                number=ticket.number, deadline=replies.DEADLINE_NAMES.get(deadline.name, deadline.name),
                due=f"{deadline.due_at.astimezone(settings.tz):%m-%d %H:%M}",
                assignee=assignee.name if assignee else "未派单")
            stamp = int(deadline.starts_at.timestamp())
            for person in recipients:
                key = f"{KEY_PREFIX}{ticket.number}:{deadline.name}:{stamp}:{level}:{person.id}"
                queued += await notifier.to_staff(session, person, text, key=key, kind=KIND, ticket=ticket)
        deadline.escalation_level = max(deadline.escalation_level, target_level)
    await session.flush()
    return queued


@dataclass(frozen=True)
class _Queued:
    """What an escalation's outbox key says: ``escalate:<number>:<deadline>:<starts_at>:<level>:<staff>``."""

    number: str
    deadline: str
    stamp: int
    level: int

    @classmethod
    def parse(cls, key: str) -> _Queued | None:
        parts = key.removeprefix(KEY_PREFIX).split(":")
        if not key.startswith(KEY_PREFIX) or len(parts) != 5:
            return None
        try:
            return cls(parts[0], parts[1], int(parts[2]), int(parts[3]))
        except ValueError:
            return None


async def drop_stale(session: AsyncSession, now: datetime) -> int:
    """Mark dead the escalations not yet sent that are no longer true (see the module docstring)."""
    waiting = (await session.execute(
        select(OutboxMessage.id, OutboxMessage.idempotency_key)
        .where(OutboxMessage.kind == KIND, OutboxMessage.status.in_(("pending", "held")),
               OutboxMessage.idempotency_key.startswith(KEY_PREFIX, autoescape=True)))).all()
    queued = {row.id: parsed for row in waiting if (parsed := _Queued.parse(row.idempotency_key)) is not None}
    if not queued:
        return 0
    numbers = {item.number for item in queued.values()}
    deadlines = {(ticket.number, deadline.name): (deadline, ticket) for deadline, ticket in (await session.execute(
        select(TicketDeadline, Ticket).join(Ticket, Ticket.id == TicketDeadline.ticket_id)
        .where(Ticket.number.in_(numbers)))).all()}
    stale = []
    for row_id, item in queued.items():
        found = deadlines.get((item.number, item.deadline))
        if found is None:
            continue
        deadline, ticket = found
        if (ticket.status not in OPEN_STATUSES or deadline.met_at is not None
                or int(deadline.starts_at.timestamp()) != item.stamp
                or (item.level == WARN and now >= deadline.due_at)):
            stale.append(row_id)
    if stale:
        await session.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_(stale), OutboxMessage.status.in_(("pending", "held")))
            .values(status="dead", last_error=STALE))
    return len(stale)
