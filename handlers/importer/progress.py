"""The progress bar of a long import (rich), with rows per second; silent when switched off."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class RowsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rows = task.fields.get("rows", 0)
        rate = rows / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.0f} 行/秒", style="progress.data.speed")


class ImportProgress:
    """A context manager; ``update`` takes the reader's position (bytes or rows) and rows read."""

    def __init__(self, enabled: bool, description: str, total: int | None, console: Console | None = None) -> None:
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if enabled:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rows]:,} 行"),
                RowsPerSecond(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._task = self._progress.add_task(description, total=total, rows=0)

    def __enter__(self) -> ImportProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def update(self, position: int, rows: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=position, rows=rows)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()
