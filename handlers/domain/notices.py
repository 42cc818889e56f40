"""Notices to the homes they concern: made, sent, reminded, cleared, extended, ended and cancelled.

The rules are in docs/notices.md. In short: recipients are the bound owners and tenants of the
homes in scope (plus a merged ticket's reporters), fixed when the notice is announced; every step
(announce, remind, clear, extend, cancel) is one outbox push per recipient with the key
``notice:{number}:{openid}:{step}``, so it goes once however often it is queued; the channel is
chosen per recipient when the step is queued (customer service inside the 48-hour window, the
``notice`` template outside it, nothing when there is none); non-urgent steps wait out the
estate's quiet hours. The command line, the staff chat, the console and the scheduler all call here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox.queue import CUSTOMER_SERVICE, TEMPLATE, TEMPLATE_DATA, Outbox, template_field
from bot.settings import Settings
from handlers.domain.estates import estate_id
from handlers.domain.notify import CUSTOMER_SERVICE_WINDOW
from handlers.domain.tickets import daily_number
from handlers.replies import notices as replies
from models import (
    Building,
    Estate,
    Home,
    HomeBinding,
    Notice,
    NoticeRecipient,
    OutboxMessage,
    Ticket,
    TicketReporter,
    WechatAccount,
)
from models.notice import NOTICE_TEXT_MAX

KINDS = ("停水", "停电", "电梯维保", "消防演练", "消杀", "台风预警", "其他")
ALWAYS_URGENT = frozenset({"台风预警"})
PUSH_KIND = "notice"  # the outbox kind: picks notifications.templates.notice outside the 48-hour window
UNREACHABLE = "none"
CHUNK = 5000  # rows per INSERT statement
MAX_AHEAD_DAYS = 90  # a notice starts within this many days (and not more than a day ago)
MAX_DAYS = 31  # and lasts at most this long (a longer one is a notice board's, not a push's)
ANNOUNCE, REMIND, CLEAR, CANCEL = "announce", "remind", "clear", "cancel"


class NoticeRefused(ValueError):
    """The notice cannot be made or changed as asked; the message says why, in Chinese."""


@dataclass(frozen=True)
class Draft:
    """What someone asked for, before it is checked."""

    estate: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    text: str
    buildings: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # "3-2": building 3, unit 2
    urgent: bool = False


@dataclass(frozen=True)
class Delivery:
    """How a notice's pushes stand: per account, the announcement's channel, and the outbox's rows."""

    recipients: int
    unreachable: int
    sent: int
    pending: int
    failed: int

    def as_json(self) -> dict[str, int]:
        return {"recipients": self.recipients, "unreachable": self.unreachable, "sent": self.sent,
                "pending": self.pending, "failed": self.failed}


def pushes_of(notice: Notice, step: str | None = None) -> ColumnElement[bool]:
    """The outbox rows of a notice (of one step): a range of keys, which the key's unique index serves
    (a LIKE would scan the outbox on SQLite and on PostgreSQL with a non-C collation)."""
    prefix = f"notice:{notice.number}:"
    ours = and_(OutboxMessage.idempotency_key >= prefix, OutboxMessage.idempotency_key < prefix[:-1] + ";")
    return and_(ours, OutboxMessage.idempotency_key.endswith(f":{step}")) if step else ours


UNSENT = ("pending", "held")


def moment_from(text: str, tz: ZoneInfo) -> datetime:
    """An ISO time from the command line or the console's form; without an offset, the estate's zone."""
    try:
        moment = datetime.fromisoformat(text.strip()[:40])
    except ValueError:
        raise NoticeRefused(replies.NO_TIME_ISO.format(text=text.strip()[:40])) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def codes_from(value: object) -> tuple[str, ...]:
    """``3,5`` or ``3、5``: building codes or building-unit pairs, as typed on the command line or in the form."""
    if not isinstance(value, str):
        return ()
    return tuple(part.strip().upper() for part in value.replace("，", ",").replace("、", ",").split(",")
                 if part.strip())[:50]


