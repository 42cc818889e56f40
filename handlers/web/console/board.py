"""The ticket board and the ticket page: filters, SLA countdowns, paging, and the actions the state allows.

Actions follow the chat commands' rules and messages (handlers/domain/workflow.py): 接单 is
``Workflow.take``, 开始/完工/转派 are checked by ``Workflow.check``; closing, reopening and
cancelling are a supervisor's (the admin API's actions for the office). Staff see the tickets of
the estates they serve; another estate's ticket is a 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import ColumnElement, desc, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.nlu.labels import COMPLAINT_CATEGORIES, REPAIR_CATEGORIES
from bot.privacy import mask_phones
from handlers.domain.complaint_tier import TIER_NAMES
from handlers.domain.estates import EstateRoster, staff_named
from handlers.domain.staff_access import audit
from handlers.domain.tickets import ACTION_NAMES, OPEN_STATUSES, STATUS_NAMES, TRANSITIONS, InvalidTransition
from handlers.domain.workflow import NotPermitted
from handlers.replies import console as words
from handlers.replies import staff as staff_replies
from handlers.web.console.context import Console
from handlers.web.console.render import flash, page, problem, record_id, redirect
from models import Building, Home, Resident, Staff, Ticket, TicketDeadline, TicketReporter

routes = web.RouteTableDef()
CATEGORIES = tuple(dict.fromkeys((*REPAIR_CATEGORIES, *COMPLAINT_CATEGORIES)))
DEADLINE_NAMES = staff_replies.DEADLINE_NAMES
# What each console button does, in the order shown; who may press it is decided in ``_act``.
BUTTONS = ("accept", "start", "complete", "assign", "note", "close", "reopen", "cancel")
SUPERVISOR_ONLY = frozenset({"close", "reopen", "cancel"})
NOTE_MAX = 500


class BadFilter(ValueError):
    pass


@dataclass(frozen=True)
class Countdown:
    """The SLA clock shown on a row: the nearest unmet deadline, amber past the warning point, red overdue."""

    name: str
    due_at: datetime
    text: str
    level: str  # ok, warn, late


def countdown(ticket: Ticket, now: datetime, warn_at_fraction: float) -> Countdown | None:
    unmet = [d for d in ticket.deadlines if d.met_at is None]
    if not unmet or ticket.status not in OPEN_STATUSES:
        return None
    deadline = min(unmet, key=lambda d: d.due_at)
    left = deadline.due_at - now
    allowed = deadline.due_at - deadline.starts_at
    name = DEADLINE_NAMES.get(deadline.name, deadline.name)
    if left <= timedelta(0):
        return Countdown(name, deadline.due_at, f"{name}已超时 {_span(-left)}", "late")
    level = "warn" if allowed > timedelta(0) and now >= deadline.starts_at + allowed * warn_at_fraction else "ok"
    return Countdown(name, deadline.due_at, f"{name}剩 {_span(left)}", level)


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{minutes}分"
    return f"{max(minutes, 1)}分钟"


@dataclass(frozen=True)
class Filters:
    estate: str = ""
    kind: str = ""
    status: str = ""  # a status, or "open"
    building: str = ""
    category: str = ""
    tier: str = ""
    assignee: str = ""  # a staff id, "me" or "none"
    overdue: bool = False
    page: int = 1

    def query(self, **change: Any) -> str:
        from urllib.parse import urlencode

        values = {**self.__dict__, **change}
        pairs = {key: ("1" if value is True else str(value)) for key, value in values.items()
                 if value not in ("", False, None) and not (key == "page" and value == 1)}
        return "?" + urlencode(pairs) if pairs else ""


def read_filters(console: Console) -> Filters:
    query = console.request.query
    values = {name: query.get(name, "").strip()[:40] for name in
              ("estate", "kind", "status", "building", "category", "tier", "assignee")}
    if values["estate"] and not any(code == values["estate"] for code, _name in console.estates()):
        raise BadFilter(words.NO_ESTATE)
    if values["kind"] and values["kind"] not in console.services.kinds:
        raise BadFilter("工单类型不正确")
    if values["status"] and values["status"] not in (*STATUS_NAMES, "open"):
        raise BadFilter("状态不正确")
    if values["category"] and values["category"] not in CATEGORIES:
        raise BadFilter("类别不正确")
    if values["tier"] and values["tier"] not in TIER_NAMES:
        raise BadFilter("投诉等级不正确")
    if values["assignee"] and values["assignee"] not in ("me", "none") and record_id(values["assignee"]) is None:
        raise BadFilter("处理人不正确")
    try:
        number = int(query.get("page", "1") or "1")
    except ValueError:
        raise BadFilter("页码不正确") from None
    if not 1 <= number <= 100_000:
        raise BadFilter("页码不正确")
    return Filters(**values, overdue=query.get("overdue", "") in ("1", "on", "true"), page=number)


def _conditions(filters: Filters, console: Console, now: datetime) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if console.served is not None:
        where.append(Ticket.estate.in_(sorted(console.served)))
    if filters.estate:
        where.append(Ticket.estate == filters.estate)
    if filters.kind:
        where.append(Ticket.kind == filters.kind)
    if filters.status == "open":
        where.append(Ticket.status.in_(sorted(OPEN_STATUSES)))
    elif filters.status:
        where.append(Ticket.status == filters.status)
    if filters.building:
        where.append(or_(Ticket.building == filters.building, Building.code == filters.building))
    if filters.category:
        where.append(Ticket.category == filters.category)
    if filters.tier:
        where.append(Ticket.tier == filters.tier)
    if filters.assignee == "me":
        where.append(Ticket.assignee_id == console.me.id)
    elif filters.assignee == "none":
        where.append(Ticket.assignee_id.is_(None))
    elif filters.assignee:
        where.append(Ticket.assignee_id == record_id(filters.assignee))
    if filters.overdue:
        where.append(Ticket.status.in_(sorted(OPEN_STATUSES)))
        where.append(exists().where(TicketDeadline.ticket_id == Ticket.id, TicketDeadline.met_at.is_(None),
                                    TicketDeadline.due_at < now))
    return where


@routes.get("/board")
async def board(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    try:
        filters = read_filters(console)
    except BadFilter as bad:
        return await problem(request, 400, words.BAD_FILTER.format(reason=bad))
    now = console.now()
    size = console.settings.console.page_size
    where = _conditions(filters, console, now)
    base = (select(Ticket, Home.room_key, Staff.name).outerjoin(Home, Home.id == Ticket.home_id)
            .outerjoin(Building, Building.id == Home.building_id).outerjoin(Staff, Staff.id == Ticket.assignee_id)
            .where(*where))
    async with console.sessions() as session:
        total = await session.scalar(
            select(func.count()).select_from(Ticket).outerjoin(Home, Home.id == Ticket.home_id)
            .outerjoin(Building, Building.id == Home.building_id).where(*where)) or 0
        rows = (await session.execute(
            base.options(selectinload(Ticket.deadlines)).order_by(desc(Ticket.created_at), desc(Ticket.id))
            .limit(size).offset((filters.page - 1) * size))).all()
        staff = await _staff_choices(session, console, console.served)
    warn = console.settings.sla.warn_at_fraction
    tickets = [_row(ticket, room, assignee, now, warn, console) for ticket, room, assignee in rows]
    pages = max(1, -(-total // size))
    return await page(request, "board.html", tickets=tickets, filters=filters, total=total, pages=pages,
                      estates=console.estates(), kinds=[(k.name, k.title) for k in console.services.kinds],
                      statuses=STATUS_NAMES, categories=CATEGORIES, tiers=TIER_NAMES, staff=staff,
                      multi_estate=console.settings.multi_estate)


def _row(ticket: Ticket, room: str | None, assignee: str | None, now: datetime, warn: float,
         console: Console) -> dict[str, Any]:
    return {"number": ticket.number, "kind": console.services.kinds[ticket.kind].title
            if ticket.kind in console.services.kinds else ticket.kind,
            "status": ticket.status, "status_name": STATUS_NAMES.get(ticket.status, ticket.status),
            "where": room or ticket.place or "—", "estate": console.settings.for_estate(ticket.estate).estate.name,
            "category": ticket.category or "", "tier": TIER_NAMES.get(ticket.tier or "", ""),
            "summary": ticket.description[:60], "assignee": assignee or "",
            "created": ticket.created_at.astimezone(console.settings.tz).strftime("%m-%d %H:%M"),
            "countdown": countdown(ticket, now, warn)}


async def _staff_choices(session: AsyncSession, console: Console,
                         estates: frozenset[str] | None) -> list[tuple[int, str]]:
    """(id, name) of the staff who serve any of ``estates`` (None: the whole company), for the filter
    and the 转派 list: another estate's people are not shown."""
    people = (await session.scalars(select(Staff).order_by(Staff.name))).all()
    if estates is not None:
        roster = await EstateRoster.load(session, console.settings.company_default_estate)
        people = [person for person in people if any(roster.serves(person, estate) for estate in estates)]
    return [(person.id, person.name) for person in people]


