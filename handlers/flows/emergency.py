"""紧急求助: safety advice and the emergency phone at once, then an emergency ticket; no questions first.

docs/domain.md: first stop the harm, then the paperwork. So the owner is never asked anything before
the answer: the advice for the kind of emergency (gas, lift, fire, flooding, outage, injury,
typhoon), the 24-hour phone, and the ticket number. Routing alerts the duty staff and every
supervisor at once, day or night (``handlers/domain/routing.py``); staff pushes ignore quiet hours.
It works for a stranger too: with no room known, the owner's own words are the place. An
emergency in the middle of another form replaces it (it is declared urgent).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.router import Interrupts, Reroute, Router, Turn
from bot.nlu.details import EMERGENCY_KIND_WORDS
from bot.settings import Settings
from handlers.domain.estates import estates_of, reporter_estate
from handlers.domain.homes import bound_homes, current_binding, home_by_room, registered_phone
from handlers.domain.intake import TicketIntake
from handlers.domain.tickets import CARD_QUOTE, NewTicket, quoted
from handlers.domain.withdrawal import withdrawable
from handlers.flows import Flow
from handlers.replies import emergency as replies
from handlers.replies import english
from models import Home, HomeBinding
from models.ticket import PLACE_MAX

router = Router("emergency")

OTHER = "其他"
MAX_ADVICE = 2
KIND_ORDER = [kind for kind, _words in EMERGENCY_KIND_WORDS]  # most dangerous first
CATEGORY_KINDS = {"燃气": "gas", "电梯": "lift", "渗漏水": "flood"}
@dataclass(frozen=True)
class Scene:
    """Where the emergency is: a home, or a place in words (a shared place, or a stranger's message)."""

    room: str | None = None
    home_id: int | None = None
    place: str | None = None
    building: str | None = None
    known: bool = True
    estate: str | None = None  # the named home's estate (None: the sender's)


@router.intent("emergency", name="紧急求助", english=english.EMERGENCY, interrupts=Interrupts.ALWAYS, urgent=True)
async def report_emergency(turn: Turn, session: AsyncSession, settings: Settings,
                           intake: TicketIntake) -> str | Reroute:
    understanding = turn.understanding
    if understanding.details.call_off and await withdrawable(session, turn.openid, turn.now) is not None:
        return Reroute("cancel")  # 门自己开了，我出来了，不用来了: the emergency just reported is off
    category = understanding.slots.get("category") or OTHER
    kinds = emergency_kinds(understanding.details.emergency_kinds, category)
    binding = await current_binding(session, turn.openid)
    scene = await _scene(session, turn, binding, settings)
    estate = scene.estate or await reporter_estate(session, turn.openid, scene.building) or settings.estate.code
    settings = settings.for_estate(estate)  # that estate's night-duty phone
    phone = understanding.slots.get("phone") or await registered_phone(session, binding)
    new = NewTicket(
        kind="emergency", description=quoted(turn.text), openid=turn.openid, home_id=scene.home_id,
        place=scene.place, building=scene.building, category=category, contact_phone=phone,
        estate=None if scene.home_id else estate)
    room = f" {scene.room}" if scene.room else ""  # a place in words is the text itself
    contact = f"（联系电话 {phone}）" if phone else ""
    opened = await intake.open(session, new, turn.now, by=f"owner:{turn.openid}",
                               summary=f"紧急·{category}{room}：{quoted(turn.text, CARD_QUOTE)}{contact}")
    lines = [replies.SAFETY_FIRST]
    lines += [replies.ADVICE[kind] for kind in kinds]
    template = replies.PHONE_GAS if "gas" in kinds else replies.PHONE
    lines.append(template.format(phone=settings.estate.emergency_phone))
    lines.append((replies.MERGED if opened.merged else replies.CREATED).format(number=opened.ticket.number))
    if not scene.known:
        lines.append(replies.WHERE_UNKNOWN)
    return "\n".join(lines)


def emergency_kinds(described: list[str], category: str | None = None) -> list[str]:
    """The kinds the words describe (most dangerous first) and the category's own, at most two; generic if none."""
    found = list(described)
    by_category = CATEGORY_KINDS.get(category or "")
    if by_category and by_category not in found:
        found.append(by_category)
        found.sort(key=KIND_ORDER.index)
    return found[:MAX_ADVICE] or ["generic"]


async def _scene(session: AsyncSession, turn: Turn, binding: HomeBinding | None, settings: Settings) -> Scene:
    """A named room wins; then a shared place in the words; then the bound home; else the words themselves.

    Staff must be able to find the place: words with neither a room nor a building (a stranger's
    "家里着火了") are recorded as they are, and the owner is asked to phone in the exact place.
    """
    text, details = turn.text.strip(), turn.understanding.details
    room = turn.understanding.slots.get("room")
    if room is not None:  # in the estate named, else the sender's own estates (the current home's first)
        named = turn.understanding.slots.get("estate")
        for estate in [named] if named else (await estates_of(session, turn.openid) or [settings.estate.code]):
            home = await home_by_room(session, room, [estate])
            if home is not None:
                return Scene(room=home.room_key, home_id=home.id, estate=estate)
    building = details.building
    if building is not None and details.that_home:  # 6栋那套（租出去的）: the owner's home in building 6
        mine = [bound for bound in await bound_homes(session, turn.openid)
                if bound.room.split("-")[0] == building.upper()]
        if len(mine) == 1:
            return Scene(room=mine[0].room, home_id=mine[0].home.id, estate=mine[0].estate)
    if details.shared_place:
        return Scene(place=(details.place or quoted(text, PLACE_MAX))[:PLACE_MAX], building=building,
                     known=building is not None)
    if binding is not None:
        home = await session.get(Home, binding.home_id)
        if home is not None:
            return Scene(room=home.room_key, home_id=home.id)
    return Scene(place=quoted(text, PLACE_MAX), building=building, known=room is not None or building is not None)


FLOW = Flow(router)
