"""The admin API (``/api/*``, bearer token): tickets, their actions, the outbox, notices and counts.

Estates: every ticket carries its estate's code; ``estate=`` narrows the ticket list and the
stats to one estate (an unknown code is a 400); a staff member acting on a ticket of an estate
they do not serve is refused (403), admins serve them all (handlers/domain/estates.py).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import desc, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.clock import Clock
from bot.settings import Settings
from handlers.domain.estates import staff_named
from handlers.domain.notices import delivery, notice_json
from handlers.domain.tickets import STATUS_NAMES, TRANSITIONS, InvalidTransition, ticket_json
from handlers.domain.workflow import NotPermitted, Workflow
from handlers.reports import (
    MONTH,
    BadPeriod,
    UnknownEstate,
    compute,
    compute_all,
    find_estate,
    last_complete,
    parse_period,
)
from handlers.web.http import error, json_object
from models import Home, Notice, OutboxMessage, Staff, Ticket

API_ACTIONS = ("assign", "accept", "start", "complete", "close", "reopen", "cancel")
MAX_LIST = 500


def api_routes(sessions_key: Any, settings_key: Any, clock_key: Any, services_key: Any) -> web.RouteTableDef:
    routes = web.RouteTableDef()

    def parts(request: web.Request) -> tuple[async_sessionmaker[AsyncSession], Settings, Clock, Workflow]:
        app = request.app
        return app[sessions_key], app[settings_key], app[clock_key], app[services_key].workflow

    @routes.get("/api/tickets")
    async def list_tickets(request: web.Request) -> web.Response:
        sessions, settings, _clock, _workflow = parts(request)
        query = (select(Ticket, Home.room_key, Staff.name).outerjoin(Home, Home.id == Ticket.home_id)
                 .outerjoin(Staff, Staff.id == Ticket.assignee_id))
        kind, status, room, estate = (request.query.get(name, "").strip()
                                      for name in ("kind", "status", "room", "estate"))
        if kind:
            kinds = request.app[services_key].kinds
            if kind not in kinds:
                return error(400, f"kind must be one of {', '.join(kinds.names)}")
            query = query.where(Ticket.kind == kind)
        if status:
            if status not in STATUS_NAMES:
                return error(400, f"status must be one of {', '.join(STATUS_NAMES)}")
            query = query.where(Ticket.status == status)
        if room:  # the same room may be on file in several estates: all of them, unless estate= narrows it
            query = query.where(Home.room_key == room.upper())
        query = query.options(selectinload(Ticket.deadlines)).order_by(desc(Ticket.created_at), desc(Ticket.id))
        async with sessions() as session:
            if estate:
                try:
                    await find_estate(session, settings, estate)
                except UnknownEstate as unknown:
                    return error(400, str(unknown))
                query = query.where(Ticket.estate == estate)
            rows = (await session.execute(query.limit(MAX_LIST))).all()
        return web.json_response({"tickets": [_json(t, settings, room=r, assignee=a) for t, r, a in rows]})

    @routes.get("/api/tickets/{number}")
    async def one_ticket(request: web.Request) -> web.Response:
        sessions, settings, _clock, workflow = parts(request)
        async with sessions() as session:
            ticket = await workflow.desk.load(session, request.match_info["number"])
            if ticket is None:
                return error(404, "no such ticket")
            room, assignee = await _room_and_assignee(session, ticket)
        return web.json_response(_json(ticket, settings, room=room, assignee=assignee, with_events=True))

    @routes.post("/api/tickets/{number}/actions")
    async def act(request: web.Request) -> web.Response:
        sessions, settings, clock, workflow = parts(request)
        body = await json_object(request)
        if isinstance(body, web.Response):
            return body
        action, who, note = body.get("action"), body.get("staff"), body.get("note") or ""
        if action not in API_ACTIONS:
            return error(400, f"action must be one of {', '.join(API_ACTIONS)}")
        if not isinstance(note, str) or (who is not None and not isinstance(who, str)):
            return error(400, "staff and note must be strings")
        async with sessions() as session, session.begin():
            ticket = await workflow.desk.load(session, request.match_info["number"], for_update=True)
            if ticket is None:
                return error(404, "no such ticket")
            staff = None
            if who:
                named = await staff_named(session, who, ticket.estate, settings.company_default_estate)
                if not named:
                    return error(400, f"no staff member named or with phone {who!r}")
                if len(named) > 1:
                    return error(400, f"several staff members are called {who!r}: give the phone instead")
                staff = named[0]
            if action == "assign" and staff is None:
                return error(400, "assign needs staff")
            if staff is not None:  # the chat commands' rule: only someone who serves the ticket's estate
                try:
                    await workflow.ensure_serves(session, ticket, staff)
                except NotPermitted as refused:
                    return error(403, str(refused))
            try:
                await workflow.perform(session, ticket, action, clock.now(),
                                       actor=None if action == "assign" else staff,
                                       assignee=staff if action == "assign" else None, note=note)
            except InvalidTransition as refused:
                allowed = sorted(TRANSITIONS[action][0])
                return web.json_response({"error": str(refused), "status": ticket.status, "allowed_from": allowed},
                                         status=409)
            room, assignee = await _room_and_assignee(session, ticket)
            return web.json_response(_json(ticket, settings, room=room, assignee=assignee, with_events=True))

    @routes.get("/api/outbox")
    async def outbox(request: web.Request) -> web.Response:
        sessions, settings, _clock, _workflow = parts(request)
        query = select(OutboxMessage).order_by(desc(OutboxMessage.id)).limit(MAX_LIST)
        status = request.query.get("status", "").strip()
        if status:
            query = query.where(OutboxMessage.status == status)
        async with sessions() as session:
            rows = (await session.scalars(query)).all()
        tz = settings.tz
        return web.json_response({"outbox": [
            {"id": r.id, "recipient": r.recipient, "channel": r.channel, "kind": r.kind, "status": r.status,
             "attempts": r.attempts, "due_at": r.due_at.astimezone(tz).isoformat(), "last_error": r.last_error,
             "sent_at": r.sent_at.astimezone(tz).isoformat() if r.sent_at else None,
             "text": r.payload.get("text") or r.payload.get("markdown")}
            for r in rows]})

    @routes.get("/api/notices")
    async def notice_list(request: web.Request) -> web.Response:
        """Notices, newest first: ``estate=CODE`` narrows to one estate; ``active=1`` to those not yet over."""
        sessions, settings, clock, _workflow = parts(request)
        estate = request.query.get("estate", "").strip()
        active = request.query.get("active", "").strip().lower()
        if active not in ("", "0", "1", "true", "false"):
            return error(400, "active must be 1 or 0")
        query = select(Notice).where(Notice.status != "draft").order_by(desc(Notice.id)).limit(MAX_LIST)
        if active in ("1", "true"):
            query = query.where(Notice.status == "active", Notice.ends_at > clock.now())
        async with sessions() as session:
            if estate:
                try:
                    await find_estate(session, settings, estate)
                except UnknownEstate as unknown:
                    return error(400, str(unknown))
                query = query.where(Notice.estate == estate)
            rows = (await session.scalars(query)).all()
            listed = [{**notice_json(notice, settings), "delivery": (await delivery(session, notice)).as_json()}
                      for notice in rows]
        return web.json_response({"notices": listed})

    @routes.get("/api/stats")
    async def stats(request: web.Request) -> web.Response:
        """The report figures as JSON: ``?period=2026-W47`` (weekly) or ``2026-10`` (monthly, the default:
        last month); ``estate=CODE``: that estate's, else the company's with ``estates``, each one's."""
        sessions, settings, clock, _workflow = parts(request)
        now, wanted = clock.now(), request.query.get("period", "").strip()
        estate = request.query.get("estate", "").strip()
        try:
            period = parse_period(wanted, now, settings.tz) if wanted else last_complete(MONTH, now, settings.tz)
        except BadPeriod as refused:
            return error(400, str(refused))
        async with sessions() as session:
            try:
                report = (await compute(session, period, now, settings, estate=estate) if estate
                          else await compute_all(session, period, now, settings))
            except UnknownEstate as unknown:
                return error(400, str(unknown))
        return web.json_response(report.to_json())

    return routes


def _json(ticket: Ticket, settings: Settings, *, room: str | None, assignee: str | None,
          with_events: bool = False) -> dict[str, object]:
    """A ticket as the API shows it (docs/api.md)."""
    return ticket_json(ticket, settings.tz, room=room, assignee=assignee, with_events=with_events)


async def _room_and_assignee(session: AsyncSession, ticket: Ticket) -> tuple[str | None, str | None]:
    room = await session.scalar(select(Home.room_key).where(Home.id == ticket.home_id)) if ticket.home_id else None
    assignee = (await session.scalar(select(Staff.name).where(Staff.id == ticket.assignee_id))
                if ticket.assignee_id else None)
    return room, assignee
