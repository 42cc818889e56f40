"""`wuyebot report weekly|monthly [--period …] [--out FILE.xlsx]` through run_report_command."""

from __future__ import annotations

from openpyxl import load_workbook

from bot.clock import FrozenClock
from handlers.reports.command import run_report_command
from tests.reports.conftest import NOW


def words(printed: str) -> str:
    """The terminal output with runs of spaces (table padding) made one."""
    return " ".join(printed.split())


def test_monthly_in_the_terminal_and_as_a_workbook(october, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "十月.xlsx"
    assert run_report_command("monthly", "2026-10", str(out), october.service.settings, clock=FrozenClock(NOW)) == 0
    printed = words(capsys.readouterr().out)
    assert "服务月报 2026-10 · 阳光物业全公司（2026-10-01 至 2026-10-31）" in printed
    for figure in ("报修按时完成率 50.00% 2 4", "回访率 87.50% 7 8", "收缴率 57.69% ¥837.00 ¥1,450.80",
                   "3-2-501 ¥1,105.50 3 2026-03 法律程序", "渗漏水 1 0 0 — 1", f"已导出 {out}"):
        assert figure in printed
    assert load_workbook(out).sheetnames == ["全公司", "阳光花园", "兰亭苑"]


def test_the_default_is_the_last_complete_period(october, capsys) -> None:  # type: ignore[no-untyped-def]
    settings = october.service.settings
    assert run_report_command("weekly", None, None, settings, clock=FrozenClock(NOW)) == 0
    printed = capsys.readouterr().out
    assert "投诉处理周报 2026-W44" in printed and "C20261023001" in printed
    assert run_report_command("monthly", None, None, settings, clock=FrozenClock(NOW)) == 0
    assert "服务月报 2026-10" in capsys.readouterr().out


def test_bad_periods_and_files_exit_2_with_one_line(service, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    settings, clock = service.settings, FrozenClock(NOW)
    for kind, period, out, reason in [
        ("monthly", "2026-13", None, "there is no month 13"),
        ("weekly", "2026-10", None, "is not a week such as 2026-W47"),
        ("monthly", "2026-W44", None, "is not a month such as 2026-10"),
        ("monthly", "2027-01", None, "has not begun"),
        ("monthly", "2026-10", str(tmp_path / "report.csv"), "must name an .xlsx file"),
        ("yearly", None, None, "report must be weekly or monthly"),
    ]:
        assert run_report_command(kind, period, out, settings, clock=clock) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and reason in captured.err and captured.err.count("\n") == 1


def test_a_fresh_database_gives_an_empty_report(make_settings, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(WUYEBOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'new' / 'fresh.db'}")
    assert run_report_command("monthly", None, str(tmp_path / "m.xlsx"), settings, clock=FrozenClock(NOW)) == 0
    assert "收缴率 — ¥0.00 ¥0.00" in words(capsys.readouterr().out)
