"""Repair, emergency and complaint categories from the vocabulary of the message.

Each vocabulary is an ordered list: the first category whose words appear wins. The order
encodes what the work order needs: a burst pipe in the car park is a leak (渗漏水) before it is a
shared facility, a lift that traps someone is a lift before it is an electrical fault, a dog
barking at night is a pet problem (养犬宠物) before it is noise. A message that describes a fault
in none of the listed words is 其他; one that describes nothing (我要报修) has no category.
"""

from __future__ import annotations

import re

_Rules = tuple[tuple[str, re.Pattern[str]], ...]


def _rules(*pairs: tuple[str, str]) -> _Rules:
    return tuple((name, re.compile(pattern)) for name, pattern in pairs)


_GAS = ("燃气", r"燃气|煤气|天然气|液化气|灶(?:具|台)?.{0,3}(?:打不着|点不着|不着火|打不燃)")
_LIFT = ("电梯", r"电梯|轿厢|扶梯")
_PIPES = r"(?:马桶|下水|地漏|管|池|盆|蹲坑|水槽|便池|厕所|卫生间|排水|污水|化粪|水道|槽|坐便|蹲便)"
_BLOCKED = ("管道堵塞", _PIPES + r".{0,8}(?:堵|不通|下不去|不下水|冲不下去|冲不走|不走水)|堵.{0,4}" + _PIPES
            + r"|下水慢|疏通|返水|反水|回水|返味|反味|倒灌|冒上来|溢出来|冲不下去")
_BLOCKED_WEAK = ("管道堵塞", r"堵(?:了|住|死|得)")
_LEAK = ("渗漏水", r"(?<!地)漏(?!电|气|风)|渗|滴水|往下滴|滴下|滴落|在滴|一直滴|滴到|爆管|水管.{0,4}(?:爆|裂|破|喷)|爆裂|水漫|淹|跑水|冒水|喷水|积水|返潮|泡水")
_SHARED = ("公共设施", r"单元门|楼栋门|门禁|道闸|岗亭|对讲|车库门|小区.{0,2}[东南西北]?门|[东南西北]门|大门|监控|摄像头|消防栓|灭火器|健身器材|游乐|秋千|滑梯|座椅|长椅|井盖|化粪池|水泵|二次供水|信报箱|快递柜|充电桩|喷泉|围墙|栏杆")
_DOOR = ("门窗门锁", r"门锁|锁芯|锁坏|锁不上|锁舌|钥匙|防盗门|入户门|房门|卧室门|厨房门|卫生间门|推拉门|移门|门把手|把手|合页|门框|门关不上|门打不开|门.{0,2}卡住|窗(?:户|框|扇|子|锁|玻璃)|纱窗|门窗|玻璃")
_SURFACE = ("墙面地面", r"墙|裂缝|开裂|地砖|瓷砖|地板|空鼓|天花板|吊顶|脱落|起皮|掉皮|发霉|霉斑|石膏线|踢脚线")
_AREA = ("公共设施", r"路灯|楼道|走廊|大堂|电梯厅|楼梯|车库|停车场|地库|绿化|花园|广场|公共|小区里|园区")
_POWER_WATER = ("水电", r"(?<!来)电(?!话|梯|视|脑|邮|子|影|商|费|动车|瓶)|灯|插座|开关|跳了?闸|闸|短路|空开|总闸|线路|电线|水龙头|龙头|没水|停水|断水|水压|热水器|排气扇|浴霸|电表|水表|水管|花洒|阀门|火花|水电|热水|冷水|出水")

REPAIR: _Rules = _rules(_GAS, _LIFT, _BLOCKED, _LEAK, _SHARED, _DOOR, _SURFACE, _AREA, _BLOCKED_WEAK, _POWER_WATER)

_TRAPPED_LIFT = ("电梯", r"(?:电梯|轿厢).{0,12}(?:困|关在|被关|卡在|卡住|出不来|停在半空|悬在|掉下|坠|下坠|冲顶|蹲底)|困.{0,4}电梯|(?:困|关)在.{0,4}电梯")
_HARM = ("其他", r"着火|起火|失火|火灾|火警|烧起来|烧着|冒烟|浓烟|黑烟|明火|爆炸|摔倒|跌倒|受伤|流血|出血|晕倒|昏倒|昏迷|骨折|救护车|120|不省人事|砸伤|砸到人|被砸|台风|倒塌|塌了|坍塌")
_OUTAGE = ("水电", r"(?:整栋|全楼|整幢|整个楼|整栋楼|一栋楼|整个小区|全小区|全部|整层|好几栋).{0,8}(?:停水|停电|没水|没电|断电|断水|没有水|没有电)|触电|漏电")
_FLOOD = ("渗漏水", r"水.{0,8}(?:冒|流到|漫|止不住|喷)|全是水|都是水|倒灌|淹")
EMERGENCY: _Rules = _rules(_GAS, _TRAPPED_LIFT, _HARM, _OUTAGE, _LEAK, _FLOOD, _LIFT) + REPAIR

