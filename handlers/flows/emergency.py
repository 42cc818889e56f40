"""紧急求助: safety advice and the emergency phone at once, then an emergency ticket; no questions first.

DOMAIN.md: first stop the harm, then the paperwork. So the owner is never asked anything before
the answer: the advice for the kind of emergency (gas, lift, fire, flooding, outage, injury,
typhoon), the 24-hour phone, and the ticket number. Routing alerts the duty staff and every
supervisor at once, day or night (``handlers/routing.py``); staff pushes ignore quiet hours.
It works for a stranger too: with no room known, the owner's own words are the place. An
emergency in the middle of another form replaces it (``bot/dialogue.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.router import Router, Turn
from bot.settings import Settings
from handlers.domain.homes import building_of_place, current_binding, home_by_room, registered_phone
from handlers.domain.intake import TicketIntake
from handlers.replies import emergency as replies
from handlers.domain.tickets import NewTicket
from models import Home, HomeBinding

router = Router("emergency")

OTHER = "其他"
MAX_ADVICE = 2
# Kinds in order of danger: the first two that match are shown.
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fire", ("火", "烟", "燃烧", "烧起来", "烧着")),
    ("gas", ("燃气", "煤气", "天然气", "液化气", "瓦斯")),
    ("injury", ("受伤", "流血", "出血", "摔倒", "晕倒", "昏倒", "昏迷", "骨折", "伤到", "砸伤", "砸到人", "急救",
                "救护车", "不省人事", "没有呼吸", "没呼吸", "心脏病", "咬伤", "被咬")),
    ("lift", ("电梯", "轿厢", "困人")),
    ("flood", ("爆管", "水管爆", "爆水管", "水管裂", "淹", "水漫", "漫水", "漫出", "进水", "喷水", "冒水", "跑水",
               "发大水", "水浸", "漏水", "渗水", "积水")),
    ("outage", ("停电", "停水", "断电", "断水", "没电", "没有电", "没水", "没有水", "跳闸", "黑了")),
    ("typhoon", ("台风", "暴风", "大风", "狂风", "吹倒", "吹坏", "吹落", "吹掉", "刮倒", "刮坏", "刮掉", "暴雨")),
)
CATEGORY_KINDS = {"燃气": "gas", "电梯": "lift", "渗漏水": "flood"}
SHARED_PLACE_WORDS = (
    "电梯", "楼道", "楼梯", "车库", "大堂", "门口", "大门", "小区", "单元门", "消防", "绿化", "停车场", "地库", "天台",
    "全楼", "整栋", "整幢", "整个楼", "整个单元", "配电房", "水泵房", "会所", "花园",
)


@dataclass(frozen=True)
class Scene:
    """Where the emergency is: a home, or a place in words (a shared place, or a stranger's message)."""

    room: str | None = None
    home_id: int | None = None
    place: str | None = None
    building: str | None = None
    known: bool = True


@router.intent("emergency")
async def report_emergency(turn: Turn, session: AsyncSession, settings: Settings, intake: TicketIntake) -> str:
    understanding = turn.understanding
    category = understanding.slots.get("category") or OTHER
    kinds = emergency_kinds(understanding.text, category)
    binding = await current_binding(session, turn.openid)
    scene = await _scene(session, turn, binding)
    phone = understanding.slots.get("phone") or await registered_phone(session, binding)
    new = NewTicket(
        kind="emergency", description=turn.text.strip(), openid=turn.openid, home_id=scene.home_id,
        place=scene.place, building=scene.building, category=category, contact_phone=phone)
    room = f" {scene.room}" if scene.room else ""  # a place in words is the text itself
    contact = f"（联系电话 {phone}）" if phone else ""
    opened = await intake.open(session, new, turn.now, by=f"owner:{turn.openid}",
                               summary=f"紧急·{category}{room}：{turn.text.strip()}{contact}")
    lines = [replies.SAFETY_FIRST]
    lines += [replies.ADVICE[kind] for kind in kinds]
    template = replies.PHONE_GAS if "gas" in kinds else replies.PHONE
    lines.append(template.format(phone=settings.estate.emergency_phone))
    lines.append((replies.MERGED if opened.merged else replies.CREATED).format(number=opened.ticket.number))
    if not scene.known:
        lines.append(replies.WHERE_UNKNOWN)
    return "\n".join(lines)


def emergency_kinds(text: str, category: str | None = None) -> list[str]:
    """The kinds of emergency the words describe, most dangerous first (at most two); generic if none."""
    found = [kind for kind, words in KIND_WORDS if any(word in text for word in words)]
    by_category = CATEGORY_KINDS.get(category or "")
    if by_category and by_category not in found:
        found.append(by_category)
        found.sort(key=[kind for kind, _words in KIND_WORDS].index)
    return found[:MAX_ADVICE] or ["generic"]


async def _scene(session: AsyncSession, turn: Turn, binding: HomeBinding | None) -> Scene:
    """A named room wins; then a shared place in the words; then the bound home; else the words themselves.

    Staff must be able to find the place: words with neither a room nor a building (a stranger's
    "家里着火了") are recorded as they are, and the owner is asked to phone in the exact place.
    """
    text, words = turn.text.strip(), turn.understanding.text
    room = turn.understanding.slots.get("room")
    if room is not None:
        home = await home_by_room(session, room)
        if home is not None:
            return Scene(room=home.room_key, home_id=home.id)
    building = building_of_place(words)
    if any(word in words for word in SHARED_PLACE_WORDS):
        return Scene(place=text[:100], building=building, known=building is not None)
    if binding is not None:
        home = await session.get(Home, binding.home_id)
        if home is not None:
            return Scene(room=home.room_key, home_id=home.id)
    return Scene(place=text[:100], building=building, known=room is not None or building is not None)
