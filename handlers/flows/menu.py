"""The custom menu (docs/menu.md): a tap on a click button starts the flow its key names in config.yaml.

WeChat sends a tap as a CLICK event with the button's key (EventKey); ``settings.menu`` maps the
key to an intent label.

- A registration (报修, 访客登记, 投诉 …: the intents with an opening question in
  ``handlers/replies/menu.py``) is opened waiting for the owner's words (``OPENING``); the
  engine then starts it with the owner's next message as if they had opened with it, so what
  they say is read exactly as when they type the request.
- 办事指南 (the ``faq`` intent, which answers one question and has none to answer here) lists the
  questions of the guide (``kb.yaml``), for the owner to ask one.
- Anything else (查缴费, 我的工单, 转人工, 绑定房屋) is passed on with ``Reroute`` and answered at
  once, as if the owner had asked for it in words.
- A key the menu no longer has (clients keep an old menu for a while) gets a polite answer.
- While a person handles the owner, a tap starts nothing: the owner is told their messages go to
  the staff.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import OPENING, ConversationStore, Form
from bot.dialogue.router import Reroute, Router, Turn
from bot.settings import Settings
from handlers.domain.kb import knowledge_base
from handlers.flows import Flow
from handlers.replies import menu as replies

router = Router("menu")

GUIDE_INTENT = "faq"


@router.event("click")
async def menu_click(turn: Turn, session: AsyncSession, settings: Settings,
                     conversations: ConversationStore) -> str | Reroute:
    intent = settings.menu.intent_for(turn.inbound.event_key)
    if intent is None:
        return _unknown_key(settings)
    conversation = await conversations.load(session, turn.openid, turn.now)
    if conversation.in_handoff(turn.now):
        return replies.IN_HANDOFF
    if intent == GUIDE_INTENT:
        return _guide(settings)
    opening = replies.OPENING.get(intent)
    if opening is None:
        return Reroute(intent)
    conversation.form = Form(intent=intent, asking=OPENING, question=opening, free_text=[OPENING])
    conversation.clarifying, conversation.clarifying_text, conversation.misses = [], "", 0
    await conversations.save(session, conversation, turn.now)
    return opening


def _guide(settings: Settings) -> str:
    guide = knowledge_base()
    if guide is None or not guide.entries:
        return replies.NO_GUIDE.format(hotline=settings.estate.hotline)
    questions = "\n".join(f"{number}. {entry.question}" for number, entry in enumerate(guide.entries, start=1))
    return replies.GUIDE.format(questions=questions)


def _unknown_key(settings: Settings) -> str:
    names = "、".join(f"“{button.name}”" for button in settings.menu.click_buttons())
    return replies.UNKNOWN_KEY + ("\n" + replies.UNKNOWN_KEY_BUTTONS.format(buttons=names) if names else "")


FLOW = Flow(router)
