"""Plate extraction: province, letter, 5 or 6 characters; separators and case normalised."""

from __future__ import annotations

import pytest

from bot.nlu.normalize import normalize
from bot.nlu.slots.plate import extract_plate


def plate(text: str) -> str | None:
    return extract_plate(normalize(text).text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("车牌粤A12345", "粤A12345"),
        ("粤a·12345", "粤A12345"),  # lower-case letter and a middle dot
        ("沪AD12345", "沪AD12345"),
        ("沪B 2C3D4", "沪B2C3D4"),
        ("京Q·7Y2Z1", "京Q7Y2Z1"),
        ("粤B·D12345", "粤BD12345"),
        ("鲁B·K7766 7号楼903", "鲁BK7766"),
        ("车牌是 苏e 88888", "苏E88888"),
        ("浙A-88K99", "浙A88K99"),
        ("湘a.3k8m7", "湘A3K8M7"),
        ("川A•12B34", "川A12B34"),
        ("車牌滬A·F8899", "沪AF8899"),
        ("粤Ｂ１２３４５", "粤B12345"),
        ("闽D5E6F7来一辆车", "闽D5E6F7"),
        ("车牌粤A·12345 3栋2单元501", "粤A12345"),
        ("粤B 123 45", "粤B12345"),
    ],
)
def test_plate_forms(text: str, expected: str) -> None:
    assert plate(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "新买的车",
        "粤语怎么说",
        "京东快递",
        "沪A",  # too short
        "苏ABCDEF",  # no digits: a word
        "粤B1234567890",  # too long
    ],
)
def test_not_a_plate(text: str) -> None:
    assert plate(text) is None
