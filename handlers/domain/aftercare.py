"""After a ticket is opened: which tickets an owner may see, chase, reopen or rate.

Shared by the progress flow (工单进度, 催单, 没修好), the rating flow (回访评价) and small talk that
turns out to be about a ticket. The rules (docs/domain.md, "Aftercare"):

- An owner sees only tickets they reported or joined as an extra reporter of a merged one; a
  number that is someone else's is looked up by the very same query as one that does not exist.
- "没修好" about a finished repair reopens it with fresh deadlines and alerts the assignee and the
  supervisors: a problem found after the work goes back to maintenance. A repair closed more than
  ``REOPEN_CLOSED_WITHIN`` ago is not reopened.
- A rating goes to the return visit waiting for the owner, else to a repair they saw finished
  within ``RECENTLY_COMPLETED`` (a visit row is then written on the spot).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from bot.settings import Settings
from handlers.domain.estates import supervisors_of
from handlers.domain.kinds import TicketKinds
from handlers.domain.notify import Notifier
from handlers.domain.tickets import OPEN_STATUSES, TicketDesk
from handlers.replies.times import day_and_time
from models import Home, ReturnVisit, Staff, Ticket, TicketReporter
from models.enums import VisitStatus

FINISHED = frozenset({"completed", "visited"})
REOPEN_CLOSED_WITHIN = timedelta(days=30)  # a repair closed this recently may still be reported as not fixed
WAITING_VISITS = ("scheduled", "sent", "phone")
RECENTLY_COMPLETED = timedelta(days=30)  # a finished ticket with no visit row still takes a rating this long
RATEABLE = frozenset({"completed", "visited", "closed"})  # a ticket named in a rating must be finished
LIST_LIMIT = 10


def owned_by(openid: str) -> ColumnElement[bool]:
    """Tickets this account reported, or joined as an extra reporter of a merged shared-facility ticket."""
    reported = select(TicketReporter.ticket_id).where(TicketReporter.openid == openid)
    return or_(Ticket.openid == openid, Ticket.id.in_(reported))


async def visible(session: AsyncSession, number: str, openid: str, *, for_update: bool) -> Ticket | None:
    """One query whatever the answer: a ticket that is not this owner's is found exactly like none."""
    query = (select(Ticket).where(Ticket.number == number.upper(), owned_by(openid))
             .options(selectinload(Ticket.deadlines), selectinload(Ticket.events)))
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def open_tickets(session: AsyncSession, openid: str, kinds: TicketKinds) -> list[Ticket]:
    """The owner's open tickets of the kinds owners follow and chase (not release permits)."""
    query = (select(Ticket).where(owned_by(openid), Ticket.status.in_(OPEN_STATUSES),
                                  Ticket.kind.in_(kinds.where(chased=True)))
             .options(selectinload(Ticket.deadlines)).order_by(Ticket.created_at).limit(LIST_LIMIT))
    return list((await session.scalars(query)).all())


async def recently_finished(session: AsyncSession, openid: str, now: datetime, kinds: TicketKinds,
                            of_kinds: Iterable[str] | None = None) -> Ticket | None:
    """The owner's latest finished ticket of a reopenable kind (of ``of_kinds`` when given): completed
    or visited, or closed within REOPEN_CLOSED_WITHIN."""
    reopenable = [kind for kind in kinds.where(reopenable=True) if of_kinds is None or kind in of_kinds]
    query = (select(Ticket).where(
        owned_by(openid), Ticket.kind.in_(reopenable),
        or_(Ticket.status.in_(FINISHED),
            (Ticket.status == "closed") & (Ticket.closed_at >= now - REOPEN_CLOSED_WITHIN)))
        .order_by(Ticket.completed_at.desc().nulls_last(), Ticket.id.desc()))
    return await session.scalar(query)


def may_reopen(ticket: Ticket, now: datetime, kinds: TicketKinds) -> bool:
    closed_long_ago = ticket.status == "closed" and (
        ticket.closed_at is None or ticket.closed_at < now - REOPEN_CLOSED_WITHIN)
    return kinds[ticket.kind].reopenable and ticket.status in FINISHED | {"closed"} and not closed_long_ago


