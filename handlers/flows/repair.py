"""报修: where (the bound home, a named room or a shared place), what, phone, when; confirm; ticket R…."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Confirm, NoState, Router, Turn
from bot.nlu.details import details_of
from bot.settings import Settings
from handlers.domain.homes import complete_room, current_binding, home_by_room, registered_phone
from handlers.domain.intake import TicketIntake
from handlers.domain.tickets import NewTicket, appointment_at
from handlers.flows import Flow
from handlers.replies import repair as replies
from handlers.replies import tickets as ticket_replies
from handlers.replies.times import day_and_time, slot_time
from models import Home

router = Router("repair")

OTHER = "其他"


@dataclass(frozen=True)
class Location:
    where: str
    home_id: int | None = None
    place: str | None = None
    building: str | None = None


@router.form("repair", name="报修", accepts=("room", "category", "phone", "time"))
async def report_repair(form: Form[NoState], turn: Turn, session: AsyncSession, settings: Settings,
                        intake: TicketIntake) -> Ask | Confirm | str:
    slots, answers = form.slots, form.answers
    location = await _locate(session, turn.openid, form)
    if isinstance(location, Ask):
        return location
    if "category" not in slots:
        if "category" not in answers:
            return Ask("category", replies.ASK_CATEGORY, free_text=True)
        slots["category"] = OTHER  # described in words we could not place: staff will sort it
    category = slots["category"]
    if "phone" not in slots:
        phone = (await registered_phone(session, await current_binding(session, turn.openid))
                 if location.home_id else None)
        if phone is None:
            return Ask("phone", replies.ASK_PHONE)
        slots["phone"] = phone
    when = slots.get("time") or answers.get("time")
    if when is None:
        return Ask("time", replies.ASK_TIME, free_text=True)
    price = settings.repair.paid_services.get(category) if location.home_id else None
    if not form.confirmed:
        return Confirm(replies.CONFIRM.format(
            where=location.where, category=category, description=form.first_text, phone=slots["phone"],
            time=slot_time(when),
            price=replies.PRICE.format(category=category, price=price) if price else ""))
    multi = category in settings.repair.multi_trade_categories
    new = NewTicket(
        kind="repair", description=form.first_text, openid=turn.openid, home_id=location.home_id,
        place=location.place, building=location.building, category=category, contact_phone=slots["phone"],
        preferred_time=slot_time(when), multi_trade=multi,
        appointment=appointment_at(slots.get("time"), settings.tz, settings.estate.office_hours.start))
    opened = await intake.open(session, new, turn.now, by=f"owner:{turn.openid}",
                               summary=f"{location.where} {category}：{form.first_text}")
    ticket = opened.ticket
    if opened.merged:
        return ticket_replies.MERGED.format(where=location.where, category=category, number=ticket.number)
    due = {d.name: d.due_at.astimezone(settings.tz) for d in ticket.deadlines}
    sla = settings.sla.repair
    return replies.CREATED.format(
        number=ticket.number, on_site=day_and_time(due["on_site"], settings.tz),
        resolve=day_and_time(due["resolve"], settings.tz),
        trade=replies.MULTI_TRADE if multi else replies.SINGLE_TRADE,
        days=sla.multi_trade_working_days if multi else sla.single_trade_working_days)


async def _locate(session: AsyncSession, openid: str, form: Form[NoState]) -> Location | Ask:
    """A named room wins; then a place the owner described; then the bound home; else ask."""
    room = form.slots.get("room")
    if room is not None:
        home = await home_by_room(session, await complete_room(session, openid, room))
        if home is None:
            del form.slots["room"]
            return Ask("room", replies.UNKNOWN_ROOM.format(room=room), free_text=True)
        return Location(where=home.room_key, home_id=home.id)
    place = form.answers.get("room")
    if place is None and details_of(form.first_text).shared_place:
        place = form.first_text
    if place is not None:
        return Location(where=place[:60], place=place[:100], building=details_of(place).building)
    binding = await current_binding(session, openid)
    if binding is not None:
        home = await session.get(Home, binding.home_id)
        if home is not None:
            return Location(where=home.room_key, home_id=home.id)
    return Ask("room", replies.ASK_WHERE, free_text=True)


FLOW = Flow(router)
