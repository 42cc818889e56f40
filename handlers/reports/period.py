"""Report periods: an ISO week (``2026-W47``) or a calendar month (``2026-10``), in the estate's local time.

A period runs from local midnight of its first day to local midnight after its last day (half
open), so every instant belongs to exactly one week and one month. Weeks are ISO weeks (Monday
to Sunday; week 1 holds the year's first Thursday), as Chinese offices number them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK = "week"
MONTH = "month"
KIND_OF_REPORT = {"weekly": WEEK, "monthly": MONTH}

_WEEK = re.compile(r"(\d{4})-[Ww](\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
FIRST_YEAR, LAST_YEAR = 1970, 9998
EXAMPLES = {WEEK: "a week such as 2026-W47", MONTH: "a month such as 2026-10"}


class BadPeriod(Exception):
    """A period that is malformed, of the wrong kind or still to come; the message is one line saying which."""


@dataclass(frozen=True)
class Period:
    kind: str  # week | month
    label: str  # 2026-W47 | 2026-10
    first_day: date
    last_day: date  # inclusive
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day, self.tz)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return _midnight(self.last_day + timedelta(days=1), self.tz)

    def is_complete(self, now: datetime) -> bool:
        return now >= self.end

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "label": self.label, "first_day": self.first_day.isoformat(),
                "last_day": self.last_day.isoformat()}


@dataclass(frozen=True)
class Span:
    """Part of an ISO week: a whole week, or the days of it inside a month."""

    week: str  # 2026-W44
    first_day: date
    last_day: date  # inclusive

    def start(self, tz: ZoneInfo) -> datetime:
        return _midnight(self.first_day, tz)

    def end(self, tz: ZoneInfo) -> datetime:
        return _midnight(self.last_day + timedelta(days=1), tz)


def week_period(year: int, week: int, tz: ZoneInfo) -> Period:
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise BadPeriod(f"{year}-W{week:02d}: {year} has no ISO week {week}") from None
    return Period(WEEK, f"{year}-W{week:02d}", monday, monday + timedelta(days=6), tz)


def month_period(year: int, month: int, tz: ZoneInfo) -> Period:
    if not 1 <= month <= 12:
        raise BadPeriod(f"{year}-{month:02d}: there is no month {month}")
    try:
        first, following = date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)
    except ValueError:
        raise BadPeriod(f"{year}-{month:02d}: out of the calendar's range") from None
    return Period(MONTH, f"{year}-{month:02d}", first, following - timedelta(days=1), tz)


def period_containing(kind: str, day: date, tz: ZoneInfo) -> Period:
    if kind == WEEK:
        year, week, _weekday = day.isocalendar()
        return week_period(year, week, tz)
    return month_period(day.year, day.month, tz)


def last_complete(kind: str, now: datetime, tz: ZoneInfo) -> Period:
    """The latest week or month that has ended by ``now`` (the default of every report)."""
    current = period_containing(kind, now.astimezone(tz).date(), tz)
    return period_containing(kind, current.first_day - timedelta(days=1), tz)


def parse_period(text: str, now: datetime, tz: ZoneInfo, *, kind: str | None = None) -> Period:
    """``2026-W47`` or ``2026-10``; ``kind`` (week or month) refuses the other shape. A period not
    yet begun is refused; the current one is allowed (its figures so far)."""
    value = text.strip()
    year = re.match(r"\d{4}", value)
    if year is not None and not FIRST_YEAR <= int(year[0]) <= LAST_YEAR:
        raise BadPeriod(f"period {value!r} is out of range ({FIRST_YEAR}-{LAST_YEAR})")
    if (match := _WEEK.fullmatch(value)) is not None:
        period = week_period(int(match[1]), int(match[2]), tz)
    elif (match := _MONTH.fullmatch(value)) is not None:
        period = month_period(int(match[1]), int(match[2]), tz)
    else:
        wanted = EXAMPLES[kind] if kind else f"{EXAMPLES[WEEK]} or {EXAMPLES[MONTH]}"
        raise BadPeriod(f"period {value!r} is not {wanted}")
    if kind is not None and period.kind != kind:
        raise BadPeriod(f"period {value!r} is not {EXAMPLES[kind]}")
    if period.start > now:
        raise BadPeriod(f"period {period.label} has not begun")
    return period


def week_spans(first_day: date, last_day: date) -> list[Span]:
    """The ISO weeks touching ``first_day``..``last_day``, each cut to those days."""
    spans = []
    day = first_day
    while day <= last_day:
        year, week, weekday = day.isocalendar()
        sunday = day + timedelta(days=7 - weekday)
        spans.append(Span(f"{year}-W{week:02d}", day, min(sunday, last_day)))
        day = sunday + timedelta(days=1)
    return spans


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)
