"""The supervisors' and admins' pages: dashboard, outbox, FAQ answers, and settings (staff, invites, audit).

Plain staff are refused these pages with 403 (``supervisors_only``). A supervisor sees and edits
what belongs to the estates they serve; admins see the whole company.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from aiohttp import web
from sqlalchemy import ColumnElement, desc, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import mask_phones
from handlers.domain import faq_edits, staff_access
from handlers.domain.estates import EstateRoster
from handlers.domain.kb import knowledge_base
from handlers.replies import console as words
from handlers.reports.dashboard import dashboard as dashboard_figures
from handlers.web.console.charts import bar_chart, line_chart, percent
from handlers.web.console.context import Console
from handlers.web.console.render import flash, page, problem, record_id, redirect
from models import AuditEntry, Building, Estate, Home, HomeBinding, OutboxMessage, Resident, Staff, StaffEstate

routes = web.RouteTableDef()
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
OUTBOX_VIEWS = words.OUTBOX_VIEWS
OUTBOX_PAGE = 100
AUDIT_ACTIONS = words.AUDIT_ACTIONS


def supervisors_only(handler: Handler) -> Handler:
    @wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        if not Console(request).supervising:
            return await problem(request, 403, words.SUPERVISORS_ONLY)
        return await handler(request)

    return guarded


@routes.get("/dashboard")
@supervisors_only
async def dashboard(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    async with console.sessions() as session:
        figures = await dashboard_figures(session, console.settings, console.now(), console.served)
    charts = {
        "categories": bar_chart([(c.category, c.count) for c in figures.by_category], title="近30天工单（按类别）",
                                horizontal=True),
        "satisfaction": line_chart([(w.label, float(w.rate) if w.rate is not None else None)
                                    for w in figures.satisfaction], title="满意率（按周）"),
        "collection": bar_chart([(c.name, float(c.rate) if c.rate is not None else 0.0) for c in figures.collection],
                                title=f"{figures.month} 收缴率（按小区）", value_format=percent, horizontal=True,
                                value_max=1),
    }
    return await page(request, "dashboard.html", figures=figures, charts=charts, money=_money)


def _shortened(recipient: str) -> str:
    return recipient[:12] + ("…" if len(recipient) > 12 else "")


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


@routes.get("/outbox")
@supervisors_only
async def outbox(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    view = request.query.get("view", "failed")
    if view not in OUTBOX_VIEWS:
        return await problem(request, 400, words.NO_VIEW)
    query = select(OutboxMessage)
    if view == "failed":
        query = query.where(OutboxMessage.status == "pending", OutboxMessage.attempts > 0)
    else:
        query = query.where(OutboxMessage.status == view)
    scope = _recipients_served(console)
    if scope is not None:
        query = query.where(scope)
    async with console.sessions() as session:
        rows = (await session.scalars(query.order_by(desc(OutboxMessage.id)).limit(OUTBOX_PAGE))).all()
        names = await _recipient_names(session, {r.recipient for r in rows})
    tz = console.settings.tz
    pushes = [{"id": r.id, "recipient": names.get(r.recipient) or _shortened(r.recipient),
               "channel": r.channel, "kind": r.kind, "status": r.status, "attempts": r.attempts,
               "due": r.due_at.astimezone(tz).strftime("%m-%d %H:%M"),
               "text": mask_phones(str(r.payload.get("text") or r.payload.get("markdown") or "模板消息"))[:120],
               "error": r.last_error or "", "retryable": r.status in ("pending", "held", "dead")} for r in rows]
    return await page(request, "outbox.html", pushes=pushes, view=view, views=OUTBOX_VIEWS)


async def _recipient_names(session: AsyncSession, openids: set[str]) -> dict[str, str]:
    """Who a push is for, as staff know them: the owner's current home and name, or the staff member's name."""
    owners = (await session.execute(
        select(HomeBinding.openid, Home.room_key, Resident.name).join(Home, Home.id == HomeBinding.home_id)
        .outerjoin(Resident, Resident.id == HomeBinding.resident_id)
        .where(HomeBinding.openid.in_(openids), HomeBinding.status == "active")
        .order_by(HomeBinding.is_current))).all()
    names = {openid: f"{room} {name or ''}".strip() for openid, room, name in owners}  # the current home wins
    staff = (await session.execute(select(Staff.openid, Staff.name).where(Staff.openid.in_(openids)))).all()
    names.update({openid: f"员工 {name}" for openid, name in staff if openid})
    return names


def _recipients_served(console: Console) -> ColumnElement[bool] | None:
    """A supervisor sees pushes to owners bound in their estates and to staff of their estates."""
    if console.served is None:
        return None
    estates = sorted(console.served)
    owners = (select(HomeBinding.openid).join(Home, Home.id == HomeBinding.home_id)
              .join(Building, Building.id == Home.building_id).join(Estate, Estate.id == Building.estate_id)
              .where(Estate.code.in_(estates)))
    listed = select(StaffEstate.staff_id).where(StaffEstate.estate.in_(estates))
    staff = select(Staff.openid).where(Staff.openid.is_not(None), Staff.id.in_(listed))
    if console.settings.company_default_estate in console.served:  # no estates on file: the default's staff
        staff = select(Staff.openid).where(Staff.openid.is_not(None), or_(
            Staff.id.in_(listed), ~exists().where(StaffEstate.staff_id == Staff.id)))
    return or_(OutboxMessage.recipient.in_(owners), OutboxMessage.recipient.in_(staff))


@routes.post("/outbox/{id}/retry")
@supervisors_only
async def retry(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    push_id = record_id(request.match_info["id"])
    if push_id is None:
        return await problem(request, 404, words.NO_PUSH)
    async with console.sessions() as session, session.begin():
        query = select(OutboxMessage.id).where(OutboxMessage.id == push_id)
        scope = _recipients_served(console)
        if scope is not None:
            query = query.where(scope)
        if await session.scalar(query) is None:
            return await problem(request, 404, words.NO_PUSH)
        done = await console.outbox.retry(session, push_id)
        if done:
            await staff_access.audit(session, console.me, "outbox_retry", console.now(), target=f"outbox:{push_id}",
                                     address=console.address)
    await flash(request, words.RETRIED if done else words.NOT_RETRIED, "ok" if done else "warn")
    raise redirect(f"/console/outbox?view={request.query.get('view', 'failed')}")


@routes.get("/faq")
@supervisors_only
async def faq(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    estates = console.estates()
    estate = request.query.get("estate", estates[0][0] if estates else "")
    if not console.serves(estate) or estate not in {code for code, _ in estates}:
        return await problem(request, 400, words.NO_ESTATE)
    return await _faq_page(request, console, estate)


async def _faq_page(request: web.Request, console: Console, estate: str, status: int = 200,
                    error: str = "", failed: str = "", draft: str = "") -> web.StreamResponse:
    kb = knowledge_base()
    settings = console.settings.for_estate(estate)
    entries = []
    for entry in kb.entries if kb is not None else ():
        edited = console.settings.faq_edits.get((estate, entry.id))
        entries.append({"id": entry.id, "question": entry.question,
                        "answer": settings.faq_answer(entry.id, entry.answer),
                        "edited": edited is not None, "draft": draft if failed == entry.id else None})
    async with console.sessions() as session:
        history = (await session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(("faq_edit", "faq_reset")),
                                     AuditEntry.target.like(f"{estate}:%"))
            .order_by(desc(AuditEntry.id)).limit(20))).all()
    tz = console.settings.tz
    return await page(request, "faq.html", status=status, entries=entries, estate=estate, estates=console.estates(),
                      error=error, failed=failed,
                      history=[{"at": h.at.astimezone(tz).strftime("%m-%d %H:%M"), "who": h.actor,
                                "entry": h.target.split(":", 1)[1], "detail": h.detail,
                                "action": AUDIT_ACTIONS.get(h.action, h.action)} for h in history])


@routes.post("/faq")
@supervisors_only
async def faq_save(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    form = await request.post()
    estate, entry, action = (str(form.get(name, "")) for name in ("estate", "entry", "action"))
    answer = str(form.get("answer", ""))
    kb = knowledge_base()
    if not console.serves(estate) or estate not in {code for code, _ in console.estates()}:
        return await problem(request, 400, words.NO_ESTATE)
    if kb is None or entry not in {e.id for e in kb.entries}:
        return await problem(request, 400, words.NO_ENTRY)
    async with console.sessions() as session, session.begin():
        try:
            if action == "reset":
                await faq_edits.reset(session, console.settings, estate, entry, console.me, console.now(),
                                      console.address)
                message = words.FAQ_RESET
            else:
                await faq_edits.save(session, console.settings, estate, entry, answer, console.me, console.now(),
                                     console.address)
                message = words.FAQ_SAVED
        except faq_edits.AnswerRefused as refused:
            await session.rollback()
            return await _faq_page(request, console, estate, 400, str(refused), entry, answer)
    await flash(request, message)
    raise redirect(f"/console/faq?estate={estate}#{entry}")


@routes.get("/settings")
@supervisors_only
async def settings_page(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    async with console.sessions() as session:
        people = await _people(session, console)
        audit_rows = (await session.scalars(select(AuditEntry).order_by(desc(AuditEntry.id)).limit(50))).all() \
            if console.is_admin else []
    tz = console.settings.tz
    estates = [console.settings.for_estate(code) for code, _name in console.estates()]
    return await page(request, "settings.html", estates=estates, people=people, sla=console.settings.sla,
                      console_settings=console.settings.console,
                      audit=[{"at": a.at.astimezone(tz).strftime("%m-%d %H:%M"), "who": a.actor,
                              "action": AUDIT_ACTIONS.get(a.action, a.action), "target": a.target,
                              "address": a.address} for a in audit_rows])


async def _people(session: AsyncSession, console: Console) -> list[dict[str, Any]]:
    rows = (await session.scalars(select(Staff).order_by(Staff.role, Staff.name))).all()
    roster = await EstateRoster.load(session, console.settings.company_default_estate)
    people = []
    for person in rows:
        if console.served is not None and not any(roster.serves(person, estate) for estate in console.served):
            continue
        people.append({"id": person.id, "name": person.name, "phone": mask_phones(person.phone), "role": person.role,
                       "has_password": person.password_hash is not None, "on_duty": person.on_duty,
                       "locked": person.locked_until is not None and person.locked_until > console.now()})
    return people


@routes.post("/staff/{id}/invite")
async def invite(request: web.Request) -> web.StreamResponse:
    """An admin makes a set-password link for a staff member (the same as ``wuyebot staff invite``)."""
    console = Console(request)
    if not console.is_admin:
        return await problem(request, 403, words.ADMINS_ONLY_INVITE)
    staff_id = record_id(request.match_info["id"])
    async with console.sessions() as session, session.begin():
        person = await session.get(Staff, staff_id) if staff_id is not None else None
        if person is None:
            return await problem(request, 404, words.NO_STAFF)
        token = await staff_access.create_invite(session, person, console.now(), console.settings.console,
                                                 console.me.name)
        await staff_access.audit(session, console.me, "invite", console.now(), target=person.name,
                                 address=console.address)
    link = invite_link(console, token)
    hours = console.settings.console.invite_hours
    await flash(request, words.INVITE_MADE.format(name=person.name, hours=hours, link=link))
    raise redirect("/console/settings")


def invite_link(console: Console, token: str) -> str:
    base = console.settings.console.public_url or f"{console.request.scheme}://{console.request.host}"
    return f"{base.rstrip('/')}/console/invite/{token}"