# --- making a notice --------------------------------------------------------------------------------


async def draft(session: AsyncSession, asked: Draft, now: datetime, settings: Settings, by: str,
                ticket_id: int | None = None) -> Notice:
    """A checked notice, numbered and kept as a draft: nothing is sent until :func:`announce`."""
    await check(session, asked, now, settings)
    await estate_id(session, asked.estate)
    notice = Notice(number=await daily_number(session, "N", now, settings.tz), estate=asked.estate, kind=asked.kind,
                    buildings=list(asked.buildings), units=list(asked.units), starts_at=asked.starts_at,
                    ends_at=asked.ends_at, text=asked.text.strip(), urgent=asked.urgent or asked.kind in ALWAYS_URGENT,
                    status="draft", ticket_id=ticket_id, created_by=by[:64], created_at=now)
    session.add(notice)
    await session.flush()
    return notice


async def check(session: AsyncSession, asked: Draft, now: datetime, settings: Settings) -> None:
    """Raise NoticeRefused unless the kind, times, text and scope make sense for the estate."""
    if asked.estate not in {estate.code for estate in settings.estate_list}:
        raise NoticeRefused(replies.NO_ESTATE.format(estate=asked.estate))
    if asked.kind not in KINDS:
        raise NoticeRefused(replies.BAD_KIND.format(kind=asked.kind))
    try:
        if asked.ends_at <= asked.starts_at:
            raise NoticeRefused(replies.BAD_TIMES)
        if asked.ends_at <= now:
            raise NoticeRefused(replies.ENDED_ALREADY)
        if asked.starts_at < now - timedelta(days=1) or asked.starts_at > now + timedelta(days=MAX_AHEAD_DAYS):
            raise NoticeRefused(replies.FAR_START.format(days=MAX_AHEAD_DAYS))
        if asked.ends_at - asked.starts_at > timedelta(days=MAX_DAYS):
            raise NoticeRefused(replies.TOO_LONG.format(days=MAX_DAYS))
    except OverflowError:  # year 1 in a far time zone: not a time anyone means
        raise NoticeRefused(replies.FAR_START.format(days=MAX_AHEAD_DAYS)) from None
    if not asked.text.strip():
        raise NoticeRefused(replies.EMPTY_TEXT)
    if len(asked.text.strip()) > NOTICE_TEXT_MAX:
        raise NoticeRefused(replies.TEXT_TOO_LONG.format(limit=NOTICE_TEXT_MAX))
    name = settings.for_estate(asked.estate).estate.name
    known = set(await session.scalars(select(Building.code).join(Estate, Estate.id == Building.estate_id)
                                      .where(Estate.code == asked.estate)))
    for building in asked.buildings:
        if building not in known:
            raise NoticeRefused(replies.NO_BUILDING.format(estate=name, building=building))
    for unit in asked.units:
        building, _, number = unit.partition("-")
        found = await session.scalar(select(Home.id).join(Building, Building.id == Home.building_id)
                                     .join(Estate, Estate.id == Building.estate_id)
                                     .where(Estate.code == asked.estate, Building.code == building,
                                            Home.unit == number).limit(1))
        if found is None:
            raise NoticeRefused(replies.NO_UNIT.format(estate=name, unit=scope_words([], [unit])))


