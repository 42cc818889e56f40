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
from handlers.domain import handoff_records
from handlers.domain.handoff import (
    accounts_of,
    estate_not_served,
    handoff_staff,
    holding_note,
    office_fields,
    owner_of,
    start_handoff,
)
from handlers.domain.handoff_agents import Agents, HandoffOver, OutsideWindow, answer, end, handoff_for
from handlers.domain.notify import Notifier
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import human as replies
from models import Staff

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
    await handoff_records.note_owner_message(session, turn.openid, turn.text.strip()[:500], turn.now)
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
    ref, text = words[1], words[2].strip()
    openids = await accounts_of(session, turn, ref, settings)
    if openids is None:
        elsewhere = await estate_not_served(session, turn, ref, settings)
        if elsewhere is not None:
            return replies.STAFF_OTHER_ESTATE.format(ref=ref, estate=elsewhere)
        return replies.STAFF_NO_SUCH_OWNER.format(ref=ref) + "\n" + replies.STAFF_REPLY_USAGE
    me = await _me(session, turn)
    agents = Agents(outbox, conversations, settings)
    sent, outside = "", False
    for openid in openids:
        handoff = await handoff_for(session, agents, openid, turn.now)
        if handoff is None:
            continue
        try:
            sent = await answer(session, agents, handoff, me, text, turn.now, key=f"{turn.inbound.dedupe_key}:{openid}")
        except HandoffOver:
            continue
        except OutsideWindow:
            outside = True
    if sent:
        return replies.STAFF_REPLY_SENT.format(ref=ref, text=sent)
    if outside:
        _home, contact, _ref = await owner_of(session, openids[0], settings)
        return replies.STAFF_OUTSIDE_WINDOW.format(ref=ref, contact=contact)
    return replies.STAFF_REPLY_NOT_IN_HANDOFF.format(ref=ref)


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
    me = await _me(session, turn)
    agents = Agents(outbox, conversations, settings)
    ended = False
    for openid in openids:
        handoff = await handoff_for(session, agents, openid, turn.now)
        if handoff is None:
            continue
        try:
            await end(session, agents, handoff, me, turn.now, key=f"{turn.inbound.dedupe_key}:{openid}")
        except HandoffOver:
            continue
        ended = True
    return (replies.STAFF_ENDED if ended else replies.STAFF_NOT_IN_HANDOFF).format(ref=ref)


async def _me(session: AsyncSession, turn: Turn) -> Staff:
    me = await session.scalar(select(Staff).where(Staff.openid == turn.openid))
    assert me is not None  # the dispatcher routes commands only for registered staff openids
    return me


FLOW = Flow(router)
