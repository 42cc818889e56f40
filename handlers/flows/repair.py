"""报修: where (the bound home, a named room of the owner's, or a shared place), what, phone, when; confirm.

- Everything the first message gives is taken (room, place, category, phone, time); only what is
  missing is asked, one thing at a time.
- A room must be one of the owner's homes (a staff account may file for any home). A shared place
  (3栋电梯, 地下车库B区, 2单元楼道) is recorded as the owner named it; nobody is asked when to come
  into a home for it.
- A home visit is booked at the owner's time; "随时都可以" leaves it to the engineer's call. The
  booked time drives the on-site deadline (``handlers.domain.sla``).
- "还是漏水" about a repair of theirs that was just finished reopens that ticket instead of opening
  a new one (``handlers.domain.aftercare``).
- The card and the ticket quote the owner's words cut to a sensible length.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Confirm, Reroute, Router, Turn
from bot.nlu.details import details_of
from bot.settings import Settings
from handlers.domain.aftercare import recently_finished
from handlers.domain.homes import (
    WHICH_HOME,
    BoundHome,
    bound_homes,
    complete_room,
    current_binding,
    home_by_room,
    home_for_request,
    home_label,
    registered_phone,
)
from handlers.domain.intake import TicketIntake
from handlers.domain.kinds import TicketKinds
from handlers.domain.staffing import is_staff
from handlers.domain.tickets import CARD_QUOTE, NewTicket, appointment_at, quoted
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import homes as home_replies
from handlers.replies import repair as replies
from handlers.replies import tickets as ticket_replies
from handlers.replies.times import day_and_time, moment, slot_time
from models.ticket import PLACE_MAX

router = Router("repair")

OTHER = "其他"


@dataclass(frozen=True)
class Location:
    where: str
    home_id: int | None = None
    place: str | None = None
    building: str | None = None
    estate: str | None = None  # the home's estate (None: the sender's)


@dataclass
class RepairState:
    looked_back: bool = False  # the first message was checked for "还是漏水" about a finished repair
    any_time: bool = False  # the owner left the visit time to us


@router.form("repair", name="报修", accepts=("room", "category", "phone", "time", "estate"), state=RepairState,
             english=english.REPAIR)
async def report_repair(form: Form[RepairState], turn: Turn, session: AsyncSession, settings: Settings,
                        intake: TicketIntake, kinds: TicketKinds) -> Ask | Confirm | Reroute | str:
    slots, answers = form.slots, form.answers
    first = details_of(form.first_text)
    if not form.state.looked_back:
        form.state.looked_back = True
        finished = (await recently_finished(session, turn.openid, turn.now, kinds, ("repair", "emergency"))
                    if first.not_fixed else None)
        if finished is not None:  # 还是漏水: the repair just finished goes back, no new ticket
            return Reroute("ticket_status", {"ticket": finished.number})
    location = await _locate(session, turn, form, settings)
    if isinstance(location, Ask):
        return location
    settings = settings.for_estate(location.estate or settings.estate.code)  # the home's estate's prices and hours
    if "category" not in slots:
        if "category" not in answers:
            return Ask("category", replies.ASK_CATEGORY, free_text=True)
        slots["category"] = OTHER  # described in words we could not place: staff will sort it
    category = slots["category"]
    binding = await current_binding(session, turn.openid)
    if "phone" not in slots:
        phone = await registered_phone(session, binding)
        if phone is None:
            return Ask("phone", replies.ASK_PHONE)
        slots["phone"] = phone
    time_line = ""
    if location.home_id is not None:  # a visit into a home needs a time; a shared place does not
        asked = _visit_time(form, turn)
        if isinstance(asked, Ask):
            return asked
        time_line = replies.ANY_TIME_LINE if form.state.any_time else replies.TIME_LINE.format(time=slot_time(asked))
    else:
        time_line = replies.SHARED_PLACE_NOTE
    price = settings.repair.paid_services.get(category) if location.home_id else None
    told = details_of(form.first_text).told  # 报修：3栋电梯坏了 → 3栋电梯坏了
    description = quoted(told)
    if not form.confirmed:
        return Confirm(replies.CONFIRM.format(
            where=location.where, category=category, description=quoted(told, CARD_QUOTE),
            phone=slots["phone"], time_line=time_line,
            price=replies.PRICE.format(category=category, price=price) if price else ""))
    multi = category in settings.repair.multi_trade_categories
    when = slots.get("time") if location.home_id and not form.state.any_time else None
    appointment = appointment_at(when, settings.tz, settings.estate.office_hours.start)
    new = NewTicket(
        kind="repair", description=description, openid=turn.openid, home_id=location.home_id,
        place=location.place, building=location.building, category=category, contact_phone=slots["phone"],
        preferred_time=slot_time(when) if when else None, multi_trade=multi, appointment=appointment,
        estate=location.estate if location.home_id is None else None)  # a home's is its own; a place: the desk's rule
    opened = await intake.open(session, new, turn.now, by=f"owner:{turn.openid}",
                               summary=f"{location.where} {category}：{quoted(told, CARD_QUOTE)}")
    ticket = opened.ticket
    if opened.merged:
        return ticket_replies.MERGED.format(where=location.where, category=category, number=ticket.number)
    due = {d.name: d.due_at for d in ticket.deadlines}
    sla = settings.sla.repair
    trade = replies.MULTI_TRADE if multi else replies.SINGLE_TRADE
    days = sla.multi_trade_working_days if multi else sla.single_trade_working_days
    if location.home_id is None:
        return replies.CREATED_SHARED.format(
            number=ticket.number, on_site_days=sla.on_site_working_days,
            on_site=day_and_time(due["on_site"], settings.tz), trade=trade, days=days,
            resolve=day_and_time(due["resolve"], settings.tz))
    if appointment is not None and due["on_site"] == appointment:  # booked past the usual on-site limit
        return replies.CREATED_BOOKED.format(number=ticket.number, appointment=moment(appointment, settings.tz),
                                             trade=trade, resolve=day_and_time(due["resolve"], settings.tz))
    return replies.CREATED.format(
        number=ticket.number, on_site_days=sla.on_site_working_days, on_site=day_and_time(due["on_site"], settings.tz),
        resolve=day_and_time(due["resolve"], settings.tz), trade=trade, days=days)


def _visit_time(form: Form[RepairState], turn: Turn) -> str | Ask:
    """The booked time (an NLU time value), "" for any time, or the question to ask."""
    if "time" in form.slots:
        form.state.any_time = False
        return form.slots["time"]
    answer = form.answers.pop("time", None)
    if answer is None and form.asking == "time" and details_of(turn.text).any_time:
        answer = turn.text  # 随时都可以，电话138…: the phone was taken as a slot, the time is this
    if form.state.any_time or (answer is not None and details_of(answer).any_time) \
            or (answer is None and details_of(form.first_text).any_time):
        form.state.any_time = True
        return ""
    return Ask("time", replies.REASK_TIME if answer is not None else replies.ASK_TIME, free_text=True)


async def _locate(session: AsyncSession, turn: Turn, form: Form[RepairState], settings: Settings) -> Location | Ask:
    """A named room of the owner's wins; then a place the owner described; then the bound home (asking
    which one when the account has homes in several estates); else ask."""
    homes = await bound_homes(session, turn.openid)
    estate = form.slots.get("estate")
    room = form.slots.get("room")
    if room is not None:
        room = await complete_room(session, turn.openid, room)
        mine = [bound for bound in homes if bound.room == room.upper() and estate in (None, bound.estate)]
        if len(mine) == 1:
            return _at_home(mine[0], homes, settings)
        if len(mine) > 1:  # the same room in two of the owner's estates
            del form.slots["room"]
            return await _home(session, turn, form, settings)
        home = await home_by_room(session, room, [estate] if estate else None)
        if home is None:
            del form.slots["room"]
            return Ask("room", replies.UNKNOWN_ROOM.format(room=room), free_text=True)
        if not await is_staff(session, turn.openid):
            del form.slots["room"]
            if not homes:
                return Ask("room", replies.NOT_BOUND.format(room=home.room_key), free_text=True)
            listed = "、".join(home_label(bound, homes, settings) for bound in homes)
            return Ask("room", replies.NOT_YOUR_HOME.format(room=home.room_key, homes=listed,
                                                            hotline=settings.estate.hotline), free_text=True)
        return Location(where=home.room_key, home_id=home.id, estate=estate)
    if WHICH_HOME in form.answers:  # the answer to "which home?"
        return await _home(session, turn, form, settings)
    answered = form.answers.get("room")
    place = (details_of(answered).place or answered) if answered else details_of(form.first_text).place
    if place:
        place = place[:PLACE_MAX]
        building = details_of(place).building or details_of(form.first_text).building
        return Location(where=place, place=place, building=building, estate=estate)
    if homes:
        return await _home(session, turn, form, settings)
    return Ask("room", replies.ASK_WHERE, free_text=True)


async def _home(session: AsyncSession, turn: Turn, form: Form[RepairState], settings: Settings) -> Location | Ask:
    """One of the account's homes (asked which when they are in several estates)."""
    located = await home_for_request(session, turn, form, settings, home_replies.WHICH_HOME)
    if isinstance(located, Ask) or located is None:
        return located or Ask("room", replies.ASK_WHERE, free_text=True)
    return _at_home(located, await bound_homes(session, turn.openid), settings)


def _at_home(bound: BoundHome, homes: list[BoundHome], settings: Settings) -> Location:
    return Location(where=home_label(bound, homes, settings), home_id=bound.home.id, estate=bound.estate)


FLOW = Flow(router)
