"""转人工: the owner asks for a person; the people on duty take over (``handlers.domain.handoff``).

Staff answer the owner from chat with “回复 3-2-501 内容” and give them back with “结束人工 3-2-501”.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Conversation, ConversationStore
from bot.dialogue.router import Interrupts, Router, Turn
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain.handoff import (
    accounts_of,
    estate_not_served,
    handoff_staff,
    holding_note,
    keep_handoff,
    office_fields,
    owner_of,
    start_handoff,
)
from handlers.domain.notify import Notifier
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import human as replies
from models import Staff

ANSWER_MAX = 1000  # characters of a staff answer passed on (WeChat's own limit is larger)

router = Router("human")


@router.form("human", name="转人工客服", english=english.HUMAN, interrupts=Interrupts.ALWAYS)
async def hand_over(turn: Turn, session: AsyncSession, settings: Settings, notifier: Notifier,
                    conversation: Conversation) -> str:
    """A form without slots, so that asking for a human also ends any registration under way."""
    return await start_handoff(turn, session, settings, notifier, conversation)


@router.during_handoff()
async def forward(turn: Turn, session: AsyncSession, settings: Settings, notifier: Notifier,
                  conversation: Conversation) -> str | None:
    """The owner's words go to the people handling them; the bot itself does not answer them.

    The owner is told, once every few minutes, that a person has the conversation and will answer
    (``holding_note``). An emergency is flagged to staff and the owner is told the emergency phone
    at once.
    """
    home, _contact, ref = await owner_of(session, turn.openid, settings)
    understanding = turn.understanding
    urgent = understanding.intent == "emergency" and understanding.confident
    text = replies.STAFF_FORWARD.format(home=home, ref=ref, text=turn.text.strip()[:500])
    if urgent:
        text = replies.STAFF_EMERGENCY_PREFIX + text
    for person in await handoff_staff(session, settings, turn.now):
        await notifier.to_staff(session, person, text, key=f"handoff-message:{turn.inbound.dedupe_key}:{person.id}")
    if urgent:
        return replies.EMERGENCY_DURING_HANDOFF.format(**office_fields(settings))
    return await holding_note(session, settings, conversation, turn)


@router.command("回复")
async def answer_owner(turn: Turn, session: AsyncSession, settings: Settings, outbox: Outbox,
                       conversations: ConversationStore) -> str:
    """“回复 3-2-501 内容”: a staff member's answer to an owner in handoff, pushed to the owner at once."""
    words = turn.text.strip().split(maxsplit=2)
    if len(words) < 3 or not words[2].strip():
        return replies.STAFF_REPLY_USAGE
    ref, text = words[1], words[2].strip()[:ANSWER_MAX]
    openids = await accounts_of(session, turn, ref, settings)
    if openids is None:
        elsewhere = await estate_not_served(session, turn, ref, settings)
        if elsewhere is not None:
            return replies.STAFF_OTHER_ESTATE.format(ref=ref, estate=elsewhere)
        return replies.STAFF_NO_SUCH_OWNER.format(ref=ref) + "\n" + replies.STAFF_REPLY_USAGE
    me = await session.scalar(select(Staff).where(Staff.openid == turn.openid))
    assert me is not None  # the dispatcher routes commands only for registered staff openids
    sent = False
    for openid in openids:
        conversation = await conversations.load(session, openid, turn.now)
        if not conversation.in_handoff(turn.now):
            continue
        keep_handoff(conversation, settings, turn.now)
        await conversations.save(session, conversation, turn.now)
        await outbox.enqueue(session, key=f"handoff-reply:{turn.inbound.dedupe_key}:{openid}", recipient=openid,
                             text=replies.STAFF_ANSWER.format(name=me.name, text=text), kind="handoff_reply",
                             urgent=True)
        sent = True
    if not sent:
        return replies.STAFF_REPLY_NOT_IN_HANDOFF.format(ref=ref)
    return replies.STAFF_REPLY_SENT.format(ref=ref, text=text)


@router.command("结束人工")
async def end_handoff(turn: Turn, session: AsyncSession, settings: Settings, outbox: Outbox,
                      conversations: ConversationStore) -> str:
    args = turn.text.strip().split()[1:]
    if not args:
        return replies.STAFF_USAGE
    ref = args[0]
    openids = await accounts_of(session, turn, ref, settings)
    if openids is None:
        return replies.STAFF_NO_SUCH_OWNER.format(ref=ref) + "\n" + replies.STAFF_USAGE
    ended = False
    for openid in openids:
        conversation = await conversations.load(session, openid, turn.now)
        if not conversation.in_handoff(turn.now):
            continue
        conversation.handoff_until = None
        await conversations.save(session, conversation, turn.now)
        await outbox.enqueue(session, key=f"handoff-end:{turn.inbound.dedupe_key}:{openid}", recipient=openid,
                             text=replies.ENDED, urgent=True)
        ended = True
    return (replies.STAFF_ENDED if ended else replies.STAFF_NOT_IN_HANDOFF).format(ref=ref)


FLOW = Flow(router)
