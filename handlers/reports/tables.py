"""A report laid out as titled tables with Chinese headers: what the terminal prints and each sheet holds.

The terminal (``terminal.py``) and the workbook (``excel.py``) both render these tables, so a
heading or a column is defined once and the two never disagree. A company report has one more
table, :func:`comparison_table`: its estates side by side, a row each, the company's row last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from handlers.domain.tickets import STATUS_NAMES
from handlers.replies.staff import DEADLINE_NAMES
from handlers.reports import wording as words
from handlers.reports.figures import (
    ComplaintCounts,
    MonthlyReport,
    Report,
    ReportSet,
    WeeklyReport,
    WeekSatisfaction,
)

TEXT, COUNT, MONEY, RATE, TIME, DAY = "text", "count", "money", "rate", "time", "day"
NUMERIC = frozenset({COUNT, MONEY, RATE})
COMPLAINT_CLOCKS = ("report", "answer", "resolve")
TERMINAL_ARREARS = 20  # the terminal lists the most serious; the workbook has them all


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


@dataclass(frozen=True)
class Cell:
    """A value whose kind differs from its column's (money on the collection row of the overview)."""

    value: Any
    kind: str


@dataclass(frozen=True)
class Chart:
    kind: str  # bar | line
    title: str
    labels: int  # the column holding the category or week labels
    series: tuple[int, ...]  # the columns plotted
    axis_title: str


@dataclass(frozen=True)
class Table:
    sheet: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    totals: bool = False  # the last row is the totals row (bold, left out of charts)
    chart: Chart | None = None
    terminal_rows: int | None = None  # the terminal shows at most this many rows

    @property
    def data_rows(self) -> int:
        return len(self.rows) - (1 if self.totals and self.rows else 0)


def heading(report: Report) -> str:
    """``服务月报 2026-10 · 兰亭苑（2026-10-01 至 2026-10-31）``; the company's says 全公司."""
    period = report.period
    return (f"{words.TITLES[report.report]} {period.label}{scope_name(report)}"
            f"（{period.first_day:%Y-%m-%d} 至 {period.last_day:%Y-%m-%d}）")


def scope_name(report: Report) -> str:
    if not report.estate_name:
        return ""
    return f" · {report.estate_name}" if report.estate else f" · {report.estate_name}{words.COMPANY}"


def report_tables(report: Report, names: dict[str, str] | None = None) -> list[Table]:
    """The report's tables; ``names`` (estate code → name) adds a 小区 column to the company's lists."""
    return _weekly(report, names) if isinstance(report, WeeklyReport) else _monthly(report, names)


def comparison_table(reports: ReportSet) -> Table:
    """The estates side by side, a row each, then the company's (its sums; its rates of the sums)."""
    if isinstance(reports.company, WeeklyReport):
        def weekly_row(label: str, report: Report) -> tuple[Any, ...]:
            assert isinstance(report, WeeklyReport)
            totals, week = report.totals, report.satisfaction_by_week[-1]
            return (label, totals.new, totals.closed, totals.open, totals.overdue, week.scores, week.rate)

        columns: tuple[Column, ...] = (
            Column("小区"), Column("新增投诉", COUNT), Column("已结", COUNT), Column("未结", COUNT),
            Column("超时", COUNT), Column("本周评分数", COUNT), Column("本周满意率", RATE))
        rows = [weekly_row(r.estate_name, r) for r in reports.estates]
        rows.append(weekly_row(words.COMPANY_ROW, reports.company))
    else:
        def monthly_row(label: str, report: Report) -> tuple[Any, ...]:
            assert isinstance(report, MonthlyReport)
            repairs, fees = report.repairs.totals, report.fees
            return (label, repairs.new, repairs.completed, repairs.on_time_rate, report.return_visits.rate,
                    report.satisfaction.rate, report.complaints.new, report.complaints.closure_rate,
                    report.suggestions.rate, fees.totals.billed, fees.totals.paid, fees.totals.rate,
                    len(report.arrears), sum((row.amount for row in report.arrears), Decimal("0.00")))

        columns = (Column("小区"), Column("报修新增", COUNT), Column("报修完成", COUNT), Column("按时完成率", RATE),
                   Column("回访率", RATE), Column("满意率", RATE), Column("投诉新增", COUNT),
                   Column("投诉结案率", RATE), Column("建议答复率", RATE), Column("应收", MONEY),
                   Column("实收", MONEY), Column("收缴率", RATE), Column("欠费户数", COUNT),
                   Column("欠费金额", MONEY))
        rows = [monthly_row(r.estate_name, r) for r in reports.estates]
        rows.append(monthly_row(words.COMPANY_ROW, reports.company))
    return Table(words.COMPARISON_SHEET, f"{words.COMPARISON_SHEET}（{len(reports.estates)} 个小区）", columns,
                 tuple(rows), totals=True)