COMPLAINT: _Rules = _rules(
    ("高空抛物", r"高空抛物|高空坠物|(?:楼上|往下|往楼下|窗外|窗户|阳台|高空|楼顶).{0,10}(?:扔|抛|丢|倒|泼|砸下)|(?:扔|抛|丢|泼)(?:了)?.{0,8}(?:下来|下去|到楼下|楼下)"),
    ("空调滴水", r"空调.{0,8}(?:滴|漏水|冷凝水|排水|水)|外机.{0,8}(?:滴|水)"),
    ("养犬宠物", r"狗|犬|猫|宠物|遛狗|拴绳|牵绳|鸽子|养鸡|鸡叫"),
    ("住改商", r"住改商|民宿|棋牌|麻将馆|托管班|辅导班|培训班|补习班|开店|开公司|仓库|群租|日租|短租|作坊|工作室|美容院|美甲|诊所|做生意|经营|商用|(?:改|变|弄)成了?.{0,5}(?:店|馆|室|房|所|坊|班)|开了?(?:个|家|一个|一家).{0,4}(?:店|馆|室|所|班)"),
    ("违章搭建", r"违建|违章|搭建|私搭|乱搭|加建|扩建|阳光房|搭了|盖了|加盖|圈起来|圈占|圈了|占为己有|占用公共|(?:封|围)了?(?:走廊|楼道|天台|过道|公共)|铁门|打通|拆了?承重墙|雨棚|棚子"),
    ("停车", r"停车|车位|挪车|乱停|停在|停到|(?:外来|外面的?|陌生).{0,2}车|(?:车|车辆).{0,8}(?:停|占|堵|挡)|(?:堵|挡)(?:住|了)?.{0,6}(?:车库|车道|出口|路口)"),
    ("噪音", r"吵|噪音|噪声|扰民|跳绳|电钻|电锤|冲击钻|切割机|砸墙|砸地|在砸|开始砸|装修.{0,6}(?:声|响|钻|敲|砸)|装修声|敲|咚咚|拍球|广场舞|音响|喇叭|唱歌|声音.{0,4}大|大声|喧哗|睡不着|闹腾|吵闹|闹哄哄"),
    ("服务态度", r"态度|不耐烦|凶|骂|挂(?:了|我)?电话|给挂了|爱答不理|不理不睬|没人理|不理人|推诿|推脱|踢皮球|素质|敷衍|不作为|不管不问|乱收费|嫌这嫌那|甩脸|摆脸色|拖拖拉拉|推三阻四"),
    ("其他", r"物业费.{0,12}(?:涨|贵|高)|拿钱不干活|收钱不办事|收钱不干活|服务.{0,4}(?:越来越)?差"),
    ("环境卫生", r"垃圾|臭|脏|卫生|保洁|打扫|清洁|清扫|蟑螂|老鼠|蚊子|苍蝇|污水|粪|尿|异味|杂草|落叶|积水|油烟"),
    ("安全秩序", r"消防通道|杂物|堆放|堆满|堆了|充电|飞线|陌生人|小偷|被盗|失窃|偷|不安全|安全隐患|推销|小广告|贴广告|发传单|打架|闹事|醉酒|隐患|形同虚设|随便进|不登记|放进来"),
)

# A description of a fault in words none of the lists name: 其他 rather than nothing.
_FAULT = re.compile(r"坏|不亮|不转|不动|断了|掉了|卡住|松了|松动|响|失灵|故障|不灵|不好使|打不开|关不上|打不着|没反应|拧不动|"
                    r"摇不下来|脱落|生锈|破了|不出|不工作|不能用|用不了|歪了|倒了|塌|变形|鼓包|异味")


def extract_category(text: str, intent: str) -> str | None:
    """The category for ``intent`` (repair, emergency or complaint), None for other intents or no detail."""
    if intent == "complaint":
        for name, pattern in COMPLAINT:
            if pattern.search(text):
                return name
        stripped = re.sub(r"我要|我想|要|投诉|一下|物业|你们|[\s,.!?。、~]", "", text)
        return "其他" if len(stripped) >= 6 else None
    if intent not in ("repair", "emergency"):
        return None
    rules = EMERGENCY if intent == "emergency" else REPAIR
    for name, pattern in rules:
        if pattern.search(text):
            return name
    if intent == "emergency" or _FAULT.search(text):
        return "其他"
    return None
