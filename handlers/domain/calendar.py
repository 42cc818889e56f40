"""Working time: office hours on working days, from the calendar in config.yaml.

"N working days" is measured like a business-hours SLA (Zammad's calendars): N times the length
of the office day, counted only inside office hours on working days. A repair reported on
Saturday at 10:00 with "on site within 1 working day" is due at Monday 20:00; one reported on
Monday at 10:00 is due at Tuesday 10:00. Weekends and public holidays are off, make-up working
days (调休) are on.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.settings import CalendarSettings, HoursWindow


class WorkingCalendar:
    def __init__(self, calendar: CalendarSettings, office_hours: HoursWindow, tz: ZoneInfo) -> None:
        if office_hours.start >= office_hours.end:
            raise ValueError("office hours must start before they end on the same day")
        self._weekend = frozenset(calendar.weekend)
        self._holidays = frozenset(calendar.holidays)
        self._workdays = frozenset(calendar.workdays)
        self._hours = office_hours
        self._tz = tz
        opening = datetime.combine(date.min, office_hours.start)
        self.day_length = datetime.combine(date.min, office_hours.end) - opening

    def is_working_day(self, day: date) -> bool:
        if day in self._workdays:
            return True
        return day.isoweekday() not in self._weekend and day not in self._holidays

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
        return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=self._tz) - timedelta(seconds=1)