def display(value: Any, kind: str, tz: ZoneInfo) -> str:
    """A cell as text: what the terminal prints and what column widths are fitted to."""
    if isinstance(value, Cell):
        value, kind = value.value, value.kind
    if kind == RATE:
        return words.percent(value)
    if value is None:
        return ""
    if kind == MONEY:
        return words.yuan(value)
    if isinstance(value, datetime):
        return f"{value.astimezone(tz):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


# ---------------------------------------------------------------- weekly


def _estate_column(names: dict[str, str] | None) -> tuple[Column, ...]:
    return (Column("小区"),) if names is not None else ()


def _estate_cell(names: dict[str, str] | None, code: str) -> tuple[str, ...]:
    return (names.get(code, code),) if names is not None else ()


def _weekly(report: WeeklyReport, names: dict[str, str] | None) -> list[Table]:
    totals = report.totals
    overview = Table("概览", "投诉概览", (Column("项目"), Column("数量", COUNT), Column("说明")), (
        ("新增投诉", totals.new, "本周受理"),
        ("已结投诉", totals.closed, "本周结案（重新打开后再结案的再计一次）"),
        ("未结投诉", totals.open, "周末时仍未结案"),
        ("超时投诉", totals.overdue, "周末时未结案且有期限已过"),
    ))
    counts_columns = (Column("新增", COUNT), Column("已结", COUNT), Column("未结", COUNT), Column("超时", COUNT))

    def counts(label: str, row: ComplaintCounts) -> tuple[Any, ...]:
        return (label, row.new, row.closed, row.open, row.overdue)

    by_category = Table(
        "按类别", "按类别", (Column("类别"), *counts_columns),
        (*(counts(row.key or words.UNSET, row) for row in report.by_category), counts("合计", totals)),
        totals=True, chart=Chart("bar", "投诉按类别", 0, (1, 2, 3), "件数"))
    by_tier = Table(
        "按等级", "按等级", (Column("等级"), *counts_columns),
        (*(counts(words.TIERS.get(row.key or "", row.key or words.UNSET), row) for row in report.by_tier),
         counts("合计", totals)), totals=True)
    clocks = tuple(Column(f"{DEADLINE_NAMES[name]}期限", TIME) for name in COMPLAINT_CLOCKS)
    open_list = Table(
        "未结投诉", f"未结投诉（{len(report.open_complaints)} 件，超时在前）",
        (Column("工单号"), *_estate_column(names), Column("房号/位置"), Column("类别"), Column("等级"), Column("状态"),
         Column("受理时间", TIME), *clocks, Column("超时")),
        tuple(
            (c.number, *_estate_cell(names, c.estate), c.where or "", c.category or words.UNSET,
             words.TIERS.get(c.tier or "", c.tier or ""),
             STATUS_NAMES.get(c.status, c.status), c.created_at,
             *(next((d.due_at for d in c.deadlines if d.name == name), None) for name in COMPLAINT_CLOCKS),
             "、".join(DEADLINE_NAMES.get(d.name, d.name) for d in c.deadlines if d.overdue))
            for c in report.open_complaints))
    return [overview, by_category, by_tier, open_list,
            _satisfaction("满意度（近8周）", report.satisfaction_by_week, None)]


# ---------------------------------------------------------------- monthly


