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
# What may not follow a room number: it would be money, an area, a duration or a count.
_NOT_ROOM_AFTER = (r"(?!\d|\s?(?:元|块|毛|平|㎡|m2|米|分钟|分|度|吨|天|个|斤|公斤|kg|%|年|月|日|点|小时|人|次"
                   r"|多块|多元|w|万))")
_SEP = r"[\s,的\-]{0,2}"

_FULL = re.compile(
    rf"(?<![\dA-Za-z]){_BUILDING}{_SEP}(?:{_UNIT}{_SEP})?(?:第)?{_ROOM}(?:室|房|号|户)?{_NOT_ROOM_AFTER}"
)
_BUILDING_UNIT_DASH = re.compile(rf"(?<![\dA-Za-z]){_BUILDING}\s?(?P<u>\d{{1,2}})-{_ROOM}{_NOT_ROOM_AFTER}")
_DASHED = re.compile(
    rf"(?<![\dA-Za-z\-./:])(?P<b>\d{{1,2}}|[A-Za-z])-(?:(?P<u>\d{{1,2}})-)?{_ROOM}(?![\-.:/])(?:室|房)?{_NOT_ROOM_AFTER}"
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
    for pattern in (_FULL, _BUILDING_UNIT_DASH, _DASHED):
        match = pattern.search(text)
        if match is not None and (best is None or match.start() < best[0]):
            best = (match.start(), room_key(match.group("b"), match.group("u"), match.group("r")))
    if best is not None:
        return best[1]
    if bare:
        match = _BARE.search(text)
        if match is not None:
            return str(int(match.group("r")))
    return None
