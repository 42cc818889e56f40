"""Building, unit and room cells to a room key in the normal form of docs/nlu.md (``3-2-501``).

Cells come the way offices type them: a building ``3``, ``3栋``, ``3号楼``, ``三号楼``, ``B座``,
``B``; a unit ``2``, ``2单元`` or nothing; a room ``501`` or ``501室``. The room cell may also
hold the whole address (``3栋2单元501``, ``3-2-501``, ``B座1203``) with the building and unit
cells empty or saying the same thing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.nlu.slots.room import room_key
from handlers.importer.cells import CellError, quoted

_NUMERALS = "〇零一二两三四五六七八九十"
_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_BUILDING = rf"(?:[0-9]{{1,3}}[A-Z]?|[A-Z]{{1,2}}[0-9]{{0,2}}|[{_NUMERALS}]{{1,3}})"
_UNIT = rf"(?:[0-9]{{1,2}}|[A-Z]|[{_NUMERALS}]{{1,3}})"
_ROOM = rf"(?:[A-Z]?[0-9]{{1,5}}[A-Z]?|[{_NUMERALS}]{{2,5}})"
_BUILDING_SUFFIX = r"(?:号楼|#楼|栋|幢|座|楼|号|#)"
_UNIT_SUFFIX = r"(?:单元|单|门)"
_ROOM_SUFFIX = r"(?:室|房|号)"
_DASH = r"[-_/—–~]"

_BUILDING_CELL = re.compile(rf"(?P<b>{_BUILDING}){_BUILDING_SUFFIX}?")
_UNIT_CELL = re.compile(rf"(?P<u>{_UNIT}){_UNIT_SUFFIX}?")
_ROOM_CELL = re.compile(rf"(?P<r>{_ROOM}){_ROOM_SUFFIX}?")
_ADDRESS_FORMS = (
    re.compile(rf"(?P<b>{_BUILDING}){_BUILDING_SUFFIX}?{_DASH}(?:(?P<u>{_UNIT}){_UNIT_SUFFIX}?{_DASH})?(?P<r>{_ROOM}){_ROOM_SUFFIX}?"),
    re.compile(rf"(?P<b>{_BUILDING}){_BUILDING_SUFFIX}(?:(?P<u>{_UNIT}){_UNIT_SUFFIX})?(?P<r>{_ROOM}){_ROOM_SUFFIX}?"),
)

ROOM_EXAMPLES = "例如 501、3栋2单元501、3-2-501、B座1203"


@dataclass(frozen=True)
class Address:
    key: str  # 3-2-501
    building: str  # 3
    unit: str  # 2, or "" when the building has no units
    room: str  # 501


def parse_address(building: str, unit: str, room: str) -> Address:
    """The home the three cells name, or CellError with ``column`` = building/unit/room."""
    building_text, unit_text, room_text = (_normal(cell) for cell in (building, unit, room))
    if not room_text:
        raise CellError("不能为空", column="room")
    simple = _ROOM_CELL.fullmatch(room_text)
    if simple:
        if not building_text:
            raise CellError(f"不能为空（房号 {quoted(room)} 没有写楼栋）", column="building")
        parsed_building = _building_cell(building, building_text)
        parsed_unit = _unit_cell(unit, unit_text)
        return _address(parsed_building, parsed_unit, _arabic(simple["r"]))
    for form in _ADDRESS_FORMS:
        match = form.fullmatch(room_text)
        if match:
            break
    else:
        raise CellError(f"{quoted(room)} 无法识别为房号（{ROOM_EXAMPLES}）", column="room")
    in_room = _address(_arabic(match["b"]), _arabic(match["u"] or ""), _arabic(match["r"]))
    if building_text and _building_cell(building, building_text) != in_room.building:
        raise CellError(f"{quoted(room)} 中的楼栋与楼栋列 {quoted(building)} 不一致", column="room")
    if unit_text and _unit_cell(unit, unit_text) != in_room.unit:
        raise CellError(f"{quoted(room)} 中的单元与单元列 {quoted(unit)} 不一致", column="room")
    return in_room


def _address(building: str, unit: str, room: str) -> Address:
    key = room_key(building, unit, room)
    parts = key.split("-")
    if len(parts) == 3:
        return Address(key, parts[0], parts[1], parts[2])
    return Address(key, parts[0], "", parts[1])


def _building_cell(raw: str, text: str) -> str:
    match = _BUILDING_CELL.fullmatch(text)
    if not match:
        raise CellError(f"{quoted(raw)} 无法识别为楼栋（例如 3、3栋、3号楼、B座）", column="building")
    return room_key(_arabic(match["b"]), None, "0").split("-")[0]


def _unit_cell(raw: str, text: str) -> str:
    if not text:
        return ""
    match = _UNIT_CELL.fullmatch(text)
    if not match:
        raise CellError(f"{quoted(raw)} 无法识别为单元（例如 2、2单元，没有单元可留空）", column="unit")
    return room_key("0", _arabic(match["u"]), "0").split("-")[1]


def _normal(cell: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell)).upper()


def _arabic(token: str) -> str:
    """Chinese numerals to digits: 三 → 3, 十二 → 12, 二十 → 20, 五零一 → 501; others unchanged."""
    if not token or not all(ch in _NUMERALS for ch in token):
        return token
    if "十" not in token:
        return "".join(str(_DIGIT[ch]) for ch in token)
    tens, _, ones = token.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return token  # 一百… is no building number; leave it to fail as it is
    return str((_DIGIT[tens] if tens else 1) * 10 + (_DIGIT[ones] if ones else 0))
