"""The live handoff inbox: owners handed to a person, their thread, and answering them.

The list shows the handoffs open now in the estates the agent serves, the latest activity first,
with who is answering each. New lines (owners' messages, other agents' answers, takes and ends)
arrive over server-sent events: ``/console/inbox/events`` reads the table every
``POLL_SECONDS`` (so it works whichever instance wrote the line) and closes after
``STREAM_SECONDS``, or as soon as its session is signed out or outlived by a new password; the
browser's EventSource then reconnects through the sign-in check again, with the last line id it
saw, so an ended session stops the feed and nothing is missed.
Answering, taking and ending are ``handlers.domain.handoff_agents``, shared with the chat commands.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp_session import get_session
from aiohttp_sse import sse_response
from sqlalchemy import desc, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import mask_phones
from handlers.domain import handoff_records as records
from handlers.domain.handoff import owner_of
from handlers.domain.handoff_agents import (
    Agents,
    HandoffOver,
    OutsideWindow,
    Taken,
    answer,
    end,
    inside_window,
    take,
)
from handlers.domain.staff_access import audit
from handlers.domain.tickets import STATUS_NAMES
from handlers.replies import console as words
from handlers.web.console.auth import signed_in_staff
from handlers.web.console.context import Console
from handlers.web.console.render import flash, page, problem, record_id, redirect
from models import Handoff, ProcessedMessage, Staff, Ticket

routes = web.RouteTableDef()
POLL_SECONDS = 1.0
STREAM_SECONDS = 300.0
FEEDS_CLOSING = web.AppKey("feeds_closing", asyncio.Event)  # set at shutdown: every open feed ends at once


def close_feeds_at_shutdown(app: web.Application) -> None:
    """Open feeds end when the service stops (they would otherwise hold the stop for minutes)."""
    app[FEEDS_CLOSING] = asyncio.Event()

    async def closing(_app: web.Application) -> None:
        app[FEEDS_CLOSING].set()

    app.on_shutdown.append(closing)
RECENT = 5
AUTHORS = {records.OWNER: "业主", records.AGENT: "客服", records.SYSTEM: "系统"}


async def _summaries(session: AsyncSession, console: Console) -> list[dict[str, Any]]:
    handoffs = await records.open_handoffs(session, console.served, console.now())
    agents = {person.id: person.name for person in (await session.scalars(
        select(Staff).where(Staff.id.in_([h.agent_id for h in handoffs if h.agent_id])))).all()}
    result = []
    for handoff in handoffs:
        settings = console.settings.for_estate(handoff.estate)
        home, _contact, _ref = await owner_of(session, handoff.openid, settings)
        last = await session.scalar(select(records.HandoffMessage.text).where(
            records.HandoffMessage.handoff_id == handoff.id).order_by(desc(records.HandoffMessage.id)).limit(1))
        result.append({"id": handoff.id, "home": home, "estate": settings.estate.name,
                       "agent": agents.get(handoff.agent_id or 0, ""), "mine": handoff.agent_id == console.me.id,
                       "last": (last or "")[:40], "at": _clock(handoff.last_message_at, console)})
    return result


def _clock(moment: datetime, console: Console) -> str:
    return moment.astimezone(console.settings.tz).strftime("%H:%M")


async def _visible(session: AsyncSession, console: Console, handoff_id: str) -> Handoff | None:
    found = record_id(handoff_id)
    if found is None:
        return None
    handoff = await session.get(Handoff, found)
    if handoff is None or not console.serves(handoff.estate):
        return None
    return handoff


@routes.get("/inbox")
async def inbox(request: web.Request) -> web.StreamResponse:
    return await _inbox(request, reveal=False)


@routes.post("/inbox/{id}/reveal")
async def reveal(request: web.Request) -> web.StreamResponse:
    return await _inbox(request, reveal=True, chosen=request.match_info["id"])


async def _inbox(request: web.Request, *, reveal: bool, chosen: str | None = None) -> web.StreamResponse:
    console = Console(request)
    chosen = chosen or request.query.get("h", "")
    now = console.now()
    async with console.sessions() as session, session.begin():
        summaries = await _summaries(session, console)
        current = await _visible(session, console, chosen) if chosen else None
        if chosen and current is None:
            return await problem(request, 404, words.NO_HANDOFF)
        detail = await _detail(session, console, current, now, reveal) if current is not None else None
        cursor = await records.last_line_id(session)
    return await page(request, "inbox.html", handoffs=summaries, current=detail, cursor=cursor)


async def _detail(session: AsyncSession, console: Console, handoff: Handoff, now: datetime,
                  reveal: bool) -> dict[str, Any]:
    settings = console.settings.for_estate(handoff.estate)
    home, contact, _ref = await owner_of(session, handoff.openid, settings)
    if reveal:
        await audit(session, console.me, "reveal_phone", now, target=f"handoff:{handoff.id}",
                    detail=mask_phones(contact), address=console.address)
    before = (await session.scalars(
        select(ProcessedMessage).where(ProcessedMessage.openid == handoff.openid, ProcessedMessage.text != "",
                                       ProcessedMessage.received_at < handoff.started_at)
        .order_by(desc(ProcessedMessage.received_at)).limit(RECENT))).all()
    tickets_of_owner = select(Ticket).where(Ticket.openid == handoff.openid)
    if console.served is not None:  # an owner with homes in two estates: only the agent's estates' tickets
        tickets_of_owner = tickets_of_owner.where(Ticket.estate.in_(sorted(console.served)))
    tickets = (await session.scalars(tickets_of_owner.order_by(desc(Ticket.created_at)).limit(5))).all()
    agent = await session.get(Staff, handoff.agent_id) if handoff.agent_id else None
    is_open = handoff.ended_at is None and handoff.until > now
    return {
        "id": handoff.id, "home": home, "estate": settings.estate.name,
        "contact": contact if reveal else mask_phones(contact), "revealed": reveal,
        "agent": agent.name if agent else "", "mine": agent is not None and agent.id == console.me.id,
        "open": is_open, "until": _clock(handoff.until, console),
        "window": await inside_window(session, handoff.openid, now),
        "before": [{"at": _clock(m.received_at, console), "text": m.text} for m in reversed(before)],
        "lines": [_line_json(line, console) for line in await records.thread(session, handoff.id)],
        "tickets": [{"number": t.number, "status": STATUS_NAMES.get(t.status, t.status),
                     "summary": t.description[:40]} for t in tickets],
    }


def _line_json(line: records.Line, console: Console) -> dict[str, Any]:
    who = line.name if line.author == records.AGENT and line.name else AUTHORS.get(line.author, line.author)
    return {"id": line.id, "handoff": line.handoff_id, "author": line.author, "who": who,
            "at": _clock(line.at, console), "text": line.text}


@routes.get("/inbox/list")
async def inbox_list(request: web.Request) -> web.StreamResponse:
    """The list alone, which the page fetches again when the feed says something changed."""
    console = Console(request)
    async with console.sessions() as session:
        summaries = await _summaries(session, console)
    return await page(request, "_inbox_list.html", handoffs=summaries, current=None,
                      chosen=request.query.get("h", ""))


@routes.get("/inbox/events")
async def events(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    cursor = _cursor(request)
    signed_in = await get_session(request)
    async with console.sessions() as session:
        if cursor is None:
            cursor = await records.last_line_id(session)
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + STREAM_SECONDS
    closing = request.config_dict[FEEDS_CLOSING]
    async with sse_response(request) as stream:
        await stream.send("ready", event="ready", id=str(cursor))
        with contextlib.suppress(ConnectionResetError):
            while stream.is_connected() and loop.time() < stop_at and not closing.is_set():
                async with console.sessions() as session:
                    if await signed_in_staff(session, signed_in) is None:  # signed out or a new password
                        break
                    lines = await records.lines_after(session, cursor, console.served)
                for line in lines:
                    cursor = line.id
                    await stream.send(json.dumps(_line_json(line, console), ensure_ascii=False), event="line",
                                      id=str(cursor))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(closing.wait(), POLL_SECONDS)
    return stream


def _cursor(request: web.Request) -> int | None:
    value = request.headers.get("Last-Event-ID") or request.query.get("after", "")
    return record_id(value, minimum=0)


async def _agent_action(request: web.Request, action: str) -> web.StreamResponse:
    console = Console(request)
    form = await request.post()
    text = str(form.get("text", "")).strip()
    if action == "reply" and not text:
        await flash(request, words.EMPTY_REPLY, "error")
        raise redirect(f"/console/inbox?h={request.match_info['id']}")
    nonce = str(form.get("nonce", ""))
    if not 0 < len(nonce) <= 64:  # every form of the page carries one; without it a resend cannot be told
        return await problem(request, 400, words.CSRF)
    now = console.now()
    key = f"console:{request.match_info['id']}:{nonce}"  # the same form sent twice: one push
    async with console.sessions() as session, session.begin():
        handoff = await _visible(session, console, request.match_info["id"])
        if handoff is None:
            return await problem(request, 404, words.NO_HANDOFF)
        agents = Agents(console.outbox, console.conversations, console.settings.for_estate(handoff.estate))
        try:
            if action == "take":
                taken = await take(session, agents, handoff, console.me, now, key)
                message = words.TAKEN_UNTOLD if taken is Taken.UNTOLD else words.TAKEN
            elif action == "reply":
                await answer(session, agents, handoff, console.me, text, now, key)
                message = words.SENT
            else:
                await end(session, agents, handoff, console.me, now, key)
                message = words.ENDED
        except HandoffOver:
            message = words.HANDOFF_OVER
            await flash(request, message, "error")
            raise redirect(f"/console/inbox?h={handoff.id}") from None
        except OutsideWindow:
            message = words.OUTSIDE_WINDOW
            await flash(request, message, "error")
            raise redirect(f"/console/inbox?h={handoff.id}") from None
    await flash(request, message)
    raise redirect(f"/console/inbox?h={handoff.id}")


@routes.post("/inbox/{id}/take")
async def take_handoff(request: web.Request) -> web.StreamResponse:
    return await _agent_action(request, "take")


@routes.post("/inbox/{id}/reply")
async def reply(request: web.Request) -> web.StreamResponse:
    return await _agent_action(request, "reply")


@routes.post("/inbox/{id}/end")
async def end_handoff(request: web.Request) -> web.StreamResponse:
    return await _agent_action(request, "end")
