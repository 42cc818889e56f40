"""The console's 通知 page: notices of the estates served, with their delivery, made and changed here.

Making one is two steps, as in the chat: the form drafts it and shows what will be sent to how many
accounts; 确认发送 announces it (or 放弃 drops it). Extending, ending early and cancelling follow
the same rules as ``wuyebot notice`` and the chat commands (handlers/domain/notices.py).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import desc, select

from handlers.domain import notices
from handlers.domain.staff_access import audit
from handlers.domain.staffing import may_announce
from handlers.replies import console as words
from handlers.replies import notices as replies
from handlers.web.console.context import Console
from handlers.web.console.render import flash, page, problem, redirect
from models import Notice

routes = web.RouteTableDef()
LISTED = 50


@routes.get("/notices")
async def notice_page(request: web.Request) -> web.StreamResponse:
    if not may_announce(Console(request).me):
        return await problem(request, 403, replies.NOT_ANNOUNCER)
    return await _page(request)


async def _page(request: web.Request, status: int = 200, **extra: Any) -> web.StreamResponse:
    console = Console(request)
    query = select(Notice).where(Notice.status != "draft").order_by(desc(Notice.id)).limit(LISTED)
    if console.served is not None:
        query = query.where(Notice.estate.in_(sorted(console.served)))
    settings = console.settings
    async with console.sessions() as session:
        rows = (await session.scalars(query)).all()
        listed = [{"number": n.number, "estate": settings.for_estate(n.estate).estate.name, "kind": n.kind,
                   "scope": notices.scope_words(n.buildings, n.units), "when": notices.when_words(n, settings),
                   "text": n.text, "urgent": n.urgent, "status": n.status,
                   "status_name": replies.STATUS_NAMES.get(n.status, n.status),
                   "delivery": await notices.delivery(session, n)} for n in rows]
    extra.setdefault("form", {})
    return await page(request, "notices.html", status=status, notices=listed, estates=console.estates(),
                      kinds=notices.KINDS, **extra)


@routes.post("/notices")
async def draft_notice(request: web.Request) -> web.StreamResponse:
    """Check and draft; the page then shows the draft with its audience and asks to confirm."""
    console = Console(request)
    if not may_announce(console.me):
        return await problem(request, 403, replies.NOT_ANNOUNCER)
    form = {key: str(value)[:400] for key, value in (await request.post()).items()}
    estate = form.get("estate") or (console.estates()[0][0] if console.estates() else "")
    if not console.serves(estate):
        return await _page(request, 400, form=form, error=words.NO_ESTATE)
    now = console.now()
    try:
        tz = console.settings.tz
        asked = notices.Draft(
            estate=estate, kind=form.get("kind", ""), starts_at=notices.moment_from(form.get("start", ""), tz),
            ends_at=notices.moment_from(form.get("end", ""), tz), text=form.get("text", ""),
            buildings=notices.codes_from(form.get("buildings", "")), units=notices.codes_from(form.get("units", "")),
            urgent=form.get("urgent") == "1")
        async with console.sessions() as session, session.begin():
            notice = await notices.draft(session, asked, now, console.settings, console.me.name)
            count = await notices.count_audience(session, notice)
            draft = {"number": notice.number, "estate": console.settings.for_estate(estate).estate.name,
                     "kind": notice.kind, "scope": notices.scope_words(notice.buildings, notice.units),
                     "when": notices.when_words(notice, console.settings), "text": notice.text,
                     "urgent": notice.urgent, "count": count}
    except notices.NoticeRefused as refused:
        return await _page(request, 400, form=form, error=str(refused))
    return await _page(request, draft=draft)


async def _live(request: web.Request, session: Any, console: Console) -> Notice | None:
    notice = await notices.find(session, request.match_info["number"][:20], for_update=True)
    if notice is None or not console.serves(notice.estate):
        return None
    return notice


@routes.post("/notices/{number}/{action:send|drop|extend|end|cancel}")
async def change_notice(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    if not may_announce(console.me):
        return await problem(request, 403, replies.NOT_ANNOUNCER)
    action = request.match_info["action"]
    form = await request.post()
    now, settings, outbox = console.now(), console.settings, console.outbox
    async with console.sessions() as session, session.begin():
        notice = await _live(request, session, console)
        if notice is None:
            return await problem(request, 404, replies.NO_NOTICE.format(number=request.match_info["number"][:20]))
        try:
            if action == "send":
                delivery = await notices.announce(session, notice, now, outbox, settings)
                reached, unreachable = delivery.recipients - delivery.unreachable, delivery.unreachable
                message = replies.SENT.format(number=notice.number, reached=reached, unreachable=replies.UNREACHABLE
                                              .format(count=unreachable) if unreachable else "")
            elif action == "drop":
                if notice.status != "draft":
                    raise notices.NoticeRefused(replies.NOT_ACTIVE.format(
                        number=notice.number, status=replies.STATUS_NAMES.get(notice.status, notice.status)))
                notice.status, notice.cancelled_at = "cancelled", now
                message = replies.DRAFT_DROPPED.format(number=notice.number)
            elif action == "extend":
                end = notices.moment_from(str(form.get("end", "")), console.settings.tz)
                told = await notices.extend(session, notice, end, now, outbox, settings)
                message = replies.EXTENDED_STAFF.format(number=notice.number, end=notices.moment_words(end, settings),
                                                        count=told)
            elif action == "end":
                told = await notices.end_now(session, notice, now, outbox, settings)
                message = replies.ENDED_STAFF.format(number=notice.number, count=told)
            else:
                told = await notices.cancel(session, notice, now, outbox, settings)
                message = replies.CANCELLED_STAFF.format(
                    number=notice.number, told=replies.TOLD_CANCEL.format(count=told) if told else "")
        except notices.NoticeRefused as refused:
            message = None
            reason = str(refused)
        else:
            await audit(session, console.me, f"notice_{action}", now, target=notice.number, address=console.address)
    if message is None:
        await flash(request, reason, "error")
    else:
        await flash(request, message)
    raise redirect("/console/notices")
