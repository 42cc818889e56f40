"""An owner calling off what they just reported (docs/domain.md, "Calling off").

A false alarm (搞错了，没事了), help no longer needed (人已经出来了，不用来了) or a bare 取消 right
after reporting withdraws the ticket: it is cancelled, never deleted (the record stays with the
owner's words), and everyone who was told of it hears that it is off: the assignee, those it was
offered to, and the supervisors for an emergency. What may be withdrawn:

- an emergency the owner reported within ``EMERGENCY_WINDOW`` that nobody has started on site;
- a repair reported within ``REPAIR_WINDOW`` that nobody has started.

Work already started is not cancelled by a message: the people on it are told the owner's words
and close it themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from handlers.domain.aftercare import owned_by
from handlers.domain.estates import supervisors_of
from handlers.domain.notify import Notifier
from handlers.domain.tickets import OPEN_STATUSES, TRANSITIONS, TicketDesk
from handlers.replies import withdrawal as replies
from models import Staff, Ticket, TicketOffer

EMERGENCY_WINDOW = timedelta(hours=24)
REPAIR_WINDOW = timedelta(hours=2)
WITHDRAWABLE = {"emergency": EMERGENCY_WINDOW, "repair": REPAIR_WINDOW}


@dataclass(frozen=True)
class Withdrawal:
    ticket: Ticket
    cancelled: bool  # False: work had started; the people on it were told instead


async def withdrawable(session: AsyncSession, openid: str, now: datetime) -> Ticket | None:
    """The owner's most recent open ticket they may still call off: an emergency before a repair."""
    for kind, window in WITHDRAWABLE.items():
        ticket = await session.scalar(
            select(Ticket).where(owned_by(openid), Ticket.kind == kind, Ticket.status.in_(OPEN_STATUSES),
                                 Ticket.created_at >= now - window)
            .options(selectinload(Ticket.events), selectinload(Ticket.deadlines))
            .order_by(Ticket.created_at.desc(), Ticket.id.desc()))
        if ticket is not None:
            return ticket
    return None


async def withdraw(session: AsyncSession, ticket: Ticket, openid: str, now: datetime, words: str, *,
                   desk: TicketDesk, notifier: Notifier) -> Withdrawal:
    """Cancel ``ticket`` (or, once work started, tell the people on it) and tell everyone who knew of it."""
    said = words.strip()[:200]
    cancelled = ticket.status in TRANSITIONS["cancel"][0]
    if cancelled:
        await desk.apply(session, ticket, "cancel", now, by=f"owner:{openid}", note=f"业主撤销：{said}")
    else:
        await desk.apply(session, ticket, "note", now, by=f"owner:{openid}", note=f"业主表示不再需要：{said}")
    template = replies.STAFF_WITHDRAWN if cancelled else replies.STAFF_NOT_NEEDED
    text = template.format(number=ticket.number, words=said[:100])
    step = len(ticket.events)
    for person in await _told(session, ticket, desk.default_estate):
        await notifier.to_staff(session, person, text, key=f"withdrawn:{ticket.number}:{step}:{person.id}",
                                ticket=ticket)
    return Withdrawal(ticket, cancelled)


async def _told(session: AsyncSession, ticket: Ticket, default_estate: str) -> list[Staff]:
    """Who knew of the ticket: its assignee, those it was offered to, and (for an emergency) supervisors."""
    offered = select(TicketOffer.staff_id).where(TicketOffer.ticket_id == ticket.id)
    query = select(Staff).where(Staff.id.in_(offered))
    if ticket.assignee_id is not None:
        query = select(Staff).where(Staff.id.in_(offered) | (Staff.id == ticket.assignee_id))
    people = {person.id: person for person in await session.scalars(query)}
    if ticket.kind == "emergency":
        for person in await supervisors_of(session, ticket.estate, default_estate):  # the ticket's estate's
            people.setdefault(person.id, person)
    return sorted(people.values(), key=lambda person: person.id)
