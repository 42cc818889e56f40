"""撤销: the owner calls off what they just reported (``handlers.domain.withdrawal``).

Reached by 取消 when no form is open, and by an emergency-looking message or small talk whose words
call off a recent report (不用来了，人已经出来了 / 搞错了，没事了). With nothing to call off, the
owner hears so plainly.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.router import Interrupts, Router, Turn
from bot.settings import Settings
from handlers.domain.notify import Notifier
from handlers.domain.tickets import TicketDesk
from handlers.domain.withdrawal import withdraw, withdrawable
from handlers.flows import Flow
from handlers.replies import withdrawal as replies

router = Router("withdrawal")


@router.intent("cancel", name="取消", interrupts=Interrupts.NEVER)
async def call_off(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk,
                   notifier: Notifier) -> str:
    ticket = await withdrawable(session, turn.openid, turn.now)
    if ticket is None:
        return replies.NOTHING_TO_CANCEL
    done = await withdraw(session, ticket, turn.openid, turn.now, turn.text, desk=desk, notifier=notifier)
    kind = desk.sla.kinds[ticket.kind].title
    template = replies.WITHDRAWN if done.cancelled else replies.NOT_NEEDED
    who = replies.WHO_EMERGENCY if ticket.kind == "emergency" else replies.WHO_REPAIR
    return template.format(kind=kind, number=ticket.number, who=who,
                           emergency_phone=settings.for_estate(ticket.estate).estate.emergency_phone)


FLOW = Flow(router)
