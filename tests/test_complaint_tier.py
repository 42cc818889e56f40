"""投诉分级 rules (handlers/complaint_tier.py): sentences owners write, and the tier each one gets."""

from __future__ import annotations

import pytest

from bot.nlu.details import details_of
from handlers.domain.complaint_tier import IMPORTANT, MAJOR, MINOR, classify


@pytest.mark.parametrize(("text", "category", "tier"), [
    # major: safety, or many residents
    ("楼上有人高空抛物，扔了个花盆下来", "高空抛物", MAJOR),
    ("有人往楼下扔垃圾袋", None, MAJOR),
    ("消防通道天天被车堵住", "停车", MAJOR),
    ("有人把电动车停在消防车道上", "停车", MAJOR),
    ("楼下违章搭建的铁棚子随时会倒，很危险", "违章搭建", MAJOR),
    ("隔壁的大狗没拴绳，昨天咬伤了一个小孩", "养犬宠物", MAJOR),
    ("小区晚上有陌生人乱窜，很不安全", "安全秩序", MAJOR),
    ("装修工人在楼道里电焊，有安全隐患", "其他", MAJOR),
    ("整栋楼的下水道都反味，臭得受不了", "环境卫生", MAJOR),
    ("很多业主都反映地库积水没人清理", "环境卫生", MAJOR),
    # important: staff or the service failed
    ("保安态度太差了，还骂人", "服务态度", IMPORTANT),
    ("客服电话一直没人接", None, IMPORTANT),
    ("楼道灯坏了报修一个星期还没修好", None, IMPORTANT),
    ("保洁不打扫楼道，说了几次没人管", "环境卫生", IMPORTANT),
    ("晚上保安在岗亭睡觉，喊了半天不开门", "其他", IMPORTANT),
    ("物业不作为，垃圾堆了三天", "环境卫生", IMPORTANT),
    ("楼上天天跳绳，反映了好几次了一直没处理", "噪音", IMPORTANT),
    ("维修师傅上门拖延了两个小时，还乱收费", None, IMPORTANT),
    # minor: an isolated, slight matter
    ("楼上的狗天天叫", "养犬宠物", MINOR),
    ("楼上空调滴水滴到我家阳台", "空调滴水", MINOR),
    ("楼上天天半夜跳绳，吵得睡不着", "噪音", MINOR),
    ("隔壁住改商开了个麻将馆", "住改商", MINOR),
    ("有辆车停在我的车位上", "停车", MINOR),
    ("楼下邻居在阳台烧烤，油烟很大", "环境卫生", MINOR),
])
def test_tier(text: str, category: str | None, tier: str) -> None:
    assert classify(text, category).tier == tier


def test_the_service_is_at_fault_only_when_staff_or_the_office_failed() -> None:
    assert classify("保安态度太差了", "服务态度").service_at_fault
    assert classify("高空抛物没人管，说了几次了", "高空抛物").service_at_fault  # major, and our fault too
    assert not classify("高空抛物，差点砸到人", "高空抛物").service_at_fault
    assert not classify("楼上的狗天天叫", "养犬宠物").service_at_fault


def test_the_reason_is_told_to_staff() -> None:
    assert classify("消防通道被堵", "停车").reason == "堵塞消防通道"
    assert "保安" in classify("保安在岗亭睡觉", None).reason


@pytest.mark.parametrize(("text", "angry"), [
    ("垃圾物业！！！", True),
    ("你们到底管不管？？？", True),
    ("太过分了，我要投诉到12345", True),
    ("再不处理我就找媒体曝光", True),
    ("气死我了", True),
    ("楼上的狗天天叫", False),
    ("车牌粤B12345的车占了我的车位", False),
    ("楼上太吵了！", False),
])
def test_angry(text: str, angry: bool) -> None:
    assert details_of(text).angry is angry
