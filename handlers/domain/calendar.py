"""Working time: office hours on working days.

Working days: the official public holidays and make-up working days (调休) published by the State
Council, from the maintained ``chinesecalendar`` package, unless ``calendar.official_holidays`` is
off; then the ``calendar.holidays`` and ``calendar.workdays`` of config.yaml, which add to or
override it; otherwise the ``calendar.weekend`` days are off. A year the package does not cover
yet (next year's schedule is published in November or December) counts weekends only, and start-up
warns about it (:func:`coverage_warning`).

"N working days" is measured like a business-hours SLA (Zammad's calendars): N times the length
of the office day, counted only inside office hours on working days. A repair reported on
Saturday at 10:00 with "on site within 1 working day" is due at Monday 20:00; one reported on
Monday at 10:00 is due at Tuesday 10:00. Weekends and public holidays are off, make-up working
days (调休) are on.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

from bot.settings import CalendarSettings, HoursWindow


class WorkingCalendar:
    def __init__(self, calendar: CalendarSettings, office_hours: HoursWindow, tz: ZoneInfo) -> None:
        if office_hours.start >= office_hours.end:
            raise ValueError("office hours must start before they end on the same day")
        self._weekend = frozenset(calendar.weekend)
        self._holidays = frozenset(calendar.holidays)
        self._workdays = frozenset(calendar.workdays)
        self._official = calendar.official_holidays
        self._hours = office_hours
        self._tz = tz
        opening = datetime.combine(date.min, office_hours.start)
        self.day_length = datetime.combine(date.min, office_hours.end) - opening

    def is_working_day(self, day: date) -> bool:
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        official = official_day(day) if self._official else None
        if official is not None:
            return official
        return day.isoweekday() not in self._weekend

    def add_working_days(self, start: datetime, days: float) -> datetime:
        """The instant ``days`` office days of working time after ``start``."""
        return self.add_working_time(start, self.day_length * days)

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        local = start.astimezone(self._tz)
        remaining = amount
        day = local.date()
        cursor = local
        for _ in range(3660):  # ten years of days: a calendar with no working day is a config error
            if self.is_working_day(day):
                opens = datetime.combine(day, self._hours.start, tzinfo=self._tz)
                closes = datetime.combine(day, self._hours.end, tzinfo=self._tz)
                begin = max(cursor, opens)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += timedelta(days=1)
            cursor = datetime.combine(day, self._hours.start, tzinfo=self._tz)
        raise ValueError("the calendar has no working days")

    def end_of_day(self, moment: datetime) -> datetime:
        """The last instant of the local day (for "the same day" limits)."""
        local = moment.astimezone(self._tz)
        return (datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=self._tz)
                - timedelta(seconds=1))


COMING_YEAR_NOTICE = timedelta(days=60)


@lru_cache(maxsize=8192)  # a pure function of the date, asked for every day an SLA clock crosses
def official_day(day: date) -> bool | None:
    """True for an official make-up working day, False for an official holiday, None otherwise
    (an ordinary day, or a year the package does not cover yet)."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if name is None:
        return None  # an ordinary weekday or weekend: the weekend setting decides
    return not on_holiday


def covered_until() -> int:
    """The last year whose official holidays the installed package knows."""
    return max(year for year in range(date.today().year - 1, date.today().year + 10) if _covers(year))


def coverage_warning(today: date) -> str | None:
    """A warning when this year's, or (from November on) the coming year's official holidays are not
    known, else None: deadlines set in December already reach into January."""
    for year in sorted({today.year, (today + COMING_YEAR_NOTICE).year}):
        if not _covers(year):
            return (f"official holidays and 调休 for {year} are not known to chinesecalendar "
                    f"{chinese_calendar.__version__} yet: working-day deadlines in {year} count only weekends. "
                    f"Upgrade it (pip install -U chinesecalendar) or list them under calendar.holidays and "
                    f"calendar.workdays in config.yaml")
    return None


def _covers(year: int) -> bool:
    try:
        chinese_calendar.get_holiday_detail(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True