async def audience(session: AsyncSession, notice: Notice) -> dict[str, int | None]:
    """openid → a home of theirs in scope (None for a reporter only): every bound owner and tenant of the
    homes the notice concerns, and the reporters of the ticket it was made from."""
    homes = (select(HomeBinding.openid, func.min(HomeBinding.home_id))
             .join(Home, Home.id == HomeBinding.home_id).join(Building, Building.id == Home.building_id)
             .join(Estate, Estate.id == Building.estate_id)
             .join(WechatAccount, WechatAccount.openid == HomeBinding.openid)
             .where(Estate.code == notice.estate, HomeBinding.status == "active", WechatAccount.subscribed.is_(True),
                    WechatAccount.refused_at.is_(None)))
    scope = _scope_condition(notice)
    if scope is not None:
        homes = homes.where(scope)
    found: dict[str, int | None] = dict((await session.execute(homes.group_by(HomeBinding.openid))).all())
    if notice.ticket_id is not None:
        ticket = await session.get(Ticket, notice.ticket_id)
        reporters = set(await session.scalars(select(TicketReporter.openid)
                                              .where(TicketReporter.ticket_id == notice.ticket_id)))
        if ticket is not None and ticket.openid:
            reporters.add(ticket.openid)
        reachable = set(await session.scalars(select(WechatAccount.openid).where(
            WechatAccount.openid.in_(sorted(reporters)), WechatAccount.subscribed.is_(True),
            WechatAccount.refused_at.is_(None))))
        for openid in sorted(reporters & reachable):
            found.setdefault(openid, None)
    return found


def _scope_condition(notice: Notice) -> ColumnElement[bool] | None:
    parts: list[ColumnElement[bool]] = [Building.code.in_(notice.buildings)] if notice.buildings else []
    for unit in notice.units:
        building, _, number = unit.partition("-")
        parts.append(and_(Building.code == building, Home.unit == number))
    return or_(*parts) if parts else None


async def count_audience(session: AsyncSession, notice: Notice) -> int:
    return len(await audience(session, notice))


async def announce(session: AsyncSession, notice: Notice, now: datetime, outbox: Outbox,
                   settings: Settings) -> Delivery:
    """Fix the recipients and queue the announcement to each (the notice becomes active)."""
    if notice.status != "draft":
        raise NoticeRefused(replies.NOT_ACTIVE.format(number=notice.number,
                                                      status=replies.STATUS_NAMES.get(notice.status, notice.status)))
    await check(session, _as_draft(notice), now, settings)
    recipients = await audience(session, notice)
    channels = await _channels(session, list(recipients), now, settings)
    rows = [{"notice_id": notice.id, "openid": openid, "home_id": home_id, "reporter": home_id is None,
             "channel": channels[openid]} for openid, home_id in recipients.items()]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(NoticeRecipient).on_conflict_do_nothing(index_elements=["notice_id", "openid"]),
                              rows[start:start + CHUNK])
    notice.status, notice.announced_at = "active", now
    await _queue(session, notice, ANNOUNCE, _words(notice, ANNOUNCE, settings), now, outbox, settings, channels)
    return await delivery(session, notice)


async def create(session: AsyncSession, asked: Draft, now: datetime, outbox: Outbox, settings: Settings,
                 by: str, ticket_id: int | None = None) -> tuple[Notice, Delivery]:
    """Draft and announce at once (the command line, the console, 转通知)."""
    notice = await draft(session, asked, now, settings, by, ticket_id)
    return notice, await announce(session, notice, now, outbox, settings)


def _as_draft(notice: Notice) -> Draft:
    return Draft(notice.estate, notice.kind, notice.starts_at, notice.ends_at, notice.text, tuple(notice.buildings),
                 tuple(notice.units), notice.urgent)


# --- changing one ------------------------------------------------------------------------------------


async def find(session: AsyncSession, number: str, *, for_update: bool = False) -> Notice | None:
    query = select(Notice).where(Notice.number == number.strip().upper()[:20])
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


def _must_be_live(notice: Notice) -> None:
    if notice.status not in ("draft", "active"):
        raise NoticeRefused(replies.NOT_ACTIVE.format(number=notice.number,
                                                      status=replies.STATUS_NAMES.get(notice.status, notice.status)))


