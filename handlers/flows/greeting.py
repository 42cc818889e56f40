"""Greeting, help and the fallback; the welcome for new followers (menu buttons: handlers/flows/menu.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Conversation
from bot.dialogue.router import Interrupts, Reroute, Router, Turn
from bot.nlu import Understanding
from bot.settings import Settings
from handlers.domain import kb
from handlers.domain.aftercare import rating_target
from handlers.domain.tickets import TicketDesk
from handlers.domain.withdrawal import withdrawable
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import greeting as replies
from handlers.replies.times import hours

router = Router("greeting")


def _fields(settings: Settings) -> dict[str, str]:
    estate = settings.estate
    return {
        "estate": estate.name,
        "company": estate.company,
        "hotline": estate.hotline,
        "emergency_phone": estate.emergency_phone,
        "office_hours": hours(estate.office_hours.start, estate.office_hours.end),
    }


@router.intent("greeting", name="打招呼", interrupts=Interrupts.NEVER, chat=True,
               english=english.CAPABILITIES)
async def greet(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk) -> str | Reroute:
    redirected = await _really_about(turn, session, desk)
    if redirected is not None:
        return redirected
    return kb.confident_answer(turn.understanding.text, settings) or _small_talk(turn.understanding, settings)


@router.quick("greeting")
def quick_greeting(understanding: Understanding, settings: Settings) -> str | None:
    """``greet`` when it needs no database: not about a ticket, not a bare score, not calling something
    off (those look up tickets), not English (the engine says the English line first)."""
    details = understanding.details
    if (details.about_a_ticket or details.bare_score or details.call_off or details.english
            or understanding.slots.get("ticket")):
        return None
    return kb.confident_answer(understanding.text, settings) or _small_talk(understanding, settings)


def _small_talk(understanding: Understanding, settings: Settings) -> str:
    details = understanding.details
    if details.goodbye:
        return replies.GOODBYE
    if details.thanks:
        return replies.THANKS
    if details.asks_for_help:
        return replies.HELP.format(**_fields(settings))
    if details.acknowledgement:
        return replies.ACKNOWLEDGED
    return replies.GREETING.format(**_fields(settings))


@router.intent("other", name="闲聊", interrupts=Interrupts.NEVER, chat=True, english=english.CAPABILITIES)
async def off_topic(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk,
                    conversation: Conversation) -> str | Reroute:
    redirected = await _really_about(turn, session, desk)
    if redirected is not None:
        conversation.misses = 0  # understood after all: no human needs offering next time
        return redirected
    if turn.rerouted_from is not None:
        conversation.misses += 1  # passed back with nothing to act on: a miss after all
    answer = kb.confident_answer(turn.understanding.text, settings)
    if answer is not None:
        conversation.misses = 0
        return answer
    if not turn.understanding.details.asks_something:  # 哈哈 / 今天天气不错: a remark, answered in kind
        conversation.misses = 0
        return replies.REMARK
    return replies.OFF_TOPIC.format(**_fields(settings))


async def _really_about(turn: Turn, session: AsyncSession, desk: TicketDesk) -> Reroute | None:
    """Short messages the NLU took for small talk that its details show are about a ticket (催单, 没修好,
    a number) or a score answering the completion message (a lone “4” while a rating is awaited)."""
    if turn.rerouted_from is not None:
        return None  # passed back: small talk after all
    understanding = turn.understanding
    details = understanding.details
    if details.about_a_ticket or understanding.slots.get("ticket"):
        return Reroute("ticket_status")
    if details.call_off and await withdrawable(session, turn.openid, turn.now) is not None:
        return Reroute("cancel")  # 搞错了，没事了: what was just reported is called off
    score = details.bare_score
    if score is not None and await rating_target(session, desk, turn.openid, None, turn.now) is not None:
        return Reroute("rating", {"score": score})
    return None


@router.fallback()
async def not_understood(settings: Settings) -> str:
    return replies.FALLBACK.format(**_fields(settings))


@router.event("subscribe", "subscribe_scan")
async def welcome(settings: Settings, sender_estate: str | None) -> str:
    """A new follower. With several estates and the follower bound to none yet, the company welcomes
    them, names its estates and gives every estate's night-duty phone."""
    if settings.multi_estate and sender_estate is None:
        every = settings.estate_list
        return replies.WELCOME_COMPANY.format(
            company=settings.estate.company, estates="、".join(estate.name for estate in every),
            example=every[-1].name, emergency_phones=replies.PHONE_SEPARATOR.join(
                f"{estate.name} {estate.emergency_phone}" for estate in every))
    return replies.WELCOME.format(**_fields(settings))


@router.event("scan")
async def scanned() -> str:
    return replies.SCANNED


@router.event("unsubscribe")
async def unsubscribed() -> None:
    """Recorded by the inbox (no one is messaged after it); WeChat shows no reply."""


@router.message("voice")
async def voice_unheard() -> str:
    return replies.VOICE_UNHEARD


@router.message("image")
async def image() -> str:
    return replies.IMAGE_RECEIVED


@router.message("text")
async def blank(settings: Settings) -> str:
    """A text message with nothing in it (the dialogue takes every other): asked what they need."""
    return replies.BLANK.format(**_fields(settings))


@router.message("location")
async def location(turn: Turn) -> str:
    return replies.LOCATION_RECEIVED.format(label=turn.inbound.extra.get("label") or "（未注明地点）")


@router.message("link")
async def link() -> str:
    return replies.LINK_RECEIVED


@router.message("unsupported")
async def unsupported() -> str:
    return replies.UNSUPPORTED


FLOW = Flow(router)
