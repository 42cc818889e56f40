"""办事指南 (FAQ): the best entry of ``kb.yaml`` for an owner's question (``handlers.domain.kb``)."""

from __future__ import annotations

from bot.dialogue.router import Router, Turn
from bot.settings import Settings
from handlers.domain.kb import (
    MATCH_THRESHOLD,
    MAX_SUGGESTIONS,
    knowledge_base,
    placeholder_values,
    question_words,
    render,
)
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import faq as replies

router = Router("faq")


@router.intent("faq", name="咨询办事指南", english=english.FAQ)
async def faq(turn: Turn, settings: Settings) -> str:
    fields = placeholder_values(settings)
    kb = knowledge_base()
    if kb is None:
        return replies.UNAVAILABLE.format_map(fields)
    text = turn.understanding.text
    ranked = kb.rank(text, question_words(text))
    if ranked and ranked[0].score >= MATCH_THRESHOLD:
        return render(ranked[0].entry, settings)
    titles = "；".join(f"“{match.entry.question.rstrip('？?')}”" for match in ranked[:MAX_SUGGESTIONS])
    return replies.UNKNOWN.format(suggestions=replies.SUGGESTIONS.format(titles=titles) if titles else "",
                                  hotline=fields["hotline"], office_hours=fields["office_hours"])


FLOW = Flow(router)