async def _visible_ticket(session: AsyncSession, console: Console, number: str, *,
                          for_update: bool = False) -> Ticket | None:
    ticket = await console.services.workflow.desk.load(session, number[:20], for_update=for_update)
    if ticket is None or not console.serves(ticket.estate):
        return None
    return ticket


@routes.get("/tickets/{number}")
async def ticket_page(request: web.Request) -> web.StreamResponse:
    return await _ticket_page(request, reveal=False)


@routes.post("/tickets/{number}/reveal")
async def reveal_phone(request: web.Request) -> web.StreamResponse:
    """The full phone number, shown once and recorded in the audit trail."""
    return await _ticket_page(request, reveal=True)


async def _ticket_page(request: web.Request, *, reveal: bool) -> web.StreamResponse:
    console = Console(request)
    now = console.now()
    async with console.sessions() as session, session.begin():
        ticket = await _visible_ticket(session, console, request.match_info["number"])
        if ticket is None:
            return await problem(request, 404, words.NO_TICKET)
        home = await session.get(Home, ticket.home_id) if ticket.home_id else None
        assignee = await session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
        phone = ticket.contact_phone or await _owner_phone(session, ticket)
        reporters = (await session.scalars(select(TicketReporter).where(TicketReporter.ticket_id == ticket.id)
                                           .order_by(TicketReporter.id))).all()
        if reveal and phone:
            await audit(session, console.me, "reveal_phone", now, target=ticket.number, detail=mask_phones(phone),
                        address=console.address)
        staff = await _staff_choices(session, console, frozenset({ticket.estate}))
        events = list(ticket.events)
        deadlines = list(ticket.deadlines)
    tz = console.settings.tz
    allowed = [action for action in BUTTONS if _offered(action, ticket, console)]
    return await page(
        request, "ticket.html", ticket=ticket, staff=staff, allowed=allowed, action_names=ACTION_NAMES,
        kind=console.services.kinds[ticket.kind].title if ticket.kind in console.services.kinds else ticket.kind,
        status_name=STATUS_NAMES.get(ticket.status, ticket.status), tier=TIER_NAMES.get(ticket.tier or "", ""),
        where=home.room_key if home else (ticket.place or "—"), assignee=assignee.name if assignee else "",
        estate=console.settings.for_estate(ticket.estate).estate.name,
        phone=(phone if reveal else mask_phones(phone)) if phone else "", revealed=reveal and bool(phone),
        events=[{"at": e.at.astimezone(tz).strftime("%m-%d %H:%M"), "action": ACTION_NAMES.get(e.action, e.action),
                 "to": STATUS_NAMES.get(e.to_status or "", ""), "by": e.by if not e.by.startswith("owner:") else "业主",
                 "note": e.note} for e in events],
        deadlines=[{"name": DEADLINE_NAMES.get(d.name, d.name), "due": d.due_at.astimezone(tz).strftime("%m-%d %H:%M"),
                    "met": d.met_at.astimezone(tz).strftime("%m-%d %H:%M") if d.met_at else "",
                    "late": (d.met_at or now) > d.due_at} for d in deadlines],
        countdown=countdown(ticket, now, console.settings.sla.warn_at_fraction),
        reporters=[{"at": r.reported_at.astimezone(tz).strftime("%m-%d %H:%M"), "text": r.description}
                   for r in reporters],
        appointment=ticket.appointment.astimezone(tz).strftime("%m-%d %H:%M") if ticket.appointment else "")


