"""The rules over the classifier, class by class: emergency triggers and their not-now guards, and the
context rules (a greeting before a request, a room in a complaint, a planned outage, a verdict first).

Every sentence here was written for this file; none comes from an evaluation set.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import understand
from bot.nlu.normalize import normalize
from bot.nlu.rules import about_binding, emergency_reason, small_talk

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")


def fires(text: str) -> bool:
    return emergency_reason(normalize(text).text) is not None


@pytest.mark.parametrize(
    "text",
    [
        # a person inside a lift that is named first
        "电梯停了我老婆在里面",
        "3号电梯不动了，里面一家三口",
        "困梯呀，快啲",
        "𨋢门打唔开，我个女喺入面",
        # gas escaping, gas that stinks
        "液化气好臭啊，是不是漏了",
        "灶台关了火但是气还在冒，阀门关不上",
        # fire spreading
        "隔壁的火已经烧到我家门口",
        "走廊嘅电表箱著火",
        # water: pipes drilled through, a ceiling pouring, water at the lights, a valve that won't shut
        "楼上打孔打穿了水管，水哗哗往下流",
        "卫生间天花板哗哗地往下流水",
        "水从吸顶灯那里流下来",
        "水表爆了阀门关不住",
        "储水罐爆了，水流得满地都是",
        "一楼大堂全是污水",
        "雨水往屋里灌，窗户被吹开了",
        # a whole estate or building without power, someone on a machine that needs it
        "成个屋苑冇电",
        "整个小区停电了",
        "停电了，我爸在用呼吸机",
        # people hurt or in danger
        "有个小朋友爬出阳台外面了",
        "两个人打架，都见血了",
        "健身器材倒下来砸到了一个老人",
        "有人掉进了没盖的井里",
        "我爸在厨房滑倒了，头磕破了",
        "奶奶摔了一跤，现在人迷迷糊糊的",
        # storms
        "台风把保安亭吹歪了",
        "大风把工地的围挡吹得快倒了",
        # emoji alone
        "🆘🆘",
        "🔥🔥 5栋",
    ],
)
def test_emergency_triggers(text: str) -> None:
    assert fires(text)
    assert understand(text, NOW).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # over, a mistake, a drill
        "刚才有点燃气味，开了窗现在没味了",
        "是我搞错了，那是隔壁炖汤的味道",
        "消防演练放的烟，大家不用担心",
        # smoke with an everyday source
        "楼下有人在烧纸钱，烟好大",
        "对面饭店的烟囱一直冒黑烟",
        # a stove's flame, a question about one
        "灶头火苗发黄是不是要调一下",
        "闻到煤气味的时候应该先做什么",
        # hypotheses and consequences
        "比如台风把窗户吹坏了，物业管不管",
        "阳台上那排花盆掉下来会砸伤人的",
        "纸箱堆在楼道里，迟早着火",
        # checked and found safe, some day in the future
        "刚才燃气表那里有点味道，燃气公司测过说没漏",
        "楼道里停满电动车，哪天着火就麻烦了",
        # a ticket about it, a theft of a bike
        "燃气泄漏那个单子处理好了吗",
        "有人在撬单车锁",
        # a blocked sink backing up is a blocked drain
        "洗碗池下水道堵了，脏水倒灌上来",
    ],
)
def test_emergency_near_misses(text: str) -> None:
    assert not fires(text)


def test_a_question_about_gas_is_not_a_negation() -> None:
    assert fires("厨房好大的煤气味，是不是漏气了")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你好", True),
        ("好的谢谢啦", True),
        ("请问你们这个机器人能帮我做些什么", True),
        ("问题都解决了，谢谢你们", True),  # thanks said last
        ("你好，我家卫生间的灯不亮了，麻烦派人看看", False),
        ("哈喽 楼上漏水漏到我家客厅了", False),
    ],
)
def test_small_talk(text: str, expected: bool) -> None:
    assert small_talk(normalize(text).text) is expected


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("您好，我想约个师傅明天来修热水器", "repair"),
        ("你好你好，阳台门锁坏了", "repair"),
    ],
)
def test_a_greeting_before_a_request_is_the_request(text: str, intent: str) -> None:
    assert understand(text, NOW).intent == intent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("赵晓明", True),
        ("13912345678", True),
        ("9栋2单元1101 王芳 13800001111", True),
        ("我要绑定房子", True),
        ("我是6栋1203的业主，楼下天天晚上在阳台烧烤，烟都进我家了", False),
    ],
)
def test_about_binding(text: str, expected: bool) -> None:
    assert about_binding(normalize(text).text) is expected


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我是6栋1203的业主，楼下天天晚上在阳台烧烤，烟都进我家了", "complaint"),
        ("后天要停电吗", "faq"),
        ("下周二停水是全天吗", "faq"),
        ("很差，修了一半人就走了", "rating"),
        ("不满意，第二天又漏了", "rating"),
        ("刚才停了一会电，现在好了，是什么原因", "faq"),
        ("取消一下我的视频会员", "other"),
        ("那张报修单可以关掉了", "cancel"),
        ("转个客服", "human"),
        ("物业送的水费单什么时候出", "fee_query"),
    ],
)
def test_context_rules(text: str, intent: str) -> None:
    assert understand(text, NOW).intent == intent


@pytest.mark.parametrize("text", ["想办个停车月卡，怎么弄，一个月多少钱", "申请门禁卡要带什么", "装修许可证在哪办"])
def test_how_to_get_a_card_or_permit_is_a_procedure_not_the_bill(text: str) -> None:
    assert understand(text, datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))).intent == "faq"


def test_a_near_miss_by_a_whisker_is_not_an_emergency() -> None:
    text = normalize("刚才楼上扔下来一个啤酒瓶，在我老婆脚边炸开了，差一点就砸到人，请你们调监控查出是谁扔的").text
    assert emergency_reason(text) is None