async def cancel(session: AsyncSession, notice: Notice, now: datetime, outbox: Outbox, settings: Settings) -> int:
    """Call it off: its pushes not yet tried are dropped, and whoever may have heard of it (sent, being
    sent, or retrying) hears it is cancelled. How many hear."""
    _must_be_live(notice)
    was_active = notice.status == "active"
    notice.status, notice.cancelled_at = "cancelled", now
    if not was_active:
        return 0
    await session.execute(delete(OutboxMessage).where(
        pushes_of(notice), OutboxMessage.status.in_(UNSENT), OutboxMessage.attempts == 0))
    told = set(await session.scalars(select(OutboxMessage.recipient).where(
        pushes_of(notice, ANNOUNCE), OutboxMessage.status != "dead")))
    await _queue(session, notice, CANCEL, _words(notice, CANCEL, settings), now, outbox, settings,
                 await _channels(session, sorted(told), now, settings))
    return len(told)


async def extend(session: AsyncSession, notice: Notice, new_end: datetime, now: datetime, outbox: Outbox,
                 settings: Settings) -> int:
    """Move the end later (or earlier, still in the future) and tell the recipients; how many."""
    _must_be_live(notice)
    if new_end <= notice.starts_at:
        raise NoticeRefused(replies.BAD_TIMES)
    if new_end <= now:
        raise NoticeRefused(replies.ENDED_ALREADY)
    notice.ends_at = new_end
    if notice.status != "active":
        return 0
    step = f"extend{now.astimezone(settings.tz):%m%d%H%M%S}"  # each change is news, even back to an earlier end
    openids = await recipients_of(session, notice)
    await _queue(session, notice, step, _words(notice, "extend", settings), now, outbox, settings,
                 await _channels(session, openids, now, settings))
    return len(openids)


async def end_now(session: AsyncSession, notice: Notice, now: datetime, outbox: Outbox, settings: Settings) -> int:
    """It is over early: the all clear goes now. How many it goes to."""
    _must_be_live(notice)
    if notice.status == "draft":
        notice.status, notice.cancelled_at = "cancelled", now
        return 0
    if notice.starts_at > now:  # over before it began: nothing to clear, it is called off
        return await cancel(session, notice, now, outbox, settings)
    notice.ends_at = min(notice.ends_at, now)
    return await _clear(session, notice, now, outbox, settings)


async def _clear(session: AsyncSession, notice: Notice, now: datetime, outbox: Outbox, settings: Settings) -> int:
    openids = await recipients_of(session, notice)
    notice.status, notice.cleared_at = "ended", now
    await session.execute(delete(OutboxMessage).where(  # a reminder not sent yet is pointless now
        pushes_of(notice, REMIND), OutboxMessage.status.in_(UNSENT), OutboxMessage.attempts == 0))
    await session.execute(delete(OutboxMessage).where(  # and so is anything held for an owner who never wrote
        pushes_of(notice), OutboxMessage.status == "held"))
    await _queue(session, notice, CLEAR, _words(notice, CLEAR, settings), now, outbox, settings,
                 await _channels(session, openids, now, settings))
    return len(openids)


async def recipients_of(session: AsyncSession, notice: Notice) -> list[str]:
    return list(await session.scalars(select(NoticeRecipient.openid).where(NoticeRecipient.notice_id == notice.id)
                                      .order_by(NoticeRecipient.id)))


# --- the scheduler's part ------------------------------------------------------------------------------