async def _owner_phone(session: AsyncSession, ticket: Ticket) -> str | None:
    """The phone on the owner register for the ticket's home, when the ticket has none of its own."""
    if ticket.home_id is None:
        return None
    return await session.scalar(select(Resident.phone).where(Resident.home_id == ticket.home_id)
                                .order_by(Resident.id).limit(1))


def _offered(action: str, ticket: Ticket, console: Console) -> bool:
    """Whether to show the button: the state allows it and the person's role may press it."""
    if action in SUPERVISOR_ONLY and not console.supervising:
        return False
    if action == "accept":
        return ticket.status in ("new", "assigned")
    return ticket.status in TRANSITIONS[action][0]


@routes.post("/tickets/{number}/act")
async def act(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    form = await request.post()
    action = str(form.get("action", ""))
    note = str(form.get("note", "")).strip()[:NOTE_MAX]
    if action not in BUTTONS:
        return await problem(request, 400, words.UNKNOWN_ACTION)
    number = request.match_info["number"]
    async with console.sessions() as session, session.begin():
        ticket = await _visible_ticket(session, console, number, for_update=True)
        if ticket is None:
            return await problem(request, 404, words.NO_TICKET)
        try:
            message = await _act(session, console, ticket, action, note, str(form.get("staff", "")).strip())
        except (NotPermitted, InvalidTransition) as refused:
            message = None
            reason = str(refused)
    if message is None:
        await flash(request, reason, "error")
    else:
        await flash(request, message)
    raise redirect(f"/console/tickets/{ticket.number}")


async def _act(session: AsyncSession, console: Console, ticket: Ticket, action: str, note: str,
               other: str) -> str:
    """Do ``action`` as the signed-in person (raises NotPermitted or InvalidTransition); the chat's words."""
    workflow, me, now = console.services.workflow, console.me, console.now()
    if action == "accept":
        previous = await workflow.take(session, ticket, me, now)
        if previous is not None:
            return staff_replies.TAKEN_OVER.format(number=ticket.number, name=previous.name)
        return staff_replies.TAKEN.format(number=ticket.number)
    if action in SUPERVISOR_ONLY:
        await workflow.ensure_serves(session, ticket, me)
        if not console.supervising:
            raise NotPermitted(words.SUPERVISOR_ACTION.format(action=ACTION_NAMES[action]))
        await workflow.perform(session, ticket, action, now, actor=me, note=note)
        return words.DONE_ACTION.format(number=ticket.number, action=ACTION_NAMES[action])
    if action == "note":
        await workflow.ensure_serves(session, ticket, me)
        if not note:
            raise NotPermitted(words.NOTE_NEEDED)
        await workflow.desk.apply(session, ticket, "note", now, by=me.name, note=note)
        return staff_replies.NOTED.format(number=ticket.number)
    await workflow.check(session, ticket, me, action)
    if action == "assign":
        chosen = record_id(other)
        if chosen is None:
            raise NotPermitted(words.CHOOSE_STAFF)
        person = await session.get(Staff, chosen)
        named = await staff_named(session, person.phone, ticket.estate,
                                  console.settings.company_default_estate) if person else []
        if not named:
            raise NotPermitted(staff_replies.NO_SUCH_STAFF.format(name=other))
        await workflow.ensure_serves(session, ticket, named[0])
        await workflow.perform(session, ticket, "assign", now, actor=me, assignee=named[0], note=note)
        return staff_replies.REASSIGNED.format(number=ticket.number, name=named[0].name)
    await workflow.perform(session, ticket, action, now, actor=me, note=note)
    return (staff_replies.STARTED if action == "start" else staff_replies.COMPLETED).format(number=ticket.number)
