"""建议: record the idea as ticket S… and promise an answer within 3 days (docs/domain.md: reply rate 100%).

One message is enough when it holds the idea itself (建议小区多装几个充电桩); a bare "我有个建议"
gets one question for the content. A card then shows the idea and the agreed reply date, and 确认
records it (the owner may correct the idea in their words first).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Confirm, Router, Turn
from bot.settings import Settings
from handlers.domain.homes import current_binding, registered_phone
from handlers.domain.intake import TicketIntake
from handlers.domain.tickets import CARD_QUOTE, NewTicket, quoted
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import suggestion as replies
from handlers.replies.times import day_and_time

router = Router("suggestion")

CONTENT = "content"  # the flow's own free-text question (not an NLU slot)


@dataclass
class SuggestionState:
    read_first: bool = False  # the first message has been looked at for the idea itself
    content: str | None = None  # the idea, when the first message held it


@router.form("suggestion", name="提建议", english=english.SUGGESTION, state=SuggestionState, amends=CONTENT)
async def make_suggestion(form: Form[SuggestionState], turn: Turn, session: AsyncSession, settings: Settings,
                          intake: TicketIntake) -> Ask | Confirm | str:
    if not form.state.read_first:  # the first message: is the idea in it?
        form.state.read_first = True
        details = turn.understanding.details
        form.state.content = details.told if details.suggestion_content else None
    content = form.answers.get(CONTENT) or form.state.content
    if not content:
        return Ask(CONTENT, replies.ASK_CONTENT, free_text=True)
    content = quoted(content)
    if not form.confirmed:
        days = settings.sla.suggestion.answer_within_days
        return Confirm(replies.CONFIRM.format(content=quoted(content, CARD_QUOTE), days=days))
    binding = await current_binding(session, turn.openid)
    new = NewTicket(kind="suggestion", description=content, openid=turn.openid,
                    home_id=binding.home_id if binding else None,
                    contact_phone=await registered_phone(session, binding))
    opened = await intake.open(session, new, turn.now, by=f"owner:{turn.openid}", summary=f"建议：{content}")
    answer = next(d.due_at for d in opened.ticket.deadlines if d.name == "answer")
    return replies.CREATED.format(number=opened.ticket.number, days=settings.sla.suggestion.answer_within_days,
                                  due=day_and_time(answer, settings.tz))


FLOW = Flow(router)
