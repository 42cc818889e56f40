"""Room extraction: docs/nlu.md's normal form, spoken forms, and numbers that are not rooms."""

from __future__ import annotations

import pytest

from bot.nlu.normalize import normalize
from bot.nlu.slots.room import extract_room


def room(text: str, *, bare: bool = False) -> str | None:
    return extract_room(normalize(text).text, bare=bare)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3栋2单元501厨房漏水", "3-2-501"),
        ("我住3号楼2单元501", "3-2-501"),
        ("三号楼二单元五零一", "3-2-501"),
        ("5-1-302 马桶堵了", "5-1-302"),
        ("B座1203", "B-1203"),
        ("b座1203的业主", "B-1203"),
        ("8幢602室", "8-602"),
        ("A栋3单元2001", "A-3-2001"),
        ("五号楼一单元三零二", "5-1-302"),
        ("十二栋一单元一一零二", "12-1-1102"),
        ("7号楼903", "7-903"),
        ("我是5栋1203的业主", "5-1203"),
        ("3幢2单元的1101", "3-2-1101"),
        ("3座 1502", "3-1502"),
        ("6棟1單元803", "6-1-803"),
        ("03栋02单元0501", "3-2-501"),
        ("9栋2-601", "9-2-601"),
        ("八幢六零二", "8-602"),
        ("１２栋１单元１１０２", "12-1-1102"),
    ],
)
def test_room_forms(text: str, expected: str) -> None:
    assert room(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "3栋2单元物业费550元一个月",  # a price, not a room
        "3栋500块能修吗",
        "5栋120平米的房子物业费多少",
        "等了3栋150分钟",
        "9号楼6楼有户人家冒烟",  # a floor, not a room
        "5栋1单元楼道灯坏了",  # a building and a unit, no room
        "20栋的电梯坏了",
        "电梯卡在12楼和13楼中间",
        "物业费一个月350",  # no building
        "2026-11-22的账单",  # a date
        "电话13812345678",
    ],
)
def test_not_a_room(text: str) -> None:
    assert room(text) is None


def test_bare_room_number_only_when_asked() -> None:
    assert room("501") is None
    assert room("501", bare=True) == "501"
    assert room("我家是502室", bare=True) == "502"
    assert room("交了500元", bare=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2单元1503，11号楼的，卫生间漏水", "11-2-1503"),  # the unit and room first, the building after
        ("我住那个七栋就是三单元的就是一零零二", "7-3-1002"),  # voice fillers between the parts
        ("8座 21C", "8-21C"),  # a Hong Kong flat after a named building
        ("6栋1单元 我是1902的租户", "6-1-1902"),  # the room a few words after the building and unit
        ("4栋2单元走廊里1101那户堆了很多东西", "4-2-1101"),
        ("报修完了.3-2-1201", "3-2-1201"),  # a dashed room right after a full stop
    ],
)
def test_room_forms_apart(text: str, expected: str) -> None:
    assert room(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "5栋2单元楼道灯坏了，修了3次",  # no room after the unit
        "3.5-2-1",  # a number, not a room
    ],
)
def test_not_a_room_apart(text: str) -> None:
    assert room(text) is None
