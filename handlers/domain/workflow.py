"""Staff actions on a ticket and who hears about them: one place for the chat commands and the API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.kinds import Visit
from handlers.domain.notify import Notifier
from handlers.domain.tickets import TicketDesk
from handlers.domain.visits import schedule_visit
from handlers.replies import staff as staff_replies
from handlers.replies.times import day_and_time
from models import Staff, Ticket


class Workflow:
    def __init__(self, desk: TicketDesk, notifier: Notifier, settings: Settings) -> None:
        self.desk = desk
        self._notifier = notifier
        self._settings = settings

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
            await self._notifier.to_staff(session, assignee, staff_replies.REASSIGNED_TO_YOU.format(
                name=by, number=ticket.number, summary=ticket.description[:60]),
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
