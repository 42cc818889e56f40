"""转人工: the owner asks for a person; the people on duty take over (``handlers.domain.handoff``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Conversation, ConversationStore
from bot.dialogue.router import Interrupts, Router, Turn
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain.handoff import accounts_of, handoff_staff, office_fields, owner_of, start_handoff
from handlers.domain.notify import Notifier
from handlers.flows import Flow
from handlers.replies import human as replies

router = Router("human")


@router.form("human", name="转人工客服", interrupts=Interrupts.ALWAYS)
async def hand_over(turn: Turn, session: AsyncSession, settings: Settings, notifier: Notifier,
                    conversation: Conversation) -> str:
    """A form without slots, so that asking for a human also ends any registration under way."""
    return await start_handoff(turn, session, settings, notifier, conversation)


@router.during_handoff()
async def forward(turn: Turn, session: AsyncSession, settings: Settings, notifier: Notifier, outbox: Outbox) -> None:
    """The owner's words go to the people handling them; the bot itself says nothing.

    Except for safety: an emergency is flagged to staff and the owner is pushed the emergency phone.
    """
    home, _contact, ref = await owner_of(session, turn.openid)
    understanding = turn.understanding
    urgent = understanding.intent == "emergency" and understanding.confident
    text = replies.STAFF_FORWARD.format(home=home, ref=ref, text=turn.text.strip()[:500])
    if urgent:
        text = replies.STAFF_EMERGENCY_PREFIX + text
        await outbox.enqueue(session, key=f"handoff-emergency:{turn.inbound.dedupe_key}", recipient=turn.openid,
                             text=replies.EMERGENCY_DURING_HANDOFF.format(**office_fields(settings)), urgent=True)
    for person in await handoff_staff(session, settings, turn.now):
        await notifier.to_staff(session, person, text, key=f"handoff-message:{turn.inbound.dedupe_key}:{person.id}")


@router.command("结束人工")
async def end_handoff(turn: Turn, session: AsyncSession, outbox: Outbox, conversations: ConversationStore) -> str:
    args = turn.text.strip().split()[1:]
    if not args:
        return replies.STAFF_USAGE
    ref = args[0]
    ended = False
    for openid in await accounts_of(session, turn, ref):
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
