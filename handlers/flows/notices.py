"""Notices in the chat (docs/notices.md): owners asking about an outage, and staff announcing one.

Owners: a message about what an active notice of their home announced ("怎么停水了") is answered
with the notice; any other message, or one from a home outside its scope, goes on to the dialogue.
Staff: ``通知 …`` drafts a notice and shows it with its audience; ``确认通知`` sends it and
``取消通知`` drops it; ``取消通知 N…``, ``延长通知 N… 14:00``, ``结束通知 N…`` change one; ``转通知 R…``
makes an urgent notice from a merged shared-facility ticket.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.router import Router, Turn
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain import notices
from handlers.domain.estates import served_estates
from handlers.domain.notice_answers import ANY_ASKING, notice_asked_about
from handlers.domain.notice_commands import KIND_WORDS, end_named, read, restore_named
from handlers.domain.staffing import may_announce, staff_by_openid
from handlers.domain.tickets import TicketDesk
from handlers.flows import Flow
from handlers.replies import notices as replies
from models import Building, Home, Notice, Staff, TicketReporter

router = Router("notices")
DRAFT_MINUTES = 30  # a draft not confirmed within this is forgotten
NUMBER = re.compile(r"N\d{11}", re.IGNORECASE)
CATEGORY_KINDS = {"电梯": "电梯维保", "水": "停水", "电": "停电"}  # 电梯 before 电


@router.text(ANY_ASKING)
async def asked_about_notice(turn: Turn, session: AsyncSession, settings: Settings, now: datetime) -> str | None:
    notice = await notice_asked_about(session, turn.openid, turn.text, now)
    return notices.answer_words(notice, settings) if notice is not None else None


async def _me(session: AsyncSession, openid: str) -> Staff | None:
    """The staff member, when they may make and change notices (the front desk, supervisors, admins)."""
    staff = await staff_by_openid(session, openid)
    return staff if may_announce(staff) else None


def _rest(turn: Turn) -> str:
    parts = turn.text.strip().split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


async def _estate_for(session: AsyncSession, staff: Staff, named: str | None, settings: Settings) -> str:
    """The estate the staff member means; raises NoticeRefused when they serve several and named none."""
    served = await served_estates(session, staff, settings.company_default_estate)
    codes = [estate.code for estate in settings.estate_list if served is None or estate.code in served]
    if named is not None and named in codes:
        return named
    if named is None and len(codes) == 1:
        return codes[0]
    if named is None and served is None and not settings.multi_estate:
        return settings.company_default_estate
    example = settings.for_estate(codes[0]).estate.name if codes else ""
    raise notices.NoticeRefused(replies.WHICH_ESTATE.format(example=example))


def _estate_names(settings: Settings) -> dict[str, str]:
    return {name: estate.code for estate in settings.estate_list for name in estate.names}


@router.command("通知")
async def draft_notice(turn: Turn, session: AsyncSession, settings: Settings, now: datetime) -> str:
    if not _rest(turn):
        return replies.USAGE
    staff = await _me(session, turn.openid)
    if staff is None:
        return replies.NOT_ANNOUNCER
    try:
        said = read(_rest(turn), now, settings.tz, _estate_names(settings))
        estate = await _estate_for(session, staff, said.estate_words, settings)
        assert said.kind is not None and said.starts_at is not None and said.ends_at is not None
        notice = await notices.draft(session, notices.Draft(
            estate=estate, kind=said.kind, starts_at=said.starts_at, ends_at=said.ends_at, text=said.text,
            buildings=tuple(said.buildings), units=tuple(said.units)), now, settings, staff.name)
    except notices.NoticeRefused as refused:
        return str(refused)
    count = await notices.count_audience(session, notice)
    return replies.DRAFT.format(number=notice.number, estate=settings.for_estate(estate).estate.name,
                                scope=notices.scope_words(notice.buildings, notice.units), kind=notice.kind,
                                urgent=replies.URGENT_MARK if notice.urgent else "",
                                when=notices.when_words(notice, settings), text=notice.text, count=count)


async def _latest_draft(session: AsyncSession, staff: Staff, now: datetime, settings: Settings) -> Notice | None:
    """This person's draft of the last half hour, in an estate they serve (names are not unique across estates)."""
    query = select(Notice).where(
        Notice.status == "draft", Notice.created_by == staff.name, Notice.ticket_id.is_(None),
        Notice.created_at >= now - timedelta(minutes=DRAFT_MINUTES))
    served = await served_estates(session, staff, settings.company_default_estate)
    if served is not None:
        query = query.where(Notice.estate.in_(sorted(served)))
    return await session.scalar(query.order_by(Notice.id.desc()).limit(1).with_for_update())


@router.command("确认通知")
async def confirm_notice(turn: Turn, session: AsyncSession, settings: Settings, outbox: Outbox, now: datetime) -> str:
    staff = await _me(session, turn.openid)
    if staff is None:
        return replies.NOT_ANNOUNCER
    notice = await _latest_draft(session, staff, now, settings)
    if notice is None:
        return replies.NO_DRAFT
    try:
        delivery = await notices.announce(session, notice, now, outbox, settings)
    except notices.NoticeRefused as refused:
        return str(refused)
    return _sent(notice, delivery)


def _sent(notice: Notice, delivery: notices.Delivery) -> str:
    reached = delivery.recipients - delivery.unreachable
    unreachable = replies.UNREACHABLE.format(count=delivery.unreachable) if delivery.unreachable else ""
    return replies.SENT.format(number=notice.number, reached=reached, unreachable=unreachable)


