"""Reading a register file as rows of text cells: CSV in any encoding Chinese Excel writes, or xlsx.

Both readers stream: a CSV is decoded as it is read, an xlsx is parsed row by row by openpyxl in
read-only mode. Line numbers are Excel's row numbers (the header is line 1, blank rows count),
so the clerk finds a reported line by its row number in Excel.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from handlers.importer.errors import EmptyFile, UnreadableFile

CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_CHUNK = 1 << 20
_SPACE = " \t\r\n\u3000\ufeff\u200b\u00a0"


def clean_text(value: str) -> str:
    return value.strip(_SPACE)


def open_table(path: Path) -> Table:
    """Open a CSV or xlsx file and read its header (the first non-blank row)."""
    if not path.is_file():
        raise UnreadableFile(f"找不到文件 {path}")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return CsvTable(path)
    if suffix in XLSX_SUFFIXES:
        return XlsxTable(path)
    if suffix == ".xls":
        raise UnreadableFile(f"{path.name}: 不支持旧版 .xls 格式，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入")
    raise UnreadableFile(f"{path.name}: 只能导入 .csv 或 .xlsx 文件")


class Table:
    """A header and the data rows after it; ``position()`` of ``size`` drives a progress bar."""

    header: list[str]
    header_line: int
    size: int | None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError

    def position(self) -> int:
        raise NotImplementedError

    def _raw_rows(self) -> Iterator[list[str]]:
        raise NotImplementedError

    def _read_header(self) -> None:
        self._source = enumerate(self._raw_rows(), start=1)
        for line, cells in self._source:
            if any(cells):
                self.header, self.header_line = cells, line
                return
        raise EmptyFile("文件是空的：没有表头，也没有数据")

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Data rows after the header, blank rows skipped (their line numbers are still counted)."""
        for line, cells in self._source:
            if any(cells):
                yield line, cells


class CsvTable(Table):
    """CSV as saved by Excel: UTF-8 (with or without BOM), GBK/GB18030 or UTF-16; comma or tab."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.encoding = detect_encoding(path)
        self._raw: BinaryIO = path.open("rb")
        try:
            self._text = io.TextIOWrapper(self._raw, encoding=self.encoding, errors="strict", newline="")
            self._delimiter = ","
            self._read_header()
        except BaseException:
            self.close()
            raise

    def _raw_rows(self) -> Iterator[list[str]]:
        first = self._text.readline()
        if not first:
            return
        # Excel's "Unicode text" export is tab-separated; sniff the first physical line only.
        if "\t" in first and "," not in first:
            self._delimiter = "\t"
        reader = csv.reader(_chain(first, self._text), delimiter=self._delimiter)
        try:
            for record in reader:
                yield [clean_text(cell) for cell in record]
        except csv.Error as error:
            raise UnreadableFile(f"{self.path.name}: 不是有效的 CSV 文件（{error}）") from None

    def position(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        self._raw.close()


def _chain(first: str, rest: io.TextIOWrapper) -> Iterator[str]:
    yield first
    yield from rest


def detect_encoding(path: Path) -> str:
    """UTF-16 by its BOM; else UTF-8 (BOM optional) if the whole file decodes strictly; else GB18030.

    GB18030 is a superset of GBK and GB2312, so it reads every file Chinese Excel saves as "CSV".
    The check streams the file once, so a large file is never held in memory.
    """
    with path.open("rb") as raw:
        head = raw.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        if _decodes(path, encoding):
            return encoding
    raise UnreadableFile(f"{path.name}: 无法识别文件编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入")


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as raw:
            while chunk := raw.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class XlsxTable(Table):
    """The first sheet of a workbook, streamed by openpyxl in read-only mode."""

    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        self.path = path
        self._row = 0
        try:
            with warnings.catch_warnings():
                # Workbooks from other tools trigger style warnings that say nothing about the data.
                warnings.simplefilter("ignore")
                self._book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
            raise UnreadableFile(f"{path.name}: 不是有效的 xlsx 文件（{type(error).__name__}）") from None
        try:
            if not self._book.worksheets:
                raise EmptyFile("文件是空的：工作簿中没有工作表")
            self._sheet = self._book.worksheets[0]
            self.size = self._sheet.max_row
            # Dimensions written by some tools are wrong; without them every row is read.
            self._sheet.reset_dimensions()
            self._read_header()
        except BaseException:
            self.close()
            raise

    def _raw_rows(self) -> Iterator[list[str]]:
        for row in self._sheet.iter_rows(values_only=True):
            self._row += 1
            yield [cell_text(value) for value in row]

    def position(self) -> int:
        return self._row

    def close(self) -> None:
        self._book.close()


def cell_text(value: Any) -> str:
    """An xlsx cell as the text the clerk sees in Excel, without binary floating-point noise.

    Excel shows at most 15 significant digits, so a float is printed with ``.15g``: 12.5 stays
    ``12.5``, 0.1+0.2 becomes ``0.3``, 12.345 stays ``12.345`` (and is later refused as money),
    and a phone or room typed as a number (13800000001.0, 501) loses its ``.0``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return clean_text(str(value))
