"""工单进度: an owner's open tickets, one ticket by number, 催单, and 没修好 (a finished repair reopened).

What an owner may see, chase and reopen is decided in ``handlers.domain.aftercare``; a chase goes
through ``TicketIntake.chase`` (once per ``chase_interval_minutes``). Small talk that the NLU's
details show to be about a ticket (催一下, 没修好, a number) is passed here by the greeting flow; when
the owner has nothing to chase or reopen it is passed back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.router import Reroute, Router, Turn
from bot.settings import Settings
from handlers.domain.aftercare import (
    FINISHED,
    describe,
    may_reopen,
    on_site_text,
    open_tickets,
    owned_by,
    recently_finished,
    reopen,
    visible,
)
from handlers.domain.intake import ChaseOutcome, TicketIntake
from handlers.domain.kinds import TicketKinds
from handlers.domain.notify import Notifier
from handlers.domain.tickets import OPEN_STATUSES, STATUS_NAMES, TicketDesk
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import staff as staff_replies
from handlers.replies import status as replies
from handlers.replies import tickets as ticket_replies
from handlers.replies.times import day_and_time
from models import GatePass, Home, Staff, Ticket

router = Router("status")

PASS_PREFIXES = ("V", "P")  # visitor passes and release permits: their gate pass tells the owner more


@router.intent("ticket_status", name="查询工单进度", english=english.STATUS, follow_up=True)
async def ticket_status(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk,
                        intake: TicketIntake, notifier: Notifier) -> str | Reroute:
    """Status, chase or reopen, decided by the words."""
    understanding = turn.understanding
    details = understanding.details
    number = understanding.slots.get("ticket") or details.ticket_number
    chase, not_fixed = details.chase, details.not_fixed
    if number is not None:
        if number.startswith(PASS_PREFIXES):
            return await _pass_detail(session, settings, turn.openid, number)
        ticket = await visible(session, number, turn.openid, for_update=chase or not_fixed)
        if ticket is None:
            return replies.NOT_FOUND
        if not_fixed and ticket.status not in OPEN_STATUSES:
            return await _reopen_or_explain(session, ticket, turn, settings, desk, notifier)
        if chase or not_fixed:
            return await _chase(session, ticket, turn, settings, intake)
        return await _detail(session, settings, ticket, turn.now, desk.sla.kinds)
    if not_fixed:
        finished = await recently_finished(session, turn.openid, turn.now, desk.sla.kinds)
        if finished is not None:
            ticket = await desk.load(session, finished.number, for_update=True)
            assert ticket is not None
            return await _reopen_or_explain(session, ticket, turn, settings, desk, notifier)
    tickets = await open_tickets(session, turn.openid, desk.sla.kinds)
    if chase or not_fixed:
        if not tickets:
            if turn.rerouted_from is not None:
                return Reroute(turn.rerouted_from)  # small talk after all: nothing to chase or reopen
            return replies.NOTHING_TO_REOPEN if not_fixed else replies.NOTHING_TO_CHASE
        if len(tickets) > 1:
            return replies.CHOOSE_TO_CHASE.format(
                count=len(tickets), example=tickets[0].number,
                lines=await _lines(session, settings, tickets, turn.now, desk.sla.kinds))
        ticket = await desk.load(session, tickets[0].number, for_update=True)
        assert ticket is not None
        return await _chase(session, ticket, turn, settings, intake)
    if len(tickets) == 1:
        return await _detail(session, settings, tickets[0], turn.now, desk.sla.kinds)
    if tickets:
        lines = await _lines(session, settings, tickets, turn.now, desk.sla.kinds)
        return replies.OPEN_LIST.format(count=len(tickets), lines=lines)
    latest = await session.scalar(select(Ticket).where(owned_by(turn.openid),
                                                       Ticket.kind.in_(desk.sla.kinds.where(chased=True)))
                                  .order_by(Ticket.created_at.desc()))
    return replies.NO_OPEN.format(latest=replies.LATEST.format(
        number=latest.number, kind=desk.sla.kinds[latest.kind].title,
        status=STATUS_NAMES[latest.status]) if latest is not None else "")


async def _chase(session: AsyncSession, ticket: Ticket, turn: Turn, settings: Settings, intake: TicketIntake) -> str:
    outcome = await intake.chase(session, ticket, turn.openid, turn.now)
    if outcome is ChaseOutcome.SENT:
        return ticket_replies.CHASE_SENT.format(number=ticket.number)
    if outcome is ChaseOutcome.TOO_SOON:
        return ticket_replies.CHASE_TOO_SOON.format(number=ticket.number, minutes=settings.chase_interval_minutes)
    return ticket_replies.CHASE_CLOSED.format(number=ticket.number, status=STATUS_NAMES[ticket.status])


async def _reopen_or_explain(session: AsyncSession, ticket: Ticket, turn: Turn, settings: Settings,
                             desk: TicketDesk, notifier: Notifier) -> str:
    if not may_reopen(ticket, turn.now, desk.sla.kinds):
        return replies.CANNOT_REOPEN.format(number=ticket.number, status=STATUS_NAMES[ticket.status])
    words = turn.text.strip()
    what = await describe(session, ticket)
    who = await reopen(session, ticket, turn.openid, turn.now, words, desk=desk, notifier=notifier,
                       staff_text=replies.STAFF_REOPENED.format(number=ticket.number, what=what, words=words[:100]))
    return desk.sla.kinds[ticket.kind].updates.reopened.format(
        number=ticket.number, on_site=on_site_text(ticket, settings),
        who=replies.REOPENED_WHO_ASSIGNEE if who else replies.REOPENED_WHO_SUPERVISOR)


async def _detail(session: AsyncSession, settings: Settings, ticket: Ticket, now: datetime,
                  kinds: TicketKinds) -> str:
    assignee = await session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
    what = await describe(session, ticket)
    if ticket.status in FINISHED:
        hint = replies.HINT_COMPLETED
    elif ticket.status in OPEN_STATUSES:
        hint = replies.HINT_OPEN.format(number=ticket.number)
    else:
        hint = ""
    due = replies.DUE_LINE.format(due=_due(ticket, settings, now)) if ticket.status in OPEN_STATUSES else ""
    return replies.DETAIL.format(
        number=ticket.number, kind=kinds[ticket.kind].title, what=f"·{what}" if what else "",
        status=STATUS_NAMES[ticket.status], assignee=assignee.name if assignee else replies.UNASSIGNED,
        due_line=due, description=ticket.description[:60], hint=hint)


async def _lines(session: AsyncSession, settings: Settings, tickets: list[Ticket], now: datetime,
                 kinds: TicketKinds) -> str:
    staff_ids = {t.assignee_id for t in tickets if t.assignee_id}
    names = {person.id: person.name for person in await session.scalars(
        select(Staff).where(Staff.id.in_(staff_ids)))} if staff_ids else {}
    homes = {t.home_id for t in tickets if t.home_id}
    rooms = {home.id: home.room_key for home in await session.scalars(
        select(Home).where(Home.id.in_(homes)))} if homes else {}
    lines = []
    for index, ticket in enumerate(tickets, start=1):
        what = " ".join(part for part in (rooms.get(ticket.home_id or 0) or ticket.place, ticket.category) if part)
        lines.append(replies.LIST_LINE.format(
            index=index, number=ticket.number, kind=kinds[ticket.kind].title,
            what=f" {what[:20]}" if what else "", status=STATUS_NAMES[ticket.status],
            assignee=names.get(ticket.assignee_id or 0, replies.UNASSIGNED), due=_due(ticket, settings, now)))
    return "\n".join(lines)


def _due(ticket: Ticket, settings: Settings, now: datetime) -> str:
    """The nearest deadline not yet met, told as a promise (or an apology when it has passed)."""
    pending = [d for d in ticket.deadlines if d.met_at is None]
    if not pending:
        return replies.NO_DUE
    nearest = min(pending, key=lambda d: d.due_at)
    when = day_and_time(nearest.due_at, settings.tz)
    deadline = staff_replies.DEADLINE_NAMES.get(nearest.name, "处理")
    template = replies.DUE_OVERDUE if nearest.due_at < now else replies.DUE
    return template.format(when=when, deadline=deadline)


async def _pass_detail(session: AsyncSession, settings: Settings, openid: str, number: str) -> str:
    """Visitor passes (V…) and release permits (P…): the gate pass, by the same one-query rule."""
    found = await session.scalar(select(GatePass).where(GatePass.number == number, GatePass.openid == openid))
    if found is None:
        return replies.NOT_FOUND
    return replies.PASS_DETAIL.format(
        kind=replies.PASS_KIND_NAMES.get(found.kind, "通行证"), number=found.number,
        status=replies.PASS_STATUS_NAMES.get(found.status, found.status),
        start=day_and_time(found.valid_from, settings.tz), end=day_and_time(found.valid_until, settings.tz))


FLOW = Flow(router)
