"""Category extraction: the right vocabulary per intent, and no category without a described fault."""

from __future__ import annotations

import pytest

from bot.nlu.normalize import normalize
from bot.nlu.slots.category import extract_category


def category(text: str, intent: str) -> str | None:
    return extract_category(normalize(text).text, intent)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("马桶堵了冲不下去", "管道堵塞"),
        ("厨房下水道堵了还往上返水", "管道堵塞"),
        ("卫生间水管接头漏水", "渗漏水"),
        ("屋顶漏雨 天花板在滴水", "渗漏水"),
        ("插座没电了", "水电"),
        ("屋企跳咗閘", "水电"),
        ("水龙头坏了拧不动", "水电"),
        ("防盗门锁芯坏了", "门窗门锁"),
        ("窗户关不上", "门窗门锁"),
        ("电梯按钮没反应", "电梯"),
        ("燃气灶打不着火", "燃气"),
        ("卧室墙面开裂", "墙面地面"),
        ("墙上一道裂缝从窗角裂到天花板", "墙面地面"),
        ("楼道的声控灯坏了", "公共设施"),
        ("北门道闸抬不起来 车都堵在外面", "公共设施"),
        ("晾衣架的钢丝绳断了", "其他"),
    ],
)
def test_repair_categories(text: str, expected: str) -> None:
    assert category(text, "repair") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电梯困人了 卡在两层中间", "电梯"),
        ("闻到很大的煤气味", "燃气"),
        ("着火了 冒黑烟", "其他"),
        ("有人摔倒了 头在流血", "其他"),
        ("水管爆了 家里淹了", "渗漏水"),
        ("整栋楼停电了 电梯也停了", "水电"),
        ("全楼停水", "水电"),
    ],
)
def test_emergency_categories(text: str, expected: str) -> None:
    assert category(text, "emergency") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("楼上天天半夜跳绳", "噪音"),
        ("楼下的狗天天叫", "养犬宠物"),
        ("猫在我家阳台拉屎", "养犬宠物"),
        ("有人从楼上扔酒瓶下来", "高空抛物"),
        ("顶楼私自搭了阳光房", "违章搭建"),
        ("楼上空调外机往我家滴水", "空调滴水"),
        ("楼下开了个棋牌室", "住改商"),
        ("有辆车天天停在消防通道上", "停车"),
        ("垃圾桶满了没人清 臭死了", "环境卫生"),
        ("保安态度太差了", "服务态度"),
        ("楼道里堆满杂物 消防通道堵了", "安全秩序"),
        ("物业费年年涨 服务越来越差", "其他"),
    ],
)
def test_complaint_categories(text: str, expected: str) -> None:
    assert category(text, "complaint") == expected


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我要报修", "repair"),  # nothing described yet
        ("我要投诉", "complaint"),
        ("马桶堵了", "ticket_status"),  # categories belong to repair, emergency, complaint only
        ("马桶堵了", "faq"),
        ("保安态度差", "rating"),
    ],
)
def test_no_category(text: str, intent: str) -> None:
    assert category(text, intent) is None
