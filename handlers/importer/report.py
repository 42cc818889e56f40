"""The outcome of one import: counts for the summary line and the row-level error report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["owners", "bills", "staff"]
KIND_NAMES: dict[str, str] = {"owners": "业主", "bills": "账单", "staff": "员工"}


@dataclass(frozen=True, order=True)
class Rejection:
    """One reason a row was not imported, at its Excel-style line (the header is line 1)."""

    line: int
    column: str | None  # the column's name as written in the file's header
    reason: str  # Chinese, for the office clerk

    def __str__(self) -> str:
        if self.column:
            return f"第{self.line}行 {self.column}: {self.reason}"
        return f"第{self.line}行: {self.reason}"


@dataclass
class ImportResult:
    kind: Kind
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0  # rows; one row may carry several rejections
    rejections: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0

    def reject(self, problems: list[Rejection]) -> None:
        self.rejected += 1
        self.rejections.extend(problems)

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def summary_line(self) -> str:
        """Stable, machine-readable: ``import owners: read=3 inserted=2 updated=0 unchanged=0 rejected=1``."""
        return (
            f"import {self.kind}: read={self.read} inserted={self.inserted} updated={self.updated} "
            f"unchanged={self.unchanged} rejected={self.rejected}"
        )

    def report_lines(self) -> list[str]:
        """Every rejection in file order, e.g. ``第5行 手机: “1380013800” 不是11位手机号``."""
        return [str(rejection) for rejection in sorted(self.rejections, key=lambda r: r.line)]

    def advice_line(self) -> str | None:
        """The one sentence a clerk needs after the list, or None when every row went in."""
        if self.ok:
            return None
        return f"共 {self.rejected} 行未导入，请按上面的提示修改后重新导入；其余各行已导入，重复导入不会产生重复数据。"
