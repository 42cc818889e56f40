"""What an agent does with an owner in handoff: take them, answer them, give them back to the bot.

One set of rules for the chat commands (“回复 3-2-501 …”, “结束人工 3-2-501”) and the console's
handoff inbox, so the owner hears the same thing whichever an agent uses:

- **Taking** (console: 接待) marks the agent as the one answering; other agents see it. The owner is
  told at once, by name, that a person has the conversation (inside the 48-hour window; outside
  it nobody is told, and the agent learns so).
- **Answering** goes to the owner as a customer-service push through the outbox, at once (quiet
  hours or not), and keeps the handoff open for its full length from now. It works only inside
  WeChat's 48-hour window since the owner's last message (``CUSTOMER_SERVICE_WINDOW``); outside
  it WeChat refuses such messages, so the agent is told to phone instead. An answer from someone
  who has not taken the owner takes them (the answer itself names the agent).
- **Ending** gives the owner back to the bot and tells them so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import ConversationStore
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain import handoff_records as records
from handlers.domain.handoff import keep_handoff
from handlers.domain.notify import CUSTOMER_SERVICE_WINDOW
from handlers.replies import human as replies
from models import Handoff, OutboxMessage, Staff, WechatAccount

ANSWER_MAX = 1000  # characters of an agent's answer passed on (WeChat's own limit is larger)


class HandoffOver(Exception):
    """The handoff has ended or run out; nothing was sent."""


class OutsideWindow(Exception):
    """The owner last wrote more than 48 hours ago: WeChat would refuse a customer-service message."""


@dataclass(frozen=True)
class Agents:
    """What taking, answering and ending need, built once per request."""

    outbox: Outbox
    conversations: ConversationStore
    settings: Settings


async def inside_window(session: AsyncSession, openid: str, now: datetime) -> bool:
    last = await session.scalar(select(WechatAccount.last_inbound_at).where(WechatAccount.openid == openid))
    return last is not None and now - last < CUSTOMER_SERVICE_WINDOW


class Taken(Enum):
    """What taking an owner came to."""

    TOLD = "told"  # the agent answers the owner now, and the owner is being told
    UNTOLD = "untold"  # the agent answers the owner now; outside the 48-hour window nobody could tell them
    ALREADY = "already"  # the agent was answering the owner already


async def take(session: AsyncSession, agents: Agents, handoff: Handoff, agent: Staff, now: datetime,
               key: str) -> Taken:
    """Mark ``agent`` as answering this owner and tell the owner when WeChat allows it."""
    await _ensure_open(session, agents, handoff, now)
    if handoff.agent_id == agent.id:
        return Taken.ALREADY
    handoff.agent_id = agent.id
    await records.add_line(session, handoff, records.SYSTEM, replies.THREAD_TAKEN.format(name=agent.name), now, agent)
    if not await inside_window(session, handoff.openid, now):
        return Taken.UNTOLD
    await agents.outbox.enqueue(session, key=f"handoff-taken:{key}", recipient=handoff.openid,
                                text=replies.TAKEN.format(name=agent.name), kind="handoff_reply", urgent=True)
    return Taken.TOLD


async def answer(session: AsyncSession, agents: Agents, handoff: Handoff, agent: Staff, text: str,
                 now: datetime, key: str) -> str:
    """Send ``text`` to the owner (raises HandoffOver or OutsideWindow); returns what was sent.

    ``key`` names this answer: the same answer sent again (a form submitted twice, a WeChat retry)
    is sent and recorded once."""
    await _ensure_open(session, agents, handoff, now)
    if await session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == f"handoff-reply:{key}")):
        return text.strip()[:ANSWER_MAX]
    if not await inside_window(session, handoff.openid, now):
        raise OutsideWindow(handoff.openid)
    text = text.strip()[:ANSWER_MAX]
    conversation = await agents.conversations.load(session, handoff.openid, now)
    await keep_handoff(session, conversation, agents.settings, now)
    await agents.conversations.save(session, conversation, now)
    if handoff.agent_id is None:
        handoff.agent_id = agent.id
    await records.add_line(session, handoff, records.AGENT, text, now, agent)
    await agents.outbox.enqueue(session, key=f"handoff-reply:{key}", recipient=handoff.openid,
                                text=replies.STAFF_ANSWER.format(name=agent.name, text=text),
                                kind="handoff_reply", urgent=True)
    return text


async def end(session: AsyncSession, agents: Agents, handoff: Handoff, agent: Staff, now: datetime,
              key: str) -> None:
    """Give the owner back to the bot and tell them (raises HandoffOver when it is over already)."""
    await _ensure_open(session, agents, handoff, now)
    conversation = await agents.conversations.load(session, handoff.openid, now)
    conversation.handoff_until = None
    await agents.conversations.save(session, conversation, now)
    handoff.ended_at, handoff.ended_by = now, agent.name
    await records.add_line(session, handoff, records.SYSTEM, replies.THREAD_ENDED.format(name=agent.name), now, agent)
    await agents.outbox.enqueue(session, key=f"handoff-end:{key}", recipient=handoff.openid, text=replies.ENDED,
                                urgent=True)


async def _ensure_open(session: AsyncSession, agents: Agents, handoff: Handoff, now: datetime) -> None:
    """The row and the conversation agree that the handoff is on (the conversation decides).

    The row is locked first and read again: two agents (or one form sent twice at once) act on a
    handoff one after the other, the second seeing what the first did (its answer's push, its end);
    on PostgreSQL they would otherwise both pass every check. SQLite has one writer already."""
    await session.execute(select(Handoff).where(Handoff.id == handoff.id).with_for_update()
                          .execution_options(populate_existing=True))
    conversation = await agents.conversations.load(session, handoff.openid, now)
    if handoff.ended_at is not None or handoff.until <= now or not conversation.in_handoff(now):
        raise HandoffOver(handoff.openid)


async def handoff_for(session: AsyncSession, agents: Agents, openid: str, now: datetime) -> Handoff | None:
    """The owner's open handoff row; one is made for a conversation handed over before rows were kept."""
    handoff = await records.current(session, openid, now)
    if handoff is not None:
        return handoff
    conversation = await agents.conversations.load(session, openid, now)
    if not conversation.in_handoff(now) or conversation.handoff_until is None:
        return None
    from handlers.domain.estates import estates_of

    estate = next(iter(await estates_of(session, openid)), agents.settings.company_default_estate)
    return await records.open_handoff(session, openid, estate, None, now,
                                      datetime.fromisoformat(conversation.handoff_until),
                                      replies.THREAD_STARTED.format(text="…"))
