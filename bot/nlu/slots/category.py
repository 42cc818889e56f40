"""Repair, emergency and complaint categories from the vocabulary of the message.

Each vocabulary is an ordered list: the first category whose words appear wins. The order
encodes what the work order needs: a burst pipe in the car park is a leak (渗漏水) before it is a
shared facility, a lift that traps someone is a lift before it is an electrical fault, a dog
barking at night is a pet problem (养犬宠物) before it is noise. What is broken or happening
outranks where it is: sparks in a corridor are 水电, sewage running towards the lift is 管道堵塞,
someone hurt at the gate is 其他, not 公共设施. Words that contain a category's word are not that
category (电池, 电话 are not 水电; a phone that 打不通 is no 打通 wall). A message that describes a
fault in none of the listed words is 其他; one that describes nothing (我要报修) has no category.
"""

from __future__ import annotations

import re

from bot.nlu.patterns import LATIN_WORD, Bilingual
from bot.nlu.rules import PERSON

_Rules = tuple[tuple[str, Bilingual], ...]


def _rules(*pairs: tuple[str, str]) -> _Rules:
    return tuple((name, Bilingual.compile(pattern)) for name, pattern in pairs)


def _first(rules: _Rules, text: str) -> str | None:
    """The first rule whose words appear (English words only looked for in a text that has some)."""
    if LATIN_WORD.search(text) is None:
        for name, pattern in rules:
            if pattern.chinese.search(text):
                return name
        return None
    for name, pattern in rules:
        if pattern.search(text, True):
            return name
    return None


_GAS = ("燃气", r"燃气|煤气|天然气|液化气|臭鸡蛋味|灶(?:具|台)?.{0,3}(?:打不着|点不着|不着火|打不燃)|炉头"
                r"|(?i:\bgas\b(?!\s*(?:bill|fee|charge|payment|station))|\bstove\b|\bhob\b)")
_LIFT = ("电梯", r"电梯|轿厢|扶梯|(?i:\blifts?\b|elevator)")
_PIPES = r"(?:马桶|下水|地漏|管|池|盆|蹲坑|水槽|便池|厕所|卫生间|排水|污水|化粪|水道|槽|坐便|蹲便)"
_DRAINS = r"(?:马桶|下水道?|地漏|蹲坑|水槽|洗手盆|面盆|便池|化粪池|排水口|坐便|蹲便|洗菜盆|沟|渠)"
_BLOCKED = ("管道堵塞", _PIPES + r".{0,8}(?:堵|不通|下不去|不下水|冲不下去|冲不走|不走水)|堵.{0,4}" + _PIPES
            + r"|" + _DRAINS + r".{0,6}(?:冒|返|反|涌|溢|臭)|(?:去水|下水|排水|走水|落水|出水口).{0,3}(?:慢|不畅|不顺)"
            + r"|疏通|通一下.{0,6}(?:下水|马桶|管|地漏)|通下水|返水|反水|回水|返.?味|反.?味|返臭|倒灌|冒上来|"
              r"返上来|溢出来|冲不下去|冲不下"
              r"|(?:粪水|污水|屎).{0,6}(?:冒|漫|涌|流|溢)"
              r"|(?i:block(?:ed|age)|clog(?:ged)?|not\s+draining|won'?t\s+drain|drain(?:s|ing)?\s+(?:slow|very\s+slow)"
              r"|slow\s+drain|backing\s+up|won'?t\s+flush|doesn'?t\s+flush|overflow)")
_BLOCKED_WEAK = ("管道堵塞", r"堵(?:了|住|死|得)")
_LEAK = ("渗漏水", r"(?<!地)漏(?!电|气|风)|渗|滴水|往下滴|往下流|滴下|滴落|在滴|一直滴|滴到|滴答|滴滴|爆管|爆水管|"
                r"流下来"
                   r"|(?:水管|管子|管道|水喉|暖气管|总阀|阀门|软管).{0,4}(?:爆|裂|破|喷)|一开水?就喷"
         r"|爆裂|水漫|淹|跑水|冒水|喷水|积水|返潮|泡水|进水|防水|湿了|水渍|水印|水.{0,10}(?:灌进|往.{0,4}灌|漫到|漫进|流进|涌进)"
         r"|(?i:leak|drip|water\s+stains?|damp|seep|burst|flood|water\s+(?:everywhere|pouring|coming\s+in)|soaked)")
