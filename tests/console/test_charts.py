"""The dashboard's SVG charts, read back with an XML parser as a browser would read them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from handlers.web.console.charts import bar_chart, line_chart, percent

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything not well-formed
    assert root.tag == f"{SVG}svg"
    return root


def of_class(root: ET.Element, tag: str, kind: str) -> list[ET.Element]:
    return [element for element in root.iter(f"{SVG}{tag}") if element.get("class") == kind]


def texts(root: ET.Element, kind: str) -> list[str]:
    return [element.text or "" for element in of_class(root, "text", kind)]


CATEGORIES = [("水电", 12.0), ("噪音", 5.0), ("门窗门锁", 0.0)]
WEEKS = [("11/2", 0.9), ("11/9", None), ("11/16", 1.0), ("11/23", 0.75)]


class TestBarChart:
    def test_a_bar_and_a_value_per_item(self) -> None:
        root = parse(bar_chart(CATEGORIES, title="近30天工单分类"))
        assert (root.get("role"), root.get("aria-label"), root.get("width")) == ("img", "近30天工单分类", "100%")
        assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox", ""))
        assert root.findtext(f"{SVG}title") == "近30天工单分类"
        bars = of_class(root, "rect", "bar")
        assert len(bars) == 3
        assert texts(root, "value") == ["12", "5", "0"]
        assert texts(root, "label") == ["水电", "噪音", "门窗门锁"]
        heights = [float(bar.get("height", "")) for bar in bars]
        assert heights[0] > heights[1] > heights[2] == 0
        assert heights[1] / heights[0] == pytest.approx(5 / 12, abs=0.001)
        assert of_class(root, "line", "axis")

    def test_horizontal_with_a_format(self) -> None:
        rates = [("阳光花园", 0.9166), ("兰亭苑", 0.5)]
        root = parse(bar_chart(rates, title="本月收缴率", value_format=percent, horizontal=True, value_max=1))
        bars = of_class(root, "rect", "bar")
        assert len(bars) == 2
        widths = [float(bar.get("width", "")) for bar in bars]
        assert widths[1] / widths[0] == pytest.approx(0.5 / 0.9166, abs=0.001)  # against 100%, not the largest
        assert texts(root, "value") == ["92%", "50%"]
        assert texts(root, "label") == ["阳光花园", "兰亭苑"]

    def test_labels_and_title_are_escaped(self) -> None:
        label, title = "<script>alert('x')</script>", 'A & "B"'
        svg = bar_chart([(label, 1.0)], title=title)
        assert "<script>" not in svg
        root = parse(svg)
        assert texts(root, "label") == [label]  # shown as written, never run
        assert (root.get("aria-label"), root.findtext(f"{SVG}title")) == (title, title)
        assert not list(root.iter(f"{SVG}script"))

    def test_all_zero(self) -> None:
        root = parse(bar_chart([("水电", 0.0)], title="分类"))
        assert [bar.get("height") for bar in of_class(root, "rect", "bar")] == ["0.0"]

    def test_nothing_to_show(self) -> None:
        for svg in (bar_chart([], title="分类"), bar_chart([], title="分类", horizontal=True)):
            root = parse(svg)
            assert texts(root, "empty") == ["暂无数据"]
            assert not of_class(root, "rect", "bar") and root.get("aria-label") == "分类"


class TestLineChart:
    def test_a_point_and_a_value_per_week_with_a_gap(self) -> None:
        root = parse(line_chart(WEEKS, title="满意率（近8周）"))
        assert len(of_class(root, "circle", "point")) == 3
        assert texts(root, "value") == ["90%", "—", "100%", "75%"]
        assert texts(root, "label") == ["11/2", "11/9", "11/16", "11/23"]
        (line,) = of_class(root, "path", "line")
        assert line.get("d", "").count("M") == 2  # the week without scores breaks the line
        heights = [float(point.get("cy", "")) for point in of_class(root, "circle", "point")]
        assert heights[1] < heights[0] < heights[2]  # 100% is highest (SVG's y grows downwards)

    def test_a_custom_scale(self) -> None:
        root = parse(line_chart([("一", 3.0), ("二", 6.0)], title="件数", y_max=6, value_format=str))
        assert texts(root, "value") == ["3.0", "6.0"]

    def test_escaped_and_empty(self) -> None:
        assert "<b>" not in line_chart([("<b>", 0.5)], title="<b>")
        for svg in (line_chart([], title="满意率"), line_chart([("11/2", None)], title="满意率")):
            assert texts(parse(svg), "empty") == ["暂无数据"]


def test_percent() -> None:
    assert [percent(value) for value in (0.9166, 1, 0, 0.925, 0.004)] == ["92%", "100%", "0%", "93%", "0%"]
