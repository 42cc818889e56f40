"""放行条: taking furniture or large items out of the estate needs a permit the guard checks.

A permit is a ticket of kind ``release`` (number P…, created by the desk without repair routing:
nobody is dispatched) and a gate pass with the ticket's number, valid the whole day of the move.
An owner's permit is active at once; a tenant's waits for the home's owner, who is asked by push
and answers “同意 P…” or “拒绝 P…” (only an active owner binding of that home counts); the
tenant hears the outcome by push. A large move (搬家) is recorded as such on the ticket. When a
WeCom group robot is configured for the team ``security`` (``notifications.wecom_robots``), the
guards' group hears of every permit that becomes active; there is no security role to message.
"""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Confirm, NoState, Router, Turn
from bot.nlu.details import ITEMS_MAX, details_of
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain import consent, passes
from handlers.domain.homes import home_for_request, registered_phone
from handlers.domain.notify import Notifier
from handlers.domain.passes import MAX_DAYS_AHEAD, STATUS_NAMES
from handlers.domain.tickets import NewTicket, TicketDesk
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import homes as home_replies
from handlers.replies import release as replies
from models import GatePass, Home, Resident, Ticket

router = Router("release")

INTENT = "release_permit"
MOVE = "搬家"
ITEMS_SLOT = "items"  # free text: what is taken out


@router.form(INTENT, name="开放行条", english=english.RELEASE, accepts=("time", "plate"))
async def request_release(form: Form[NoState], turn: Turn, session: AsyncSession, settings: Settings,
                          desk: TicketDesk, outbox: Outbox, notifier: Notifier) -> Ask | Confirm | str:
    located = await home_for_request(session, turn, form, settings, home_replies.WHICH_HOME)
    if isinstance(located, Ask):
        return located
    binding, home = (located.binding, located.home) if located is not None else (None, None)
    if located is not None:
        settings = settings.for_estate(located.estate)  # that estate's gate, hours and hotline
    if binding is None or home is None:
        return replies.NEED_BINDING
    tz, slots = settings.tz, form.slots
    if form.asking == ITEMS_SLOT and ITEMS_SLOT not in form.answers and details_of(turn.text).items:
        form.answers[ITEMS_SLOT] = turn.text  # 物品：两个衣柜和一台冰箱明天 (its time went to the time slot)
    items = _items(form)
    if items is None:
        return Ask(ITEMS_SLOT, replies.ASK_ITEMS, free_text=True)
    move = details_of(form.first_text).moving or details_of(form.answers.get(ITEMS_SLOT, "")).moving
    value = slots.get("time")
    if value is None:
        return Ask("time", replies.ASK_WHEN)
    window = passes.release_window(value, tz)
    if window.end <= turn.now:
        slots.pop("time")
        return Ask("time", replies.PAST_DAY.format(window=window.describe(tz)))
    if passes.too_far_ahead(window, turn.now):
        slots.pop("time")
        return Ask("time", replies.TOO_FAR.format(days=MAX_DAYS_AHEAD))
    plate = slots.get("plate")  # optional: the card invites it rather than a question of its own
    tenant = binding.role == "tenant"
    _day, hour = passes.parse_slot_time(value)
    moving_at = window.start.replace(hour=hour.hour, minute=hour.minute) if hour is not None else window.start
    when = window.describe(tz) if hour is None else replies.DAY_AND_HOUR.format(
        day=window.describe(tz).removesuffix("全天"), hour=f"{hour:%H:%M}")
    if not form.confirmed:
        return Confirm(replies.CONFIRM.format(
            room=home.room_key, items=items, window=when, plate=plate or replies.NO_PLATE_ON_CARD,
            tenant_note=replies.TENANT_NOTE if tenant else ""))

    description = f"{MOVE if move else '物品放行'}：{items}" + (f"；车牌 {plate}" if plate else "")
    by = f"owner:{turn.openid}"
    ticket = await desk.create(session, NewTicket(
        kind="release", description=description, openid=turn.openid, home_id=home.id,
        category=MOVE if move else "物品放行", contact_phone=await registered_phone(session, binding),
        preferred_time=value, appointment=moving_at), turn.now, by=by)
    if move:
        await desk.apply(session, ticket, "note", turn.now, by="system", note=f"大件搬迁（搬家）登记：{items}")
    gate_pass = GatePass(
        kind="release", code=await passes.new_code(session), number=ticket.number, ticket_id=ticket.id,
        home_id=home.id, openid=turn.openid, visitor_name=None, plate=plate, people=None, items=items,
        valid_from=window.start, valid_until=window.end, max_uses=1, uses=0,
        status="pending_owner" if tenant else "active", created_at=turn.now)
    session.add(gate_pass)
    await session.flush()
    if not tenant:
        await consent.tell_gate(session, notifier, gate_pass, home, settings)
        return replies.CREATED.format(number=ticket.number, code=gate_pass.code, window=when,
                                      items=items, move_note=replies.MOVE_NOTE if move else "")
    return await _ask_owners(session, outbox, desk, ticket, gate_pass, home, binding.resident_id, turn, settings)