async def due_steps(session: AsyncSession, now: datetime, outbox: Outbox, settings: Settings) -> str:
    """Queue the reminders and all clears that are due (the ``notices`` job; each step goes once).

    The notices are locked while their steps are queued (skipping those another instance or a staff
    member's change holds), so a cancel or an extension never races a reminder or an all clear."""
    lead = timedelta(minutes=settings.notices.remind_before_minutes)
    reminded = cleared = 0
    active = (await session.scalars(select(Notice).where(Notice.status == "active").order_by(Notice.id)
                                    .with_for_update(skip_locked=True))).all()
    for notice in active:
        if notice.ends_at <= now:
            await _clear(session, notice, now, outbox, settings)
            cleared += 1
        elif (notice.reminded_at is None and notice.starts_at - lead <= now < notice.starts_at
              and notice.announced_at is not None and notice.announced_at < notice.starts_at - lead):
            notice.reminded_at = now
            quiet = settings.for_estate(notice.estate).quiet_hours
            if not notice.urgent and outbox.after_quiet_hours(now, quiet) >= notice.starts_at:
                continue  # the quiet hours would hold it past the start: the announcement has to do
            openids = await recipients_of(session, notice)
            await _queue(session, notice, REMIND, _words(notice, REMIND, settings), now, outbox, settings,
                         await _channels(session, openids, now, settings))
            reminded += 1
    return f"notices: {reminded} reminded, {cleared} cleared"


# --- pushes -----------------------------------------------------------------------------------------


async def _channels(session: AsyncSession, openids: list[str], now: datetime, settings: Settings) -> dict[str, str]:
    """How each account can be reached now: customer service inside the window, else the template, else none."""
    template = settings.notifications.templates.get(PUSH_KIND)
    fallback = TEMPLATE if template else UNREACHABLE
    seen: dict[str, datetime | None] = {}
    for start in range(0, len(openids), CHUNK):
        part = openids[start:start + CHUNK]
        seen.update((await session.execute(select(WechatAccount.openid, WechatAccount.last_inbound_at)
                                           .where(WechatAccount.openid.in_(part)))).all())
    return {openid: CUSTOMER_SERVICE if (last := seen.get(openid)) is not None and now - last < CUSTOMER_SERVICE_WINDOW
            else fallback for openid in openids}


async def _queue(session: AsyncSession, notice: Notice, step: str, text: str, now: datetime, outbox: Outbox,
                 settings: Settings, channels: dict[str, str]) -> None:
    local = settings.for_estate(notice.estate)
    template = settings.notifications.templates.get(PUSH_KIND)
    pushes: list[dict[str, Any]] = []
    for openid, channel in channels.items():
        if channel == UNREACHABLE:
            continue
        push: dict[str, Any] = {"key": f"notice:{notice.number}:{openid}:{step}", "recipient": openid, "text": text,
                                "kind": PUSH_KIND, "urgent": notice.urgent, "quiet_hours": local.quiet_hours}
        if template:  # by template now, or if WeChat refuses the message later (the window closed meanwhile)
            prepared = _template(notice, step, text, template, settings)
            if channel == TEMPLATE:
                push.update(channel=TEMPLATE, payload=prepared)
            else:
                push.update(payload={"text": text, TEMPLATE_DATA: prepared["data"]})
        pushes.append(push)
    for start in range(0, len(pushes), CHUNK):
        await outbox.enqueue_many(session, pushes[start:start + CHUNK])


def _template(notice: Notice, step: str, text: str, template_id: str, settings: Settings) -> dict[str, Any]:
    """The notice as a template: what (estate and kind), where and when, and why, each in its own field.

    Template fields hold 20 characters, so the generic recasting of a text (its first two lines) would
    cut the times off; an owner told of a water cut must learn when."""
    headline = text.split("】", 1)[0].lstrip("【") if text.startswith("【") else notice.kind
    data = {"first": template_field(f"{headline}：{scope_words(notice.buildings, notice.units)}"),
            "keyword1": template_field(when_words(notice, settings)),
            "keyword2": template_field(_reason(notice, step)),
            "remark": template_field("详情请进入公众号查看")}
    return {"template_id": template_id, "data": data, "text": text}


def _reason(notice: Notice, step: str) -> str:
    if step == CLEAR:
        return replies.DONE.get(notice.kind, replies.DONE_OTHER)
    if step == CANCEL:
        return replies.CANCELLED_SHORT
    return notice.text


