"""Staff actions on a ticket and who hears about them: one place for the chat commands and the API.

Who may act from chat (docs/domain.md, "Tickets"):

- **接单 (take).** A ticket offered for 抢单 (still ``new``) is taken by the first of the people it
  was offered to (``TicketOffer`` rows written by ``handlers.domain.routing``); anyone else is
  refused and does not become the assignee. A ticket assigned to one person is taken by that
  person. A ticket with no offer on record (opened before offers were kept) may be taken by staff
  whose skills hold its category.
- **开始, 完工 (work).** Only the assignee: once a supervisor has reassigned a ticket (转派), the new
  assignee, and no longer the old one.
- **转派 (reassign).** The assignee may hand their own ticket on; only supervisors reassign
  someone else's.
- **Supervisors and admins** may do all of it on any ticket. A supervisor's 接单 on a ticket that
  is assigned to someone who has not accepted it yet is a take-over: the supervisor becomes the
  assignee and accepts it at once, and the previous assignee is told not to go (a property manager
  who says "I'll take this one" means it; answering "已被X接单" when X has not taken it was wrong,
  and asking them to 转派 it to themselves first would only add a step). Once X has accepted, the
  supervisor is told so and how to reassign it, because X may already be on the way.

The admin API acts for the office (it holds the admin token) and is not limited by these rules.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.estates import served_estates, serves
from handlers.domain.kinds import Visit
from handlers.domain.notify import Notifier
from handlers.domain.routing import staff_details
from handlers.domain.tickets import ACTION_NAMES, TicketDesk
from handlers.domain.visits import schedule_visit
from handlers.replies import staff as staff_replies
from handlers.replies.times import day_and_time
from models import Staff, Ticket, TicketOffer
from models.enums import StaffRole

SUPERVISING = frozenset({StaffRole.SUPERVISOR, StaffRole.ADMIN})
# Statuses in which somebody already holds the ticket: 接单 by anyone else is answered with who.
HELD = frozenset({"accepted", "in_progress"})


class NotPermitted(Exception):
    """This staff member may not do that to this ticket; the message says why, in Chinese."""


def supervises(person: Staff) -> bool:
    return person.role in SUPERVISING


class Workflow:
    def __init__(self, desk: TicketDesk, notifier: Notifier, settings: Settings) -> None:
        self.desk = desk
        self._notifier = notifier
        self._settings = settings

    async def take(self, session: AsyncSession, ticket: Ticket, me: Staff, now: datetime) -> Staff | None:
        """接单 from chat: assign if needed, then accept (raises NotPermitted or InvalidTransition).

        Returns the person the ticket was taken over from (a supervisor's take-over), else None.
        """
        await self.ensure_serves(session, ticket, me)
        if ticket.status == "new":
            if not supervises(me) and not await self.was_offered(session, ticket, me):
                raise NotPermitted(staff_replies.NOT_OFFERED.format(number=ticket.number))
            await self.desk.apply(session, ticket, "assign", now, by=me.name,
                                  note="抢单" if not supervises(me) else "主管接单", assignee_id=me.id)
        previous: Staff | None = None
        if ticket.assignee_id not in (None, me.id):
            holder = await session.get(Staff, ticket.assignee_id)
            name = holder.name if holder else staff_replies.NOBODY
            if ticket.status in HELD:
                template = staff_replies.SUPERVISOR_ALREADY_TAKEN if supervises(me) else staff_replies.ALREADY_TAKEN
                raise NotPermitted(template.format(number=ticket.number, name=name))
            if ticket.status == "assigned":
                if not supervises(me):
                    raise NotPermitted(staff_replies.ASSIGNED_TO_OTHER.format(number=ticket.number, name=name))
                await self.desk.apply(session, ticket, "assign", now, by=me.name, note=f"主管接手（原派给 {name}）",
                                      assignee_id=me.id)
                previous = holder
        await self.perform(session, ticket, "accept", now, actor=me)
        if previous is not None:
            await self._notifier.to_staff(
                session, previous, staff_replies.TAKEN_OVER_NOTICE.format(number=ticket.number, name=me.name),
                key=f"taken-over:{ticket.number}:{len(ticket.events)}", ticket=ticket)
        return previous

    async def check(self, session: AsyncSession, ticket: Ticket, me: Staff, action: str) -> None:
        """Raise NotPermitted unless ``me`` may ``action`` (start, complete, assign) this ticket from chat."""
        await self.ensure_serves(session, ticket, me)
        if supervises(me) or ticket.assignee_id == me.id:
            return
        if action == "assign":
            holder = await session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
            raise NotPermitted(staff_replies.NOT_YOURS_TO_REASSIGN.format(
                number=ticket.number, name=holder.name if holder else staff_replies.NOBODY))
        if ticket.assignee_id is None:
            return  # nobody holds it: the state decides (a new ticket cannot be started or completed)
        holder = await session.get(Staff, ticket.assignee_id)
        raise NotPermitted(staff_replies.NOT_YOURS.format(
            number=ticket.number, name=holder.name if holder else staff_replies.NOBODY,
            action=ACTION_NAMES.get(action, action)))

    async def ensure_serves(self, session: AsyncSession, ticket: Ticket, person: Staff) -> None:
        """NotPermitted unless the person serves the ticket's estate (chat commands and the API alike)."""
        default = self._settings.company_default_estate
        if not serves(await served_estates(session, person, default), ticket.estate):
            raise NotPermitted(staff_replies.OTHER_ESTATE.format(
                number=ticket.number, estate=self._settings.for_estate(ticket.estate).estate.name, name=person.name))

    @staticmethod
    async def was_offered(session: AsyncSession, ticket: Ticket, me: Staff) -> bool:
        """Whether the ticket was offered to ``me`` for 抢单; with no offer on record, whether my skills fit."""
        offered = set((await session.scalars(
            select(TicketOffer.staff_id).where(TicketOffer.ticket_id == ticket.id))).all())
        if offered:
            return me.id in offered
        return bool(ticket.category) and ticket.category in me.skill_set

    async def perform(
        self, session: AsyncSession, ticket: Ticket, action: str, now: datetime, *,
        actor: Staff | None, note: str = "", assignee: Staff | None = None,
    ) -> None:
        """Apply ``action`` (raises InvalidTransition) and tell the owners and the new assignee."""
        by = actor.name if actor else "管理后台"
        kind = self.desk.sla.kinds[ticket.kind]
        if action == "assign" and assignee is None:
            raise ValueError("assign needs a staff member")
        assign_note = note or (f"派给 {assignee.name}" if assignee else "")
        await self.desk.apply(session, ticket, action, now, by=by, note=assign_note if action == "assign" else note,
                              assignee_id=assignee.id if assignee else None)
        step = len(ticket.events)
        worker = assignee or actor
        if action == "assign" and assignee is not None:
            summary = ticket.description[:60]
            await self._notifier.to_staff(session, assignee, staff_replies.REASSIGNED_TO_YOU.format(
                name=by, number=ticket.number, summary=summary,
                details=staff_details(ticket, summary, self._settings.tz)),
                key=f"assigned:{ticket.number}:{step}", ticket=ticket)
        elif action == "accept":
            name = worker.name if worker else "工作人员"
            phone = f"（电话 {worker.phone}）" if worker else ""
            when = ticket.preferred_time or self._due_text(ticket, "on_site") or "尽快"
            await self._notifier.to_owners(session, ticket, kind.updates.accepted.format(
                number=ticket.number, name=name, phone=phone, when=when),
                key=f"owner:accept:{ticket.number}:{step}", urgent=True)
        elif action == "start":
            await self._notifier.to_owners(session, ticket, kind.updates.started.format(
                number=ticket.number, name=worker.name if worker else "工作人员"),
                key=f"owner:start:{ticket.number}:{step}", urgent=True)
        elif action == "complete":
            await self._notifier.to_owners(session, ticket, kind.updates.completed.format(
                number=ticket.number, note=f"（{note}）" if note else ""),
                key=f"owner:complete:{ticket.number}:{step}", urgent=True)
        if action == "complete" and kind.closes_on_completion:
            await self.desk.apply(session, ticket, "close", now, by="system", note="完工即结案")
        if ((action == "complete" and kind.visit is Visit.AFTER_COMPLETION)
                or (action == "close" and kind.visit is Visit.AFTER_CLOSING)):
            await schedule_visit(session, ticket, kind, now, self._settings)

    def _due_text(self, ticket: Ticket, name: str) -> str | None:
        for deadline in ticket.deadlines:
            if deadline.name == name:
                return f"{day_and_time(deadline.due_at, self._settings.tz)}前"
        return None
