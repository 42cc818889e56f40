"""How times read in Chinese for owners and staff: one place, so every flow says them alike."""

from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = "一二三四五六日"


def moment(value: datetime, tz: object) -> str:
    """11月24日（周二）15:00"""
    local = value.astimezone(tz)  # type: ignore[arg-type]
    return f"{local.month}月{local.day}日（周{WEEKDAYS[local.weekday()]}）{local:%H:%M}"


def slot_time(value: str) -> str:
    """An NLU ``time`` value (2026-11-24T15:00 or 2026-11-24) for people; anything else as written."""
    try:
        if "T" in value:
            parsed = datetime.fromisoformat(value)
            return f"{parsed.month}月{parsed.day}日（周{WEEKDAYS[parsed.weekday()]}）{parsed:%H:%M}"
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"