async def _named_notice(session: AsyncSession, staff: Staff, turn: Turn, settings: Settings) -> Notice | None:
    match = NUMBER.search(_rest(turn))
    if match is None:
        return None
    notice = await notices.find(session, match.group(0), for_update=True)
    served = await served_estates(session, staff, settings.company_default_estate)
    if notice is None or (served is not None and notice.estate not in served):
        return None
    return notice


@router.command("取消通知")
async def cancel_notice(turn: Turn, session: AsyncSession, settings: Settings, outbox: Outbox, now: datetime) -> str:
    staff = await _me(session, turn.openid)
    if staff is None:
        return replies.NOT_ANNOUNCER
    if not _rest(turn):  # the draft just shown
        draft = await _latest_draft(session, staff, now, settings)
        if draft is None:
            return replies.NO_DRAFT
        draft.status, draft.cancelled_at = "cancelled", now
        return replies.DRAFT_DROPPED.format(number=draft.number)
    notice = await _named_notice(session, staff, turn, settings)
    if notice is None:
        return replies.NO_NOTICE.format(number=_rest(turn)[:20])
    try:
        told = await notices.cancel(session, notice, now, outbox, settings)
    except notices.NoticeRefused as refused:
        return str(refused)
    return replies.CANCELLED_STAFF.format(number=notice.number, told=replies.TOLD_CANCEL.format(count=told)
                                          if told else "")


@router.command("延长通知")
async def extend_notice(turn: Turn, session: AsyncSession, settings: Settings, outbox: Outbox, now: datetime) -> str:
    staff = await _me(session, turn.openid)
    if staff is None:
        return replies.NOT_ANNOUNCER
    notice = await _named_notice(session, staff, turn, settings)
    if notice is None:
        return replies.USAGE_CHANGE.format(command="延长通知", extra=" 新的结束时间", example=" 14:00")
    new_end = end_named(_rest(turn)[len(notice.number):], notice.ends_at, now, settings.tz)
    if new_end is None:
        return replies.USAGE_CHANGE.format(command="延长通知", extra=" 新的结束时间", example=" 14:00")
    try:
        told = await notices.extend(session, notice, new_end, now, outbox, settings)
    except notices.NoticeRefused as refused:
        return str(refused)
    return replies.EXTENDED_STAFF.format(number=notice.number, end=notices.moment_words(new_end, settings), count=told)


@router.command("结束通知")
async def end_notice(turn: Turn, session: AsyncSession, settings: Settings, outbox: Outbox, now: datetime) -> str:
    staff = await _me(session, turn.openid)
    if staff is None:
        return replies.NOT_ANNOUNCER
    notice = await _named_notice(session, staff, turn, settings)
    if notice is None:
        return replies.USAGE_CHANGE.format(command="结束通知", extra="", example="")
    try:
        told = await notices.end_now(session, notice, now, outbox, settings)
    except notices.NoticeRefused as refused:
        return str(refused)
    return replies.ENDED_STAFF.format(number=notice.number, count=told)


@router.command("转通知")
async def ticket_to_notice(turn: Turn, session: AsyncSession, settings: Settings, outbox: Outbox, desk: TicketDesk,
                           now: datetime) -> str:
    """An urgent notice for the ticket's building from now; its reporters hear every step too."""
    staff = await _me(session, turn.openid)
    if staff is None:
        return replies.NOT_ANNOUNCER
    words = _rest(turn).split()
    if not words:
        return replies.FROM_TICKET_USAGE
    ticket = await desk.load(session, words[0][:20])
    served = await served_estates(session, staff, settings.company_default_estate)
    if ticket is None or (served is not None and ticket.estate not in served):
        return replies.NO_TICKET.format(number=words[0][:20])
    rest = " ".join(words[1:])
    kind = next((KIND_WORDS[word] for word in words[1:] if word in KIND_WORDS), None) or _kind_of(ticket.category)
    building = ticket.building or await _building_of(session, ticket.home_id)
    if not building:
        return replies.FROM_TICKET_NO_BUILDING.format(number=ticket.number)
    made = await session.scalar(select(Notice.number).where(Notice.ticket_id == ticket.id,
                                                            Notice.status.in_(("draft", "active"))))
    if made is not None:
        return replies.FROM_TICKET_ALREADY.format(ticket=ticket.number, number=made)
    ends = restore_named(rest, now, settings.tz) or now + timedelta(hours=settings.notices.unplanned_hours)
    try:  # the owners' own words (rooms, phones) stay on the ticket: the notice says what is down
        notice, delivery = await notices.create(session, notices.Draft(
            estate=ticket.estate, kind=kind, starts_at=now, ends_at=ends,
            text=replies.UNPLANNED.get(kind, replies.UNPLANNED_OTHER), buildings=(building,), urgent=True),
            now, outbox, settings, staff.name, ticket.id)
    except notices.NoticeRefused as refused:
        return str(refused)
    reporters = set(await session.scalars(select(TicketReporter.openid).where(TicketReporter.ticket_id == ticket.id)))
    if ticket.openid:
        reporters.add(ticket.openid)
    return replies.FROM_TICKET.format(ticket=ticket.number, number=notice.number, kind=kind,
                                      when=notices.when_words(notice, settings),
                                      reached=delivery.recipients - delivery.unreachable, reporters=len(reporters))


def _kind_of(category: str | None) -> str:
    for word, kind in CATEGORY_KINDS.items():
        if category and word in category:
            return kind
    return "其他"


async def _building_of(session: AsyncSession, home_id: int | None) -> str | None:
    if home_id is None:
        return None
    return await session.scalar(select(Building.code).join(Home, Home.building_id == Building.id)
                                .where(Home.id == home_id))


FLOW = Flow(router)
