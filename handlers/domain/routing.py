"""Who gets a new ticket (派单): matching skills, by the dispatch mode configured per kind.

- ``least_loaded``: the matching staff member on duty with the fewest open tickets is assigned;
- ``grab`` (抢单): every matching staff member on duty is offered the ticket; the first to reply
  ``接单`` takes it. Who was offered is kept on the ticket (``TicketOffer`` rows), so that only
  they (and supervisors and admins) may take it, across restarts (``handlers.domain.workflow``);
- nobody matching: the supervisor on duty (any supervisor when none is on duty).

Everyone considered serves the ticket's estate (``handlers.domain.estates.staff_of_estate``).

Emergencies also alert every supervisor at once, day or night. Every alert that asks someone to
act carries the owner's booked visit time and the contact phone (``staff_details``), in full: the
person calls the owner back (docs/domain.md, "Privacy").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.estates import staff_of_estate
from handlers.domain.kinds import Dispatch, TicketKind
from handlers.domain.notify import Notifier
from handlers.domain.staffing import in_team
from handlers.domain.tickets import OPEN_STATUSES, TicketDesk
from handlers.replies import staff as replies
from handlers.replies.times import moment
from models import Staff, Ticket, TicketOffer


@dataclass(frozen=True)
class RoutingResult:
    assignee: Staff | None
    offered: tuple[Staff, ...]


class TicketRouter:
    def __init__(self, desk: TicketDesk, notifier: Notifier, settings: Settings) -> None:
        self._desk = desk
        self._notifier = notifier
        self._settings = settings

    async def route(self, session: AsyncSession, ticket: Ticket, now: datetime, *, summary: str) -> RoutingResult:
        """Assign or offer the ticket and notify the people concerned, in the caller's transaction."""
        # Only the people of the ticket's estate (docs/estates.md): another estate's engineer is never sent.
        staff = await staff_of_estate(session, ticket.estate, ("staff", "supervisor"),
                                      self._settings.company_default_estate)
        matching = [s for s in staff if s.on_duty and ticket.category and ticket.category in s.skill_set]
        supervisors = [s for s in staff if s.role == "supervisor"] or await staff_of_estate(
            session, ticket.estate, ("admin",), self._settings.company_default_estate)  # none: the managers
        on_duty_supervisors = [s for s in supervisors if s.on_duty] or supervisors
        kind = self._desk.sla.kinds[ticket.kind]
        mode = getattr(self._settings.dispatch, ticket.kind, "least_loaded")
        result: RoutingResult
        if kind.dispatch is Dispatch.NOBODY:
            return RoutingResult(assignee=None, offered=())
        if kind.dispatch is Dispatch.TEAMS:
            return await self._teams(session, ticket, kind, staff, on_duty_supervisors, now, summary)
        if not matching:
            chosen = await self._least_loaded(session, on_duty_supervisors)
            result = await self._assign(session, ticket, chosen, now, summary)
        elif mode == "grab":
            text = replies.OFFER.format(summary=summary, number=ticket.number,
                                        details=staff_details(ticket, summary, self._settings.tz))
            for person in matching:
                session.add(TicketOffer(ticket_id=ticket.id, staff_id=person.id, offered_at=now))
                await self._notifier.to_staff(session, person, text, key=f"offer:{ticket.number}:{person.id}",
                                              ticket=ticket)
            result = RoutingResult(assignee=None, offered=tuple(matching))
        else:
            chosen = await self._least_loaded(session, matching)
            result = await self._assign(session, ticket, chosen, now, summary)
        if kind.urgent:
            for person in supervisors:
                if person is not result.assignee:
                    await self._notifier.to_staff(
                        session, person, replies.EMERGENCY_ALERT.format(
                            summary=summary, number=ticket.number,
                            details=staff_details(ticket, summary, self._settings.tz)),
                        key=f"emergency:{ticket.number}:{person.id}", ticket=ticket)
        return result

    async def _teams(self, session: AsyncSession, ticket: Ticket, kind: TicketKind, staff: list[Staff],
                     supervisors: list[Staff], now: datetime, summary: str) -> RoutingResult:
        """Several teams must all be there (a lock change): the first team's least-loaded member is
        assigned, every member on duty of the other teams is told the ticket and its time."""
        lead, *others = kind.teams
        leads = [person for person in staff if person.on_duty and in_team(person, lead)]
        chosen = await self._least_loaded(session, leads or supervisors)
        result = await self._assign(session, ticket, chosen, now, summary)
        told: list[Staff] = [chosen] if chosen is not None else []
        for team in others:
            members = [person for person in staff if person.on_duty and in_team(person, team)] or supervisors
            for person in members:
                if person in told:
                    continue
                told.append(person)
                await self._notifier.to_staff(
                    session, person, replies.TEAM_NOTICE.format(
                        summary=summary, number=ticket.number,
                        details=staff_details(ticket, summary, self._settings.tz)),
                    key=f"team:{ticket.number}:{person.id}", ticket=ticket)
        return RoutingResult(assignee=result.assignee, offered=tuple(told))

    async def _assign(self, session: AsyncSession, ticket: Ticket, person: Staff | None, now: datetime,
                      summary: str) -> RoutingResult:
        if person is None:
            return RoutingResult(assignee=None, offered=())
        await self._desk.apply(session, ticket, "assign", now, by="system", note=f"派给 {person.name}",
                               assignee_id=person.id)
        template = replies.EMERGENCY_ALERT if self._desk.sla.kinds[ticket.kind].urgent else replies.ASSIGNED
        await self._notifier.to_staff(
            session, person, template.format(summary=summary, number=ticket.number,
                                             details=staff_details(ticket, summary, self._settings.tz)),
            key=f"assigned:{ticket.number}:{person.id}:{len(ticket.events)}", ticket=ticket)
        return RoutingResult(assignee=person, offered=(person,))

    @staticmethod
    async def _least_loaded(session: AsyncSession, people: list[Staff]) -> Staff | None:
        if not people:
            return None
        loads = dict((await session.execute(
            select(Ticket.assignee_id, func.count())
            .where(Ticket.assignee_id.in_([p.id for p in people]), Ticket.status.in_(OPEN_STATUSES))
            .group_by(Ticket.assignee_id)
        )).all())
        return min(people, key=lambda person: (loads.get(person.id, 0), person.id))


def staff_details(ticket: Ticket, summary: str, tz: ZoneInfo) -> str:
    """The lines a staff alert adds below the summary: the booked visit time and the contact phone,
    each only when the ticket has it and the summary does not already say it ("" when neither)."""
    lines = []
    if ticket.appointment is not None:
        when = moment(ticket.appointment, tz)
        if when not in summary:
            lines.append(replies.DETAIL_APPOINTMENT.format(when=when))
    elif ticket.preferred_time and ticket.preferred_time not in summary:
        lines.append(replies.DETAIL_APPOINTMENT.format(when=ticket.preferred_time))
    if ticket.contact_phone and ticket.contact_phone not in summary:
        lines.append(replies.DETAIL_PHONE.format(phone=ticket.contact_phone))
    return "".join(f"\n{line}" for line in lines)
