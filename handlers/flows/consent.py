"""同意 / 不同意 on its own, from an owner a tenant is waiting for (binding, or a release permit).

The requests ask the owner to reply with a code (同意 4821, 同意 P20261207001); owners often answer
just 同意, or 不同意，电视是我的. With exactly one request waiting on the owner's homes, that is
the answer to it; with several, the owner is shown them with their codes. With none, the words
are not an answer to us: the route declines and the dialogue reads the message as usual (同意 at
a confirm card still confirms).
"""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.router import Router, Turn
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain import consent
from handlers.domain.notify import Notifier
from handlers.domain.tickets import TicketDesk
from handlers.flows import Flow
from handlers.replies import consent as replies
from models import Home

router = Router("consent")

AGREE = ("同意", "批准", "好的同意", "我同意")


@router.text(r"(?P<verdict>同意|我同意|好的同意|批准|不同意|拒绝|不批准|我不同意)"
             r"(?![\s:：]*(?:[Pp]?\d{4}))(?:[，,。.!！\s].{0,60})?")  # 同意 4821 / 同意 P… are the flows' own
async def bare_verdict(match: re.Match[str], turn: Turn, session: AsyncSession, outbox: Outbox, settings: Settings,
                       desk: TicketDesk, notifier: Notifier) -> str | None:
    waiting = await consent.pending_for_owner(session, turn.openid)
    if not waiting:
        return None  # not an answer to a request of ours: the dialogue reads it
    agreed = match.group("verdict") in AGREE
    if len(waiting) > 1:
        lines = [await _line(session, item) for item in waiting]
        return replies.WHICH.format(count=len(waiting), lines="\n".join(lines), example=waiting[0].code)
    [request] = waiting
    if request.binding is not None:
        return await consent.decide_tenant_binding(session, outbox, settings, request.binding, agreed, turn.now)
    assert request.gate_pass is not None
    return await consent.decide_release(session, settings, desk, notifier, request.gate_pass, agreed, turn.openid,
                                        turn.now)


async def _line(session: AsyncSession, item: consent.Pending) -> str:
    if item.binding is not None:
        home = await session.get(Home, item.binding.home_id)
        return replies.LINE_BINDING.format(code=item.code, room=home.room_key if home else "")
    assert item.gate_pass is not None
    return replies.LINE_PERMIT.format(code=item.code, items=item.gate_pass.items or "")


FLOW = Flow(router)
