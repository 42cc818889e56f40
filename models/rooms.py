"""The normal form of a room address, shared by the NLU, the importer and the models.

``nlu/SPEC.md`` fixes it: building, unit and room joined by ``-``, arabic digits, letters
upper-case, the unit left out when there is none (``3-2-501``, ``B-1203``, ``8-602``).
"""

from __future__ import annotations

import unicodedata


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
