"""Hard phrasing found while estimating generalisation: Hong Kong words, voice slips, indirect dangers."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.nlu import understand
from bot.nlu.normalize import normalize
from bot.nlu.rules import emergency_reason

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("後樓梯成陣石油氣味", "后楼梯成阵液化气味"),
        ("唔係幾滿意", "不太满意"),
        ("成座樓停晒電", "整栋楼全停电"),
        ("窗鉸甩咗", "窗户合页掉了"),
        ("個雪櫃插蘇冇電", "个冰箱插座没有电"),
        ("R20261118007 到邊度啦", "R20261118007 到哪里啦"),
        ("四顆星", "4星"),
    ],
)
def test_cantonese_and_spoken_forms(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "後樓梯成陣石油氣味",
        "有个阿姨倒在楼梯口 一动不动",
        "雨水漏进配电箱了 一直噼里啪啦响",
        "电梯门夹住了一个小朋友",
        "房间里闻着像煤气 头有点晕",
        "成座樓停晒電",
        "有个人倒在地上没反应",
        "有人拿着刀在小区里追人",
        "一个男的提着菜刀在楼下",
        "空调外机架子断了一边 外机吊在半空晃 下面是人行道",
        "招牌被风吹得摇摇欲坠",
        "楼道好大的烟",
    ],
)
def test_indirect_dangers_are_emergencies(text: str) -> None:
    assert understand(text, NOW).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "有人把垃圾倒在楼道里",
        "担心下雨的时候水漏进电表箱",
        "电梯门夹到我的包了",
        "地上都是水渍 保洁没拖干净",
        "没有闻到煤气味 就是灶打不着",
        "人行闸机坏了 刷脸没反应",  # 人行 / 人脸 are no person
        "人脸识别没反应",
        "有人刷卡没反应",
        "行人道的地砖翘起来了",
        "廁所沖唔落 水浸到就嚟瀉出嚟",  # about to overflow, not flooding now
        "水快要漫到客厅了",
        "电梯里经常有人抽烟 烟好大",  # someone smoking, not a fire
        "楼道里有人抽烟",
        "厨房刀架坏了",
    ],
)
def test_near_misses_fire_no_emergency_rule(text: str) -> None:
    assert emergency_reason(normalize(text).text) is None


def test_score_in_cantonese_is_not_a_plain_yes() -> None:
    understanding = understand("唔係幾滿意 師傅遲到", NOW)
    assert understanding.slots.get("score") == "2"


@pytest.mark.parametrize(
    "text",
    [
        "客厅淹了 快来人",  # guard: 快来人 is a call for help, not "about to"
        "水管爆了 家里淹了",
        "有人抽烟 垃圾桶冒烟了",  # guard: smoke that burns counts beside a cigarette
        "楼道里有个老人没反应",
    ],
)
def test_guards_stay_emergencies(text: str) -> None:
    assert emergency_reason(normalize(text).text) is not None


def test_habitual_smoking_in_the_lift_is_a_complaint() -> None:
    assert understand("电梯里经常有人抽烟", NOW).intent == "complaint"


@pytest.mark.parametrize(
    "text",
    ["𨋢門夾住咗個阿伯 佢郁唔到", "电梯门夹住了一个阿婆", "大爷摔在楼梯口动不了", "有人在小区里拿着棍子打人",
     "楼下两个人打起来了", "停车场有人斗殴"],
)
def test_more_people_and_violence_are_emergencies(text: str) -> None:
    understanding = understand(text, NOW)
    assert understanding.intent == "emergency", text
    assert understanding.slots.get("category") in ("其他", "电梯")


@pytest.mark.parametrize("text", ["我想打人工客服", "打人家电话没人接", "阿伯在楼下晒太阳", "保安大叔态度很差"])
def test_person_words_alone_raise_no_alarm(text: str) -> None:
    assert emergency_reason(normalize(text).text) is None, text


def test_since_this_morning_is_no_appointment() -> None:
    assert "time" not in understand("整栋楼都没水了 从早上到现在", NOW).slots
    assert understand("师傅早上到", NOW).slots.get("time") == "2026-11-22T09:00"
