"""转人工: hand an owner to a person for ``human_handoff_minutes``; the bot stays quiet meanwhile.

Who takes over (kept simple on purpose, there is no front-desk flag on Staff):
- during office hours, the front desk: staff on duty whose role is ``staff`` and who have no trade
  skill (maintenance staff have repair categories as skills);
- outside office hours, or when no front-desk person is on duty: the supervisors on duty (the
  night duty person); with no supervisor on duty, every supervisor; with no supervisor at all, the
  admins.
They get the owner's home and contact and the last messages; each message the owner sends during
the handoff is forwarded to the same people. Staff end it with “结束人工 3-2-501” (or the owner's
openid); otherwise the bot answers again by itself when the time runs out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Conversation, ConversationStore
from bot.outbox.queue import Outbox
from bot.dialogue.router import Router, Turn
from bot.settings import Settings
from handlers.domain.homes import current_binding, home_by_room
from handlers.domain.notify import Notifier
from handlers.replies import human as replies
from models import Home, HomeBinding, ProcessedMessage, Resident, Staff

router = Router("human")

RECENT_MESSAGES = 5


@router.form("human")
async def hand_over(turn: Turn, session: AsyncSession, settings: Settings, notifier: Notifier,
                    conversation: Conversation) -> str:
    """A form without slots, so that asking for a human also ends any registration under way."""
    return await start_handoff(turn, session, settings, notifier, conversation)


async def start_handoff(turn: Turn, session: AsyncSession, settings: Settings, notifier: Notifier,
                        conversation: Conversation) -> str:
    """Tell the people on duty, mark the conversation handed over, and tell the owner what happens next."""
    conversation.form = None
    fields = _fields(settings)
    staff = await handoff_staff(session, settings, turn.now)
    if not staff:
        return replies.NOBODY.format(**fields)
    home, contact, ref = await _owner(session, turn.openid)
    text = replies.STAFF_HANDOFF.format(home=home, contact=contact, ref=ref, minutes=fields["minutes"],
                                        messages=await _recent_messages(session, settings, turn.openid))
    for person in staff:
        await notifier.to_staff(session, person, text, key=f"handoff:{turn.inbound.dedupe_key}:{person.id}")
    conversation.handoff_until = (turn.now + timedelta(minutes=settings.conversation.human_handoff_minutes)).isoformat()
    if _office_hours(settings, turn.now):
        return replies.HANDED_OVER.format(**fields)
    return replies.HANDED_OVER_NIGHT.format(**fields)


@router.during_handoff()
async def forward(turn: Turn, session: AsyncSession, settings: Settings, notifier: Notifier, outbox: Outbox) -> None:
    """The owner's words go to the people handling them; the bot itself says nothing.

    Except for safety: an emergency is flagged to staff and the owner is pushed the emergency phone.
    """
    home, _contact, ref = await _owner(session, turn.openid)
    understanding = turn.understanding
    urgent = understanding.intent == "emergency" and understanding.confident
    text = replies.STAFF_FORWARD.format(home=home, ref=ref, text=turn.text.strip()[:500])
    if urgent:
        text = replies.STAFF_EMERGENCY_PREFIX + text
        await outbox.enqueue(session, key=f"handoff-emergency:{turn.inbound.dedupe_key}", recipient=turn.openid,
                             text=replies.EMERGENCY_DURING_HANDOFF.format(**_fields(settings)), urgent=True)
    for person in await handoff_staff(session, settings, turn.now):
        await notifier.to_staff(session, person, text, key=f"handoff-message:{turn.inbound.dedupe_key}:{person.id}")


@router.command("结束人工")
async def end_handoff(turn: Turn, session: AsyncSession, outbox: Outbox, conversations: ConversationStore) -> str:
    args = turn.text.strip().split()[1:]
    if not args:
        return replies.STAFF_USAGE
    ref = args[0]
    ended = False
    for openid in await _owners_of(session, turn, ref):
        conversation = await conversations.load(session, openid, turn.now)
        if not conversation.in_handoff(turn.now):
            continue
        conversation.handoff_until = None
        await conversations.save(session, conversation, turn.now)
        await outbox.enqueue(session, key=f"handoff-end:{turn.inbound.dedupe_key}:{openid}", recipient=openid,
                             text=replies.ENDED, urgent=True)
        ended = True
    return (replies.STAFF_ENDED if ended else replies.STAFF_NOT_IN_HANDOFF).format(ref=ref)


async def handoff_staff(session: AsyncSession, settings: Settings, now: datetime) -> list[Staff]:
    """The front desk in office hours, else the supervisors on duty (see the module docstring)."""
    people = list(await session.scalars(
        select(Staff).where(Staff.openid.is_not(None)).order_by(Staff.id)))
    if _office_hours(settings, now):
        desk = [s for s in people if s.on_duty and s.role == "staff" and not s.skill_set]
        if desk:
            return desk
    supervisors = [s for s in people if s.role == "supervisor"]
    return ([s for s in supervisors if s.on_duty] or supervisors
            or [s for s in people if s.role == "admin"])


def _office_hours(settings: Settings, now: datetime) -> bool:
    return settings.estate.office_hours.contains(now.astimezone(settings.tz).time())


def _fields(settings: Settings) -> dict[str, object]:
    estate = settings.estate
    hours = estate.office_hours
    return {"hotline": estate.hotline, "emergency_phone": estate.emergency_phone,
            "office_hours": f"{hours.start:%H:%M}-{hours.end:%H:%M}",
            "minutes": settings.conversation.human_handoff_minutes}


async def _owner(session: AsyncSession, openid: str) -> tuple[str, str, str]:
    """The home (room), the contact (name and phone, for staff only) and how staff refer to the owner."""
    binding = await current_binding(session, openid)
    home = await session.get(Home, binding.home_id) if binding is not None else None
    if binding is None or home is None:
        return replies.NOT_BOUND, replies.NO_CONTACT, openid
    resident = await session.get(Resident, binding.resident_id)
    role = "（租户）" if binding.role == "tenant" else ""
    contact = f"{resident.name}{role} {resident.phone}" if resident is not None else replies.NO_CONTACT
    return home.room_key, contact, home.room_key


async def _recent_messages(session: AsyncSession, settings: Settings, openid: str) -> str:
    rows = (await session.execute(
        select(ProcessedMessage.received_at, ProcessedMessage.key, ProcessedMessage.text)
        .where(ProcessedMessage.openid == openid, ProcessedMessage.text != "")
        .order_by(ProcessedMessage.received_at.desc()).limit(RECENT_MESSAGES * 4))).all()
    # Messages of one second (or a frozen test clock) keep WeChat's MsgId order.
    rows.sort(key=lambda row: (row.received_at, len(row.key), row.key))
    lines = [replies.MESSAGE_LINE.format(time=f"{row.received_at.astimezone(settings.tz):%H:%M}",
                                         text=row.text.strip()[:100]) for row in rows[-RECENT_MESSAGES:]]
    return "\n".join(lines) or replies.NO_MESSAGES


async def _owners_of(session: AsyncSession, turn: Turn, ref: str) -> list[str]:
    """The accounts a staff member means: every account bound to a room (3-2-501, 3栋2单元501), or one openid."""
    home = await home_by_room(session, ref)
    if home is None:
        room = turn.understand(expecting="room").slots.get("room")
        home = await home_by_room(session, room) if room and "-" in room else None
    if home is None:
        return [ref]
    bound = await session.scalars(select(HomeBinding.openid).where(
        HomeBinding.home_id == home.id, HomeBinding.status == "active").distinct())
    return list(bound.all())
