"""建议: record the idea as ticket S… and promise an answer within 3 days (DOMAIN.md: reply rate 100%).

One message is enough when it holds the idea itself (建议小区多装几个充电桩); a bare "我有个建议"
gets one question for the content. No confirmation: nothing is promised but an answer.
"""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Router, Turn
from bot.settings import Settings
from handlers.domain.homes import current_binding, registered_phone
from handlers.domain.intake import TicketIntake
from handlers.replies import suggestion as replies
from handlers.domain.tickets import NewTicket

router = Router("suggestion")

CONTENT = "content"  # the flow's own free-text question (not an NLU slot)
MIN_CONTENT_CHARS = 3
# Words that announce a suggestion without making one ("你好，我想提个建议").
_PREAMBLE = re.compile(
    r"你好|您好|在吗|可以吗|行吗|好吗|可以|怎么提|在哪|物业|客服|我|想|要|有|个|一个|一些|几个|点|一点|提|给|你们|"
    r"建议|意见|想法|一下|吧|啊|哈|呢|吗|小|"
    r"[\s,.!?;:~，。！？；：、…]"
)


@router.form("suggestion")
async def make_suggestion(form: Form, turn: Turn, session: AsyncSession, settings: Settings,
                          intake: TicketIntake) -> Ask | str:
    if "content" not in form.data:  # the first message: is the idea in it?
        form.data["content"] = form.first_text.strip() if has_content(turn.understanding.text) else None
    content = form.data["content"] or form.answers.get(CONTENT)
    if not content:
        return Ask(CONTENT, replies.ASK_CONTENT, free_text=True)
    binding = await current_binding(session, turn.openid)
    new = NewTicket(kind="suggestion", description=content, openid=turn.openid,
                    home_id=binding.home_id if binding else None,
                    contact_phone=await registered_phone(session, binding))
    opened = await intake.open(session, new, turn.now, by=f"owner:{turn.openid}", summary=f"建议：{content}")
    answer = next(d.due_at for d in opened.ticket.deadlines if d.name == "answer")
    return replies.CREATED.format(number=opened.ticket.number, days=settings.sla.suggestion.answer_within_days,
                                  due=f"{answer.astimezone(settings.tz):%m月%d日%H:%M}")


def has_content(text: str) -> bool:
    """Whether the words hold an idea, once the greeting and "我想提个建议" are set aside."""
    return len(_PREAMBLE.sub("", text)) >= MIN_CONTENT_CHARS