def _monthly(report: MonthlyReport, names: dict[str, str] | None) -> list[Table]:
    repairs, visits, sat = report.repairs, report.return_visits, report.satisfaction
    complaints, suggestions, fees = report.complaints, report.suggestions, report.fees
    definitions = words.DEFINITIONS
    overview = Table("概览", "主要指标", (Column("指标"), Column("比率", RATE), Column("分子", COUNT),
                                         Column("分母", COUNT), Column("口径")), (
        ("报修按时完成率", repairs.totals.on_time_rate, repairs.totals.on_time, repairs.totals.completed,
         definitions["on_time"]),
        ("回访率", visits.rate, visits.answered + visits.by_phone, visits.due, definitions["return_visit"]),
        ("满意率", sat.rate, sat.satisfied, sat.scores,
         words.SATISFACTION_TARGET.format(definition=definitions["satisfaction"], target=f"{sat.target:.0%}",
                                          verdict=words.BELOW_TARGET if sat.below_target else "")),
        ("投诉结案率", complaints.closure_rate, complaints.closed, complaints.new - complaints.cancelled,
         definitions["complaint_closure"]),
        ("投诉按期结案率", complaints.on_time_rate, complaints.closed_on_time, complaints.closed,
         definitions["complaint_on_time"]),
        ("建议答复率", suggestions.rate, suggestions.replied_on_time,
         suggestions.new - suggestions.cancelled - suggestions.pending, definitions["suggestion_reply"]),
        ("收缴率", fees.totals.rate, Cell(fees.totals.paid, MONEY), Cell(fees.totals.billed, MONEY),
         definitions["collection"]),
    ))

    def repair_row(label: str, row: Any) -> tuple[Any, ...]:
        return (label, row.new, row.completed, row.on_time, row.on_time_rate, row.open_at_end)

    repair_table = Table(
        "报修", "报修按类别",
        (Column("类别"), Column("新增", COUNT), Column("完成", COUNT), Column("按时完成", COUNT),
         Column("按时率", RATE), Column("月末未完成", COUNT)),
        (*(repair_row(row.category or words.UNSET, row) for row in repairs.by_category),
         repair_row("合计", repairs.totals)),
        totals=True, chart=Chart("bar", "报修按类别", 0, (1, 2), "件数"))
    visit_table = _facts("回访", "回访", (
        ("应回访（本月到期）", visits.due), ("已评价", visits.answered), ("转电话回访", visits.by_phone),
        ("未完成", visits.pending), ("回访率", Cell(visits.rate, RATE)),
    ))
    complaint_table = _facts("投诉", "投诉（本月受理）", (
        ("新增", complaints.new), ("撤销", complaints.cancelled), ("已结案", complaints.closed),
        ("按期结案", complaints.closed_on_time), ("未结案", complaints.not_closed),
        ("结案率", Cell(complaints.closure_rate, RATE)), ("按期结案率", Cell(complaints.on_time_rate, RATE)),
    ))
    suggestion_table = _facts("建议", "建议（本月提出）", (
        ("新增", suggestions.new), ("撤销", suggestions.cancelled), ("按期答复", suggestions.replied_on_time),
        ("未到期未答复", suggestions.pending), ("答复率", Cell(suggestions.rate, RATE)),
    ))

    def fee_row(label: str, row: Any) -> tuple[Any, ...]:
        return (label, row.billed, row.paid, row.unpaid, row.rate)

    fee_table = Table(
        "收费", f"收费（本月账单 {fees.homes_billed} 户，未缴清 {fees.homes_owing} 户）",
        (Column("项目"), Column("应收", MONEY), Column("实收", MONEY), Column("未收", MONEY), Column("收缴率", RATE)),
        (*(fee_row(row.item or words.UNSET, row) for row in fees.by_item), fee_row("合计", fees.totals)),
        totals=True)
    owed = sum((row.amount for row in report.arrears), Decimal("0.00"))
    arrears = Table(
        "欠费名单", f"欠费名单（{len(report.arrears)} 户，合计 {words.yuan(owed)}）",
        (*_estate_column(names), Column("房号"), Column("欠费金额", MONEY), Column("欠费月数", COUNT),
         Column("最早欠费账期"), Column("首次催缴"), Column("处理建议")),
        tuple((*_estate_cell(names, row.estate), row.room, row.amount, row.months_owed, row.oldest_period,
               row.first_reminder or "", words.LADDER.get(row.level, row.level)) for row in report.arrears),
        terminal_rows=TERMINAL_ARREARS)
    weeks = _satisfaction("满意度（按周）", sat.by_week, ("本月", sat.scores, sat.satisfied, sat.rate))
    notice_rows = (*report.notices.by_kind, report.notices.totals)
    notice_table = Table(
        "通知", "通知（本月发布）",
        (Column("类型"), Column("条数", COUNT), Column("送达业主/住户", COUNT), Column("送达失败", COUNT)),
        tuple((row.kind, row.notices, row.reached, row.failures) for row in notice_rows), totals=True)
    return [overview, repair_table, visit_table, weeks, complaint_table, suggestion_table, fee_table, notice_table,
            arrears]


def _facts(sheet: str, title: str, rows: tuple[tuple[str, Any], ...]) -> Table:
    return Table(sheet, title, (Column("项目"), Column("数值", COUNT)), rows)


def _satisfaction(title: str, weeks: tuple[WeekSatisfaction, ...],
                  total: tuple[str, int, int, Any] | None) -> Table:
    rows: tuple[tuple[Any, ...], ...] = tuple(
        (w.week, w.first_day, w.last_day, w.scores, w.satisfied, w.rate) for w in weeks)
    if total is not None:
        label, scores, satisfied, share = total
        rows += ((label, None, None, scores, satisfied, share),)
    return Table(
        "满意度", title,
        (Column("周"), Column("起", DAY), Column("止", DAY), Column("评分数", COUNT), Column("满意（4-5分）", COUNT),
         Column("满意率", RATE)),
        rows, totals=total is not None, chart=Chart("line", "满意率（按周）", 0, (5,), "满意率"))