async def delivery(session: AsyncSession, notice: Notice) -> Delivery:
    """Per account, for the announcement: sent, waiting (pending, held, being sent), failed (retrying or dead);
    and the accounts no channel could reach."""
    recipients, unreachable = (await session.execute(
        select(func.count(), func.count().filter(NoticeRecipient.channel == UNREACHABLE))
        .where(NoticeRecipient.notice_id == notice.id))).one()
    rows = [(status, attempts > 0, n) for status, attempts, n in (await session.execute(
        select(OutboxMessage.status, OutboxMessage.attempts, func.count()).where(pushes_of(notice, ANNOUNCE))
        .group_by(OutboxMessage.status, OutboxMessage.attempts))).all()]
    sent = sum(n for status, _tried, n in rows if status == "sent")
    failed = sum(n for status, tried, n in rows if status == "dead" or (status == "pending" and tried))
    pending = sum(n for status, tried, n in rows
                  if status in ("held", "sending") or (status == "pending" and not tried))
    return Delivery(recipients=recipients or 0, unreachable=unreachable or 0, sent=sent, pending=pending,
                    failed=failed)


def notice_json(notice: Notice, settings: Settings) -> dict[str, Any]:
    tz = settings.tz
    return {"number": notice.number, "estate": notice.estate, "kind": notice.kind, "buildings": notice.buildings,
            "units": notice.units, "scope": scope_words(notice.buildings, notice.units),
            "starts_at": notice.starts_at.astimezone(tz).isoformat(),
            "ends_at": notice.ends_at.astimezone(tz).isoformat(), "text": notice.text, "urgent": notice.urgent,
            "status": notice.status, "created_by": notice.created_by, "from_ticket": notice.ticket_id is not None}


# --- words ---------------------------------------------------------------------------------------------


def scope_words(buildings: Iterable[str], units: Iterable[str]) -> str:
    parts = [f"{code}栋" for code in buildings]
    for unit in units:
        building, _, number = unit.partition("-")
        parts.append(f"{building}栋{number}单元")
    return "、".join(parts) or replies.WHOLE_ESTATE


def when_words(notice: Notice, settings: Settings) -> str:
    start, end = notice.starts_at.astimezone(settings.tz), notice.ends_at.astimezone(settings.tz)
    if start.date() == end.date():
        return f"{start.month}月{start.day}日 {start:%H:%M}-{end:%H:%M}"
    return f"{start.month}月{start.day}日 {start:%H:%M} 至 {end.month}月{end.day}日 {end:%H:%M}"


def _words(notice: Notice, step: str, settings: Settings) -> str:
    local = settings.for_estate(notice.estate)
    scope = scope_words(notice.buildings, notice.units)
    other = notice.kind == "其他"
    kind = "通知事项" if other else notice.kind  # “3栋通知事项已结束”, never “3栋已结束”
    fields = {"estate": local.estate.name, "kind": kind, "title": "通知" if other else f"{kind}通知",
              "scope": scope, "when": when_words(notice, settings), "text": notice.text,
              "hotline": local.estate.hotline, "start": moment_words(notice.starts_at, settings),
              "end": moment_words(notice.ends_at, settings),
              "done": replies.DONE.get(notice.kind, replies.DONE_OTHER)}
    template = {ANNOUNCE: replies.ANNOUNCE, REMIND: replies.REMIND, CLEAR: replies.CLEAR, "extend": replies.EXTENDED,
                CANCEL: replies.CANCELLED}[step]
    return template.format(**fields)


def answer_words(notice: Notice, settings: Settings) -> str:
    """What an owner who asks about it is told: the notice and its times."""
    local = settings.for_estate(notice.estate)
    return replies.ANSWER.format(estate=local.estate.name, kind="" if notice.kind == "其他" else notice.kind,
                                 scope=scope_words(notice.buildings, notice.units), when=when_words(notice, settings),
                                 text=notice.text,
                                 until=replies.UNTIL.format(end=moment_words(notice.ends_at, settings)))


def moment_words(moment: datetime, settings: Settings) -> str:
    local = moment.astimezone(settings.tz)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