_SHARED = ("公共设施", r"单元门|楼栋门|门禁|道闸|岗亭|对讲|车库门|小区.{0,2}[东南西北]?门|[东南西北]门"
                       r"|(?<!家里)(?<!我家)(?<!入户)(?<!家的)大门|监控|摄像头"
                       r"|消防栓|灭火器|健身器材|健身区|健身房|跑步机|单杠|游乐|秋千|滑梯|座椅|长椅|井盖|化粪池|水泵|二次供水|信报箱|快递柜"
                       r"|充电.{0,4}桩|喷泉|围墙|栏杆|人脸识别|卷帘?门|车库.{0,4}门|自动门|感应门|旋转门|大堂门|车棚|围挡|太阳能板"
                       r"|(?i:\bbench|playground|\bgym\b|\bgate\b|barrier|intercom|cctv|camera|ev\s+chargers?|charging\s+(?:pile|station)"
                       r"|mailbox|parcel\s+locker|swing|slide|fountain|fence)")
_DOOR = ("门窗门锁", r"门锁|锁芯|锁坏|锁不上|锁舌|钥匙|防盗门|入户门|(?:家里|我家|入户|家的)大门|房门|"
                 r"卧室门|厨房门|卫生间门|推拉门|移门|"
                 r"门把手|门把"
                     r"|拉手|合页|门框|门关不上|门打不开|门.{0,2}卡住|窗(?:户|框|扇|子|锁|玻璃|轨|轮)|落地窗|飘窗|纱窗|门窗|玻璃"
                     r"|的门(?![口禁卡铃岗面])|阳台门|趟门|(?<![电大阀闸卷帘])门(?:坏|关不|锁不|打不开|掉了|歪了|变形)"
                     r"|(?i:\bdoors?\b|\blocks?\b|\blocked\s+out|\bkeys?\b|windows?|sliding)")
_SURFACE = ("墙面地面", r"墙|裂缝|开裂|地砖|瓷砖|地板|空鼓|天花板|吊顶|脱落|起皮|掉皮|发霉|霉斑|石膏线|踢脚线"
                        r"|(?i:crack|\bwalls?\b|\btiles?\b|ceiling|plaster|peeling|mou?ld\b|\bfloor(?!\s*drain))")
_AREA = ("公共设施", r"路灯|楼道|走廊|大堂|电梯厅|楼梯|车库|停车场|地库|绿化|花园|广场|公共|小区里|园区"
                     r"|(?i:corridor|hallway|stairwell|staircase|lobby|car\s*park|garage|basement|street\s*lights?)")
_POWER_WATER = ("水电", r"(?<!来)电(?!话|梯|视|脑|邮|子|影|商|费|动|瓶|池|饭|风扇|磁炉|钻|锤|筒|台|器|竞|玩)|灯|插座"
                        r"|开关|跳了?闸|闸|短路|空开|总闸|线路|电线|水龙头|龙头|没水|没有水|停水|断水|水压|热水器|排气扇|浴霸"
                        r"|电表|水表|水管|花洒|阀门|冲水阀|冲水|水箱|火花|水电|热水|冷水|出水"
                        r"|(?i:power|electric|socket|outlet|switch|lights?\b|bulb|breaker|tripp|fuse|\btaps?\b|faucet|water\s+heater"
                        r"|hot\s+water|no\s+water|water\s+pressure|shower|wiring|(?:exhaust|extractor|ventilation|ceiling)\s+fans?)")

REPAIR: _Rules = _rules(_GAS, _LIFT, _BLOCKED, _LEAK, _SHARED, _DOOR, _SURFACE, _AREA, _BLOCKED_WEAK, _POWER_WATER)

_TRAPPED_LIFT = ("电梯", r"(?:电梯|轿厢).{0,12}"
                         r"(?:困|关在|被关|关了人|关了.{0,3}人|卡在|卡住|夹住|夹到|夹着|出不来|停在半空|悬在|掉下|坠|下坠|冲顶|蹲底)"
                         r"|困.{0,4}电梯|困梯|(?:困|关)在.{0,4}电梯|在电梯(?:里|内)|电梯.{0,4}停在.{0,6}(?:中间|之间|半空)"
                         r"|(?:卡|夹)在电梯门|电梯门.{0,4}(?:夹住|夹到|夹着|卡住)"
                         r"|(?i:(?:stuck|trapped)\s+in(?:side)?\s+(?:the\s+|a\s+)?(?:lift|elevator)"
                         r"|(?:lift|elevator)[^.!?]{0,30}(?:stuck|trapped))")
