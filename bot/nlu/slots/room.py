"""Room addresses: building, optional unit, room, and their normal form (``room_key``).

The normal form (docs/nlu.md) is building, unit and room joined by ``-``, arabic digits, letters
upper-case, the unit left out when there is none (``3-2-501``, ``B-1203``, ``8-602``); the importer
uses the same function, so the owner register and owners' messages always agree.

Read after normalisation, so spoken numbers are digits already (五号楼一单元三零二 → 5号楼1单元302).
A building with no room number (9号楼6楼, 5栋1单元) is a place, not a room; a number followed by
元/块/平米/分钟… is a price or a measure, not a room.
"""

from __future__ import annotations

import re
import unicodedata

_BUILDING = r"(?P<b>\d{1,3}|[A-Za-z]\d{0,2})\s?(?:号楼|栋楼?|幢楼?|座|号(?=\s?\d)|#楼?)"
_UNIT = r"(?P<u>\d{1,2})\s?(?:单元|门洞)"
_ROOM = r"(?P<r>\d{3,4})"
# After a named building a Hong Kong style flat (floor and letter) is a room too: Tower 2 12B, 5座12B室.
_ROOM_OR_FLAT = r"(?P<r>\d{3,4}|\d{1,2}[A-H](?![A-Za-z]))"
# What may not follow a room number: it would be money, an area, a duration or a count.
_NOT_ROOM_AFTER = (r"(?!\d|\s?(?:元|块|毛|平|㎡|m2|米|分钟|分|度|吨|天|个|斤|公斤|kg|%|年|月|日|点|小时|人|次"
                   r"|多块|多元|w|万))")
_SEP = r"[\s,的\-]{0,2}"
# Voice transcripts put fillers between the parts: 三栋二单元的就是五零二, 5栋那个1203.
_SEP_SPOKEN = r"(?:[\s,的\-]|就是|那个|是){0,3}"

_FULL = re.compile(
    rf"(?<![\dA-Za-z]){_BUILDING}{_SEP_SPOKEN}(?:{_UNIT}{_SEP_SPOKEN})?(?:第)?{_ROOM_OR_FLAT}(?:室|房|号|户)?{_NOT_ROOM_AFTER}"
)
# The unit and room first, the building after: 1单元702,6号楼的 / 702室,6栋.
_BUILDING_LAST = re.compile(
    rf"(?<![\dA-Za-z\-]){_UNIT}{_SEP}{_ROOM}(?:室|房|号|户)?{_NOT_ROOM_AFTER}[\s,,]{{0,2}}(?:在|是)?"
    r"(?P<b>\d{1,3}|[A-Za-z])\s?(?:号楼|栋|幢|座)"
)
_BUILDING_UNIT_DASH = re.compile(rf"(?<![\dA-Za-z]){_BUILDING}\s?(?P<u>\d{{1,2}})-{_ROOM}{_NOT_ROOM_AFTER}")
_DASHED = re.compile(
    rf"(?<![\dA-Za-z\-/:])(?<!\d\.)(?P<b>\d{{1,2}}|[A-Za-z])-(?:(?P<u>\d{{1,2}})-)?{_ROOM}(?![\-.:/])(?:室|房)?{_NOT_ROOM_AFTER}"
)
# A building and unit named first, the room a few words later: 13栋2单元 我是1702的业主, 5栋2单元楼道里1203那家.
_PLACE_THEN_ROOM = re.compile(
    rf"(?<![\dA-Za-z]){_BUILDING}{_SEP}{_UNIT}[^\d,.!?。]{{0,10}}?(?<![\d\-])(?P<r>\d{{3,4}})(?!\d)"
    r"(?=\s?(?:室|房|户|那家|那户|的业主|的租客|的租户|的住户|的户主))"
)
_BARE = re.compile(rf"(?<![\dA-Za-z\-.]){_ROOM}(?:室|房|号)?{_NOT_ROOM_AFTER}")


def room_key(building: str, unit: str | None, room: str) -> str:
    """Join already-parsed parts into the normal form; empty parts are an error."""
    parts = [_clean(building), _clean(unit or ""), _clean(room)]
    if not parts[0] or not parts[2]:
        raise ValueError("building and room are required")
    return "-".join(part for part in parts if part)


def _clean(part: str) -> str:
    cleaned = unicodedata.normalize("NFKC", part).strip().upper()
    # Leading zeros in a building or unit number are noise ("03栋"), in a room they are not written.
    if cleaned.isdigit():
        cleaned = str(int(cleaned))
    return cleaned


def extract_room(text: str, *, bare: bool = False) -> str | None:
    """The first room the message states; ``bare`` also takes a lone room number (the dialogue asked)."""
    best: tuple[int, str] | None = None
    for pattern in (_FULL, _BUILDING_UNIT_DASH, _DASHED, _BUILDING_LAST):
        match = pattern.search(text)
        if match is not None and (best is None or match.start() < best[0]):
            best = (match.start(), room_key(match.group("b"), match.group("u"), match.group("r")))
    if best is not None:
        return best[1]
    match = _PLACE_THEN_ROOM.search(text)
    if match is not None:
        return room_key(match.group("b"), match.group("u"), match.group("r"))
    if bare:
        match = _BARE.search(text)
        if match is not None:
            return str(int(match.group("r")))
    return None
