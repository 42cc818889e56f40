"""FAQ answers that supervisors edit in the console, per estate, and who changed what.

An edited answer wins over the estate's ``faq`` in config.yaml, which wins over kb.yaml
(``Settings.faq_answer``). The edits live in the ``faq_answers`` table; every instance keeps them in
``Settings.faq_edits`` so that answering an owner reads no table: the instance that saves an edit
updates its copy at once, the others re-read the table when it changed (``refresh``, every
``REFRESH_SECONDS``; see docs/console.md). Every change is an audit entry with the old and new text.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.kb import PLACEHOLDERS, PRICE_PREFIX, KnowledgeBaseError, check_placeholders
from handlers.domain.staff_access import audit
from models import FaqAnswer, Staff

REFRESH_SECONDS = 10
ANSWER_MAX = 2000


class AnswerRefused(Exception):
    """The new answer cannot be used; the message says why, in Chinese."""


async def load(session: AsyncSession, settings: Settings) -> None:
    rows = (await session.execute(select(FaqAnswer.estate, FaqAnswer.entry, FaqAnswer.answer))).all()
    edits = settings.faq_edits
    edits.clear()
    edits.update({(row.estate, row.entry): row.answer for row in rows})


async def fingerprint(session: AsyncSession) -> tuple[int, str | None]:
    """What changes whenever an edit is saved or reset: the count and the latest change."""
    count, latest = (await session.execute(select(func.count(FaqAnswer.id), func.max(FaqAnswer.updated_at)))).one()
    return int(count), latest.isoformat() if latest is not None else None


def check_answer(answer: str) -> str:
    answer = answer.replace("\r\n", "\n").strip()
    if not answer:
        raise AnswerRefused("答案不能为空；要恢复默认答案，请点“恢复默认”")
    if len(answer) > ANSWER_MAX:
        raise AnswerRefused(f"答案最多 {ANSWER_MAX} 个字")
    try:
        check_placeholders(answer, "")
    except KnowledgeBaseError:
        names = "、".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS))
        raise AnswerRefused(f"答案里的花括号只能用于这些占位符：{names}、{{{PRICE_PREFIX}类别}}") from None
    return answer


async def save(session: AsyncSession, settings: Settings, estate: str, entry: str, answer: str, staff: Staff,
               now: datetime, address: str) -> None:
    """Store the estate's answer (raises AnswerRefused) and record the change."""
    answer = check_answer(answer)
    row = await session.scalar(select(FaqAnswer).where(FaqAnswer.estate == estate, FaqAnswer.entry == entry))
    before = row.answer if row is not None else "（默认答案）"
    if row is None:
        session.add(FaqAnswer(estate=estate, entry=entry, answer=answer, updated_by=staff.name, updated_at=now))
    else:
        row.answer, row.updated_by, row.updated_at = answer, staff.name, now
    await audit(session, staff, "faq_edit", now, target=f"{estate}:{entry}", detail=f"{before}\n→\n{answer}",
                address=address)
    settings.faq_edits[(estate, entry)] = answer


async def reset(session: AsyncSession, settings: Settings, estate: str, entry: str, staff: Staff, now: datetime,
                address: str) -> bool:
    row = await session.scalar(select(FaqAnswer).where(FaqAnswer.estate == estate, FaqAnswer.entry == entry))
    if row is None:
        return False
    await session.execute(delete(FaqAnswer).where(FaqAnswer.id == row.id))
    await audit(session, staff, "faq_reset", now, target=f"{estate}:{entry}", detail=f"{row.answer}\n→\n（默认答案）",
                address=address)
    settings.faq_edits.pop((estate, entry), None)
    return True
