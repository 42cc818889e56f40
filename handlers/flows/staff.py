"""Staff chat commands (from registered staff openids only): 接单, 开始, 完工, 转派, 备注, 我的工单, 超时工单.

Who may take, work on and reassign which ticket is decided in ``handlers.domain.workflow``
(only those offered take a 抢单 ticket; only the assignee starts and completes it; supervisors
and admins may do all of it; a supervisor's 接单 on a ticket not yet accepted takes it over).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.dialogue.router import Router, Turn
from bot.nlu.slots.ticket import parse_ticket_number
from bot.settings import Settings
from handlers.domain.estates import served_estates, staff_named
from handlers.domain.staffing import staff_by_openid
from handlers.domain.tickets import OPEN_STATUSES, STATUS_NAMES, InvalidTransition, TicketDesk
from handlers.domain.workflow import NotPermitted, Workflow
from handlers.flows import Flow
from handlers.replies import staff as replies
from handlers.replies.times import short
from models import Home, Staff, Ticket, TicketDeadline

router = Router("staff")


_me = staff_by_openid


def _args(turn: Turn) -> list[str]:
    return turn.text.strip().split()[1:]


async def _ticket(session: AsyncSession, desk: TicketDesk, number: str | None) -> Ticket | None:
    parsed = parse_ticket_number(number or "")
    if parsed is None:
        return None
    return await desk.load(session, parsed, for_update=True)


async def _target(turn: Turn, session: AsyncSession, desk: TicketDesk, usage: str,
                  min_args: int = 1) -> tuple[Staff, Ticket, list[str]] | str:
    """Who is acting, on which ticket, with which words, or the answer explaining what is wrong."""
    args = _args(turn)
    if len(args) < min_args:
        return replies.USAGE.format(usage=usage)
    ticket = await _ticket(session, desk, args[0])
    if ticket is None:
        return replies.NO_SUCH_TICKET.format(number=args[0])
    return await _me(session, turn.openid), ticket, args


@router.command("接单")
async def accept(turn: Turn, session: AsyncSession, workflow: Workflow) -> str:
    target = await _target(turn, session, workflow.desk, "接单 工单号")
    if isinstance(target, str):
        return target
    me, ticket, _words = target
    try:
        previous = await workflow.take(session, ticket, me, turn.now)
    except (NotPermitted, InvalidTransition) as error:
        return str(error)
    if previous is not None:
        return replies.TAKEN_OVER.format(number=ticket.number, name=previous.name)
    return replies.TAKEN.format(number=ticket.number)


@router.command("开始")
async def start(turn: Turn, session: AsyncSession, workflow: Workflow) -> str:
    return await _step(turn, session, workflow, "start", "开始 工单号", replies.STARTED)


@router.command("完工")
async def complete(turn: Turn, session: AsyncSession, workflow: Workflow) -> str:
    return await _step(turn, session, workflow, "complete", "完工 工单号 [备注]", replies.COMPLETED)


async def _step(turn: Turn, session: AsyncSession, workflow: Workflow, action: str, usage: str,
                staff_reply: str) -> str:
    target = await _target(turn, session, workflow.desk, usage)
    if isinstance(target, str):
        return target
    me, ticket, args = target
    try:
        await workflow.check(session, ticket, me, action)
        await workflow.perform(session, ticket, action, turn.now, actor=me, note=" ".join(args[1:]))
    except (NotPermitted, InvalidTransition) as error:
        return str(error)
    return staff_reply.format(number=ticket.number)


@router.command("转派")
async def reassign(turn: Turn, session: AsyncSession, workflow: Workflow) -> str:
    target = await _target(turn, session, workflow.desk, "转派 工单号 姓名", min_args=2)
    if isinstance(target, str):
        return target
    me, ticket, args = target
    named = await staff_named(session, args[1], ticket.estate, workflow.desk.default_estate)
    if not named:
        return replies.NO_SUCH_STAFF.format(name=args[1])
    if len(named) > 1:  # two 王师傅 in the estate: by phone
        return replies.SEVERAL_STAFF.format(name=args[1], number=ticket.number, example=named[0].phone,
                                            phones="、".join(person.phone for person in named))
    other = named[0]
    try:
        await workflow.check(session, ticket, me, "assign")
        await workflow.ensure_serves(session, ticket, other)  # never to someone of another estate
        await workflow.perform(session, ticket, "assign", turn.now, actor=me, assignee=other,
                               note=f"转派给 {other.name}")
    except (NotPermitted, InvalidTransition) as error:
        return str(error)
    return replies.REASSIGNED.format(number=ticket.number, name=other.name)


@router.command("备注")
async def note(turn: Turn, session: AsyncSession, workflow: Workflow) -> str:
    target = await _target(turn, session, workflow.desk, "备注 工单号 内容", min_args=2)
    if isinstance(target, str):
        return target
    me, ticket, args = target
    try:
        await workflow.ensure_serves(session, ticket, me)  # a note too is acting on the ticket
        await workflow.desk.apply(session, ticket, "note", turn.now, by=me.name, note=" ".join(args[1:]))
    except (NotPermitted, InvalidTransition) as error:
        return str(error)
    return replies.NOTED.format(number=ticket.number)


@router.command("我的工单")
async def my_tickets(turn: Turn, session: AsyncSession, settings: Settings) -> str:
    me = await _me(session, turn.openid)
    tickets = await _tickets(session, (Ticket.assignee_id == me.id, Ticket.status.in_(OPEN_STATUSES)))
    if not tickets:
        return replies.MY_TICKETS_EMPTY
    lines = await _lines(session, tickets, settings)
    return replies.MY_TICKETS.format(count=len(tickets), lines=lines)


@router.command("超时工单")
async def overdue(turn: Turn, session: AsyncSession, settings: Settings) -> str:
    me = await _me(session, turn.openid)
    overdue_ids = select(TicketDeadline.ticket_id).where(TicketDeadline.met_at.is_(None),
                                                          TicketDeadline.due_at < turn.now)
    conditions: list[ColumnElement[bool]] = [Ticket.id.in_(overdue_ids), Ticket.status.in_(OPEN_STATUSES)]
    if me.role == "staff":
        conditions.append(Ticket.assignee_id == me.id)
    served = await served_estates(session, me, settings.company_default_estate)
    if served is not None:  # a supervisor sees the overdue work of the estates they serve
        conditions.append(Ticket.estate.in_(served))
    tickets = await _tickets(session, tuple(conditions))
    if not tickets:
        return replies.OVERDUE_EMPTY
    return replies.OVERDUE.format(count=len(tickets), lines=await _lines(session, tickets, settings))


async def _tickets(session: AsyncSession, conditions: tuple[ColumnElement[bool], ...]) -> list[Ticket]:
    query = select(Ticket).where(*conditions).options(selectinload(Ticket.deadlines)).order_by(Ticket.created_at)
    return list((await session.scalars(query.limit(30))).all())


async def _lines(session: AsyncSession, tickets: list[Ticket], settings: Settings) -> str:
    homes = {home.id: home.room_key for home in await session.scalars(
        select(Home).where(Home.id.in_([t.home_id for t in tickets if t.home_id])))}
    lines = []
    for ticket in tickets:
        due = min((d.due_at for d in ticket.deadlines if d.met_at is None), default=None)
        lines.append(replies.TICKET_LINE.format(
            number=ticket.number, status=STATUS_NAMES[ticket.status],
            where=homes.get(ticket.home_id or 0) or ticket.place or "", category=ticket.category or "",
            due=short(due, settings.tz) if due else "—"))
    return "\n".join(lines)


FLOW = Flow(router)
