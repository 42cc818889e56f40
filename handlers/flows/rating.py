"""回访评价: a 1-5 score and the owner's words, attached to the return visit waiting for them.

The visit waiting for this owner (the most recent scheduled/sent one, or one already handed to
staff for a phone call) takes the score; without one, a repair the owner saw finished recently
gets a visit row created on the spot. A score of 3 or more marks the ticket visited and closes it.
A score of 2 or less is a problem found on the return visit: a repair goes back to maintenance
(reopened, fresh deadlines) and the supervisors are alerted with the owner's words for a
supervisor-led second visit (DOMAIN.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Router, Turn
from bot.settings import Settings
from handlers.flows import status
from handlers.domain.intake import TicketIntake
from handlers.domain.notify import Notifier
from handlers.replies import rating as replies
from handlers.replies import status as status_replies
from handlers.domain.tickets import TRANSITIONS, TicketDesk
from models import ReturnVisit, Staff, Ticket

router = Router("rating")

GOOD_ENOUGH = 3  # 3 (一般) and above closes the ticket; 2 (不满意) and below goes back
RECENTLY_COMPLETED = timedelta(days=30)  # a finished ticket with no visit row still takes a rating this long
RATEABLE = frozenset({"completed", "visited", "closed"})  # a ticket named in a rating must be finished
ALREADY_ANSWERED = timedelta(days=1)  # a second "5分" the same day is thanked, not asked about


@dataclass
class Target:
    ticket: Ticket
    visit: ReturnVisit | None  # None: no visit was waiting; one is written when the score comes


@router.form("rating", accepts=("score", "ticket"))
async def rate(form: Form, turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk,
               intake: TicketIntake, notifier: Notifier) -> Ask | str:
    words = _words(form, turn)
    not_fixed = bool(status.NOT_FIXED_CUES.search(turn.understanding.text))
    target = await _target(session, desk, turn.openid, form.slots.get("ticket"), turn.now)
    if target is None:
        if not_fixed:
            told = await status.answer(turn, session, settings, desk, intake, notifier)
            assert told is not None
            return told
        answered = await session.scalar(
            select(ReturnVisit).where(ReturnVisit.openid == turn.openid, ReturnVisit.status == "answered",
                                      ReturnVisit.answered_at >= turn.now - ALREADY_ANSWERED)
            .order_by(ReturnVisit.answered_at.desc()))
        if answered is not None:
            number = await session.scalar(select(Ticket.number).where(Ticket.id == answered.ticket_id))
            return replies.ALREADY_RATED.format(number=number)
        return replies.NO_TICKET
    ticket = target.ticket
    score = _score(form.slots.get("score"))
    if score is None and not not_fixed:
        return Ask("score", replies.ASK_SCORE.format(number=ticket.number, what=await status.describe(session, ticket)))
    visit = target.visit or _new_visit(session, ticket, turn.openid, turn.now)
    visit.status, visit.answered_at, visit.comment = "answered", turn.now, words[:500]
    visit.score = score
    if score is not None and score >= GOOD_ENOUGH:
        await _close(session, desk, ticket, turn.openid, turn.now, f"回访评分 {score} 分：{words}"[:200])
        return replies.THANKS.format(score=score, number=ticket.number)
    return await _poor(session, settings, desk, notifier, ticket, turn, words, score)


_BARE_SCORE = re.compile(r"^\s*([1-5])\s*(?:分|星)?\s*[!.。~！]?\s*$")


def is_bare_score(text: str) -> bool:
    """A lone score such as “4” or “5分”: a rating when one is awaited."""
    return _BARE_SCORE.match(text) is not None


async def bare_score(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk,
                     intake: TicketIntake, notifier: Notifier) -> str | None:
    """A lone “4” answering the completion message (the NLU sees small talk): a rating when one is awaited."""
    match = _BARE_SCORE.match(turn.understanding.text)
    if match is None or await _target(session, desk, turn.openid, None, turn.now) is None:
        return None
    form = Form(intent="rating", slots={"score": match.group(1)}, first_text=turn.text)
    answer = await rate(form, turn, session, settings, desk, intake, notifier)
    return answer.question if isinstance(answer, Ask) else answer


async def _target(session: AsyncSession, desk: TicketDesk, openid: str, number: str | None,
                  now: datetime) -> Target | None:
    """The ticket being rated: a named one of the owner's, else the waiting visit, else a recent completion."""
    waiting = select(ReturnVisit).where(ReturnVisit.openid == openid, ReturnVisit.status.in_(status.WAITING_VISITS))
    if number:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number.upper(), status.owned_by(openid)))
        if ticket is not None:
            visit = await session.scalar(waiting.where(ReturnVisit.ticket_id == ticket.id))
            if visit is not None or ticket.status in RATEABLE:
                return await _loaded(session, desk, ticket, visit)
    visit = await session.scalar(waiting.order_by(ReturnVisit.due_at.desc(), ReturnVisit.id.desc()))
    if visit is not None:
        ticket = await session.get(Ticket, visit.ticket_id)
        if ticket is not None:
            return await _loaded(session, desk, ticket, visit)
    ticket = await session.scalar(
        select(Ticket).where(status.owned_by(openid), Ticket.status == "completed",
                             Ticket.completed_at >= now - RECENTLY_COMPLETED)
        .order_by(Ticket.completed_at.desc()))
    return await _loaded(session, desk, ticket, None) if ticket is not None else None