async def reopen(session: AsyncSession, ticket: Ticket, openid: str, now: datetime, words: str, *,
                 desk: TicketDesk, notifier: Notifier, staff_text: str, score: int | None = None) -> bool:
    """Back to maintenance: reopen (fresh deadlines), settle any waiting 回访, alert assignee and supervisors.

    Returns whether an assignee was alerted (else only the supervisors were).
    """
    await desk.apply(session, ticket, "reopen", now, by=f"owner:{openid}", note=words[:200])
    waiting = await session.scalars(select(ReturnVisit).where(
        ReturnVisit.ticket_id == ticket.id, ReturnVisit.status.in_(WAITING_VISITS)))
    for visit in waiting:
        visit.status, visit.answered_at, visit.comment = VisitStatus.ANSWERED, now, words[:500]
        if score is not None:
            visit.score = score
    assignee = await session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
    supervisors = await supervisors_of(session, ticket.estate, desk.default_estate)  # the ticket's estate's
    step = len(ticket.events)
    for person in _unique([assignee, *supervisors]):
        await notifier.to_staff(session, person, staff_text, key=f"reopen:{ticket.number}:{step}:{person.id}",
                                ticket=ticket)
    return assignee is not None


def on_site_text(ticket: Ticket, settings: Settings) -> str:
    due = next((d.due_at for d in ticket.deadlines if d.name == "on_site" and d.met_at is None), None)
    if due is None:
        due = min((d.due_at for d in ticket.deadlines if d.met_at is None), default=None)
    return day_and_time(due, settings.tz) if due is not None else "尽快"


async def describe(session: AsyncSession, ticket: Ticket) -> str:
    """Where and what, for staff messages and the owner's own lists: 3-2-501 渗漏水."""
    room = await session.scalar(select(Home.room_key).where(Home.id == ticket.home_id)) if ticket.home_id else None
    return " ".join(part for part in (room or ticket.place, ticket.category) if part) or ticket.description[:20]


@dataclass
class RatingTarget:
    ticket: Ticket
    visit: ReturnVisit | None  # None: no visit was waiting; one is written when the score comes


async def rating_target(session: AsyncSession, desk: TicketDesk, openid: str, number: str | None,
                        now: datetime) -> RatingTarget | None:
    """The ticket being rated: a named one of the owner's, else the waiting visit, else a recent completion."""
    waiting = select(ReturnVisit).where(ReturnVisit.openid == openid, ReturnVisit.status.in_(WAITING_VISITS))
    if number:
        ticket = await session.scalar(select(Ticket).where(Ticket.number == number.upper(), owned_by(openid)))
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
        select(Ticket).where(owned_by(openid), Ticket.status == "completed",
                             Ticket.completed_at >= now - RECENTLY_COMPLETED)
        .order_by(Ticket.completed_at.desc()))
    return await _loaded(session, desk, ticket, None) if ticket is not None else None


async def rating_candidates(session: AsyncSession, openid: str, now: datetime) -> list[Ticket]:
    """Every ticket waiting for this owner's rating, oldest first: those with a return visit waiting,
    and finished ones seen completed within RECENTLY_COMPLETED that have no visit row yet."""
    waiting = select(ReturnVisit.ticket_id).where(ReturnVisit.openid == openid,
                                                   ReturnVisit.status.in_(WAITING_VISITS))
    any_visit = select(ReturnVisit.ticket_id).where(ReturnVisit.openid == openid)
    query = (select(Ticket).where(
        or_(Ticket.id.in_(waiting),
            owned_by(openid) & (Ticket.status == "completed") & (Ticket.completed_at >= now - RECENTLY_COMPLETED)
            & Ticket.id.not_in(any_visit)))
        .order_by(Ticket.completed_at.nulls_last(), Ticket.id).limit(LIST_LIMIT))
    return list((await session.scalars(query)).all())


async def _loaded(session: AsyncSession, desk: TicketDesk, ticket: Ticket, visit: ReturnVisit | None) -> RatingTarget:
    full = await desk.load(session, ticket.number, for_update=True)
    assert full is not None
    return RatingTarget(full, visit)


def _unique(people: Iterable[Staff | None]) -> list[Staff]:
    seen: dict[int, Staff] = {}
    for person in people:
        if person is not None:
            seen.setdefault(person.id, person)
    return list(seen.values())
