"""Every count and rate of the reports against figures worked out by hand from tests/reports/conftest.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from bot.keys import SESSIONS
from handlers.reports import compute, parse_period
from handlers.reports.figures import (
    ArrearsRow,
    ComplaintCounts,
    Complaints,
    FeeRow,
    RepairRow,
    ReturnVisits,
    Suggestions,
    rate,
)
from models import Ticket, TicketDeadline
from tests.reports.conftest import NOW, TZ, at


async def report(service, label: str, now=NOW):  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS]() as session:
        return await compute(session, parse_period(label, now, TZ), now, service.settings)


def weeks(rows):  # type: ignore[no-untyped-def]
    return [(w.week, w.scores, w.satisfied, w.rate) for w in rows]


class TestRates:
    def test_nothing_to_divide_is_none_never_an_error(self) -> None:
        assert rate(0, 0) is None and rate(Decimal("0.00"), Decimal("0.00")) is None
        assert rate(2, 3) == Decimal("0.6667") and rate(Decimal("837.00"), Decimal("1450.80")) == Decimal("0.5769")


class TestWeeklyComplaintReport:
    async def test_week_44(self, october) -> None:  # type: ignore[no-untyped-def]
        weekly = await report(october.service, "2026-W44")
        assert weekly.as_of == at(11, 2, 0)
        # new: C2, C3, C4, C6; closed: C4 and the reopened C5 (closed again Oct 30); open at the end
        # of Sunday: C8, C2 (closed only on Nov 2), C3; overdue then: C8 and C3 (their resolve dates passed)
        assert weekly.totals == ComplaintCounts(None, new=4, closed=2, open=3, overdue=2)
        assert weekly.by_category == (
            ComplaintCounts("服务态度", new=1, closed=0, open=1, overdue=1),
            ComplaintCounts("高空抛物", new=1, closed=0, open=1, overdue=0),
            ComplaintCounts("停车", new=1, closed=1, open=0, overdue=0),
            ComplaintCounts("环境卫生", new=1, closed=0, open=0, overdue=0),
            ComplaintCounts("空调滴水", new=0, closed=0, open=1, overdue=1),
            ComplaintCounts("噪音", new=0, closed=1, open=0, overdue=0),
        )
        assert weekly.by_tier == (
            ComplaintCounts("major", new=1, closed=0, open=1, overdue=0),
            ComplaintCounts("important", new=1, closed=0, open=1, overdue=1),
            ComplaintCounts("minor", new=2, closed=2, open=1, overdue=1),
        )

    async def test_open_list_with_deadlines_as_they_stood(self, october) -> None:  # type: ignore[no-untyped-def]
        weekly = await report(october.service, "2026-W44")
        numbers = october.numbers
        listed = [(c.number, c.status, c.overdue) for c in weekly.open_complaints]
        assert listed == [(numbers["C8"], "assigned", True), (numbers["C3"], "accepted", True),
                          (numbers["C2"], "in_progress", False)]
        c8, c3, c2 = weekly.open_complaints
        assert c8.where == "3-2-501" and c8.tier == "minor" and c8.category == "空调滴水"
        assert [(d.name, d.due_at, d.met_at, d.overdue) for d in c3.deadlines] == [
            ("report", at(10, 27, 11), at(10, 27, 10, 30), False), ("resolve", at(10, 30, 10), None, True)]
        # C2 was completed on Nov 2, after the week: at its end nothing was met but the report and answer
        assert [(d.name, d.due_at, d.met_at, d.overdue) for d in c2.deadlines] == [
            ("report", at(10, 26, 23, 59, 59), at(10, 26, 10), False),
            ("answer", at(10, 28, 9), at(10, 27, 10), False), ("resolve", at(11, 5, 9), None, False)]

    async def test_the_week_before_counts_the_first_closing_of_the_reopened_complaint(self, october) -> None:  # type: ignore[no-untyped-def]
        weekly = await report(october.service, "2026-W43")
        # new: C1, C5, C8; closed: C1 (Oct 21) and C5 (Oct 23, reopened later); open at its end: C8 only
        assert weekly.totals == ComplaintCounts(None, new=3, closed=2, open=1, overdue=1)
        assert [c.number for c in weekly.open_complaints] == [october.numbers["C8"]]

    async def test_satisfaction_over_the_last_eight_weeks(self, october) -> None:  # type: ignore[no-untyped-def]
        weekly = await report(october.service, "2026-W44")
        assert weeks(weekly.satisfaction_by_week) == [
            ("2026-W37", 0, 0, None), ("2026-W38", 0, 0, None), ("2026-W39", 0, 0, None), ("2026-W40", 0, 0, None),
            ("2026-W41", 1, 1, Decimal("1.0000")),  # R1: 5
            ("2026-W42", 2, 1, Decimal("0.5000")),  # R2: 4, R3: 2
            ("2026-W43", 2, 2, Decimal("1.0000")),  # R3: 5, C1: 4
            ("2026-W44", 1, 0, Decimal("0.0000")),  # C5: 1
        ]

    async def test_the_current_week_counts_up_to_now(self, october) -> None:  # type: ignore[no-untyped-def]
        weekly = await report(october.service, "2026-W45")
        assert weekly.as_of == NOW
        # C2 closed Nov 2; C3 and C8 still open now and overdue
        assert weekly.totals == ComplaintCounts(None, new=0, closed=1, open=2, overdue=2)


class TestMonthlyServiceReport:
    async def test_repairs_by_category_and_on_time(self, october) -> None:  # type: ignore[no-untyped-def]
        monthly = await report(october.service, "2026-10")
        # created in October: R2, R3, R5 (withdrawn), R6, R4. Completed in October (latest completion):
        # R1 (reported Sep 30: crosses the boundary), R2, R3 (reopened, done again Oct 20), R6.
        # On time: R1 (the holiday moved its deadlines), R6; not R2 (late on site), nor R3 (late by
        # its latest deadlines). Open at the end of October: R4.
        assert monthly.repairs.by_category == (
            RepairRow("水电", new=2, completed=2, on_time=1, on_time_rate=Decimal("0.5000"), open_at_end=0),
            RepairRow("门窗门锁", new=2, completed=2, on_time=1, on_time_rate=Decimal("0.5000"), open_at_end=0),
            RepairRow("渗漏水", new=1, completed=0, on_time=0, on_time_rate=None, open_at_end=1),
        )
        assert monthly.repairs.totals == RepairRow(None, new=5, completed=4, on_time=2,
                                                   on_time_rate=Decimal("0.5000"), open_at_end=1)

    async def test_the_holiday_is_inside_the_sla_window(self, october) -> None:  # type: ignore[no-untyped-def]
        async with october.service.app[SESSIONS]() as session:
            due = dict((await session.execute(
                select(TicketDeadline.name, TicketDeadline.due_at).join(Ticket)
                .where(Ticket.number == october.numbers["R1"]))).all())
        # Sep 30 10:00 + 1 working day (12 office hours): 10 h on Sep 30, then Oct 8 (after the holiday) 2 h
        assert due == {"on_site": at(10, 8, 10), "resolve": at(10, 12, 10)}

    async def test_return_visits_and_satisfaction(self, october) -> None:  # type: ignore[no-untyped-def]
        monthly = await report(october.service, "2026-10")
        # due in October: R1, R2, R3 (twice), C1, C5 answered; R6 handed over for a phone call;
        # C4's (due Oct 31) sent and not answered yet
        assert monthly.return_visits == ReturnVisits(due=8, answered=6, by_phone=1, pending=1, rate=Decimal("0.8750"))
        # scores 5, 4, 2, 5, 4, 1
        assert (monthly.satisfaction.scores, monthly.satisfaction.satisfied) == (6, 4)
        assert monthly.satisfaction.rate == Decimal("0.6667")
        assert weeks(monthly.satisfaction.by_week) == [
            ("2026-W40", 0, 0, None), ("2026-W41", 1, 1, Decimal("1.0000")), ("2026-W42", 2, 1, Decimal("0.5000")),
            ("2026-W43", 2, 2, Decimal("1.0000")), ("2026-W44", 1, 0, Decimal("0.0000"))]
        assert [(w.first_day.day, w.last_day.day) for w in monthly.satisfaction.by_week] == [
            (1, 4), (5, 11), (12, 18), (19, 25), (26, 31)]  # weeks cut to the month

    async def test_complaints_and_suggestions(self, october) -> None:  # type: ignore[no-untyped-def]
        monthly = await report(october.service, "2026-10")
        # C1, C5, C8, C2, C3, C4, C6 (withdrawn); closed now: C1, C5, C2 (Nov 2), C4; on time: all but
        # the reopened C5
        assert monthly.complaints == Complaints(new=7, cancelled=1, closed=4, closed_on_time=3, not_closed=2,
                                                closure_rate=Decimal("0.6667"), on_time_rate=Decimal("0.7500"))
        # S1 and S3 (answered Nov 1) on time, S2 late, S4 still inside its 3 days: left out
        assert monthly.suggestions == Suggestions(new=4, cancelled=0, replied_on_time=2, pending=1,
                                                  rate=Decimal("0.6667"))

    async def test_fee_collection_and_the_arrears_ladder(self, october) -> None:  # type: ignore[no-untyped-def]
        monthly = await report(october.service, "2026-10")
        fees = monthly.fees
        assert fees.by_item == (
            FeeRow("物业费", Decimal("805.50"), Decimal("537.00"), Decimal("268.50"), Decimal("0.6667")),
            FeeRow("停车费", Decimal("600.00"), Decimal("300.00"), Decimal("300.00"), Decimal("0.5000")),
            FeeRow("水费", Decimal("45.30"), Decimal("0.00"), Decimal("45.30"), Decimal("0.0000")),
        )
        assert fees.totals == FeeRow(None, Decimal("1450.80"), Decimal("837.00"), Decimal("613.80"), Decimal("0.5769"))
        assert all(isinstance(row.billed, Decimal) and isinstance(row.paid, Decimal) for row in fees.by_item)
        assert (fees.homes_billed, fees.homes_owing) == (3, 2)
        assert monthly.arrears == (
            # 501 owes since March: over 6 months; 601: 3 months after the reminder
            ArrearsRow("3-2-501", "default", Decimal("1105.50"), 3, "2026-03", None, "legal"),
            ArrearsRow("3-2-601", "default", Decimal("268.50"), 1, "2026-07", "2026-08", "letter"),
            ArrearsRow("3-2-502", "default", Decimal("45.30"), 1, "2026-10", None, "reminder"),
        )


class TestNothingToCount:
    async def test_an_empty_month_gives_zeros_and_no_rates(self, service) -> None:  # type: ignore[no-untyped-def]
        monthly = await report(service, "2026-08")
        assert monthly.repairs.by_category == () and monthly.repairs.totals.on_time_rate is None
        assert monthly.return_visits == ReturnVisits(0, 0, 0, 0, None)
        assert monthly.satisfaction.rate is None and all(w.rate is None for w in monthly.satisfaction.by_week)
        assert monthly.complaints.closure_rate is None and monthly.complaints.on_time_rate is None
        assert monthly.suggestions.rate is None
        assert monthly.fees.totals == FeeRow(None, Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), None)
        assert monthly.arrears == ()
        data = monthly.to_json()
        assert data["fees"]["totals"]["rate"] is None and data["fees"]["totals"]["billed"] == "0.00"

    async def test_an_empty_week(self, service) -> None:  # type: ignore[no-untyped-def]
        weekly = await report(service, "2026-W30")
        assert weekly.totals == ComplaintCounts(None) and weekly.open_complaints == ()
        assert [row.key for row in weekly.by_tier] == ["major", "important", "minor"]
        assert weekly.period.end - weekly.period.start == timedelta(days=7)


class TestJson:
    async def test_money_and_rates_are_exact_strings(self, october) -> None:  # type: ignore[no-untyped-def]
        data = (await report(october.service, "2026-10")).to_json()
        assert data["report"] == "monthly"
        assert data["period"] == {"kind": "month", "label": "2026-10", "first_day": "2026-10-01",
                                  "last_day": "2026-10-31"}
        assert data["as_of"] == "2026-11-01T00:00:00+08:00"
        assert data["fees"]["totals"] == {"item": None, "billed": "1450.80", "paid": "837.00", "unpaid": "613.80",
                                          "rate": "0.5769"}
        assert data["repairs"]["totals"]["on_time_rate"] == "0.5000"
        assert data["arrears"][0] == {"room": "3-2-501", "estate": "default", "amount": "1105.50", "months_owed": 3,
                                      "oldest_period": "2026-03", "first_reminder": None, "level": "legal"}
        weekly = (await report(october.service, "2026-W44")).to_json()
        assert weekly["report"] == "weekly" and weekly["totals"]["overdue"] == 2
        assert weekly["open_complaints"][1]["deadlines"][1] == {
            "name": "resolve", "due_at": "2026-10-30T10:00:00+08:00", "met_at": None, "overdue": True}
