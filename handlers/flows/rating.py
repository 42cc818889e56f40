"""回访评价: a 1-5 score and the owner's words, attached to the return visit waiting for them.

The visit waiting for this owner (the most recent scheduled/sent one, or one already handed to
staff for a phone call) takes the score; without one, a repair the owner saw finished recently
gets a visit row created on the spot (``handlers.domain.aftercare.rating_target``). When several
tickets wait and the owner names none, the flow asks which (listing them) and keeps the score. A score of 3
or more marks the ticket visited and closes it. A score of 2 or less is a problem found on the
return visit: a repair goes back to maintenance (reopened, fresh deadlines) and the supervisors
are alerted with the owner's words for a supervisor-led second visit (docs/domain.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Interrupts, Reroute, Router, Turn
from bot.settings import Settings
from handlers.domain.aftercare import describe, on_site_text, rating_candidates, rating_target, reopen
from handlers.domain.estates import supervisors_of
from handlers.domain.notify import Notifier
from handlers.domain.tickets import TRANSITIONS, TicketDesk
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import rating as replies
from handlers.replies import status as status_replies
from models import ReturnVisit, Ticket
from models.enums import VisitStatus

router = Router("rating")

WHICH = "which"  # the flow's own question: which of the tickets waiting
# Words in "漏水那个" that name no problem: left out when matching an answer to a ticket.
_PICK_NOISE = re.compile(r"那个|这个|那张|这张|那单|这单|的|是|吧|啊|呢|工单|单子|[\s,，。.!！?？]")
GOOD_ENOUGH = 3  # 3 (一般) and above closes the ticket; 2 (不满意) and below goes back
ALREADY_ANSWERED = timedelta(days=1)  # a second "5分" the same day is thanked, not asked about


@dataclass
class RatingState:
    """Kept while the owner says which of several tickets they rate."""

    score: str | None = None  # the score (or none) given before we asked which
    not_fixed: bool = False  # the first words said the problem is still there
    words: str = ""
    choices: list[str] = field(default_factory=list)  # the ticket numbers offered, in order


@router.form("rating", name="评价服务", english=english.RATING, accepts=("score", "ticket"), free_text=(WHICH,),
             state=RatingState,
             interrupts=Interrupts.NEVER, follow_up=True)
async def rate(form: Form[RatingState], turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk,
               notifier: Notifier) -> Ask | Reroute | str:
    state = form.state
    if state.choices:  # the answer to "which one?": the score and words are those said first
        number = form.slots.get("ticket") or _chosen(turn, state.choices, await _labels(session, state.choices))
        if number is None:
            return Ask(WHICH, replies.WHICH_AGAIN.format(count=len(state.choices)), free_text=True)
        form.slots["ticket"] = number
        form.slots.pop("score", None)
        if state.score is not None:
            form.slots["score"] = state.score
        words, not_fixed = state.words, state.not_fixed
    else:
        words, not_fixed = _words(form, turn), turn.understanding.details.not_fixed
        if form.slots.get("ticket") is None:
            waiting = await rating_candidates(session, turn.openid, turn.now)
            if len(waiting) > 1:  # never guess which: ask, keeping what was said
                state.score, state.not_fixed, state.words = form.slots.get("score"), not_fixed, words
                state.choices = [ticket.number for ticket in waiting]
                listed = "\n".join([f"{index}. {ticket.number}（{await describe(session, ticket)}）"
                                    for index, ticket in enumerate(waiting, 1)])
                return Ask(WHICH, replies.ASK_WHICH.format(count=len(waiting), tickets=listed), free_text=True)
    target = await rating_target(session, desk, turn.openid, form.slots.get("ticket"), turn.now)
    if target is None:
        if not_fixed:
            return Reroute("ticket_status")  # 没修好 with nothing to rate: the progress flow reopens or explains
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
        return Ask("score", replies.ASK_SCORE.format(number=ticket.number, what=await describe(session, ticket)))
    visit = target.visit or _new_visit(session, ticket, turn.openid, turn.now)
    visit.status, visit.answered_at, visit.comment = VisitStatus.ANSWERED, turn.now, words[:500]
    visit.score = score
    if score is not None and score >= GOOD_ENOUGH:
        await _close(session, desk, ticket, turn.openid, turn.now, f"回访评分 {score} 分：{words}"[:200])
        return replies.THANKS.format(score=score, number=ticket.number)
    return await _poor(session, settings, desk, notifier, ticket, turn, words, score)


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
    what = await describe(session, ticket)
    shown = score if score is not None else "未打"
    if desk.sla.kinds[ticket.kind].reopenable and ticket.status in TRANSITIONS["reopen"][0]:
        if score is None:
            staff_text = status_replies.STAFF_REOPENED.format(number=ticket.number, what=what, words=words[:100])
        else:
            staff_text = replies.STAFF_POOR_REOPENED.format(number=ticket.number, what=what, score=score,
                                                            words=words[:100])
        await reopen(session, ticket, turn.openid, turn.now, words, desk=desk, notifier=notifier, score=score,
                            staff_text=staff_text)
        return desk.sla.kinds[ticket.kind].updates.rated_poor.format(
            number=ticket.number, on_site=on_site_text(ticket, settings))
    if ticket.status in TRANSITIONS["note"][0]:
        await desk.apply(session, ticket, "note", turn.now, by=f"owner:{turn.openid}",
                         note=f"回访评分 {shown} 分：{words}"[:200])
    text = replies.STAFF_POOR.format(number=ticket.number, what=what, score=shown, words=words[:100])
    step = len(ticket.events)
    for person in await supervisors_of(session, ticket.estate, desk.default_estate):  # the ticket's estate's
        await notifier.to_staff(session, person, text, key=f"poor-visit:{ticket.number}:{step}:{person.id}",
                                ticket=ticket)
    return replies.SORRY_SECOND_VISIT


async def _labels(session: AsyncSession, numbers: list[str]) -> list[str]:
    """What each offered ticket is about (category and description), for an answer like 漏水那个."""
    tickets = {ticket.number: ticket for ticket in await session.scalars(
        select(Ticket).where(Ticket.number.in_(numbers)))}
    return [f"{tickets[number].category or ''}{tickets[number].description}" if number in tickets else ""
            for number in numbers]


def _chosen(turn: Turn, numbers: list[str], labels: list[str]) -> str | None:
    """The ticket an answer picks: 第一个 / 2, or words that fit one ticket's problem better than the others."""
    details = turn.understanding.details
    if details.ordinal is not None and 1 <= details.ordinal <= len(numbers):
        return numbers[details.ordinal - 1]
    words = set(_PICK_NOISE.sub("", turn.understanding.text))
    overlaps = [len(words & set(label)) for label in labels]
    best = max(overlaps, default=0)
    return numbers[overlaps.index(best)] if best and overlaps.count(best) == 1 else None


def _score(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return min(max(int(value), 1), 5)


def _words(form: Form[RatingState], turn: Turn) -> str:
    """Everything the owner said in this rating (the score and their comments), in order."""
    said = [text.strip() for text in (form.first_text, turn.text) if text and text.strip()]
    return " / ".join(dict.fromkeys(said))


FLOW = Flow(router)
