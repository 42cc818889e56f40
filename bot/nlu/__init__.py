"""Understanding owner messages: normalisation, intent, slots (docs/nlu.md).

Importing this package is cheap: jieba's dictionary and the intent model load on the first call
to ``understand``. Nothing here imports aiohttp or SQLAlchemy.
"""

from __future__ import annotations

from bot.nlu.normalize import to_traditional
from bot.nlu.slots.estate import configure_estates
from bot.nlu.understanding import CONFIDENCE_THRESHOLD, NaiveTimeError, Understanding, parse_yes_no, understand

__all__ = [
    "CONFIDENCE_THRESHOLD", "NaiveTimeError", "Understanding", "configure_estates", "parse_yes_no", "to_traditional",
    "understand",
]
