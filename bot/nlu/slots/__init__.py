"""Slot extractors: each reads the normalised text and returns docs/nlu.md's normal form or None."""

from __future__ import annotations

from datetime import datetime

from bot.nlu.labels import CATEGORY_INTENTS, TIMELESS_INTENTS
from bot.nlu.slots.category import extract_category
from bot.nlu.slots.phone import extract_phone
from bot.nlu.slots.plate import extract_plate
from bot.nlu.slots.room import extract_room
from bot.nlu.slots.score import extract_score
from bot.nlu.slots.ticket import extract_ticket
from bot.nlu.slots.times import extract_time


def extract_entities(text: str, now: datetime) -> dict[str, str]:
    """The slots whose reading does not depend on the intent: room, phone, plate, time, ticket."""
    slots: dict[str, str] = {}
    for name, value in (
        ("room", extract_room(text)),
        ("phone", extract_phone(text)),
        ("plate", extract_plate(text)),
        ("time", extract_time(text, now)),
        ("ticket", extract_ticket(text)),
    ):
        if value is not None:
            slots[name] = value
    return slots


def slots_for_intent(text: str, entities: dict[str, str], intent: str) -> dict[str, str]:
    """The entities kept for ``intent`` plus the intent-dependent ones (category, score)."""
    slots = dict(entities)
    if intent in TIMELESS_INTENTS:
        slots.pop("time", None)
    if intent in CATEGORY_INTENTS:
        category = extract_category(text, intent)
        if category is not None:
            slots["category"] = category
    if intent == "rating":
        score = extract_score(text)
        if score is not None:
            slots["score"] = score
    return slots


def extract_expected(text: str, now: datetime, expecting: str) -> str | None:
    """A bare answer to the slot the dialogue asked for, read more leniently than free text."""
    if expecting == "room":
        return extract_room(text, bare=True)
    if expecting == "phone":
        return extract_phone(text)
    if expecting == "plate":
        return extract_plate(text)
    if expecting == "time":
        return extract_time(text, now, bare=True)
    if expecting == "ticket":
        return extract_ticket(text)
    if expecting == "score":
        return extract_score(text, bare=True)
    if expecting == "category":
        return extract_category(text, "repair") or extract_category(text, "complaint")
    return None


__all__ = [
    "extract_category", "extract_entities", "extract_expected", "extract_phone", "extract_plate",
    "extract_room", "extract_score", "extract_ticket", "extract_time", "slots_for_intent",
]
