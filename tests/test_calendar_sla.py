"""Working-day calendar and SLA deadlines, with weekends, holidays and make-up days (调休)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.settings import CalendarSettings, HoursWindow, load_settings
from handlers.domain.calendar import WorkingCalendar
from handlers.domain.sla import SlaPolicy
from tests.conftest import REPO

TZ = ZoneInfo("Asia/Shanghai")
HOURS = HoursWindow.model_validate({"start": "08:00", "end": "20:00"})
# National Day 2026: 1-7 October off, Sunday 27 September and Saturday 10 October worked (调休).
CALENDAR = CalendarSettings(official_holidays=False, weekend=(6, 7),
                            holidays=tuple(date(2026, 10, d) for d in range(1, 8)),
                            workdays=(date(2026, 9, 27), date(2026, 10, 10)))


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=TZ)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar(CALENDAR, HOURS, TZ)


@pytest.fixture
def sla(calendar: WorkingCalendar) -> SlaPolicy:
    return SlaPolicy(load_settings(REPO / "config.yaml", {}), calendar)


class TestWorkingCalendar:
    @pytest.mark.parametrize(
        ("start", "days", "due"),
        [
            (at(2026, 11, 23, 10), 1, at(2026, 11, 24, 10)),  # Monday → Tuesday, same hour
            (at(2026, 11, 27, 10), 1, at(2026, 11, 30, 10)),  # Friday → over the weekend → Monday
            (at(2026, 11, 28, 10), 1, at(2026, 11, 30, 20)),  # Saturday: the clock starts Monday 8:00
            (at(2026, 11, 23, 22), 1, at(2026, 11, 24, 20)),  # after hours: starts next morning
            (at(2026, 11, 24, 6), 1, at(2026, 11, 24, 20)),  # before hours: starts that morning
            (at(2026, 11, 23, 10), 3, at(2026, 11, 26, 10)),
            (at(2026, 11, 23, 10), 7, at(2026, 12, 2, 10)),
            (at(2026, 9, 30, 10), 1, at(2026, 10, 8, 10)),  # the National Day holiday is skipped
            (at(2026, 9, 26, 10), 1, at(2026, 9, 27, 20)),  # Saturday before the 调休 Sunday, which is worked
            (at(2026, 10, 9, 15), 1, at(2026, 10, 10, 15)),  # Friday → the 调休 Saturday
        ],
    )
    def test_add_working_days(self, calendar: WorkingCalendar, start: datetime, days: int, due: datetime) -> None:
        assert calendar.add_working_days(start, days) == due

    def test_a_calendar_without_working_days_is_an_error(self) -> None:
        nothing = WorkingCalendar(CalendarSettings(official_holidays=False, weekend=(1, 2, 3, 4, 5, 6, 7)), HOURS, TZ)
        with pytest.raises(ValueError, match="no working days"):
            nothing.add_working_days(at(2026, 11, 23, 10), 1)


class TestOfficialCalendar:
    """The shipped default: the State Council's holidays and 调休 from the chinesecalendar package."""

    @pytest.fixture
    def official(self) -> WorkingCalendar:
        return WorkingCalendar(CalendarSettings(), HOURS, TZ)

    @pytest.mark.parametrize(("day", "working"), [
        (date(2026, 10, 1), False), (date(2026, 10, 7), False),  # National Day
        (date(2026, 9, 20), True), (date(2026, 10, 10), True),  # the weekend days worked (调休)
        (date(2026, 2, 17), False), (date(2026, 2, 14), True),  # Spring Festival and its 调休 Saturday
        (date(2026, 12, 5), False), (date(2026, 12, 7), True),  # an ordinary weekend and Monday
    ])
    def test_official_days(self, official: WorkingCalendar, day: date, working: bool) -> None:
        assert official.is_working_day(day) is working

    def test_the_shipped_config_counts_national_day_off(self) -> None:
        settings = load_settings(REPO / "config.yaml", {})
        calendar = WorkingCalendar(settings.calendar, settings.estate.office_hours, TZ)
        assert calendar.add_working_days(at(2026, 9, 30, 10), 1) == at(2026, 10, 8, 10)

    def test_config_entries_override_the_official_ones(self) -> None:
        own = CalendarSettings(holidays=(date(2026, 12, 7),), workdays=(date(2026, 10, 2),))
        calendar = WorkingCalendar(own, HOURS, TZ)
        assert not calendar.is_working_day(date(2026, 12, 7)) and calendar.is_working_day(date(2026, 10, 2))

    def test_a_year_not_covered_yet_is_warned_about(self) -> None:
        from handlers.domain.calendar import coverage_warning, covered_until

        last = covered_until()
        assert coverage_warning(date(last, 6, 1)) is None
        warning = coverage_warning(date(last, 12, 3))
        assert warning is not None and str(last + 1) in warning and "calendar.holidays" in warning


class TestSlaDeadlines:
    def names(self, deadlines) -> dict[str, datetime]:  # type: ignore[no-untyped-def]
        return {d.name: d.due_at for d in deadlines}

    def test_repair_single_and_multi_trade(self, sla: SlaPolicy) -> None:
        start = at(2026, 11, 27, 10)  # Friday
        assert self.names(sla.deadlines("repair", start)) == {
            "on_site": at(2026, 11, 30, 10), "resolve": at(2026, 12, 2, 10)}
        assert self.names(sla.deadlines("repair", start, multi_trade=True))["resolve"] == at(2026, 12, 8, 10)

    def test_emergency_is_acknowledged_in_15_minutes_day_or_night(self, sla: SlaPolicy) -> None:
        assert self.names(sla.deadlines("emergency", at(2026, 11, 28, 3)))["acknowledge"] == at(2026, 11, 28, 3, 15)

    def test_complaint_tiers(self, sla: SlaPolicy) -> None:
        start = at(2026, 11, 23, 10)
        assert self.names(sla.deadlines("complaint", start, tier="major")) == {
            "report": at(2026, 11, 23, 23, 59, 59), "answer": at(2026, 11, 25, 10), "resolve": at(2026, 12, 3, 10)}
        assert self.names(sla.deadlines("complaint", start, tier="important")) == {
            "report": at(2026, 11, 23, 11), "resolve": at(2026, 11, 26, 10)}
        assert self.names(sla.deadlines("complaint", start, tier="minor")) == {"resolve": at(2026, 11, 25, 10)}
        owner_date = at(2026, 11, 24, 18)
        assert self.names(sla.deadlines("complaint", start, tier="minor", owner_due=owner_date)) == {
            "resolve": owner_date}

    def test_suggestion_answered_in_3_days(self, sla: SlaPolicy) -> None:
        assert self.names(sla.deadlines("suggestion", at(2026, 11, 23, 10))) == {"answer": at(2026, 11, 26, 10)}

    def test_warn_at_80_percent(self, sla: SlaPolicy) -> None:
        assert sla.warn_at(at(2026, 11, 23, 10), at(2026, 11, 23, 20)) == at(2026, 11, 23, 18)