# Smoke, sparks or a burning smell from the electrics, and wires left bare: the electrics are what is
# broken. Flames (着火, 烧起来) are a fire wherever they are.
_ELECTRIC_DANGER = ("水电", r"(?:配电|电箱|电表|电闸|电制|电井|电缆|电线|线路|插座|插线板|插排|插头|开关|面板|空开|灯)"
                            r"[^。]{0,10}?(?:冒烟|火花|烧焦|焦味|焦糊|冒火|熔|闪)"
                            r"|(?:火花|烧焦|焦味|冒火)[^,.!?。]{0,6}?(?:配电|电箱|电表|电闸|电线|插座|开关)"
                            r"|电线.{0,4}(?:露|外露|掉|垂)"
                            r"|(?i:(?:electrical|electric|fuse|meter|distribution)\s+(?:box|panel|cabinet|room)[^.!?]{0,20}"
                            r"(?:smoke|fire|spark|burn)|(?:smoke|fire|spark|burn)[^.!?]{0,30}(?:electrical|socket|outlet|wiring|fuse))")
# A storm that broke something: the thing broken (a window, the tiles, a shed) is the category.
_STORM = r"(?:台风|风|打风|风球|暴雨)"
_STORM_DOOR = ("门窗门锁", rf"{_STORM}.{{0,16}}?(?:窗|玻璃|门(?!口))|(?:窗|玻璃|门(?!口)).{{0,10}}?{_STORM}"
                          r"|(?i:(?:typhoon|storm|wind).{0,30}(?:window|glass|door))")
_STORM_SURFACE = ("墙面地面", rf"{_STORM}.{{0,12}}?(?:瓷砖|外墙砖|墙皮)|(?:瓷砖|外墙砖|墙皮).{{0,10}}?{_STORM}")
_STORM_SHARED = ("公共设施", rf"(?:围墙|车棚|岗亭|围挡|太阳能板|铁皮|棚|广告牌|路灯|宣传栏|单车棚|雨棚)"
                            rf".{{0,10}}?(?:{_STORM}|掀|吹)"
                            rf"|{_STORM}.{{0,10}}?(?:围墙|车棚|岗亭|围挡|太阳能板|铁皮|棚|广告牌|路灯|宣传栏)")
# Someone hurt by a thing (a barrier arm, a door, a ceiling): the thing is what needs the work.
_HURT_BY_SHARED = ("公共设施", r"(?:单杠|双杠|道闸|闸杆|栏杆|健身器材|秋千|篮球架|岗亭)[^,.!?。]{0,6}?(?:断|砸|夹|"
                           r"倒|压)")
_HURT_BY_DOOR = ("门窗门锁", r"被(?:单元门|防盗门|电子门|门|窗|车库门)[^,.!?。]{0,2}?夹|(?:单元门|门|"
                         r"窗)[^,.!?。]{0,3}?夹(?:住|到|伤)")
