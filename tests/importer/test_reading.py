"""Reading files as the clerk saved them: encodings, xlsx cell types, line numbers, empty files."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from pathlib import Path

import pytest

from handlers.importer import EmptyFile, UnreadableFile
from handlers.importer.reading import cell_text, detect_encoding, open_table
from tests.importer.conftest import OWNERS_HEADER, write_csv, write_xlsx

ROWS = [OWNERS_HEADER, ["3栋", "2单元", "501", "89.50", "张伟", "13800000001", "业主"]]


def read_all(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open_table(path) as table:
        return table.header, list(table.rows())


@pytest.mark.parametrize(("encoding", "detected"), [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"),
                                                    ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write_csv(tmp_path / "owners.csv", ROWS, encoding)
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(codecs.BOM_UTF8)
    assert detect_encoding(path) == detected
    header, rows = read_all(path)
    assert header == OWNERS_HEADER  # the BOM is not part of the first header name
    assert rows == [(2, ["3栋", "2单元", "501", "89.50", "张伟", "13800000001", "业主"])]


def test_utf16_tab_separated_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "owners.txt"
    path.write_text("\r\n".join("\t".join(row) for row in ROWS) + "\r\n", encoding="utf-16")
    header, rows = read_all(path)
    assert header == OWNERS_HEADER and rows[0][1][4] == "张伟"


def test_gbk_decodes_even_when_a_prefix_is_valid_utf8(tmp_path: Path) -> None:
    # ASCII for most of the file, the Chinese only at the end: the whole file decides.
    rows = [OWNERS_HEADER] + [["3", "2", f"{n}", "", "Zhang", "13800000001", "owner"] for n in range(101, 3000)]
    rows.append(["3", "2", "501", "", "张伟", "13800000001", "业主"])
    path = write_csv(tmp_path / "owners.csv", rows, "gbk")
    _header, read = read_all(path)
    assert read[-1][1][4] == "张伟"


def test_line_numbers_are_excel_rows(tmp_path: Path) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(
        "\n".join([",".join(OWNERS_HEADER), "3,2,501,,张伟,13800000001,owner", "", ",,,,,,",
                   '3,2,502,,"李\n娜",13800000002,owner', "3,2,503,,王芳,13800000003,owner"]) + "\n",
        encoding="utf-8",
    )
    _header, rows = read_all(path)
    assert [line for line, _cells in rows] == [2, 5, 6]  # blank rows count; a quoted newline stays in its row


def test_cells_are_trimmed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "owners.csv", [[f" {name} " for name in OWNERS_HEADER],
                                               ["3", "2", "501", "", "\u3000张伟 ", " 13800000001", "owner"]])
    header, rows = read_all(path)
    assert header == OWNERS_HEADER
    assert rows[0][1][4:6] == ["张伟", "13800000001"]


def test_xlsx_first_sheet_with_excel_types(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bills.xlsx", [
        ["building", "unit", "room", "period", "item", "amount", "paid"],
        [3, 2, 501, datetime(2025, 3, 1), "物业费", 12.5, 1],
        [3, 2.0, 501.0, "2025-04", "水费", 0.1 + 0.2, True],
        [None, None, None, None, None, None, None],
        ["B", None, 1203, date(2025, 5, 1), "电费", 12.345, 0],
    ])
    header, rows = read_all(path)
    assert header[0] == "building"
    assert rows == [
        (2, ["3", "2", "501", "2025-03-01", "物业费", "12.5", "1"]),
        (3, ["3", "2", "501", "2025-04", "水费", "0.3", "1"]),
        (5, ["B", "", "1203", "2025-05-01", "电费", "12.345", "0"]),
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [(13800000001, "13800000001"), (13800000001.0, "13800000001"), (12.5, "12.5"), (1234567.89, "1234567.89"),
     (0.1 + 0.2, "0.3"), (12.345, "12.345"), (1e-7, "0.0000001"), (-1.0, "-1"), (None, ""), (" 张伟 ", "张伟"),
     (False, "0"), (datetime(2025, 3, 1, 8, 30), "2025-03-01 08:30:00")],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(EmptyFile, match="文件是空的"):
        open_table(path)


def test_blank_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"\r\n,,,\r\n\r\n")
    with pytest.raises(EmptyFile):
        open_table(path)


def test_empty_xlsx(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile):
        open_table(write_xlsx(tmp_path / "empty.xlsx", []))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("owners.xls", b"\xd0\xcf\x11\xe0",
         "owners.xls: 不支持旧版 .xls 格式，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入"),
        ("owners.pdf", b"%PDF", "owners.pdf: 只能导入 .csv 或 .xlsx 文件"),
        ("owners.xlsx", b"building,unit", "owners.xlsx: 不是有效的 xlsx 文件（BadZipFile）"),
        ("owners.csv", b"building\x80\xff",
         "owners.csv: 无法识别文件编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入"),
    ],
)
def test_unreadable(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as caught:
        open_table(path)
    assert str(caught.value) == message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="找不到文件"):
        open_table(tmp_path / "nope.csv")
