"""How times read in Chinese for owners and staff: one place, so every flow says them alike."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

WEEKDAYS = "一二三四五六日"


def moment(value: datetime, tz: tzinfo) -> str:
    """11月24日（周二）15:00: an appointment or a window, with the weekday."""
    local = value.astimezone(tz)
    return f"{local.month}月{local.day}日（周{WEEKDAYS[local.weekday()]}）{local:%H:%M}"


def weekday_date(day: date) -> str:
    """11月24日（周二）."""
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def day_and_time(value: datetime, tz: tzinfo) -> str:
    """11月24日17:26: a deadline told to an owner."""
    return f"{value.astimezone(tz):%m月%d日%H:%M}"


def day_or_day_and_time(value: datetime, tz: tzinfo) -> str:
    """11月27日 for an end-of-day deadline (23:59), else 11月27日10:00."""
    local = value.astimezone(tz)
    return f"{local:%m月%d日}" if (local.hour, local.minute) == (23, 59) else f"{local:%m月%d日%H:%M}"


def short(value: datetime, tz: tzinfo) -> str:
    """11-24 17:26: a deadline in a staff list."""
    return f"{value.astimezone(tz):%m-%d %H:%M}"


def month_day(value: datetime | date, tz: tzinfo | None = None) -> str:
    """11-24: a day in a staff summary."""
    local = value.astimezone(tz) if isinstance(value, datetime) and tz is not None else value
    return f"{local:%m-%d}"


def clock(value: datetime | time, tz: tzinfo | None = None) -> str:
    """15:00."""
    local = value.astimezone(tz) if isinstance(value, datetime) and tz is not None else value
    return f"{local:%H:%M}"


def hours(start: time, end: time) -> str:
    """08:00-20:00: office hours."""
    return f"{start:%H:%M}-{end:%H:%M}"


def slot_time(value: str) -> str:
    """An NLU ``time`` value (2026-11-24T15:00 or 2026-11-24) for people; anything else as written."""
    try:
        if "T" in value:
            parsed = datetime.fromisoformat(value)
            return f"{parsed.month}月{parsed.day}日（周{WEEKDAYS[parsed.weekday()]}）{parsed:%H:%M}"
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return weekday_date(day)