async def _loaded(session: AsyncSession, desk: TicketDesk, ticket: Ticket, visit: ReturnVisit | None) -> Target:
    full = await desk.load(session, ticket.number, for_update=True)
    assert full is not None
    return Target(full, visit)


def _new_visit(session: AsyncSession, ticket: Ticket, openid: str, now: datetime) -> ReturnVisit:
    """No visit was waiting (the scheduler had not made one yet): the owner's answer is the visit."""
    visit = ReturnVisit(ticket_id=ticket.id, openid=openid, due_at=now, status="answered")
    session.add(visit)
    return visit


async def _close(session: AsyncSession, desk: TicketDesk, ticket: Ticket, openid: str, now: datetime,
                 note: str) -> None:
    """completed → visited → closed; a ticket already past the visit just records the score."""
    by = f"owner:{openid}"
    if ticket.status == "completed":
        await desk.apply(session, ticket, "visit", now, by=by, note=note)
    if ticket.status == "visited":
        await desk.apply(session, ticket, "close", now, by=by, note=note)
    elif ticket.status in TRANSITIONS["note"][0]:
        await desk.apply(session, ticket, "note", now, by=by, note=note)


async def _poor(session: AsyncSession, settings: Settings, desk: TicketDesk, notifier: Notifier, ticket: Ticket,
                turn: Turn, words: str, score: int | None) -> str:
    """2 points or less, or "还是没修好" with no score at all."""
    what = await status.describe(session, ticket)
    shown = score if score is not None else "未打"
    if ticket.kind in status.REOPEN_KINDS and ticket.status in TRANSITIONS["reopen"][0]:
        if score is None:
            staff_text = status_replies.STAFF_REOPENED.format(number=ticket.number, what=what, words=words[:100])
        else:
            staff_text = replies.STAFF_POOR_REOPENED.format(number=ticket.number, what=what, score=score,
                                                            words=words[:100])
        await status.reopen(session, ticket, turn.openid, turn.now, words, desk=desk, notifier=notifier, score=score,
                            staff_text=staff_text)
        return replies.SORRY_REOPENED.format(number=ticket.number, on_site=status.on_site_text(ticket, settings))
    if ticket.status in TRANSITIONS["note"][0]:
        await desk.apply(session, ticket, "note", turn.now, by=f"owner:{turn.openid}",
                         note=f"回访评分 {shown} 分：{words}"[:200])
    text = replies.STAFF_POOR.format(number=ticket.number, what=what, score=shown, words=words[:100])
    step = len(ticket.events)
    for person in await session.scalars(select(Staff).where(Staff.role == "supervisor").order_by(Staff.id)):
        await notifier.to_staff(session, person, text, key=f"poor-visit:{ticket.number}:{step}:{person.id}",
                                ticket=ticket)
    return replies.SORRY_SECOND_VISIT


def _score(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return min(max(int(value), 1), 5)


def _words(form: Form, turn: Turn) -> str:
    """Everything the owner said in this rating (the score and their comments), in order."""
    said = [text.strip() for text in (form.first_text, turn.text) if text and text.strip()]
    return " / ".join(dict.fromkeys(said))
