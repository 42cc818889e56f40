"""Ticket extraction: R/C/S/V/P + YYYYMMDD + 3 digits, upper-case."""

from __future__ import annotations

import pytest

from bot.nlu.normalize import normalize
from bot.nlu.slots.ticket import extract_ticket


def ticket(text: str) -> str | None:
    return extract_ticket(normalize(text).text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R20261120003到哪一步了", "R20261120003"),
        ("r20261120003", "R20261120003"),
        ("c20261115002 投诉处理得咋样", "C20261115002"),
        ("单号S20261121001", "S20261121001"),
        ("V20261222003訪客登記", "V20261222003"),
        ("p20261208002 不要了", "P20261208002"),
        ("工单 R-20261201-004", "R20261201004"),
        ("R 20261201004", "R20261201004"),
        ("ｒ２０２６１１２０００３", "R20261120003"),
        ("就是R20261128006这单", "R20261128006"),
        ("撤销报修单r20261214001", "R20261214001"),
        ("查一下R20270101001", "R20270101001"),
        ("單號：C20261130010", "C20261130010"),
        ("V20261105009,生效了吗", "V20261105009"),
        ("两张单 R20261101001 R20261101002", "R20261101001"),
    ],
)
def test_ticket_forms(text: str, expected: str) -> None:
    assert ticket(text) == expected


@pytest.mark.parametrize(
    "text",
    ["X20261120003", "R2026112000", "R202611200034", "R20261320003", "AR20261120003", "20261120003", "R20261132003"],
)
def test_not_a_ticket(text: str) -> None:
    assert ticket(text) is None
