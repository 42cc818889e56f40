"""Opening a ticket from an owner's report: merge repeated reports, create, route, notify; and 催单.

Repeated reports of one shared facility (same building and category, a shared place, within
``merge_window_minutes``) join the first open ticket as extra reporters instead of making new
ones; every reporter hears the updates. An owner may chase an open ticket once per
``chase_interval_minutes``; the chase reaches the assignee (or the supervisors when unassigned).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.estates import supervisors_of
from handlers.domain.notify import Notifier
from handlers.domain.routing import RoutingResult, TicketRouter
from handlers.domain.tickets import OPEN_STATUSES, NewTicket, TicketDesk
from handlers.replies import staff as staff_replies
from models import Staff, Ticket, TicketEvent, TicketReporter


@dataclass(frozen=True)
class Opened:
    ticket: Ticket
    merged: bool
    routing: RoutingResult | None


class ChaseOutcome(Enum):
    SENT = "sent"
    TOO_SOON = "too_soon"
    NOT_OPEN = "not_open"


class TicketIntake:
    def __init__(self, desk: TicketDesk, router: TicketRouter, notifier: Notifier, settings: Settings) -> None:
        self.desk = desk
        self._router = router
        self._notifier = notifier
        self._settings = settings

    async def open(self, session: AsyncSession, new: NewTicket, now: datetime, *, by: str, summary: str) -> Opened:
        target = await self._merge_target(session, new, now)
        if target is not None:
            if new.openid and new.openid != target.openid:
                session.add(TicketReporter(ticket_id=target.id, openid=new.openid, description=new.description,
                                           reported_at=now))
            await self.desk.apply(session, target, "note", now, by=by, note=f"又一位业主反映：{new.description}")
            return Opened(ticket=target, merged=True, routing=None)
        ticket = await self.desk.create(session, new, now, by=by)
        routing = await self._router.route(session, ticket, now, summary=f"{ticket.number} {summary}")
        team = f"building-{new.building}" if new.building else ticket.kind
        await self._notifier.to_group(session, team, f"**新工单 {ticket.number}**\n> {summary}",
                                      key=f"group:{ticket.number}", estate=ticket.estate)
        return Opened(ticket=ticket, merged=False, routing=routing)

    async def _merge_target(self, session: AsyncSession, new: NewTicket, now: datetime) -> Ticket | None:
        if new.home_id is not None or not new.place or not new.building or not new.category:
            return None
        estate = await self.desk.estate_for(session, new)  # 3栋电梯 of one estate is not another's
        since = now - timedelta(minutes=self._settings.merge_window_minutes)
        query = (
            select(Ticket)
            .where(Ticket.kind == new.kind, Ticket.estate == estate, Ticket.home_id.is_(None),
                   Ticket.place.is_not(None), Ticket.building == new.building, Ticket.category == new.category,
                   Ticket.status.in_(OPEN_STATUSES), Ticket.created_at >= since)
            .order_by(Ticket.created_at)
            .limit(1)
        )
        found = await session.scalar(query)
        return await self.desk.load(session, found.number, for_update=True) if found else None

    async def chase(self, session: AsyncSession, ticket: Ticket, openid: str, now: datetime) -> ChaseOutcome:
        if ticket.status not in OPEN_STATUSES:
            return ChaseOutcome.NOT_OPEN
        by = f"owner:{openid}"
        last = await session.scalar(select(func.max(TicketEvent.at)).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.action == "chase", TicketEvent.by == by))
        if last is not None and now - last < timedelta(minutes=self._settings.chase_interval_minutes):
            return ChaseOutcome.TOO_SOON
        await self.desk.apply(session, ticket, "chase", now, by=by)
        assignee = await session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
        recipients = [assignee] if assignee else await supervisors_of(
            session, ticket.estate, self._settings.company_default_estate)
        text = staff_replies.CHASED.format(number=ticket.number, summary=ticket.description[:60])
        for person in recipients:
            await self._notifier.to_staff(session, person, text,
                                          key=f"chase:{ticket.number}:{int(now.timestamp())}:{person.id}",
                                          ticket=ticket)
        return ChaseOutcome.SENT
