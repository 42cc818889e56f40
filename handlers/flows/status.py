"""工单进度: an owner's open tickets, one ticket by number, 催单, and 没修好 (a finished repair reopened).

An owner sees only tickets they reported (or joined as an extra reporter of a merged one). A
number that is someone else's is looked up by the very same query as one that does not exist and
gets the very same answer, so a guessed number tells nothing. A chase goes through
``TicketIntake.chase`` (once per ``chase_interval_minutes``); "没修好" about a finished repair
reopens it with fresh deadlines and alerts the assignee and the supervisors: a problem found after
the work goes back to maintenance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from bot.dialogue.router import Router, Turn
from bot.settings import Settings
from handlers.domain.intake import ChaseOutcome, TicketIntake
from handlers.domain.notify import Notifier
from handlers.replies import staff as staff_replies
from handlers.replies import status as replies
from handlers.replies import tickets as ticket_replies
from handlers.domain.tickets import OPEN_STATUSES, STATUS_NAMES, TicketDesk
from models import GatePass, Home, ReturnVisit, Staff, Ticket, TicketReporter

router = Router("status")

# 催单: the owner wants it faster. "还没修好" (still waiting) is a chase, "没修好" (after the work) is not.
CHASE_CUES = re.compile(
    r"催(?!缴|费|款)|还没(?:有)?(?:人)?来|还没(?:有)?(?:修好|处理|派|动静|回复|结果)|怎么还不|怎么还没|快点|快一点|赶紧|赶快|抓紧|"
    r"等了(?:很|好|半)|等半天|多久才|还要等|什么时候(?:能|才)?来"
)
NOT_FIXED_CUES = re.compile(
    r"(?<!还)没(?:有)?(?:修好|弄好|搞好|处理好)|还是(?:漏|坏|不行|没好|堵|不亮|不通|老样子|一样)|还在漏|"
    r"又(?:漏|坏|堵|不亮)|问题(?:还在|依旧|依然)|没(?:有)?解决"
)
STATUS_CUES = re.compile(r"进度|进展|到哪一步|处理得?怎么样|派单了吗|有结果|有回复|我的工单|查.{0,2}工单")
_NUMBER = re.compile(r"(?<![A-Za-z0-9])([RCSVP])(\d{11})(?!\d)", re.IGNORECASE)

FINISHED = frozenset({"completed", "visited"})
PASS_PREFIXES = ("V", "P")  # visitor passes and release permits: their gate pass tells the owner more
LISTED_KINDS = ("repair", "emergency", "complaint", "suggestion")  # release permits are not chased
REOPEN_KINDS = frozenset({"repair", "emergency"})
REOPEN_CLOSED_WITHIN = timedelta(days=30)  # a repair closed this recently may still be reported as not fixed
WAITING_VISITS = ("scheduled", "sent", "phone")
LIST_LIMIT = 10


def wants_status(text: str, slots: dict[str, str] | None = None) -> bool:
    """Whether a message the NLU read as something vague (greeting, other) is really about a ticket."""
    return bool((slots or {}).get("ticket") or _NUMBER.search(text) or CHASE_CUES.search(text)
                or NOT_FIXED_CUES.search(text) or STATUS_CUES.search(text))


def ticket_number(turn: Turn) -> str | None:
    """The ticket number the owner gave: the NLU's slot, else any number-shaped word in the text."""
    number = turn.understanding.slots.get("ticket")
    if number:
        return number.upper()
    match = _NUMBER.search(turn.understanding.text)
    return (match.group(1) + match.group(2)).upper() if match else None


def owned_by(openid: str) -> ColumnElement[bool]:
    """Tickets this account reported, or joined as an extra reporter of a merged shared-facility ticket."""
    reported = select(TicketReporter.ticket_id).where(TicketReporter.openid == openid)
    return or_(Ticket.openid == openid, Ticket.id.in_(reported))


@router.intent("ticket_status")
async def ticket_status(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk,
                        intake: TicketIntake, notifier: Notifier) -> str:
    told = await answer(turn, session, settings, desk, intake, notifier)
    assert told is not None
    return told


@router.text(r"(?:催单|催办|催一下|催)\s*([RCSrcs]\d{11})")
async def chase_by_number(turn: Turn, match: re.Match[str], session: AsyncSession, settings: Settings,
                          intake: TicketIntake) -> str:
    """“催单 R20261123001”, the reply the status answers ask for: understood without the NLU."""
    ticket = await _visible(session, match.group(1).upper(), turn.openid, with_history=True)
    if ticket is None:
        return replies.NOT_FOUND
    return await _chase(session, ticket, turn, settings, intake)


