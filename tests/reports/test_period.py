"""Periods: ISO weeks and months in Shanghai time, the last complete one, and refusals that say why."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from handlers.reports.period import MONTH, WEEK, BadPeriod, last_complete, parse_period, week_spans
from tests.reports.conftest import TZ, at

NOW = at(11, 23, 10)  # a Monday


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2026-W47", date(2026, 11, 16), date(2026, 11, 22)),
    ("2026-w1", date(2025, 12, 29), date(2026, 1, 4)),  # ISO week 1 starts in the old year
    ("2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
    ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
])
def test_weeks_and_months(text: str, first: date, last: date) -> None:
    period = parse_period(text, datetime(2027, 6, 1, tzinfo=TZ), TZ)
    assert (period.first_day, period.last_day) == (first, last)
    assert period.start == datetime.combine(first, datetime.min.time(), tzinfo=TZ)  # local midnight
    assert period.end - period.start == timedelta(days=(last - first).days + 1)


@pytest.mark.parametrize(("text", "reason"), [
    ("2026W47", "is not a week such as 2026-W47 or a month such as 2026-10"),
    ("上个月", "is not a week"),
    ("2025-W53", "2025 has no ISO week 53"),
    ("2026-13", "there is no month 13"),
    ("2026-00", "there is no month 0"),
    ("0001-01", "out of range"),
    ("2026-12", "has not begun"),
    ("2026-W49", "has not begun"),
])
def test_malformed_or_future_periods_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(BadPeriod, match=reason):
        parse_period(text, NOW, TZ)


def test_the_current_period_is_allowed_and_the_kind_is_checked() -> None:
    assert parse_period("2026-W48", NOW, TZ).label == "2026-W48"
    assert parse_period("2026-11", NOW, TZ, kind=MONTH).kind == MONTH
    with pytest.raises(BadPeriod, match="not a week such as 2026-W47"):
        parse_period("2026-10", NOW, TZ, kind=WEEK)


def test_the_last_complete_period_in_local_time() -> None:
    assert last_complete(WEEK, NOW, TZ).label == "2026-W47"
    assert last_complete(MONTH, NOW, TZ).label == "2026-10"
    # Sunday 23:30 in Shanghai is still week 48 there, whatever UTC says
    sunday_night = at(11, 29, 23, 30)
    assert last_complete(WEEK, sunday_night, TZ).label == "2026-W47"
    assert last_complete(WEEK, sunday_night + timedelta(hours=1), TZ).label == "2026-W48"
    assert last_complete(MONTH, at(1, 1, 0, 30).replace(year=2027), TZ).label == "2026-12"


def test_week_spans_cut_to_a_month() -> None:
    spans = week_spans(date(2026, 11, 1), date(2026, 11, 30))
    assert [(s.week, s.first_day.day, s.last_day.day) for s in spans] == [
        ("2026-W44", 1, 1), ("2026-W45", 2, 8), ("2026-W46", 9, 15), ("2026-W47", 16, 22), ("2026-W48", 23, 29),
        ("2026-W49", 30, 30)]
