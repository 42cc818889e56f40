"""访客登记: an owner registers a visitor in advance; the visitor shows the pass code at the gate.

The bound home is the one visited (an unbound account is asked to bind first). Nothing is
insisted on: no time means the rest of today, the visitor's name and number are taken when said,
and a plate is asked for once when the owner mentions a car. Windows and codes: handlers/domain/passes.py.
Owners list their passes with “我的访客” and withdraw one with “取消访客 V…” (or “取消访客”
when only one is still valid); those are text patterns, so the engine's own 取消 for a form
in progress is untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Conversation, Form
from bot.dialogue.router import Ask, Confirm, Router, Turn
from bot.nlu.details import details_of
from bot.settings import Settings
from handlers.domain import passes
from handlers.domain.homes import home_for_request
from handlers.domain.kinds import VISITOR_PASS_PREFIX
from handlers.domain.passes import MAX_DAYS_AHEAD, STATUS_NAMES, Window
from handlers.domain.tickets import TicketDesk
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import homes as home_replies
from handlers.replies import visitor as replies
from models import GatePass

router = Router("visitor")

INTENT = "visitor_pass"


@dataclass
class VisitorState:
    asked_plate: bool = False
    people: int | None = None
    time_value: str | None = None  # the time slot as last read
    exact_hour: bool = False  # whether the owner named an hour when giving it (下午3点, not 下午)


@router.form(INTENT, name="登记访客", english=english.VISITOR, accepts=("time", "plate"), state=VisitorState)
async def register_visitor(form: Form[VisitorState], turn: Turn, session: AsyncSession, settings: Settings,
                           desk: TicketDesk) -> Ask | Confirm | str:
    located = await home_for_request(session, turn, form, settings, home_replies.WHICH_HOME)
    if isinstance(located, Ask):
        return located
    home = located.home if located is not None else None
    if located is not None:
        settings = settings.for_estate(located.estate)  # that estate's gate, hours and hotline
    if home is None:
        return replies.NEED_BINDING
    tz, slots = settings.tz, form.slots
    _note_time_wording(form, turn)
    window = passes.visit_window(slots.get("time"), exact_hour=form.state.exact_hour, now=turn.now, tz=tz)
    if window.end <= turn.now:
        slots.pop("time", None)
        return Ask("time", replies.PAST_TIME.format(window=window.describe(tz)))
    if passes.too_far_ahead(window, turn.now):
        slots.pop("time", None)
        return Ask("time", replies.TOO_FAR.format(days=MAX_DAYS_AHEAD))
    people = turn.understanding.details.people or form.state.people
    form.state.people = people
    plate = slots.get("plate")
    first = details_of(form.first_text)
    if plate is None and not form.state.asked_plate and first.car:
        form.state.asked_plate = True
        return Ask("plate", replies.ASK_PLATE, free_text=True)
    label = first.visitor
    if not form.confirmed:
        return Confirm(replies.CONFIRM.format(
            room=home.room_key, visitor=_who(label, people), plate=plate or replies.NO_PLATE,
            window=window.describe(tz)))
    number = await desk.next_number(session, VISITOR_PASS_PREFIX, turn.now)
    gate_pass = GatePass(
        kind="visitor", code=await passes.new_code(session), number=number, ticket_id=None, home_id=home.id,
        openid=turn.openid, visitor_name=label, plate=plate, people=people, items=None,
        valid_from=window.start, valid_until=window.end, max_uses=1, uses=0, status="active", created_at=turn.now)
    session.add(gate_pass)
    await session.flush()
    return replies.CREATED.format(code=gate_pass.code, uses=replies.SINGLE_USE, number=gate_pass.number,
                                  window=window.describe(tz),
                                  note=replies.LONG_TERM_NOTE if first.standing else "")


def _note_time_wording(form: Form[VisitorState], turn: Turn) -> None:
    """Whether the owner named an hour (下午3点) or only a period (下午), read when the time changes.

    The NLU gives 下午 as 14:00, the same as 下午2点; only the words tell a 14:00-18:00 afternoon
    from a visit around two o'clock.
    """
    value = form.slots.get("time")
    if value != form.state.time_value:
        form.state.time_value = value
        form.state.exact_hour = value is not None and turn.understanding.details.hour_named


def _who(label: str | None, people: int | None) -> str:
    who = label or replies.SOME_VISITOR
    return who + replies.PEOPLE.format(people=people) if people else who


# ---------------------------------------------------------------- listing and cancelling

_SAY = r"(?:请|麻烦)?(?:你)?(?:帮我)?"
_END = r"(?:吧|了|哈)?[。.!！?？]*"


@router.text(r"(?:(?:查看|查询|查一下|看看|看一下|看下)(?:我的|我家的?)?|我的|我家的?)"
             r"访客(?:登记)?(?:记录|列表)?" + _END
             + r"|访客(?:登记)?(?:记录|列表)" + _END)
async def list_visitors(turn: Turn, session: AsyncSession, settings: Settings) -> str:
    mine = await passes.passes_of(session, turn.openid, "visitor")
    if not mine:
        return replies.LIST_EMPTY
    lines = [_line(gate_pass, turn.now, settings) for gate_pass in mine]
    return "\n".join([replies.LIST_HEADER, *lines, replies.LIST_FOOTER])


@router.text(_SAY + r"(?:取消|撤销|作废|删除)(?:一下)?(?:我的)?"
             r"(?:访客登记|访客码|访客|通行码|登记)?\s*([Vv]\d{11})" + _END)
async def cancel_visitor(match: re.Match[str], turn: Turn, session: AsyncSession, settings: Settings,
                         desk: TicketDesk) -> str:
    number = match.group(1).upper()
    gate_pass = await passes.pass_by_number(session, number, "visitor")
    if gate_pass is None or not await passes.may_manage(session, turn.openid, gate_pass):
        return replies.NOT_FOUND.format(number=number)
    return await _cancel(session, gate_pass, turn, settings, desk)


@router.text(_SAY + r"(?:取消|撤销|作废)(?:一下)?(?:我的|刚才的?|刚刚的?|这个)?"
             r"(?:访客登记|登记的访客|访客码|访客|通行码)" + _END)
async def cancel_latest_visitor(turn: Turn, session: AsyncSession, settings: Settings, desk: TicketDesk,
                                conversation: Conversation) -> str:
    """“取消访客”: the registration in progress if there is one, else the only pass still valid."""
    if conversation.form is not None and conversation.form.intent == INTENT:
        conversation.form = None
        return replies.FORM_CANCELLED
    mine = await passes.passes_of(session, turn.openid, "visitor")
    open_passes = [gate_pass for gate_pass in mine if passes.cancellable(gate_pass, turn.now)]
    if not open_passes:
        return replies.NOTHING_TO_CANCEL
    if len(open_passes) > 1:
        lines = "\n".join(_line(gate_pass, turn.now, settings) for gate_pass in open_passes)
        return replies.WHICH_ONE.format(count=len(open_passes), lines=lines)
    return await _cancel(session, open_passes[0], turn, settings, desk)


async def _cancel(session: AsyncSession, gate_pass: GatePass, turn: Turn, settings: Settings, desk: TicketDesk) -> str:
    if not passes.cancellable(gate_pass, turn.now):
        status = STATUS_NAMES[passes.effective_status(gate_pass, turn.now)]
        return replies.NOT_CANCELLABLE.format(number=gate_pass.number, status=status)
    await passes.cancel_pass(session, gate_pass, turn.now, by=f"owner:{turn.openid}", desk=desk)
    return replies.CANCELLED.format(number=gate_pass.number, window=_window(gate_pass, settings), code=gate_pass.code)


def _line(gate_pass: GatePass, now: datetime, settings: Settings) -> str:
    status = passes.effective_status(gate_pass, now)
    shown_code = replies.LIST_CODE.format(code=gate_pass.code) if status in ("active", "upcoming") else ""
    plate = f" {gate_pass.plate}" if gate_pass.plate else ""
    return replies.LIST_LINE.format(number=gate_pass.number, window=_window(gate_pass, settings),
                                    visitor=_who(gate_pass.visitor_name, gate_pass.people), plate=plate,
                                    status=STATUS_NAMES[status], code=shown_code)


def _window(gate_pass: GatePass, settings: Settings) -> str:
    return Window(gate_pass.valid_from, gate_pass.valid_until).describe(settings.tz)


FLOW = Flow(router)