async def answer(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk,
                 intake: TicketIntake, notifier: Notifier, *, vague: bool = False) -> str | None:
    """Status, chase or reopen, decided by the words; used by the intent and by vague-intent fallbacks.

    ``vague``: the NLU read small talk; a chase or "没修好" from an owner with no ticket to act on is
    then left to the small-talk answer (None) rather than told there is nothing to chase.
    """
    text = turn.understanding.text
    number = ticket_number(turn)
    chase, not_fixed = bool(CHASE_CUES.search(text)), bool(NOT_FIXED_CUES.search(text))
    if number is not None:
        if number.startswith(PASS_PREFIXES):
            return await _pass_detail(session, settings, turn.openid, number)
        ticket = await _visible(session, number, turn.openid, with_history=chase or not_fixed)
        if ticket is None:
            return replies.NOT_FOUND
        if not_fixed and ticket.status not in OPEN_STATUSES:
            return await _reopen_or_explain(session, ticket, turn, settings, desk, notifier)
        if chase or not_fixed:
            return await _chase(session, ticket, turn, settings, intake)
        return await _detail(session, settings, ticket, turn.now)
    if not_fixed:
        finished = await _recently_finished(session, turn.openid, turn.now)
        if finished is not None:
            ticket = await desk.load(session, finished.number, for_update=True)
            assert ticket is not None
            return await _reopen_or_explain(session, ticket, turn, settings, desk, notifier)
    open_tickets = await _open_tickets(session, turn.openid)
    if chase or not_fixed:
        if not open_tickets:
            if vague:
                return None
            return replies.NOTHING_TO_REOPEN if not_fixed else replies.NOTHING_TO_CHASE
        if len(open_tickets) > 1:
            return replies.CHOOSE_TO_CHASE.format(
                count=len(open_tickets), example=open_tickets[0].number,
                lines=await _lines(session, settings, open_tickets, turn.now))
        ticket = await desk.load(session, open_tickets[0].number, for_update=True)
        assert ticket is not None
        return await _chase(session, ticket, turn, settings, intake)
    if len(open_tickets) == 1:
        return await _detail(session, settings, open_tickets[0], turn.now)
    if open_tickets:
        return replies.OPEN_LIST.format(count=len(open_tickets),
                                        lines=await _lines(session, settings, open_tickets, turn.now))
    latest = await session.scalar(select(Ticket).where(owned_by(turn.openid), Ticket.kind.in_(LISTED_KINDS))
                                  .order_by(Ticket.created_at.desc()))
    return replies.NO_OPEN.format(latest=replies.LATEST.format(
        number=latest.number, kind=replies.KIND_NAMES.get(latest.kind, latest.kind),
        status=STATUS_NAMES[latest.status]) if latest is not None else "")


async def _visible(session: AsyncSession, number: str, openid: str, *, with_history: bool) -> Ticket | None:
    """One query whatever the answer: a ticket that is not this owner's is found exactly like none."""
    query = (select(Ticket).where(Ticket.number == number.upper(), owned_by(openid))
             .options(selectinload(Ticket.deadlines), selectinload(Ticket.events)))
    if with_history:
        query = query.with_for_update()
    return await session.scalar(query)


async def _open_tickets(session: AsyncSession, openid: str) -> list[Ticket]:
    query = (select(Ticket).where(owned_by(openid), Ticket.status.in_(OPEN_STATUSES), Ticket.kind.in_(LISTED_KINDS))
             .options(selectinload(Ticket.deadlines)).order_by(Ticket.created_at).limit(LIST_LIMIT))
    return list((await session.scalars(query)).all())


async def _recently_finished(session: AsyncSession, openid: str, now: datetime) -> Ticket | None:
    """The owner's latest finished repair: completed or visited, or closed within REOPEN_CLOSED_WITHIN."""
    query = (select(Ticket).where(
        owned_by(openid), Ticket.kind.in_(REOPEN_KINDS),
        or_(Ticket.status.in_(FINISHED),
            (Ticket.status == "closed") & (Ticket.closed_at >= now - REOPEN_CLOSED_WITHIN)))
        .order_by(Ticket.completed_at.desc().nulls_last(), Ticket.id.desc()))
    return await session.scalar(query)


async def _chase(session: AsyncSession, ticket: Ticket, turn: Turn, settings: Settings, intake: TicketIntake) -> str:
    outcome = await intake.chase(session, ticket, turn.openid, turn.now)
    if outcome is ChaseOutcome.SENT:
        return ticket_replies.CHASE_SENT.format(number=ticket.number)
    if outcome is ChaseOutcome.TOO_SOON:
        return ticket_replies.CHASE_TOO_SOON.format(number=ticket.number, minutes=settings.chase_interval_minutes)
    return ticket_replies.CHASE_CLOSED.format(number=ticket.number, status=STATUS_NAMES[ticket.status])


