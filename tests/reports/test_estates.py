"""Reports per estate and for the company: 阳光花园's October (conftest) beside 兰亭苑's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.clock import FrozenClock
from bot.keys import SESSIONS
from handlers.reports import MonthlyReport, ReportSet, UnknownEstate, compute, compute_all, parse_period
from handlers.reports.command import run_report_command
from handlers.reports.excel import sheet_name
from handlers.reports.figures import rate
from tests.reports.conftest import LANTING, NOW, TZ


async def all_reports(service, label: str) -> ReportSet:  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS]() as session:
        return await compute_all(session, parse_period(label, NOW, TZ), NOW, service.settings)


def words(printed: str) -> str:
    return " ".join(printed.split())


def counted(report: MonthlyReport) -> dict[str, Any]:
    """Every count and sum of money a company figure adds up from its estates."""
    repairs, visits, complaints, suggestions = (report.repairs.totals, report.return_visits, report.complaints,
                                                report.suggestions)
    fees = report.fees
    return {
        "repairs_new": repairs.new, "repairs_completed": repairs.completed, "repairs_on_time": repairs.on_time,
        "repairs_open": repairs.open_at_end, "visits_due": visits.due, "visits_answered": visits.answered,
        "visits_phone": visits.by_phone, "scores": report.satisfaction.scores,
        "satisfied": report.satisfaction.satisfied, "complaints_new": complaints.new,
        "complaints_cancelled": complaints.cancelled, "complaints_closed": complaints.closed,
        "complaints_on_time": complaints.closed_on_time, "suggestions_new": suggestions.new,
        "suggestions_on_time": suggestions.replied_on_time, "billed": fees.totals.billed, "paid": fees.totals.paid,
        "homes_billed": fees.homes_billed, "homes_owing": fees.homes_owing, "arrears": len(report.arrears),
        "owed": sum((row.amount for row in report.arrears), Decimal("0.00")),
    }


class TestFiguresPerEstate:
    async def test_each_estate_has_its_own_and_they_sum_to_the_company(self, two_estates) -> None:  # type: ignore[no-untyped-def]
        reports = await all_reports(two_estates.service, "2026-10")
        company, (sunshine, lanting) = reports.company, reports.estates
        assert isinstance(company, MonthlyReport) and isinstance(sunshine, MonthlyReport)
        assert isinstance(lanting, MonthlyReport)
        assert (sunshine.estate, sunshine.estate_name, lanting.estate, lanting.estate_name) == (
            "default", "阳光花园", LANTING, "兰亭苑")
        assert company.estate is None and company.estate_name == "阳光物业"
        # 阳光花园 is October of conftest untouched; 兰亭苑 has L1, L2, LC1 and its bills
        assert (sunshine.repairs.totals.new, sunshine.complaints.new, sunshine.fees.totals.billed) == (
            5, 7, Decimal("1450.80"))
        assert (lanting.repairs.totals.new, lanting.repairs.totals.completed, lanting.repairs.totals.open_at_end,
                lanting.complaints.new) == (2, 1, 1, 1)
        assert (lanting.fees.totals.billed, lanting.fees.totals.paid, lanting.fees.totals.rate) == (
            Decimal("450.00"), Decimal("300.00"), Decimal("0.6667"))
        assert (lanting.fees.homes_billed, lanting.fees.homes_owing) == (1, 1)
        assert [(r.category, r.new, r.completed) for r in lanting.repairs.by_category] == [("水电", 2, 1)]
        mine, theirs, together = counted(sunshine), counted(lanting), counted(company)
        assert mine != theirs
        assert together == {key: mine[key] + theirs[key] for key in together}
        assert company.fees.totals.rate == rate(Decimal("1137.00"), Decimal("1900.80"))
        assert company.repairs.totals.on_time_rate == rate(
            mine["repairs_on_time"] + theirs["repairs_on_time"],
            mine["repairs_completed"] + theirs["repairs_completed"])
        assert (lanting.complaints.closed, lanting.complaints.closure_rate) == (0, Decimal("0.0000"))
        assert company.complaints.closure_rate == rate(mine["complaints_closed"], 7 - 1 + 1)  # C6 was cancelled

    async def test_the_same_room_in_two_estates_owes_in_each(self, two_estates) -> None:  # type: ignore[no-untyped-def]
        reports = await all_reports(two_estates.service, "2026-10")
        owing = {(row.estate, row.room): (row.amount, row.months_owed, row.oldest_period)
                 for row in reports.company.arrears}  # type: ignore[union-attr]
        assert owing[("default", "3-2-501")] == (Decimal("1105.50"), 3, "2026-03")
        assert owing[(LANTING, "3-2-501")] == (Decimal("450.00"), 2, "2026-09")
        lanting = reports.estates[1]
        assert [(row.estate, row.room) for row in lanting.arrears] == [(LANTING, "3-2-501")]  # type: ignore[union-attr]

    async def test_one_estates_report_is_its_part_of_the_company_one(self, two_estates) -> None:  # type: ignore[no-untyped-def]
        service = two_estates.service
        reports = await all_reports(service, "2026-10")
        weekly = await all_reports(service, "2026-W43")
        async with service.app[SESSIONS]() as session:
            alone = await compute(session, parse_period("2026-10", NOW, TZ), NOW, service.settings, estate=LANTING)
            week = await compute(session, parse_period("2026-W43", NOW, TZ), NOW, service.settings, estate=LANTING)
            with pytest.raises(UnknownEstate, match="nowhere"):
                await compute(session, parse_period("2026-10", NOW, TZ), NOW, service.settings, estate="nowhere")
        assert alone == reports.estates[1] and week == weekly.estates[1]
        # week 43 (Oct 19-25): LC1 is 兰亭苑's one new complaint, open at the end; 阳光花园 had C1, C5, C8
        assert [(r.estate, r.totals.new) for r in weekly.estates] == [("default", 3), (LANTING, 1)]  # type: ignore[union-attr]
        assert weekly.company.totals.new == 4  # type: ignore[union-attr]
        assert [c.estate for c in week.open_complaints] == [LANTING]  # type: ignore[union-attr]


class TestCommand:
    def test_the_company_and_each_estate_side_by_side(self, two_estates, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
        out = tmp_path / "十月.xlsx"
        settings = two_estates.service.settings
        assert run_report_command("monthly", "2026-10", str(out), settings, clock=FrozenClock(NOW)) == 0
        printed = words(capsys.readouterr().out)
        assert "服务月报 2026-10 · 阳光物业全公司（2026-10-01 至 2026-10-31）" in printed
        assert "各小区对比（2 个小区）" in printed
        assert "阳光花园 5 4 50.00%" in printed and "兰亭苑 2 1" in printed and "全公司合计 7 5" in printed
        assert "兰亭苑 3-2-501 ¥450.00 2 2026-09" in printed  # the company's arrears name the estate
        book = load_workbook(out)
        assert book.sheetnames == ["全公司", "阳光花园", "兰亭苑"]
        company = book["全公司"]
        assert company["A1"].value == "服务月报 2026-10 · 阳光物业全公司（2026-10-01 至 2026-10-31）"
        assert [company.cell(row=r, column=1).value for r in (3, 4, 5, 6, 7)] == [
            "各小区对比（2 个小区）", "小区", "阳光花园", "兰亭苑", "全公司合计"]
        assert (company["J7"].value, company["J7"].number_format) == (1900.8, "¥#,##0.00")
        lanting = book["兰亭苑"]
        cells = [cell.value for row in lanting.iter_rows() for cell in row if cell.value is not None]
        assert "收费（本月账单 1 户，未缴清 1 户）" in cells and "欠费名单（1 户，合计 ¥450.00）" in cells
        assert "阳光花园" not in cells and len(lanting._charts) == 2

    def test_one_estate_only(self, two_estates, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
        out = tmp_path / "兰亭.xlsx"
        settings = two_estates.service.settings
        assert run_report_command("monthly", "2026-10", str(out), settings, clock=FrozenClock(NOW),
                                  estate=LANTING) == 0
        printed = words(capsys.readouterr().out)
        assert "服务月报 2026-10 · 兰亭苑（2026-10-01 至 2026-10-31）" in printed
        assert "收缴率 66.67% ¥300.00 ¥450.00" in printed and "各小区对比" not in printed
        assert "3-2-501 ¥450.00 2 2026-09" in printed and "¥1,105.50" not in printed
        book = load_workbook(out)
        assert book.sheetnames == ["概览", "报修", "回访", "满意度", "投诉", "建议", "收费", "通知", "欠费名单"]
        assert book.properties.title == "服务月报 2026-10 · 兰亭苑（2026-10-01 至 2026-10-31）"

    def test_an_unknown_estate_is_one_line_and_exit_2(self, two_estates, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
        out = tmp_path / "x.xlsx"
        settings = two_estates.service.settings
        assert run_report_command("weekly", None, str(out), settings, clock=FrozenClock(NOW), estate="nowhere") == 2
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.count("\n") == 1
        assert "unknown estate 'nowhere'" in captured.err and "default, lanting" in captured.err
        assert not out.exists()


class TestSheetNames:
    def test_excels_rules(self) -> None:
        taken: set[str] = set()
        assert sheet_name("阳光花园", taken) == "阳光花园"
        assert sheet_name("A/B:C*D?E[F]G\\H", taken) == "A_B_C_D_E_F_G_H"
        long = "碧桂园" * 12
        assert sheet_name(long, taken) == long[:31]
        assert sheet_name(long, taken) == long[:28] + "(2)"
        assert sheet_name("'History'", taken) == "History_"
        assert sheet_name("阳光花园", taken) == "阳光花园(2)" and sheet_name("  ", taken) == "小区"
        assert all(len(name) <= 31 for name in taken)
