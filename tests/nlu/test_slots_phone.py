"""Phone extraction: 11-digit mainland mobiles only, and 11-digit numbers that are something else."""

from __future__ import annotations

import pytest

from bot.nlu.normalize import normalize
from bot.nlu.slots.phone import extract_phone


def phone(text: str) -> str | None:
    return extract_phone(normalize(text).text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812345678", "13812345678"),
        ("手机 138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 13912345678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("幺三八零零一三八零零零", "13800138000"),
        ("一三九 一二三四 五六七八", "13912345678"),
        ("联系我15987654321谢谢", "15987654321"),
        ("電話13566667777", "13566667777"),
        ("回个电话吧 17700001111", "17700001111"),
        ("3栋2单元501 19912345678", "19912345678"),
        ("159 8765 4321", "15987654321"),
        ("订单号12345678901 电话13600001111", "13600001111"),
        ("师傅电话:18612340987。", "18612340987"),
    ],
)
def test_phone_forms(text: str, expected: str) -> None:
    assert phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "订单号13812345678",  # an 11-digit number that is not a phone
        "快递单号 13812345678 查一下",
        "账号13912345678",
        "卡号:15012345678",
        "流水号138123456789",  # 12 digits: inside a longer run
        "编号913812345678",
        "12345678901",  # does not start with 1[3-9]
        "0755-12345678",  # a landline
        "R20261120003",
        "1381234567",  # 10 digits
    ],
)
def test_not_a_phone(text: str) -> None:
    assert phone(text) is None


def test_digits_read_out_one_by_one() -> None:
    assert extract_phone(normalize("电话 1 3 9 0 0 1 1 2 2 3 3").text) == "13900112233"
