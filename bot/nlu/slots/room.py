"""Room addresses: building, optional unit, room, in the normal form of ``models.rooms.room_key``.

Read after normalisation, so spoken numbers are digits already (五号楼一单元三零二 → 5号楼1单元302).
A building with no room number (9号楼6楼, 5栋1单元) is a place, not a room; a number followed by
元/块/平米/分钟… is a price or a measure, not a room.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path

_BUILDING = r"(?P<b>\d{1,3}|[A-Za-z]\d{0,2})\s?(?:号楼|栋楼?|幢楼?|座|号(?=\s?\d)|#楼?)"
_UNIT = r"(?P<u>\d{1,2})\s?(?:单元|门洞)"
_ROOM = r"(?P<r>\d{3,4})"
# What may not follow a room number: it would be money, an area, a duration or a count.
_NOT_ROOM_AFTER = r"(?!\d|\s?(?:元|块|毛|平|㎡|m2|米|分钟|分|度|吨|天|个|斤|公斤|kg|%|年|月|日|点|小时|人|次|多块|多元|w|万))"
_SEP = r"[\s,的\-]{0,2}"

_FULL = re.compile(
    rf"(?<![\dA-Za-z]){_BUILDING}{_SEP}(?:{_UNIT}{_SEP})?(?:第)?{_ROOM}(?:室|房|号|户)?{_NOT_ROOM_AFTER}"
)
_BUILDING_UNIT_DASH = re.compile(rf"(?<![\dA-Za-z]){_BUILDING}\s?(?P<u>\d{{1,2}})-{_ROOM}{_NOT_ROOM_AFTER}")
_DASHED = re.compile(
    rf"(?<![\dA-Za-z\-./:])(?P<b>\d{{1,2}}|[A-Za-z])-(?:(?P<u>\d{{1,2}})-)?{_ROOM}(?![\-.:/])(?:室|房)?{_NOT_ROOM_AFTER}"
)
_BARE = re.compile(rf"(?<![\dA-Za-z\-.]){_ROOM}(?:室|房|号)?{_NOT_ROOM_AFTER}")


def _load_room_key() -> Callable[[str, str | None, str], str]:
    """``models.rooms.room_key`` without importing the ``models`` package.

    ``models/__init__`` imports SQLAlchemy; the NLU must start without it (``wuyebot nlu predict``
    in under 2 s), so the one pure module is loaded from its file when the package is not loaded.
    """
    loaded = sys.modules.get("models.rooms")
    if loaded is not None:
        return loaded.room_key  # type: ignore[no-any-return]
    spec = importlib.util.find_spec("models")  # finds the package without running its __init__
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        path = Path(location) / "rooms.py"
        if path.is_file():
            module_spec = importlib.util.spec_from_file_location("_wuyebot_nlu_rooms", path)
            if module_spec is not None and module_spec.loader is not None:
                module = importlib.util.module_from_spec(module_spec)
                module_spec.loader.exec_module(module)
                return module.room_key  # type: ignore[no-any-return]
    from models.rooms import room_key  # last resort: the ordinary import

    return room_key


room_key = _load_room_key()


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
