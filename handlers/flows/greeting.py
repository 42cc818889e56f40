"""Greeting, help and the fallback; the welcome for new followers and the menu buttons."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Conversation, ConversationStore
from bot.nlu import Understanding
from bot.dialogue.router import Router, Turn
from bot.settings import Settings
from handlers.flows import faq, human, rating, status
from handlers.domain.intake import TicketIntake
from handlers.domain.notify import Notifier
from handlers.replies import greeting as replies
from handlers.domain.tickets import TicketDesk

router = Router("greeting")

_GOODBYE = re.compile(r"再见|拜拜|88|bye|晚安")
_THANKS = re.compile(r"谢谢|多谢|感谢|谢了|辛苦")
_HELP = re.compile(r"能干|能做|能办|会什么|会干|有什么功能|功能|帮助|菜单|help", re.IGNORECASE)
_ACKNOWLEDGED = re.compile(r"^(?:好的?|好滴|好嘞|嗯+|哦+|噢+|ok|收到|知道了|明白了?|了解)[,.!~ 。！]*$", re.IGNORECASE)


def _fields(settings: Settings) -> dict[str, str]:
    estate = settings.estate
    hours = estate.office_hours
    return {
        "estate": estate.name,
        "company": estate.company,
        "hotline": estate.hotline,
        "emergency_phone": estate.emergency_phone,
        "office_hours": f"{hours.start:%H:%M}-{hours.end:%H:%M}",
    }


@router.intent("greeting")
async def greet(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk, intake: TicketIntake,
                notifier: Notifier) -> str:
    redirected = await _really_about(turn, session, settings, desk, intake, notifier)
    return redirected if redirected is not None else _small_talk(turn.understanding.text, settings)


@router.quick("greeting")
def quick_greeting(understanding: Understanding, settings: Settings) -> str | None:
    """``greet`` when it needs no database: not a chase, not a bare score (those look up tickets)."""
    text = understanding.text
    if status.wants_status(text, understanding.slots) or rating.is_bare_score(text):
        return None
    return faq.confident_answer(text, settings) or _small_talk(text, settings)


def _small_talk(text: str, settings: Settings) -> str:
    if _GOODBYE.search(text):
        return replies.GOODBYE
    if _THANKS.search(text):
        return replies.THANKS
    if _HELP.search(text):
        return replies.HELP.format(**_fields(settings))
    if _ACKNOWLEDGED.match(text.strip()):
        return replies.ACKNOWLEDGED
    return replies.GREETING.format(**_fields(settings))


@router.intent("other")
async def off_topic(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk, intake: TicketIntake,
                    notifier: Notifier, conversation: Conversation) -> str:
    redirected = await _really_about(turn, session, settings, desk, intake, notifier)
    if redirected is None:
        return replies.OFF_TOPIC.format(**_fields(settings))
    conversation.misses = 0  # understood after all: no human needs offering next time
    return redirected


async def _really_about(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk,
                        intake: TicketIntake, notifier: Notifier) -> str | None:
    """Short messages the NLU took for small talk that are plainly about a ticket (催单, 没修好, a lone “4”
    answering the completion message) or a known question (换锁)."""
    understanding = turn.understanding
    if status.wants_status(understanding.text, understanding.slots):
        told = await status.answer(turn, session, settings, desk, intake, notifier, vague=True)
        if told is not None:
            return told
    scored = await rating.bare_score(turn, session, settings, desk, intake, notifier)
    if scored is not None:
        return scored
    return faq.confident_answer(understanding.text, settings)


@router.fallback()
async def not_understood(settings: Settings) -> str:
    return replies.FALLBACK.format(**_fields(settings))


@router.event("subscribe", "subscribe_scan")
async def welcome(settings: Settings) -> str:
    return replies.WELCOME.format(**_fields(settings))


@router.event("scan")
async def scanned() -> str:
    return replies.SCANNED


@router.event("unsubscribe")
async def unsubscribed() -> None:
    """Recorded by the inbox (no one is messaged after it); WeChat shows no reply."""


@router.event("click")
async def menu_click(turn: Turn, session: AsyncSession, settings: Settings, notifier: Notifier,
                     conversations: ConversationStore) -> str:
    if turn.inbound.event_key == "MENU_HUMAN":
        conversation = await conversations.load(session, turn.openid, turn.now)
        answer = await human.start_handoff(turn, session, settings, notifier, conversation)
        await conversations.save(session, conversation, turn.now)
        return answer
    template = replies.MENU_KEYS.get(turn.inbound.event_key or "", replies.UNKNOWN_MENU_KEY)
    return template.format(**_fields(settings))


@router.message("voice")
async def voice_unheard() -> str:
    return replies.VOICE_UNHEARD


@router.message("image")
async def image() -> str:
    return replies.IMAGE_RECEIVED


@router.message("location")
async def location(turn: Turn) -> str:
    return replies.LOCATION_RECEIVED.format(label=turn.inbound.extra.get("label") or "（未注明地点）")


@router.message("link")
async def link() -> str:
    return replies.LINK_RECEIVED


@router.message("unsupported")
async def unsupported() -> str:
    return replies.UNSUPPORTED