_HURT_BY_SURFACE = ("墙面地面", r"(?:天花板|天花|吊顶|墙皮|瓷砖|外墙)[^。]{0,14}?(?:砸到|砸伤|砸中|砸在)")
_HARM = ("其他", r"(?<![抽吸香油食])烟(?![味头花酒草民台囱瘾盒蒂感])|着火|起火|失火|火灾|火警|烧起来|烧着|在烧|"
               r"烧到|冒烟|浓烟"
                 r"|黑烟|明火|火苗|火光|大火|爆炸|烧焦|焦味|焦糊|糊味"
         r"|摔倒|跌倒|跌低|滑倒|摔下|跌落|摔伤|跌伤|受伤|流血|出血|晕倒|挂在.{0,4}(?:窗|阳台|外)|吊住|爬出|昏倒|昏迷|骨折|救护车|120|不省人事|叫不醒|抽搐|没有?呼吸"
         rf"|(?:{PERSON}|他|她).{{0,8}}(?:没反应|动不了|起不来|不动了|叫不醒)|摔(?:在|了一跤|一跤)|羊水破|要生了|快生了|血止不住|吞了|狗.{{0,6}}咬|砸伤|砸到人|被砸|划伤|割伤|烫伤|咬伤|被狗咬|撞到人|被车撞|溺水|跳楼"
         r"|晕过去|昏过去|晕厥|休克|抽筋|口吐白沫|中风|心脏病|心梗|喘不|噎住|噎到|发紫|紫了|误喝|误食|自杀|躺在地上|一动不动|倒着|站不起来|拔不出来"
         r"|打伤|撞人|撞倒|砸倒|砸到|咬人|咬着|疯狗|泼汽油|浇汽油|自燃|着起来|烧了|都是烟味|全是烟味|消防警报|火星"
         r"|刀|棍|砍人|捅人|打人(?![工家民])|打起来|打架|斗殴|互殴|抢劫|追人|行凶|台风|倒塌|坍塌|吹得要掉|随时会?掉"
         r"|(?i:\bfire\b|smoke|flames?|burning|fell|fallen|bleeding|injur|unconscious|fainted|collapsed|ambulance|hurt)")
_SPARKS = ("水电", r"火花|电线|线路|短路|插座|配电|电箱|电表箱|电闸|电井|开关.{0,4}(?:冒|烫|响|焦)")
_OUTAGE = ("水电", r"一滴水.{0,2}(?:没有|出不来)|全黑|一户都没有?电"
                   r"|(?:整栋|全楼|整幢|整个楼|整栋楼|一栋楼|整个小区|全小区|全部|整层|好几栋|这栋|单元).{0,8}"
                   r"(?:停水|停电|没水|没电|断电|断水|没有水|没有电)|触电|漏电")
_SEWAGE = ("管道堵塞", r"(?:化粪池|粪水|粪|污水井|污水|屎|下水道?).{0,8}(?:冒|返|涌|溢|漫|倒灌|往外|流)"
                       r"|(?:冒|涌|返|溢)(?:出|上来)?(?:屎|粪|污|脏)水|(?:化粪池|污水井|粪池).{0,4}(?:满出来|满了|外溢|漫出)"
                       r"|(?:全是|都是)(?:屎|粪|污|脏)水"
                       r"|(?:地漏|马桶|蹲坑).{0,6}(?:冒|返|涌|溢)")
_FLOOD = ("渗漏水", r"水.{0,12}(?:冒|流到|流进|漫|灌|涌|止不住|喷|没过|齐腰|膝盖|往下倒|往下流|泡塌|泡坏)|全是水|"
                 r"都是水|倒灌|淹|泡塌"
                    r"|(?i:burst|flood|water\s+everywhere|water\s+pouring)")
# A whole building or more without water or power, whatever else stopped with it (the lifts).
_WHOLE_OUTAGE = ("水电", r"(?:整栋|全楼|整幢|整座|成座|全座|整个楼|整个大厦|整个单元|整单元|一栋楼|整个小区|全小区|"
                       r"半个小区|好几栋|整层|全栋"
                         r"|这栋楼|我们楼|我们这栋)"
                         r".{0,16}?(?:停水|停电|没水|没电|断电|断水|没有水|没有电|黑了|跳闸|水压没了|一滴)"
                         r"|大停电|大面积停电|全黑|都没有?电|都停电"
                         r"|(?i:(?:whole|entire)\s+(?:building|block|tower|estate|floor)[^.!?]{0,25}(?:no|without|lost)"
                         r"\s+(?:power|electricity|water)|blackout|power\s+(?:cut|outage|failure))")
# What is broken or happening before where it is: gas, a trapped lift, electrics on fire, a whole
# building without power or water, a thing a storm broke or that hurt someone, then harm (fire,
# injury), electrics, sewage, water, the lift as a thing, and the repair vocabulary with its shared
# places last but one.
EMERGENCY: _Rules = _rules(_GAS, _TRAPPED_LIFT, _ELECTRIC_DANGER, _WHOLE_OUTAGE, _STORM_DOOR, _STORM_SURFACE,
                           _STORM_SHARED, _HURT_BY_SHARED, _HURT_BY_DOOR, _HURT_BY_SURFACE, _HARM, _SEWAGE,
                           _LEAK, _FLOOD, _OUTAGE, _SPARKS, _LIFT) + REPAIR

