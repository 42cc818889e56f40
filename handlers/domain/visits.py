"""Return visits (回访): scheduled when work is done, sent when due, reminded once, then a phone call.

Delays from config.yaml (docs/domain.md): safety-facility repairs 2 days after completion,
leak repairs 3 days after completion (after the leak test, 试漏), other repairs 2 days; complaints
3 days after closing. One reminder after ``reminder_after_days`` without an answer; still no answer
``phone_visit_after_days`` after sending → status ``phone``: listed for staff to call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain.kinds import TicketKind, Visit
from handlers.replies import visits as replies
from models import ReturnVisit, Ticket
from models.enums import VisitStatus

SAFETY_CATEGORIES = frozenset({"电梯", "燃气", "公共设施"})
LEAK_CATEGORIES = frozenset({"渗漏水"})


def visit_delay(ticket: Ticket, kind: TicketKind, settings: Settings) -> timedelta | None:
    """How long after the work is done (or the ticket closed) the visit is due; None when the kind gets none."""
    days = settings.return_visit
    if kind.visit is Visit.AFTER_COMPLETION:
        if ticket.category in LEAK_CATEGORIES:
            return timedelta(days=days.leak_repair_days)
        if ticket.category in SAFETY_CATEGORIES:
            return timedelta(days=days.safety_repair_days)
        return timedelta(days=days.other_repair_days)
    if kind.visit is Visit.AFTER_CLOSING:
        return timedelta(days=days.complaint_days)
    return None


async def schedule_visit(session: AsyncSession, ticket: Ticket, kind: TicketKind, at: datetime,
                         settings: Settings) -> ReturnVisit | None:
    """Repairs at completion, complaints at closing (as the kind says); one open visit per ticket."""
    delay = visit_delay(ticket, kind, settings.for_estate(ticket.estate))  # the estate's own return-visit days
    if delay is None or not ticket.openid:
        return None
    existing = await session.scalar(select(ReturnVisit).where(
        ReturnVisit.ticket_id == ticket.id, ReturnVisit.status.in_(("scheduled", "sent"))))
    if existing is not None:
        return existing
    visit = ReturnVisit(ticket_id=ticket.id, openid=ticket.openid, due_at=at + delay, status="scheduled")
    session.add(visit)
    await session.flush()
    return visit


async def run_return_visits(session: AsyncSession, now: datetime, outbox: Outbox, settings: Settings) -> str:
    days = settings.return_visit
    due = (await session.execute(
        select(ReturnVisit, Ticket).join(Ticket, Ticket.id == ReturnVisit.ticket_id)
        .where(ReturnVisit.status == "scheduled", ReturnVisit.due_at <= now))).all()
    for visit, ticket in due:
        local = settings.for_estate(ticket.estate)  # the ticket's estate: its name and quiet hours
        await outbox.enqueue(session, key=f"visit:{visit.id}", recipient=visit.openid, kind="return_visit",
                             text=replies.RETURN_VISIT.format(estate=local.estate.name, number=ticket.number,
                                                              description=ticket.description[:30]),
                             quiet_hours=local.quiet_hours)
        visit.status, visit.sent_at = VisitStatus.SENT, now
    reminders = (await session.execute(
        select(ReturnVisit, Ticket).join(Ticket, Ticket.id == ReturnVisit.ticket_id)
        .where(ReturnVisit.status == "sent", ReturnVisit.reminded_at.is_(None),
               ReturnVisit.sent_at <= now - timedelta(days=days.reminder_after_days)))).all()
    for visit, ticket in reminders:
        await outbox.enqueue(session, key=f"visit-reminder:{visit.id}", recipient=visit.openid, kind="return_visit",
                             text=replies.RETURN_VISIT_REMINDER.format(number=ticket.number),
                             quiet_hours=settings.for_estate(ticket.estate).quiet_hours)
        visit.reminded_at = now
    unanswered = list(await session.scalars(
        select(ReturnVisit).where(ReturnVisit.status == "sent",
                                  ReturnVisit.sent_at <= now - timedelta(days=days.phone_visit_after_days))))
    for visit in unanswered:
        visit.status = VisitStatus.PHONE
    await session.flush()
    return f"sent {len(due)}, reminded {len(reminders)}, to phone {len(unanswered)}"
