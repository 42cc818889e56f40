"""Licence plates: province character, letter, 5 (fuel) or 6 (new energy) letters and digits.

Normalisation already joined ``粤a·12345`` / ``沪B 2C3D4`` into ``粤A12345`` / ``沪B2C3D4``; this
reads the compact form, still upper-casing for safety.
"""

from __future__ import annotations

import re

from bot.nlu.normalize import PROVINCES

_PLATE = re.compile(rf"([{PROVINCES}])([A-Za-z])([A-Za-z0-9]{{5,6}})(?![A-Za-z0-9])")


def extract_plate(text: str) -> str | None:
    """The first plate in the message; a tail with fewer than two digits is a word, not a plate."""
    for match in _PLATE.finditer(text):
        tail = match.group(3)
        if sum(ch.isdigit() for ch in tail) >= 2:
            return (match.group(1) + match.group(2) + tail).upper()
    return None
