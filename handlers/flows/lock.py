"""破锁/换锁: an owner books the breaking or changing of their entrance-door lock.

The procedure (docs/domain.md, "Lock change"): the applicant shows a valid identity
document; a non-owner needs the owner's consent by phone and a record in the owner's file;
customer service, the concierge (礼宾) and engineering must all be there; the application form is
kept on record. The bot explains it and books it, nothing more: identity is checked on the spot.

- Only an account bound to the home may book; an unbound one is told the procedure and how to bind.
- A tenant's booking is made, and the ticket says the owner must consent by phone first.
- The slot must be in office hours on a working day, so that all three can be there.
- The ticket (kind ``lock``, an R… number) goes to engineering (门窗门锁), and the front desk and
  the concierge are told; it closes when engineering reports it done (完工).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Confirm, Router, Turn
from bot.settings import Settings
from handlers.domain.calendar import WorkingCalendar
from handlers.domain.homes import bound_homes, home_for_request, home_label, registered_phone
from handlers.domain.intake import TicketIntake
from handlers.domain.kinds import Dispatch, OwnerUpdates, SlaRule, TicketKind
from handlers.domain.staffing import FRONT_DESK
from handlers.domain.tickets import NewTicket, appointment_at
from handlers.flows import Flow
from handlers.replies import homes as home_replies
from handlers.replies import lock as replies
from handlers.replies.times import hours, moment, slot_time
from models import Home

router = Router("lock")

LOCK = TicketKind(
    "lock", "R", "破锁/换锁", SlaRule.APPOINTMENT, dispatch=Dispatch.TEAMS,
    teams=("门窗门锁", FRONT_DESK, "安全秩序"),  # engineering leads; customer service and the concierge attend
    closes_on_completion=True,
    updates=OwnerUpdates(accepted=replies.ACCEPTED, started=replies.STARTED, completed=replies.COMPLETED),
)


@dataclass
class LockState:
    tenant: bool = False


@router.form("lock_change", name="预约换锁", accepts=("time", "estate", "room"), state=LockState)
async def book_lock_change(form: Form[LockState], turn: Turn, session: AsyncSession, settings: Settings,
                           intake: TicketIntake, calendar: WorkingCalendar) -> Ask | Confirm | str:
    located = await home_for_request(session, turn, form, settings, home_replies.WHICH_HOME)
    if isinstance(located, Ask):
        return located
    if located is not None:  # that home's estate: its office hours, working days and price
        settings, calendar = settings.for_estate(located.estate), intake.desk.sla.calendar_for(located.estate)
    estate = settings.estate
    price = settings.repair.paid_services.get("门窗门锁", "以服务中心公示为准")
    office = hours(estate.office_hours.start, estate.office_hours.end)
    binding, home = (located.binding, located.home) if located is not None else (None, None)
    if binding is None or home is None:
        form.slots.clear()
        return replies.NEED_BINDING.format(price=price, office=estate.office_address or "物业服务中心",
                                           hotline=estate.hotline)
    form.state.tenant = binding.role == "tenant"
    value = form.slots.get("time")
    if value is None:
        return Ask("time", replies.ASK_SLOT.format(price=price, hours=office))
    slot = appointment_at(value, settings.tz, estate.office_hours.start)
    if slot is None or "T" not in value:
        form.slots.pop("time", None)
        return Ask("time", replies.NEEDS_HOUR.format(day=slot_time(value)))
    if slot <= turn.now:
        form.slots.pop("time", None)
        return Ask("time", replies.PAST.format(slot=moment(slot, settings.tz)))
    local = slot.astimezone(settings.tz)
    if not calendar.is_working_day(local.date()) or not estate.office_hours.contains(local.time()):
        form.slots.pop("time", None)
        return Ask("time", replies.NOT_IN_HOURS.format(slot=moment(slot, settings.tz), hours=office))
    tenant_note = replies.TENANT_NOTE if form.state.tenant else ""
    if not form.confirmed:
        return Confirm(replies.CONFIRM.format(room=await _label(session, turn.openid, home, settings),
                                              slot=moment(slot, settings.tz),
                                              tenant_note=tenant_note))
    new = NewTicket(kind=LOCK.name, description=f"破锁/换锁申请：{form.first_text.strip()}"[:500], openid=turn.openid,
                    home_id=home.id, category="门窗门锁", contact_phone=await registered_phone(session, binding),
                    preferred_time=slot_time(value), appointment=slot)
    opened = await intake.open(session, new, turn.now, by=f"owner:{turn.openid}",
                               summary=f"{home.room_key} 破锁/换锁，{moment(slot, settings.tz)}")
    if form.state.tenant:
        await intake.desk.apply(session, opened.ticket, "note", turn.now, by="system", note=replies.TENANT_TICKET_NOTE)
    return replies.CREATED.format(number=opened.ticket.number, slot=moment(slot, settings.tz), tenant_note=tenant_note)


async def _label(session: AsyncSession, openid: str, home: Home, settings: Settings) -> str:
    homes = await bound_homes(session, openid)
    bound = next((each for each in homes if each.home.id == home.id), None)
    return home_label(bound, homes, settings) if bound is not None else home.room_key


FLOW = Flow(router, ticket_kinds=(LOCK,))
