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
        # words that contain 电 are not 水电
        ("门铃不响了 电池换过了", "其他"),
        ("电动晾衣架升不上去", "其他"),
        ("电话联系我 插座没电了", "水电"),  # guard: 电话 aside, 没电 is still 水电
        ("电梯按钮没反应", "电梯"),
        # drains that rise, smell or run slowly are blocked, not leaking
        ("地漏返臭味 往上冒水", "管道堵塞"),
        ("洗手盆去水好慢", "管道堵塞"),
        ("马桶冲唔落", "管道堵塞"),
        ("水管接头冒水", "渗漏水"),  # guard: a pipe that spurts leaks
        ("管子爆了 水顺着墙往下流", "渗漏水"),
        # a fault in words no list names is still a fault
        ("冰箱不凉了", "其他"),
        ("冷气唔冻", "其他"),
        ("按压式水龙头弹不起来", "水电"),  # guard: the thing named still decides
        ("马桶盖弹不起来", "其他"),
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
        # what is happening outranks where it is
        ("小孩从单车上摔下来 在小区门口", "其他"),
        ("大堂有人拿刀", "其他"),
        ("有人拿着刀在小区里追人", "其他"),
        ("烧焦味 整个楼道都是", "其他"),
        ("电梯里好大的烟", "其他"),
        ("走廊电线冒火花", "水电"),
        ("化粪池冒上来了 往电梯那边流", "管道堵塞"),
        ("管子爆了 水顺着墙往我家灌 一直漫到卧室", "渗漏水"),
        ("地下车库进水了 水已经漫到电梯口了", "渗漏水"),
        ("楼上漏水 滴到我家电表箱", "渗漏水"),
        ("整栋楼停电了 电梯按了没反应", "水电"),  # guard: 没反应 of a button is no person hurt
        ("电梯困人 里面有个老人没反应", "电梯"),  # guard: a trapped lift stays a lift
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
        ("前台的人理都不理", "服务态度"),
        ("保安上班时间一直在玩手机", "服务态度"),
        ("客服电话打唔通 打通咗又冇人理", "服务态度"),  # 打通 of a phone is no wall knocked through
        ("楼上天天晚上拍篮球", "噪音"),
        ("隔壁开派对到两点", "噪音"),
        ("楼上唱K唱到半夜", "噪音"),
        ("楼上洗衣机半夜咣咣响", "噪音"),
        ("对门把房子隔成好多间租出去", "住改商"),
        ("楼下把阳台封出去了", "违章搭建"),
        ("楼顶私自加了一层", "违章搭建"),
        ("楼下把两套房打通了", "违章搭建"),
        ("楼道堆满纸箱和旧自行车 消防通道都堵了", "安全秩序"),
        ("电动车推进电梯上楼充电", "安全秩序"),
        ("外面的车乱停 把路都堵死了", "停车"),  # guard: cars stay 停车
        ("电梯里经常有人抽烟", "其他"),
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
