"""Intent recognition on made-up hard messages: emergency recall and the near-misses around it.

None of these sentences is in the training corpus or in dev.jsonl; they are what the issue calls
harder language: Cantonese, traditional script, voice text without punctuation, typos, negations.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.nlu import understand
from bot.nlu.normalize import normalize
from bot.nlu.rules import emergency_reason

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")

EMERGENCIES = [
    "救命啊 电梯停在十五楼下不去 里面有我和孩子",
    "𨋢困咗人 仲有个BB喺入面",
    "電梯門打唔開 我哋困咗喺入面成半個鐘",
    "喂 快来人 七栋电梯里面关着个老太太",
    "厨房里好冲的煤气味 我们全家都跑到楼下了",
    "樓道有好大陣煤氣味",
    "对面那栋楼冒浓烟 好像是十几楼着火了",
    "配电房着火了 火苗窜得很高",
    "我家水管爆了 水一直喷 客厅已经淹到脚踝了",
    "屋企水喉爆咗 浸晒成间屋",
    "整栋楼都停电了 有老人在家用呼吸机",
    "我们这栋楼全部停水两天了 一滴水都没有",
    "有个小孩从单车上摔下来 满脸是血",
    "保安快来 门口有人打架 有人受伤了",
    "电梯里困人 打了好几个电话都没人接😭",
    "有人倒在地下车库 叫了也不动",
]

NEAR_MISSES = [
    ("电梯坏了 还好当时没有人在里面", "repair"),
    ("电梯按钮失灵了 按了没反应", "repair"),
    ("电梯运行时噪音很大 有异响", "repair"),
    ("燃气灶打不着火 没有闻到异味", "repair"),
    ("卫生间的水管在渗水 地上湿了一小块", "repair"),
    ("我家停电了 邻居家都有电 是不是跳闸了", "repair"),
    ("屋企跳咗掣 其他人屋企有电", "repair"),
    ("楼上漏水漏到我家天花板 找了他们几次都不管", "complaint"),
    ("电动车在楼道里充电 万一着火怎么办 物业管管吧", "complaint"),
    ("有人从楼上扔了个花盆 差点砸到人 太危险了", "complaint"),
    ("建议在每层楼放个灭火器 以防着火", "suggestion"),
    ("小区消防演练是哪天", "faq"),
    ("电梯天天坏 你们物业到底管不管 我要投诉", "complaint"),
    ("师傅修完的水管又漏了 不满意", "rating"),
]

HARD = [
    ("屋企冇热水 热水炉着唔到", "repair"),
    ("漏睡了 卫生间天花板一直往下滴", "repair"),
    ("那个 嗯 我家 厕所 冲不下去 堵死了", "repair"),
    ("樓上成晚拖櫈 嘈到我瞓唔着", "complaint"),
    ("隔篱屋养咗只狗 日日喺走廊屙尿", "complaint"),
    ("明晚7点有朋友开车嚟 车牌粤B·3F8K9 唔该登记", "visitor_pass"),
    ("下个礼拜六搬屋 要唔要开放行条", "release_permit"),
    ("我屋企管理费仲欠几多钱", "fee_query"),
    ("R20261101005 搞成点", "ticket_status"),
    ("唔该帮我搵个真人", "human"),
    ("唔使派人嚟啦 已经整好咗", "cancel"),
    ("好满意 师傅好细心", "rating"),
    ("管理处几点收工", "faq"),
    ("我想绑定我屋企 3座1502", "bind_unit"),
    ("可唔可以喺大堂摆多几张凳", "suggestion"),
    ("今晚有冇波睇", "other"),
    ("哈啰 在不在", "greeting"),
    ("不用修了 谢谢", "cancel"),
    ("投诉撤回 不用处理了", "cancel"),
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergencies_are_never_missed(text: str) -> None:
    understanding = understand(text, NOW)
    assert understanding.intent == "emergency"
    assert understanding.confident


@pytest.mark.parametrize(("text", "intent"), NEAR_MISSES)
def test_near_misses_are_not_emergencies(text: str, intent: str) -> None:
    assert emergency_reason(normalize(text).text) is None
    assert understand(text, NOW).intent == intent


@pytest.mark.parametrize(("text", "intent"), HARD)
def test_hard_language(text: str, intent: str) -> None:
    assert understand(text, NOW).intent == intent


def test_every_prediction_has_a_confidence_and_two_readings() -> None:
    understanding = understand("物业费怎么交", NOW)
    assert 0.0 <= understanding.confidence <= 1.0
    assert len(understanding.alternatives) >= 2
    assert understanding.alternatives[0] == (understanding.intent, understanding.confidence)
    assert [p for _, p in understanding.alternatives] == sorted((p for _, p in understanding.alternatives),
                                                                reverse=True)
