"""Human handoff (转人工): who takes an owner over, what they are told, and giving the owner back.

Who takes over (docs/domain.md, "Human handoff"):
- during office hours, the front desk (``handlers.domain.staffing.is_front_desk``: staff on duty
  with no trade skill; maintenance staff have repair categories as skills);
- outside office hours, or when no front-desk person is on duty: the supervisors on duty (the
  night duty person); with no supervisor on duty, every supervisor; with no supervisor at all, the
  admins.
They get the owner's home and contact and the last messages; each message the owner sends during
the handoff is forwarded to the same people, and the owner is told, at most once every
``HOLDING_EVERY``, that a person has the conversation and will answer (never total silence; not
a note for every message either). Staff answer from chat with “回复 3-2-501 内容” (or the owner's
openid): the text reaches the owner as a customer-service push through the outbox, at once, quiet
hours or not, and the handoff runs on for its full time from that answer. Staff end it with
“结束人工 3-2-501”; otherwise the bot answers again by itself when the time runs out.

Front-desk staff do the same from the console's handoff inbox (handlers/web/console/inbox.py):
each handoff is a row with its thread (``handoff_records``), and answering, taking and ending
are one set of rules for chat and console alike (``handoff_agents``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Conversation
from bot.dialogue.router import Turn
from bot.script import to_traditional
from bot.settings import Settings
from handlers.domain import handoff_records as records
from handlers.domain.estates import estate_of_home, estates_of, served_estates, staff_of_estate
from handlers.domain.homes import current_binding, home_by_room, homes_by_room
from handlers.domain.notify import Notifier
from handlers.domain.staffing import is_front_desk
from handlers.replies import human as replies
from handlers.replies.times import clock, hours
from models import Home, HomeBinding, ProcessedMessage, Resident, Staff, WechatAccount

RECENT_MESSAGES = 5
HOLDING_EVERY = timedelta(minutes=5)  # how often an owner in handoff is told a person has it


async def start_handoff(turn: Turn, session: AsyncSession, settings: Settings, notifier: Notifier,
                        conversation: Conversation) -> str:
    """Tell the people on duty, mark the conversation handed over, and tell the owner what happens next."""
    conversation.form = None
    fields = office_fields(settings)
    staff = await handoff_staff(session, settings, turn.now)
    if not staff:
        return replies.NOBODY.format(**fields)
    home, contact, ref = await owner_of(session, turn.openid, settings)
    text = replies.STAFF_HANDOFF.format(home=home, contact=contact, ref=ref, minutes=fields["minutes"],
                                        messages=await recent_messages(session, settings, turn.openid))
    for person in staff:
        await notifier.to_staff(session, person, text, key=f"handoff:{turn.inbound.dedupe_key}:{person.id}")
    until = turn.now + handoff_length(settings)
    conversation.handoff_until = until.isoformat()
    binding = await current_binding(session, turn.openid)
    await records.open_handoff(session, turn.openid, settings.estate.code, binding.home_id if binding else None,
                               turn.now, until, replies.THREAD_STARTED.format(text=turn.text.strip()[:100]))
    if office_hours_now(settings, turn.now):
        return replies.HANDED_OVER.format(**fields)
    return replies.HANDED_OVER_NIGHT.format(**fields)


def handoff_length(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.conversation.human_handoff_minutes)


async def keep_handoff(session: AsyncSession, conversation: Conversation, settings: Settings,
                       now: datetime) -> None:
    """A staff answer keeps the handoff open for its full length from now (never shortens it)."""
    until = now + handoff_length(settings)
    if conversation.handoff_until is None or datetime.fromisoformat(conversation.handoff_until) < until:
        conversation.handoff_until = until.isoformat()
        await records.extend(session, conversation.openid, now, until)


async def holding_note(session: AsyncSession, settings: Settings, conversation: Conversation,
                       turn: Turn) -> str | None:
    """What the owner is told about a message during the handoff: that a person has it, unless they
    were told so in this handoff within ``HOLDING_EVERY`` (read from the replies on record)."""
    text = replies.HOLDING.format(**office_fields(settings))
    since = turn.now - HOLDING_EVERY
    if conversation.handoff_until is not None:
        since = max(since, datetime.fromisoformat(conversation.handoff_until) - handoff_length(settings))
    told = await session.scalar(
        select(ProcessedMessage.key)
        .where(ProcessedMessage.openid == turn.openid, ProcessedMessage.received_at >= since,
               ProcessedMessage.reply.in_((text, to_traditional(text))))
        .limit(1))
    return None if told is not None else text


async def handoff_staff(session: AsyncSession, settings: Settings, now: datetime) -> list[Staff]:
    """The front desk in office hours, else the supervisors on duty (see the module docstring)."""
    people = [person for person in await staff_of_estate(
        session, settings.estate.code, ("staff", "supervisor", "admin"), settings.company_default_estate)
        if person.openid is not None]  # the owner's estate's people (settings are the owner's estate's)
    if office_hours_now(settings, now):
        desk = [s for s in people if s.on_duty and is_front_desk(s)]
        if desk:
            return desk
    supervisors = [s for s in people if s.role == "supervisor"]
    return ([s for s in supervisors if s.on_duty] or supervisors
            or [s for s in people if s.role == "admin"])


def office_hours_now(settings: Settings, now: datetime) -> bool:
    return settings.estate.office_hours.contains(now.astimezone(settings.tz).time())


def office_fields(settings: Settings) -> dict[str, object]:
    estate = settings.estate
    return {"hotline": estate.hotline, "emergency_phone": estate.emergency_phone,
            "office_hours": hours(estate.office_hours.start, estate.office_hours.end),
            "minutes": settings.conversation.human_handoff_minutes}


async def owner_of(session: AsyncSession, openid: str, settings: Settings) -> tuple[str, str, str]:
    """The home (room), the contact (name and phone, for staff only) and how staff refer to the owner."""
    binding = await current_binding(session, openid)
    home = await session.get(Home, binding.home_id) if binding is not None else None
    if binding is None or home is None:
        return replies.NOT_BOUND, replies.NO_CONTACT, openid
    resident = await session.get(Resident, binding.resident_id)
    role = "（租户）" if binding.role == "tenant" else ""
    contact = f"{resident.name}{role} {resident.phone}" if resident is not None else replies.NO_CONTACT
    if settings.multi_estate:  # 兰亭苑3-2-501: the same room may be in another estate (回复 needs to know)
        named = f"{settings.for_estate(await estate_of_home(session, home.id)).estate.name}{home.room_key}"
        return named, contact, named
    return home.room_key, contact, home.room_key


async def recent_messages(session: AsyncSession, settings: Settings, openid: str) -> str:
    rows = (await session.execute(
        select(ProcessedMessage.received_at, ProcessedMessage.key, ProcessedMessage.text)
        .where(ProcessedMessage.openid == openid, ProcessedMessage.text != "")
        .order_by(ProcessedMessage.received_at.desc()).limit(RECENT_MESSAGES * 4))).all()
    # Messages of one second (or a frozen test clock) keep WeChat's MsgId order.
    rows = sorted(rows, key=lambda row: (row.received_at, len(row.key), row.key))
    lines = [replies.MESSAGE_LINE.format(time=clock(row.received_at, settings.tz),
                                         text=row.text.strip()[:100]) for row in rows[-RECENT_MESSAGES:]]
    return "\n".join(lines) or replies.NO_MESSAGES


async def _estates_served_by(session: AsyncSession, turn: Turn, settings: Settings) -> list[str] | None:
    me = await session.scalar(select(Staff).where(Staff.openid == turn.openid))
    if me is None:
        return []
    served = await served_estates(session, me, settings.company_default_estate)
    return None if served is None else sorted(served)


async def estate_not_served(session: AsyncSession, turn: Turn, ref: str, settings: Settings) -> str | None:
    """The name of the estate whose home ``ref`` names when the staff member does not serve it (to say
    so, rather than that no such home exists); None otherwise."""
    served = await _estates_served_by(session, turn, settings)
    room = ref if "-" in ref else turn.understand(expecting="room").slots.get("room") or ref
    found = {match.estate for match in await homes_by_room(session, room)}
    if served is None or not found or found & set(served):
        return None
    return settings.for_estate(sorted(found)[0]).estate.name


async def accounts_of(session: AsyncSession, turn: Turn, ref: str, settings: Settings) -> list[str] | None:
    """The accounts a staff member means: every account bound to a room (3-2-501, 3栋2单元501) of an
    estate they serve, or one openid of theirs; None when ``ref`` is none of those."""
    estates = await _estates_served_by(session, turn, settings)
    named = turn.understanding.slots.get("estate")  # 回复 兰亭苑3-2-501 …: that estate's home
    if named is not None:
        estates = [named] if estates is None or named in estates else []
    home = await home_by_room(session, ref, estates)
    if home is None:
        room = turn.understand(expecting="room").slots.get("room")
        home = await home_by_room(session, room, estates) if room and "-" in room else None
    if home is None:
        known = await session.get(WechatAccount, ref)
        # An account of another estate is not this staff member's to answer (unbound: the default estate's).
        theirs = set(await estates_of(session, ref)) or {settings.company_default_estate}
        if known is None or (estates is not None and not theirs & set(estates)):
            return None
        return [ref]
    bound = await session.scalars(select(HomeBinding.openid).where(
        HomeBinding.home_id == home.id, HomeBinding.status == "active").distinct())
    return list(bound.all())