async def _reopen_or_explain(session: AsyncSession, ticket: Ticket, turn: Turn, settings: Settings,
                             desk: TicketDesk, notifier: Notifier) -> str:
    closed_long_ago = ticket.status == "closed" and (
        ticket.closed_at is None or ticket.closed_at < turn.now - REOPEN_CLOSED_WITHIN)
    if ticket.kind not in REOPEN_KINDS or ticket.status not in FINISHED | {"closed"} or closed_long_ago:
        return replies.CANNOT_REOPEN.format(number=ticket.number, status=STATUS_NAMES[ticket.status])
    words = turn.text.strip()
    what = await describe(session, ticket)
    who = await reopen(session, ticket, turn.openid, turn.now, words, desk=desk, notifier=notifier,
                       staff_text=replies.STAFF_REOPENED.format(number=ticket.number, what=what, words=words[:100]))
    return replies.REOPENED.format(number=ticket.number, on_site=on_site_text(ticket, settings),
                                   who=replies.REOPENED_WHO_ASSIGNEE if who else replies.REOPENED_WHO_SUPERVISOR)


async def reopen(session: AsyncSession, ticket: Ticket, openid: str, now: datetime, words: str, *,
                 desk: TicketDesk, notifier: Notifier, staff_text: str, score: int | None = None) -> bool:
    """Back to maintenance: reopen (fresh deadlines), settle any waiting 回访, alert assignee and supervisors.

    Returns whether an assignee was alerted (else only the supervisors were).
    """
    await desk.apply(session, ticket, "reopen", now, by=f"owner:{openid}", note=words[:200])
    waiting = await session.scalars(select(ReturnVisit).where(
        ReturnVisit.ticket_id == ticket.id, ReturnVisit.status.in_(WAITING_VISITS)))
    for visit in waiting:
        visit.status, visit.answered_at, visit.comment = "answered", now, words[:500]
        if score is not None:
            visit.score = score
    assignee = await session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
    supervisors = list(await session.scalars(select(Staff).where(Staff.role == "supervisor").order_by(Staff.id)))
    step = len(ticket.events)
    for person in _unique([assignee, *supervisors]):
        await notifier.to_staff(session, person, staff_text, key=f"reopen:{ticket.number}:{step}:{person.id}",
                                ticket=ticket)
    return assignee is not None


def on_site_text(ticket: Ticket, settings: Settings) -> str:
    due = next((d.due_at for d in ticket.deadlines if d.name == "on_site" and d.met_at is None), None)
    if due is None:
        due = min((d.due_at for d in ticket.deadlines if d.met_at is None), default=None)
    return f"{due.astimezone(settings.tz):%m月%d日%H:%M}" if due is not None else "尽快"


async def describe(session: AsyncSession, ticket: Ticket) -> str:
    """Where and what, for staff messages and the owner's own lists: 3-2-501 渗漏水."""
    room = await session.scalar(select(Home.room_key).where(Home.id == ticket.home_id)) if ticket.home_id else None
    return " ".join(part for part in (room or ticket.place, ticket.category) if part) or ticket.description[:20]


async def _detail(session: AsyncSession, settings: Settings, ticket: Ticket, now: datetime) -> str:
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
        number=ticket.number, kind=replies.KIND_NAMES.get(ticket.kind, ticket.kind), what=f"·{what}" if what else "",
        status=STATUS_NAMES[ticket.status], assignee=assignee.name if assignee else replies.UNASSIGNED,
        due_line=due, description=ticket.description[:60], hint=hint)


async def _lines(session: AsyncSession, settings: Settings, tickets: list[Ticket], now: datetime) -> str:
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
            index=index, number=ticket.number, kind=replies.KIND_NAMES.get(ticket.kind, ticket.kind),
            what=f" {what[:20]}" if what else "", status=STATUS_NAMES[ticket.status],
            assignee=names.get(ticket.assignee_id or 0, replies.UNASSIGNED), due=_due(ticket, settings, now)))
    return "\n".join(lines)


def _due(ticket: Ticket, settings: Settings, now: datetime) -> str:
    """The nearest deadline not yet met, told as a promise (or an apology when it has passed)."""
    pending = [d for d in ticket.deadlines if d.met_at is None]
    if not pending:
        return replies.NO_DUE
    nearest = min(pending, key=lambda d: d.due_at)
    when = f"{nearest.due_at.astimezone(settings.tz):%m月%d日%H:%M}"
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
        start=f"{found.valid_from.astimezone(settings.tz):%m月%d日%H:%M}",
        end=f"{found.valid_until.astimezone(settings.tz):%m月%d日%H:%M}")


def _unique(people: Iterable[Staff | None]) -> list[Staff]:
    seen: dict[int, Staff] = {}
    for person in people:
        if person is not None:
            seen.setdefault(person.id, person)
    return list(seen.values())
