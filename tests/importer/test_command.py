"""``run_import_command``: what `wuyebot import owners|bills|staff FILE` prints and returns."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.exc import OperationalError

from bot.settings import Settings, load_settings
from handlers.importer import run as importer_run
from handlers.importer import run_import_command
from handlers.importer.progress import ImportProgress
from tests.importer.conftest import BILLS_HEADER, OWNERS_HEADER, write_csv, write_xlsx

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], Settings]:
    """Settings read as the CLI reads them, with WUYEBOT_DATABASE_URL on a fresh (unmigrated) file."""
    monkeypatch.setenv("WUYEBOT_CONFIG", str(REPO / "config.yaml"))
    monkeypatch.setenv("WUYEBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'data' / 'wuyebot.db'}")
    return load_settings


OWNERS = [
    ["楼栋", "单元", "房号", "面积", "姓名", "手机", "身份"],
    ["3", "2", "501", "89.50", "张伟", "13800000001", "业主"],
    ["B座", "", "1203", "120", "李娜", "13800000004", "业主"],
]


def run(kind: str, path: Path, settings: Settings, capsys: pytest.CaptureFixture[str],
        estate: str | None = "default") -> tuple[int, list[str], str]:
    """The repo's config.yaml has two estates: these files are the default one's (``--estate default``)."""
    code = run_import_command(kind, str(path), settings, estate=estate)
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_all_rows_imported(tmp_path: Path, settings: Callable[[], Settings],
                           capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "owners.csv", OWNERS, "gbk")
    code, out, err = run("owners", path, settings(), capsys)
    assert (code, out, err) == (0, ["import owners: read=2 inserted=2 updated=0 unchanged=0 rejected=0"], "")
    code, out, err = run("owners", path, settings(), capsys)
    assert (code, out) == (0, ["import owners: read=2 inserted=0 updated=0 unchanged=2 rejected=0"])


def test_rejected_rows(tmp_path: Path, settings: Callable[[], Settings], capsys: pytest.CaptureFixture[str]) -> None:
    run("owners", write_csv(tmp_path / "owners.csv", OWNERS), settings(), capsys)
    bills = write_xlsx(tmp_path / "bills.xlsx", [
        ["楼栋", "单元", "房号", "账期", "项目", "金额", "已缴"],
        [3, 2, 501, "2025-01", "物业费", 250.6, 1],
        [3, 2, 501, "2025-13", "物业费", 250.6, 1],
        [3, 2, 999, "2025-01", "物业费", 250.6, 1],
        ["B座", None, 1203, "2025-01", "物业费", -12.5, 0],
    ])
    code, out, err = run("bills", bills, settings(), capsys)
    assert code == 1 and err == ""
    assert out == [
        "第3行 账期: “2025-13” 不是有效账期：没有13月",
        "第4行 房号: 房屋 3-2-999 不在阳光花园（default）的业主档案中，请先导入业主或核对房号",
        "第5行 金额: “-12.5” 金额不能是负数",
        "共 3 行未导入，请按上面的提示修改后重新导入；其余各行已导入，重复导入不会产生重复数据。",
        "import bills: read=4 inserted=1 updated=0 unchanged=0 rejected=3",
    ]


def test_wrong_header(tmp_path: Path, settings: Callable[[], Settings], capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "bills.csv", [BILLS_HEADER[:-1], ["3", "2", "501", "2025-01", "物业费", "1"]])
    code, out, err = run("bills", path, settings(), capsys)
    assert (code, out) == (2, [])
    assert err == (
        "wuyebot import bills: 表头有误：缺少 paid（已缴）列；应为 building,unit,room,period,item,amount,paid"
        "（或 楼栋,单元,房号,账期,项目,金额,已缴），文件中是 building,unit,room,period,item,amount\n"
    )


def test_empty_file(tmp_path: Path, settings: Callable[[], Settings], capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "owners.csv", [OWNERS_HEADER])
    code, out, err = run("owners", path, settings(), capsys)
    assert (code, out, err) == (2, [], "wuyebot import owners: 文件只有表头，没有数据行\n")
    path.write_bytes(b"")
    code, out, err = run("owners", path, settings(), capsys)
    assert (code, out, err) == (2, [], "wuyebot import owners: 文件是空的：没有表头，也没有数据\n")


def test_unreadable_and_unknown_kind(tmp_path: Path, settings: Callable[[], Settings],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run("owners", tmp_path / "missing.csv", settings(), capsys)
    assert code == 2 and err.startswith("wuyebot import owners: 找不到文件 ")
    code, _out, err = run("tenants", tmp_path / "missing.csv", settings(), capsys)
    assert code == 2 and err == "wuyebot import: 未知的导入类型 'tenants'，应为 owners | bills | staff\n"


def test_database_error_is_one_line(tmp_path: Path, settings: Callable[[], Settings], monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    async def fail(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT INTO homes …", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(importer_run, "import_file", fail)
    code, out, err = run("owners", write_csv(tmp_path / "owners.csv", OWNERS), settings(), capsys)
    assert (code, out) == (2, [])
    assert err == ("wuyebot import owners: 数据库出错，导入中止（可修复后重新导入）："
                   "OperationalError: database is locked\n")


def test_progress_bar_shows_rows_per_second_on_a_terminal() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with ImportProgress(True, "导入账单", 1000, console=console) as bar:
        bar.update(500, 2500)
    assert "导入账单" in screen.getvalue() and "行/秒" in screen.getvalue()


def test_progress_bar_off_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with ImportProgress(False, "导入账单", 1000) as bar:
        bar.update(500, 2500)
    assert capsys.readouterr() == ("", "")
