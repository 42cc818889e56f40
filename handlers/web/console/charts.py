"""The dashboard's charts, drawn here as SVG strings on the server.

We draw our own because the console must work offline (a management office's intranet, a phone
on a weak signal): no JavaScript, no chart library, no CDN. Two kinds of chart in about a hundred
lines cost less than a dependency. Each chart is a complete ``<svg>`` with a ``viewBox`` and
``width="100%"``, so it scales to a phone's width; colours come from the stylesheet through the
classes ``bar``, ``line``, ``point``, ``axis``, ``label``, ``value`` and ``empty``. Every text
from data is escaped, so a template may insert the result with ``|safe``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

WIDTH = 480  # viewBox units; the chart is drawn at whatever width the page gives it
HEIGHT = 240
TOP, BOTTOM, SIDE = 24, 28, 12  # room for values above the bars, labels below, a margin each side
ROW = 28  # a horizontal bar's row
LABEL_WIDTH, VALUE_WIDTH = 96, 56  # a horizontal chart's label column and room for its values
EMPTY = "暂无数据"
NO_VALUE = "—"


def percent(value: float) -> str:
    """A rate (0-1) as a whole percentage: 0.9166 → "92%"."""
    return f"{math.floor(float(value) * 100 + 0.5)}%"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def bar_chart(bars: Sequence[tuple[str, float]], *, title: str, value_format: Callable[[float], str] = _number,
              horizontal: bool = False, value_max: float | None = None) -> str:
    """A bar per (label, value), its value written beside it; horizontal for long labels on a phone.
    A full bar is ``value_max`` (1 for rates, so 50% is half a bar), by default the largest value."""
    if not bars:
        return _empty(title)
    top = value_max or max(0, *(value for _label, value in bars)) or 1
    parts = []
    if horizontal:
        height = 2 * SIDE + ROW * len(bars)
        left, room = LABEL_WIDTH + 8, WIDTH - LABEL_WIDTH - 8 - VALUE_WIDTH
        for index, (label, value) in enumerate(bars):
            y, length = SIDE + index * ROW, room * min(max(value / top, 0), 1)
            middle = y + ROW / 2 + 5  # a 14-unit font's baseline, centred in the row
            parts += [_text("label", LABEL_WIDTH, middle, label, "end"),
                      f'<rect class="bar" x="{left}" y="{y + 4:.1f}" width="{length:.1f}" height="{ROW - 8}"/>',
                      _text("value", left + length + 4, middle, value_format(value), "start")]
        parts.append(_line(left, SIDE, left, height - SIDE))
        return _svg(title, height, parts)
    slot = (WIDTH - 2 * SIDE) / len(bars)
    base = HEIGHT - BOTTOM
    for index, (label, value) in enumerate(bars):
        centre, length = SIDE + (index + 0.5) * slot, (base - TOP) * min(max(value / top, 0), 1)
        parts += [f'<rect class="bar" x="{centre - slot * 0.3:.1f}" y="{base - length:.1f}" '
                  f'width="{slot * 0.6:.1f}" height="{length:.1f}"/>',
                  _text("value", centre, base - length - 6, value_format(value)),
                  _text("label", centre, HEIGHT - 8, label)]
    parts.append(_line(SIDE, base, WIDTH - SIDE, base))
    return _svg(title, HEIGHT, parts)


def line_chart(points: Sequence[tuple[str, float | None]], *, title: str, y_max: float = 1.0,
               value_format: Callable[[float], str] = percent) -> str:
    """A line through (label, value) from 0 to ``y_max``; None (no data that week) is a gap marked "—"."""
    if not points or all(value is None for _label, value in points):
        return _empty(title)
    slot = (WIDTH - 2 * SIDE) / len(points)
    base = HEIGHT - BOTTOM
    parts = [_line(SIDE, TOP, WIDTH - SIDE, TOP), _line(SIDE, base, WIDTH - SIDE, base)]  # y_max and 0
    path, pen_down = [], False
    for index, (label, value) in enumerate(points):
        x = SIDE + (index + 0.5) * slot
        parts.append(_text("label", x, HEIGHT - 8, label))
        if value is None:
            parts.append(_text("value", x, base - 6, NO_VALUE))
            pen_down = False
            continue
        y = base - (base - TOP) * min(max(value / y_max, 0), 1)
        path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
        parts += [f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4"/>',
                  _text("value", x, y - 10, value_format(value))]
    parts.insert(2, f'<path class="line" fill="none" d="{" ".join(path)}"/>')
    return _svg(title, HEIGHT, parts)


def _empty(title: str) -> str:
    return _svg(title, HEIGHT // 2, [_text("empty", WIDTH / 2, HEIGHT // 4 + 5, EMPTY)])


def _svg(title: str, height: int, parts: list[str]) -> str:
    name = escape(title)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{name}" '
            f'viewBox="0 0 {WIDTH} {height}" width="100%" font-size="14"><title>{name}</title>'
            + "".join(parts) + "</svg>")


def _text(kind: str, x: float, y: float, words: str, anchor: str = "middle") -> str:
    return f'<text class="{kind}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(words)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line class="axis" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'