_STAFF = r"(?:保安|物业|客服|前台|管家|师傅|工作人员|门卫|经理|值班|维修工|保洁|门岗)"
COMPLAINT: _Rules = _rules(
    ("高空抛物", r"高空抛物|高空坠物|(?:楼上|往下|往楼下|窗外|窗户|阳台|高空|楼顶).{0,10}(?:扔|抛|丢|倒|泼|砸下)"
                 r"|(?:扔|抛|丢|泼)(?:了)?.{0,8}(?:下来|下去|到楼下|楼下)|(?:阳台|窗台|窗外|楼上).{0,8}(?:花盆|杂物|东西).{0,10}(?:掉|砸)"
                 r"|(?i:(?:threw|throw(?:s|ing|n)?|dropp(?:ed|ing)|tossed|chucked)\b.{0,40}(?:from\s+(?:upstairs|above|the\s+window|a\s+window"
                 r"|the\s+balcony|a\s+balcony)|out\s+(?:of\s+)?the\s+window|off\s+the\s+balcony|down)"
                 r"|from\s+upstairs.{0,20}(?:thrown|threw|dropped)|falling\s+objects?)"),
    ("空调滴水", r"空调.{0,8}(?:滴|漏水|冷凝水|排水|水)|外机.{0,8}(?:滴|水)"
                 r"|(?i:(?:\bac\b|\ba/c\b|air[\s-]?con(?:ditioner|ditioning)?)[^.!?]{0,30}(?:drip|water|leak))"),
    ("养犬宠物", r"狗|犬|猫|宠物|[🐕🐶🐩🐈🐱]|遛狗|拴绳|牵绳|(?<!放)(?<!放我)(?<!放了)鸽子|养鸡|鸡叫|"
             r"养[^,.!?。]{0,4}?(?:鸡|鸭|"
             r"鹅|兔子)"
                 r"|(?i:\bdogs?\b|\bcats?\b|\bpets?\b|puppy|poop|barking|leash)"),
    # staff named with their manner (态度, 吼, 骂): the service, before the noise words it uses (大声)
    ("服务态度", _STAFF + r".{0,10}(?:态度|吼|骂|凶|没礼貌|没有礼貌|不礼貌)"
                 r"|(?i:(?:guard|security|staff|cleaner|manager|receptionist|concierge|front\s+desk|property\s+office)\b"
                 r".{0,30}(?:rude|shout|yell|scream|impolite))"),
    ("住改商", r"住改商|民宿|棋牌|麻将馆|托管班|辅导班|培训班|补习班|开店|开公司|仓库|群租|日租|短租|作坊|工作室|美容院"
               r"|美甲|诊所|做生意|经营|商用|(?:改|变|弄)成了?.{0,5}(?:店|馆|室|房|所|坊|班)"
               r"|开了?(?:个|家|一个|一家).{0,4}(?:店|馆|室|所|班)"
               r"|隔成|隔断|隔了?(?:好多|很多|几)间|分租|二房东|床位|(?:住|租)了?.{0,3}(?:十几|二十|好多|很多|一大堆)(?:个)?人"
               r"|私房菜|在家(?:里)?开(?!音响|空调|灯|派对|party|趴|会|车|门|窗|暖气|电视|麦)|(?i:short[\s-]term\s+rental|airbnb|homestay|hostel|guesthouse"
               r"|(?:running|runs|run)\s+(?:a|an)\s+(?:business|shop|salon|restaurant|clinic|office|class)"
               r"|used\s+as\s+(?:a|an)\s+(?:office|shop|warehouse|hotel)|strangers\s+with\s+suitcases)"),
    ("违章搭建", r"违建|违章|搭建|私搭|乱搭|加建|扩建|阳光房|搭了|盖了|加盖|圈起来|圈占|圈了|占为己有|占用公共"
                 r"|(?:封|围)了?(?:走廊|楼道|天台|过道|公共)|铁门|拆了?承重墙|雨棚|棚子"
                r"|封出去|封到外面|外扩|外推|往外扩|凸出去|(?:阳台|露台|平台|窗).{0,4}(?:封出|扩出|推出|凸出)|加了?[1一]?层|加层|夹层|挖地下室|往下挖"
                r"|(?:楼顶|顶楼|天台|屋顶|露台|院子|花园|绿地).{0,6}(?:加|建|搭|盖|砌|围)|私自.{0,4}(?:加|建|搭|改|封|扩|挖|砌|围)"
                r"|(?:墙|房|户|套|阳台|隔壁)\S{0,6}打通|打通(?=了?.{0,4}(?:墙|房|户|套|阳台|隔壁|承重))"
                r"|加了?(?:个|一个)?.{0,3}(?:笼|棚|房|墙)|铁笼|防盗笼"
                r"|(?i:\bbuilt\b|\bbuilding\s+(?:a|an)\b|\bshed\b|extension|illegal(?:ly)?\s+(?:structure|construction|built|building)"
                r"|enclosed\s+(?:the|his|her|their)\s+balcony|sun\s*room|glass\s+room)"),
    # fire hazards, thefts, reckless riders, missing safety kit: security (strangers let in stay below the staff)
    ("安全秩序", r"着火|起火|火灾|烧起来|逆行|乱窜|超速|开太快|开得太快|开得飞快|车速太?快|飙车|丢了|被偷|被盗|救生员"
                 r"|没锁.{0,8}(?:小孩|孩子)|煤气罐|液化气罐|防火门|灭火器"
                 r"|(?i:stranger|theft|stolen|thie[fv]|burglar|speeding|security\s+(?:risk|issue)|fire\s+(?:exit|door)s?\s+(?:blocked|locked))"),
    # things left in the corridor; unless they rot or stink, which is hygiene
    ("安全秩序", r"^(?!.*(?:垃圾|臭|发霉|霉味|脏))(?:"
                 r".*?(?:自行车|单车|电动车|电瓶车|摩托车|婴儿车|杂物|纸箱|箱子|鞋柜|柜子|旧家具).{0,10}"
                 r"(?:楼道|走廊|楼梯|过道|消防通道|安全出口|电梯)"
             r"|.*?(?:楼道|走廊|楼梯|过道|消防通道|安全出口|电梯).{0,10}(?:自行车|单车|电动车|电瓶车|摩托车|婴儿车|杂物|纸箱|箱子|堆|塞满))"
             r"|电动车.{0,6}(?:上楼|进电梯|推进|充电)|飞线"
             r"|(?i:(?:bikes?|bicycles?|scooters?|e-?bikes?|junk|boxes|stuff|furniture)\b.{0,25}(?:corridor|hallway|stairwell"
             r"|staircase|fire\s+exit|landing)|(?:corridor|hallway|stairwell|fire\s+exit)\b.{0,25}(?:blocked|full\s+of|cluttered))"),
    ("停车", r"停车|车位|挪车|乱停|停在|停到|停满|停了.{0,3}车|(?i:\bpark(?:ed|ing|s)?\b|my\s+(?:spot|space|bay)|"
           r"blocking\s+my\s+car)|(?:外来|外面的?|陌生).{0,2}车|(?:车|车辆).{0,8}(?:停|占|堵|挡)"
             r"|(?:堵|挡)(?:住|了)?.{0,6}(?:车库|车道|出口|路口)"),
    ("噪音", r"吵|噪音|噪声|扰民|跳绳|电钻|电锤|冲击钻|切割机|砸墙|砸地|在砸|开始砸|装修.{0,6}(?:声|响|钻|敲|砸)|装修声"
             r"|敲(?!门)|咚咚|拍球|篮球|广场舞|音响|喇叭|唱歌|唱到|唱K|K歌|KTV|卡拉OK|派对|聚会|party|蹦迪|打鼓|架子鼓|弹琴|钢琴|乐器|剁"
             r"|(?i:nois[ey]|loud|drilling|\bmusic\b|banging|stomping|karaoke|can'?t\s+sleep|shout|scream|yell)"
             r"|麻将声|洗麻将"
           r"|洗衣机|甩干|咣|哐|砰|嘭|轰隆|震得|震动|拖(?:椅子|凳子|桌子|家具)|拖凳|高跟鞋|跺|蹦|跑来跑去|声音.{0,4}大|大声|喧哗|睡不着|闹腾|吵闹|闹哄哄"),
    ("服务态度", r"态度|不耐烦|凶|骂|挂(?:了|我)?电话|给挂了|爱答不理|不理不睬|没人理|不理人|推诿|推脱|踢皮球|素质|"
             r"敷衍|礼貌"
                 r"|放(?:了)?(?:我)?鸽子|爽约|失约|太慢|这么慢|那么慢|这么久才|这么耐|咁耐|才到|才来|先来|效率|刮花|弄坏|弄脏|损坏|弄碎|不承认"
                 r"|(?:没|冇|不)(?:有)?人?巡(?:逻|楼)|(?:没|不)(?:有)?回(?:电话|复|消息)|说.{0,6}回电话|等了.{0,4}(?:天|个小时|礼拜|星期).{0,6}(?:没|不)"
                 r"|(?i:\brude\b|attitude|shouted|yelled|impolite|unprofessional|ignored\s+(?:me|us|my)|hung\s+up|slow\s+to\s+respond)"
                 r"|不作为|不管不问|乱收费|嫌这嫌那|甩脸|摆脸色|拖拖拉拉|推三阻四"
             r"|理都不理|爱理不理|不搭理|不理我|没人管|不回复|不回消息|已读不回|没人接|不接电话|打不通|打了?(?:好多|几)次.{0,4}没人"
             r"|(?:保安|物业|客服|前台|管家|师傅|工作人员|门卫|经理|值班).{0,8}(?:玩手机|刷手机|看手机|打瞌睡|睡觉|聊天|刷视频|刷抖音|看视频|不在岗|离岗|脱岗|喝酒|抽烟|吸烟)"),
    ("其他", r"物业费.{0,12}(?:涨|贵|高)|拿钱不干活|收钱不办事|收钱不干活|服务.{0,4}(?:越来越)?差"),
    ("环境卫生", r"垃圾(?!物业|服务|公司|管理|客服|保安)|(?<!怒)臭(?!骂)|脏|卫生(?!间)|保洁|打扫|清洁|清扫|蟑螂|"
             r"老鼠|蚊子|苍蝇|污水|粪|尿|异味|杂草|落叶|积水|油烟"
                 r"|烟味|熏|烟囱|草坪|草地|绿化|打理"
                 r"|(?i:garbage|trash|rubbish|stinks?|smell|dirty|filthy|cockroach|\brats?\b|\bmice\b|not\s+(?:been\s+)?cleaned"
                 r"|cigarette)"),
    ("安全秩序", r"消防通道|杂物|堆放|堆满|堆了|充电|飞线|陌生人|小偷|被盗|失窃|偷|不安全|安全隐患|推销|小广告|贴广告"
                 r"|发传单|打架|闹事|醉酒|隐患|形同虚设|随便进|不登记|放进来"),
)