def _items(form: Form[NoState]) -> str | None:
    """From the first message when it names things (搬柜子和冰箱), else from the answer to our question."""
    found = details_of(form.first_text).items
    if found is not None:
        return found
    answer = form.answers.get(ITEMS_SLOT, "").strip()
    if not answer:
        return None
    return details_of(answer).items or answer[:ITEMS_MAX]


async def _ask_owners(session: AsyncSession, outbox: Outbox, desk: TicketDesk, ticket: Ticket, gate_pass: GatePass,
                      home: Home, resident_id: int, turn: Turn, settings: Settings) -> str:
    """A tenant's permit waits for the owner (docs/domain.md): every owner bound to the home is asked."""
    owners = await passes.owner_openids(session, home.id)
    if not owners:
        await desk.apply(session, ticket, "note", turn.now, by="system",
                         note="租户申请；业主未绑定公众号，待业主线下确认")
        return replies.TENANT_NO_OWNER.format(number=ticket.number, hotline=settings.estate.hotline)
    resident = await session.get(Resident, resident_id)
    text = replies.CONSENT_REQUEST.format(
        room=home.room_key, tenant=resident.name if resident else replies.SOME_TENANT, number=ticket.number,
        items=gate_pass.items, window=consent.permit_window(gate_pass, settings),
        plate=gate_pass.plate or replies.NO_PLATE)
    for openid in owners:  # settings are the home's estate's: its quiet hours
        await outbox.enqueue(session, key=f"release-consent:{ticket.number}:{openid}", recipient=openid,
                             text=await consent.for_owner(session, openid, text, home, settings),
                             kind="release_consent", quiet_hours=settings.quiet_hours)
    await desk.apply(session, ticket, "note", turn.now, by="system", note="租户申请，已请业主确认")
    return replies.TENANT_SUBMITTED.format(number=ticket.number)


@router.text(r"(同意|拒绝)\s*([Pp]\d{11})[。.!！]*")
async def owner_decides(match: re.Match[str], turn: Turn, session: AsyncSession, settings: Settings,
                        desk: TicketDesk, notifier: Notifier) -> str:
    """The owner's answer to a tenant's permit; anyone else learns nothing about it."""
    agreed, number = match.group(1) == "同意", match.group(2).upper()
    gate_pass = await passes.pass_by_number(session, number, "release")
    if gate_pass is None or not await passes.is_owner_of(session, turn.openid, gate_pass.home_id):
        return replies.NO_SUCH_REQUEST.format(number=number)
    return await consent.decide_release(session, settings, desk, notifier, gate_pass, agreed, turn.openid, turn.now)


# ---------------------------------------------------------------- listing and cancelling

_END = r"(?:吧|了|哈)?[。.!！?？]*"


@router.text(r"(?:(?:查看|查询|查一下|看看|看一下|看下)(?:我的|我家的?)?|我的|我家的?)放行条(?:记录|列表)?" + _END
             + r"|放行条(?:记录|列表)" + _END)
async def list_permits(turn: Turn, session: AsyncSession, settings: Settings) -> str:
    mine = await passes.passes_of(session, turn.openid, "release")
    if not mine:
        return replies.LIST_EMPTY
    lines = []
    for gate_pass in mine:
        status = passes.effective_status(gate_pass, turn.now)
        code = replies.LIST_CODE.format(code=gate_pass.code) if status in ("active", "upcoming") else ""
        window = consent.permit_window(gate_pass, settings)
        lines.append(replies.LIST_LINE.format(number=gate_pass.number, window=window, items=gate_pass.items or "",
                                              status=STATUS_NAMES[status], code=code))
    return "\n".join([replies.LIST_HEADER, *lines, replies.LIST_FOOTER])


@router.text(r"(?:请|麻烦)?(?:帮我)?(?:取消|撤销|作废)(?:一下)?(?:我的)?(?:放行条|放行|出门条)?\s*([Pp]\d{11})" + _END)
async def cancel_permit(match: re.Match[str], turn: Turn, session: AsyncSession, desk: TicketDesk) -> str:
    number = match.group(1).upper()
    gate_pass = await passes.pass_by_number(session, number, "release")
    if gate_pass is None or not await passes.may_manage(session, turn.openid, gate_pass):
        return replies.NOT_FOUND.format(number=number)
    if not passes.cancellable(gate_pass, turn.now):
        status = STATUS_NAMES[passes.effective_status(gate_pass, turn.now)]
        return replies.NOT_CANCELLABLE.format(number=number, status=status)
    await passes.cancel_pass(session, gate_pass, turn.now, by=f"owner:{turn.openid}", desk=desk)
    return replies.CANCELLED.format(number=number)


FLOW = Flow(router)
