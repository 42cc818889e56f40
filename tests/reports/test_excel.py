"""The workbook, opened again with openpyxl: sheets, Chinese headers, formats, frozen headers, widths, charts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart

from bot.keys import SESSIONS
from handlers.reports import compute, parse_period
from handlers.reports.excel import write_workbook
from tests.reports.conftest import NOW, TZ

MONEY, RATE, TIME, DAY = "¥#,##0.00", "0.00%", "yyyy-mm-dd hh:mm", "yyyy-mm-dd"


async def workbook(service, label: str, path: Path):  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS]() as session:
        report = await compute(session, parse_period(label, NOW, TZ), NOW, service.settings)
    write_workbook(report, path)
    return load_workbook(path)


def headers(sheet) -> list[str]:  # type: ignore[no-untyped-def]
    return [cell.value for cell in sheet[1] if cell.value is not None]


def title(chart) -> str:  # type: ignore[no-untyped-def]
    return "".join(run.t for paragraph in chart.title.tx.rich.p for run in paragraph.r)


def column(sheet, letter: str) -> list:  # type: ignore[no-untyped-def]
    return [cell.value for cell in sheet[letter][1:]]


class TestMonthlyWorkbook:
    async def test_sheets_headers_and_frozen_header_rows(self, october, tmp_path) -> None:  # type: ignore[no-untyped-def]
        book = await workbook(october.service, "2026-10", tmp_path / "m.xlsx")
        assert book.sheetnames == ["概览", "报修", "回访", "满意度", "投诉", "建议", "收费", "通知", "欠费名单"]
        assert headers(book["概览"]) == ["指标", "比率", "分子", "分母", "口径"]
        assert headers(book["报修"]) == ["类别", "新增", "完成", "按时完成", "按时率", "月末未完成"]
        assert headers(book["满意度"])[:6] == ["周", "起", "止", "评分数", "满意（4-5分）", "满意率"]
        assert headers(book["收费"]) == ["项目", "应收", "实收", "未收", "收缴率"]
        assert headers(book["欠费名单"]) == ["房号", "欠费金额", "欠费月数", "最早欠费账期", "首次催缴", "处理建议"]
        assert all(sheet.freeze_panes == "A2" for sheet in book)
        assert book.properties.title == "服务月报 2026-10 · 阳光物业全公司（2026-10-01 至 2026-10-31）"

    async def test_money_and_rates_keep_their_numbers_with_formats(self, october, tmp_path) -> None:  # type: ignore[no-untyped-def]
        book = await workbook(october.service, "2026-10", tmp_path / "m.xlsx")
        fees = book["收费"]
        assert column(fees, "A") == ["物业费", "停车费", "水费", "合计"]
        assert column(fees, "B") == [805.5, 600, 45.3, 1450.8]
        assert column(fees, "E") == [0.6667, 0.5, 0, 0.5769]
        assert {fees[f"{c}{r}"].number_format for c in "BCD" for r in range(2, 6)} == {MONEY}
        assert {fees[f"E{r}"].number_format for r in range(2, 6)} == {RATE}
        assert fees["A5"].font.b and fees["A1"].font.b  # totals row and headers in bold
        overview = book["概览"]
        assert column(overview, "A")[-1] == "收缴率"
        assert (overview["C8"].value, overview["C8"].number_format) == (837, MONEY)
        assert (overview["D8"].value, overview["D8"].number_format) == (1450.8, MONEY)
        assert (overview["B2"].value, overview["B2"].number_format) == (0.5, RATE)
        assert (overview["C2"].number_format, overview["D2"].number_format) == ("0", "0")
        repairs = book["报修"]
        assert repairs["E4"].value == "—" and repairs["E4"].number_format == RATE  # 渗漏水: none completed
        arrears = book["欠费名单"]
        assert column(arrears, "A") == ["3-2-501", "3-2-601", "3-2-502"]
        assert (arrears["B2"].value, arrears["B2"].number_format) == (1105.5, MONEY)
        assert column(arrears, "F") == ["法律程序", "发催缴函", "提醒缴费"]

    async def test_column_widths_fit_the_chinese_text(self, october, tmp_path) -> None:  # type: ignore[no-untyped-def]
        book = await workbook(october.service, "2026-10", tmp_path / "m.xlsx")
        overview = book["概览"]
        assert overview.column_dimensions["A"].width >= 2 * len("投诉按期结案率")
        assert overview.column_dimensions["E"].width == 60 and overview["E2"].alignment.wrap_text  # long 口径 wraps
        assert book["欠费名单"].column_dimensions["D"].width >= 2 * len("最早欠费账期")
        assert book["收费"].column_dimensions["B"].width >= len("¥1,450.80")

    async def test_charts_of_repairs_by_category_and_satisfaction_by_week(self, october, tmp_path) -> None:  # type: ignore[no-untyped-def]
        book = await workbook(october.service, "2026-10", tmp_path / "m.xlsx")
        [bars] = book["报修"]._charts
        assert isinstance(bars, BarChart) and title(bars) == "报修按类别"
        # 新增, 完成; no totals
        assert [s.val.numRef.f for s in bars.series] == ["'报修'!$B$2:$B$4", "'报修'!$C$2:$C$4"]
        assert bars.series[0].cat.numRef.f == "'报修'!$A$2:$A$4"
        sheet = book["满意度"]
        [line] = sheet._charts
        assert isinstance(line, LineChart) and title(line) == "满意率（按周）"
        [series] = line.series
        assert series.val.numRef.f == "'满意度'!$G$2:$G$6" and series.cat.numRef.f == "'满意度'!$A$2:$A$6"
        # the plotted copy of 满意率 leaves "—" weeks blank (a gap, not a 0%) and is hidden
        assert column(sheet, "F")[:5] == ["—", 1, 0.5, 1, 0] and column(sheet, "G")[:5] == [None, 1, 0.5, 1, 0]
        assert sheet.column_dimensions["G"].hidden and not line.visible_cells_only
        assert (sheet["B2"].value, sheet["B2"].number_format) == (datetime(2026, 10, 1), DAY)


class TestWeeklyWorkbook:
    async def test_sheets_deadlines_and_charts(self, october, tmp_path) -> None:  # type: ignore[no-untyped-def]
        book = await workbook(october.service, "2026-W44", tmp_path / "w.xlsx")
        assert book.sheetnames == ["概览", "按类别", "按等级", "未结投诉", "满意度"]
        assert headers(book["按类别"]) == ["类别", "新增", "已结", "未结", "超时"]
        assert column(book["按等级"], "A") == ["重大投诉", "重要投诉", "一般投诉", "合计"]
        listing = book["未结投诉"]
        assert headers(listing) == ["工单号", "房号/位置", "类别", "等级", "状态", "受理时间", "上报期限", "答复期限",
                                    "完成期限", "超时"]
        assert column(listing, "A") == [october.numbers["C8"], october.numbers["C3"], october.numbers["C2"]]
        assert (listing["I3"].value, listing["I3"].number_format) == (datetime(2026, 10, 30, 10, 0), TIME)  # local time
        assert column(listing, "J") == ["完成", "完成", None]
        [bars] = book["按类别"]._charts
        assert title(bars) == "投诉按类别" and len(bars.series) == 3
        assert bars.series[0].val.numRef.f == "'按类别'!$B$2:$B$7"
        [line] = book["满意度"]._charts
        assert line.series[0].cat.numRef.f == "'满意度'!$A$2:$A$9"  # eight weeks, no totals row

    async def test_an_empty_period_writes_dashes_and_no_empty_chart(self, service, tmp_path) -> None:  # type: ignore[no-untyped-def]
        book = await workbook(service, "2026-08", tmp_path / "empty.xlsx")
        assert column(book["报修"], "A") == ["合计"] and book["报修"]["E2"].value == "—"
        assert book["报修"]._charts == []  # nothing to chart
        assert column(book["概览"], "B") == ["—"] * 7
        assert len(book["满意度"]._charts) == 1  # the weeks are there, all gaps