# A description of a fault in words none of the lists name: 其他 rather than nothing.
_FAULT = re.compile(r"坏|不亮|不转|不动|断了|掉了|卡住|松了|松动|响|失灵|故障|不灵|不好使|打不开|关不上|打不着|"
                    r"没反应|拧不动|"
                    r"不(?:凉|冷|冻|制冷|制热|热|暖|出风|出水|出热水|启动|运转|工作|好用|通电)|没(?:声音|信号|画面|热水)|"
                    r"[弹打关拉推锁插拔拧转按升降合扣收放冲抽开充]不(?:起来|下来|上去|上来|进去|出来|回去|回来|动|开|上|下|紧|严|着|进|出)|"
                    r"摇不下来|脱落|生锈|破了|不出|不工作|不能用|用不了|歪了|倒了|塌|变形|鼓包|异味|掉下来|掉了下来|不走了|识别不了|刷不了|充不上")


def extract_category(text: str, intent: str) -> str | None:
    """The category for ``intent`` (repair, emergency or complaint), None for other intents or no detail."""
    if intent == "complaint":
        found = _first(COMPLAINT, text)
        if found is not None:
            return found
        stripped = re.sub(r"我要|我想|要|投诉|一下|物业|你们|[\s,.!?。、~]", "", text)
        return "其他" if len(stripped) >= 7 else None
    if intent not in ("repair", "emergency"):
        return None
    found = _first(EMERGENCY if intent == "emergency" else REPAIR, text)
    if found is not None:
        return found
    if intent == "emergency" or _FAULT.search(text):
        return "其他"
    return None
