"""High-precision rules on top of the classifier, where a statistical guess is not good enough.

- Emergency must never be missed: a trapped lift, gas, fire or smoke, a burst pipe flooding, a
  whole building without water or power, someone hurt. Each trigger is checked for negation and
  for hypotheticals (没有困人, 万一着火, 火灾隐患), which are near-misses, not emergencies.
- Cancel and rating depend on what was said before; without that context they are recognised
  only from unmistakable words, and a question about cancelling (怎么取消自动扣费) is not one.
- Explicit requests for a human are honoured (转人工), but 人工费 is a price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Each pattern marks its deciding word as group ``k`` (or k2, k3 …): negation is looked for right
# before it (没有困人, 没有闻到煤气味) as well as before the whole match. Gaps are lazy, so the
# first deciding word after the subject is the one judged.
_SMOKE = r"(?<![抽吸香油食])烟(?![味头花酒草民台囱瘾盒蒂])"
# Someone smoking (电梯里经常有人抽烟, 烟味) is a complaint: with these words only smoke that is
# clearly burning (冒烟, 浓烟, 黑烟) counts.
_CIGARETTES = re.compile(r"抽烟|吸烟|烟头|香烟|烟蒂|二手烟|烟民|抽完|吸完|在抽|烟瘾|烟灰")
_BURNING_SMOKE = re.compile(r"冒.{0,3}烟|浓烟|黑烟|烟雾弥漫|滚滚|着火|起火|火苗|明火")
# A bare 人 is a person, but not in 人行闸机, 人脸识别, 人工, 行人道.
PERSON = (  # words for a person, in rules here and in the category of an emergency
r"(?:人(?![行脸工道])|老人|老人家|小孩|孩子|小朋友|宝宝|婴儿|工人|伯伯|阿姨|婆婆|爷爷|奶奶|老太太|老伯|业主|住户|路人"
           r"|我妈|我爸|我儿子|我女儿|阿伯|阿婆|阿公|阿嬷|阿爷|阿嫲|大爷|大妈|大叔|老头|老太|小伙子|细路|孕妇|保洁|保安|邻居|快递员|外卖员)")
_EMERGENCY_TRIGGERS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        # someone trapped in a lift
        r"(?:电梯|轿厢).{0,20}?(?:里面|里边|里头|入面|内).{0,12}?(?P<k>有人|有个|有我|还有|人在|出不|喊|困(?!扰|难|惑|倦)|关着)",
        r"(?:我|人|孩子|小孩|老人|他|她|我们)(?:被困在|困在|被关在|关在|卡在)(?P<k>.{0,6}?电梯)",
        r"(?:我|人|孩子|小孩|老人|他|她|我们)在.{0,6}?电梯(?:里|内|入面).{0,24}?(?P<k>不动|停了|打不开|出不|卡住|困|没人应|没反应)",
        r"(?:电梯|轿厢).{0,14}?(?P<k>困(?!扰|难|惑|倦)|关人|关着(?:[一两二三四五几]个|好几个|好多|很多)?人|被关|夹到人|夹住人|出不去|出不来|往下掉|掉下去|掉了一截|下坠|坠落|冲顶|冲到顶|冲上顶|蹲底|蹲到底"
        r"|(?:停|卡)?在.{0,10}?(?:中间|之间|半空))",
        r"(?P<k>困.{0,4}?电梯|电梯困人|困人|被困(?!扰|难|惑)|困住)",
        # gas or fuel
        r"(?:煤气|燃气|天然气|液化气).{0,20}?(?P<k>味|泄漏|泄露|漏气|漏了|在漏|报警(?!器)|警报(?!器)|报警器.{0,6}?(?:响|叫|鸣|滴|闪))|(?P<k2>闻到).{0,8}?(?:煤气|燃气|天然气|液化气)"
        r"|(?P<k3>汽油味|漏油.{0,4}?味)",
        r"(?:煤气|燃气|天然气|液化气)(?:管|喉|软管|阀门|罐|瓶|表).{0,6}?(?P<k>破|穿|断(?!气)|裂|爆|脱|甩|嘶嘶|呲呲|冒气|噴|喷)",
        r"(?P<k>闻着|闻起来|一股|有股|好浓的|好重的|很重的|很浓的).{0,6}?(?:煤气|燃气|天然气|液化气)",
        # fire and smoke
        r"(?P<k>(?<![不打])着火|起火|失火|火灾|火警(?![铃器])|烧起来|烧着了|(?<![睡])着起来|自燃|扑不灭|灭不了火|火越烧越大|明火|(?<!灶的)(?<!灶)火苗|冒火星|火星子|冒出火|冒火花|烧(?:胶|塑料|电线|橡胶)的?味|火光|爆炸|大火|火越来越大|火很大|火好大|烧焦|焦糊|焦味|糊味)",
        r"(?:锅|油烟机|烟机|灶|窗帘|沙发|被子|床|电动车|电瓶车|电暖器|取暖器|插头|插座|电线|电器)(?:里|上)?.{0,2}?(?P<k>着了|烧着|烧起来)",
        r"(?:消防警报|火警铃|火警|烟感|烟雾报警器|报警器).{0,8}?(?:响|叫|鸣).{0,12}?(?P<k>烟|焦|火)",
        rf"(?P<k>(?:全是|都是|好多|好大|很多|很大|满是|一直有|有|大|浓){_SMOKE}|{_SMOKE}.{{0,3}}?(?:很大|好大|越来越大|冒|往上|进来|从)|冒.{{0,3}}?{_SMOKE})",
        r"火花.{0,10}?(?P<k>噼里啪啦|一直|不停|还在|焦|烟)|(?P<k2>噼里啪啦).{0,6}?火花",
        # burst pipe or water / sewage spreading
        r"(?<![排下凝去])(?:水管|管道|管子|总阀|阀门|暖气管|暖气片|水喉|消防管|消防栓|喷淋|进水管)(?!费).{0,6}?(?P<k>爆|破裂|裂开|喷|崩开|崩了|断了|脱了|甩了|飙)|(?P<k2>爆管)",
        r"(?:家|屋|房间|客厅|卧室|地下室|车库|地库|楼道|大堂|电梯井).{0,6}?(?<!快要)(?<!就要)(?<!将要)(?<!就来)(?<!快)(?P<k>淹|水漫|进水了)(?![^,.!?。]{0,4}?(?:就来|就要|快要|将要))|(?<!快要)(?<!就要)(?<!将要)(?<!就来)(?<!快)(?P<k2>淹了|被淹|水淹|水漫)(?![^,.!?。]{0,4}?(?:就来|就要|快要|将要))"
        r"|(?:地下室|车库|地库|楼道|大堂|电梯井|电梯里|整个客厅|整个家|整个房间|整个屋).{0,6}?(?P<k3>全是水|都是水)(?![渍印迹珠汽])"
        r"|(?:水|屎|粪).{0,10}?整个(?:厕所|卫生间|厨房|客厅|家|屋|房间|大堂|车库|地下室)(?P<k4>都是|全是)(?![渍印迹珠汽])",
        r"(?<![龙水])水(?![龙压费表])[^,.!?。]{0,4}?(?P<k>喷得|喷出|像喷泉|飙出|射出|漫过|淹过|齐腰|到膝盖|到小腿)|(?P<k2>没过(?:脚|膝|腰|小腿|轮胎|车)|到脚踝|齐膝)",
        r"(?:灯|插座|开关|电线|电器|电箱|电表)[^,.!?。]{0,10}?水[^,.!?。]{0,8}?(?P<k>滋滋|噼啪|火花|冒烟|冒火)",
        r"(?P<k>还在喷|喷个不停|一直往外喷|不停地?往外喷|往外直喷|喷得到处都是|止不住地?喷)|(?<!快要)(?<!就要)(?<!将要)(?<!就来)(?<!快)(?P<k2>漫到|流到|淹到|浸到|漫进|流进|冲进)(?:了)?(?:卧室|客厅|房间|大堂|楼道|电梯|屋里|家里|楼下|电箱)",
        r"(?:车|车子).{0,4}?(?P<k>泡了|被泡|被淹)|(?:化粪池|污水井|粪水|污水|屎水).{0,8}?(?P<k2>冒出|满地|漫|往外冒|倒灌|往外涌|涌出|不停涌|一直涌|溢出来)|(?P<k3>倒灌)",
        # a whole building or more without water or power
        r"(?:整栋|全楼|整幢|整座|成座|全座|整个楼|整个大厦|整个单元|整单元|一栋楼|整个小区|全小区|好几栋|整层|全栋|这栋楼|这个楼|我们楼|我们这栋)"
        r".{0,16}?(?P<k>停水|停电|没水|没电|断电|断水|没有水|没有电|黑了|都停了|全停了)",
        r"(?:单元|楼|栋|幢|小区|几层).{0,6}?(?:全部|全都|都|全)(?P<k>停水|停电|没水|没电|断电|断水|没有水|没有电|黑了)",
        # someone hurt or in danger
        r"(?P<k>摔倒|跌倒|晕倒|昏倒|昏迷|受伤|流血|流紧血|出血|血止不住|止不住血|血流不止|骨折|羊水破|要生了|快生了|不省人事|救护车|抽搐|没有?呼吸|砸伤|砸到人|触电|溺水|救命|跳楼|要跳下去"
        r"|(?:拿|持|提|举|握|挥|抡|揣)着?(?:一?把)?(?:菜刀|砍刀|水果刀|西瓜刀|刀子|刀|斧头|铁棍|钢管|棍子|木棍|棍棒|棒子|球棒)|晕过去|昏过去|晕厥|休克|抽筋|口吐白沫|(?<![空楼道当])中风|心脏病(?:发|犯)|心梗|喘不上气|喘不过气|呼吸困难|噎住|噎到|发紫|紫了|误喝|误食|割腕|自杀|烫伤|烧伤|被电(?![话视梯脑费])|电麻|(?<!充)电了一下|带电(?![池脑视话梯瓶])|被砸|砸(?:到|中|伤)了?.{0,4}?头|撞人|打伤|要杀|杀人了|砍死|(?:在|正在)撬|撬.{0,6}?门.{0,8}?还在|泼汽油|浇汽油|倒汽油|(?:条|只)蛇(?!皮)|蛇爬|疯狗|(?:腿|头|手|脚|腰|手指|脑袋)(?:被|给).{0,6}?(?:砸|撞|压|夹|割|烫|烧)|打(?:一个|个|那个)(?:女的|男的|小孩|老人|人(?![工行脸道]))|砍人|捅人|打人(?![工家民])|打起来了|斗殴|互殴|砍伤|捅伤|追砍|抢劫|被车撞|快来人啊|快来人呀|来人啊|快来救|撞到人|被电到|电到人|被狗咬|咬伤|跌落|摔下来|跌低)",
        rf"{PERSON}(?:(?!刷|按|卡|闸|屏|键|码|灯|遥控|手机|电话|消息|微信|机).){{0,10}}?(?P<k>动不了|叫不醒|没反应|不动了|一动不动|起不来|动不到)",
        rf"{PERSON}(?!的)[^,.!?。]{{0,4}}?被[^,.!?。]{{0,6}}?(?P<k>撞|砸)|(?P<k2>撞倒|砸倒)了?(?:个|一个)?{PERSON}|把(?:个|一个)?{PERSON}(?P<k3>撞|砸|压)(?:倒|伤|到|住)",
        rf"{PERSON}(?!的).{{0,4}}?(?:挂|吊|悬|站|爬|坐|蹲)(?:在|到|上)了?.{{0,4}}?(?P<k>窗台|阳台外|窗外|防盗网|栏杆外|天台边|楼顶边|外墙)",
        rf"{PERSON}(?:晕|昏|摔|跌|瘫)?(?P<k>倒在)(?!.{{0,8}}?(?:垃圾|污水|脏水|剩饭|杂物|东西))",
        rf"(?:电梯|轿厢|电梯门|门).{{0,4}}?(?P<k>夹住|夹到|夹着)(?:了)?(?:个|一个)?{PERSON}",
        rf"{PERSON}(?!的)(?:(?!的).){{0,4}}?(?P<k>被关在|被锁在|反锁在|卡在|困在|锁在)(?!.{{0,3}}(?:电梯外|门外|外面|外头))",
        rf"(?:我们|我|{PERSON})(?!的)在里[面边头].{{0,6}}?(?P<k>不敢动|出不去|出不来)",
        r"漏电.{0,10}?(?P<k>麻|电到|被电|触电)",
        # fire still going, dogs attacking, collapse after touching something, fumes, swallowed objects
        r"(?:正在|还在|一直在)(?P<k>烧)(?!水|饭|菜|开水|香|纸|烤|烤肉|烧烤)",
        rf"狗[^,.!?。]{{0,6}}?(?<![不没别会])(?P<k>咬(?:住|着|伤|了)?)[^,.!?。]{{0,4}}?{PERSON}",
        r"(?:碰|摸|触|踩)(?:了|到)?一下.{0,4}?(?P<k>倒了|倒下|晕|不动|弹开)",
        r"(?:热水器|燃气灶|煤气灶|炭盆|炭火|煤炉|壁挂炉|燃气).{0,14}?(?P<k>头晕|头痛|头疼|想吐|恶心|晕倒|昏)",
        r"(?P<k>吞(?:了|下|咗)?).{0,4}?(?:电池|纽扣电池|磁铁|硬币|钉子|药片|一瓶药|洗衣液|消毒水)",
        r"(?P<k>随时(?:会|要|都会|都要)?(?:掉|砸|塌|倒)(?:下来|下去)?)",
        # water reaching the electrics
        r"(?:水|漏|渗|淹|漫|浸).{0,8}?(?:到|进|入)了?.{0,6}?(?P<k>电表箱|配电箱|电箱|配电柜|配电房|电井|电闸)"
        r"|(?:电表箱|配电箱|电箱|配电柜|配电房|电井)(?:里|里面|内)?.{0,4}?(?P<k2>进水|有水|全是水|都是水|在滴水)",
        r"(?<!\d)(?P<k>110|119|120)(?![\d元块平分米斤号楼室栋])",
        # structural danger, storms
        r"(?:玻璃|窗户|窗|外墙|瓷砖|广告牌|空调外机|外机|招牌|灯箱|花盆|雨棚|防盗网|遮阳棚|石头|水泥块)"
        r"(?P<k>.{0,10}?(?:掉下来|砸下来|坠落|掉下去|掉到楼下|要掉|快掉|往下掉|塌|吊在半空|悬在半空|挂在半空|悬空|悬着|摇摇欲坠|随时会?掉|晃来晃去|摇摇晃晃|挂在.{0,4}晃|(?:架子|支架).{0,2}?(?:断|塌|掉)))"
        r"|(?P<k2>掉下来).{0,6}?(?:玻璃|窗|瓷砖|外墙|石头|水泥块)",
        rf"(?:护栏|栏杆|围栏|防盗网|防护网)[^,.!?。]{{0,4}}?(?P<k>碎了|断了|塌了|倒了|掉了|没了)[^。]{{0,10}}?{PERSON}(?:在|就在)",
        r"(?P<k>坍塌|塌方|塌了|塌下来)|(?:大树|树).{0,4}?(?P<k2>倒了|倒下|压)",
        r"(?:台风|风).{0,8}?(?P<k>吹掉|吹落|吹倒|吹破|吹烂|吹爆|吹甩|刮倒|刮掉|吹得要掉|吹碎|打烂|打破|打爆)|(?P<k2>台风).{0,10}?(?:裂|碎|破|掉|倒|晃)",
    )
)
_SMOKE_TRIGGER = next(pattern for pattern in _EMERGENCY_TRIGGERS if _SMOKE in pattern.pattern)
# Words before a trigger that make it not happen now: negation, luck, hypothesis, prevention.
_NOT_NOW_BEFORE = re.compile(
    r"(?:没有?|不是|并没|无|未|差点|险些|幸好没|还好没|幸亏没|别|防止|以防|预防|怕|担心|万一|如果|要是|假如|会不会|可能会|容易|小心|谨防|"
    r"演练|演习|培训|宣传|检查|排查|以前|上次|昨天|昨晚|前天|上个月|上周|上星期|前几天|去年|之前|报的|计划|明天|后天|下周|电视上|视频里|网上|新闻里|要等|等到|难道要|非要|免得|省得|老是|总是|经常|天天|每次|动不动|梦见|梦到|做梦|电视剧|电影|新闻|听说|看到网上)[^,.!?。]{0,5}$"
)
_NOT_NOW_AFTER = re.compile(
    r"^[^,.!?。]{0,4}(?:隐患|风险|演练|演习|的话|检查|检修|器材|通道|进不来|进不去|开不进|过不去|误报|那次|的单子|的事)|^了?怎么办"
    r"|^[^,.!?。]{0,3}(?:应该(?:打|怎么|找|按|做)|该怎么|要怎么|打什么|打哪|找谁|怎么跑|怎么逃|往哪跑|往哪逃)|^了?[一两几]次|^过(?![来去了])"
)
# Said to be over: no danger now (摔了一跤 已经没事了, 困的人已经出来了).
_RESOLVED = re.compile(r"已经?没事|没什么事|没大碍"
                       r"|已经(?:好了|灭了|修好|处理好|恢复|出来了|救出来|没有了|散了|闻不到了)")
# A question about what would happen (如果电梯停了人被困在里面 多久能来人) is not a danger now.
_HYPOTHETICAL = re.compile(r"^(?:请问|问一下|想问一下?|咨询一下)?[,，\s]*(?:如果|万一|假如|要是|假设|假使)")
_STILL = re.compile(r"但|可是|不过|还有|还在|仍|又")

_CANCEL = re.compile(
    r"取消|撤销|撤回|撤掉|撤了|作废|不用(?:来|修|了|登记|办|报|麻烦|派|上门|处理|开|弄|管|搬|换)|不要了|不修|不报了|不报修|不来了|"
    r"不搬了|不需要了|算了|别来了|别修了|别弄了|不弄了|别派|不要派|退掉|不办了|不投了"
)
_CANCEL_NEGATED = re.compile(r"(?:不要|不用|别|不想|没有|没)\s?(?:取消|撤销|撤回|作废)")
_CANCEL_QUESTION = re.compile(r"(?:怎么|如何|能不能|能否|可以|可不可以|怎样|在哪)\s?(?:取消|撤销|退掉)"
                              r"|自动扣费|自动续费|订阅")

_PROGRESS = re.compile(
    r"有结果[没吗了]|有进展|有回复[没吗了]|有下文|有消息[没吗了]|处理了没|处理好了[没吗]|处理得怎么样|批下来|批了没|通过了[没吗]|生效了[没吗]"
    r"|到哪了|到哪一步|进度|派单了|派工了|接单了|怎么还没(?:人)?(?:来|到|修|处理|弄)|还没(?:人)?来|什么时候(?:能)?来|跟进"
)
_NOT_OUR_PROGRESS = re.compile(r"快递|外卖|包裹|航班|火车|高铁|飞机|物流")
_HUMAN = re.compile(
    r"转人工|人工客服|人工服务|真人客服|真人回复|(?:转|找|要|接|叫|换|给我|安排|有没有)(?:个|一个)?(?:真人|活人|人工)"
    r"|人工(?!费|成本|智能|草|湖|降雨|呼吸)"
)

_SCORE_ONLY = re.compile(
    r"^(?:给|打|评)?(?:个)?[1-5]\s?(?:分|星)[!.。~]?$|^(?:非常|很|特别|挺|比较|还算|不太|不是很|不怎么)?(?:满意|不满意)(?:的|吧|了)?[!.。~]?$"
    r"|^(?:一般|还行|还可以|凑合|马马虎虎)(?:吧|啦|了)?[!.。~]?$"
)
# A question about how to pay (可以微信付吗, 物业费能用支付宝交吗) is a fee question (SPEC: payment methods).
_PAYMENT_QUESTION = re.compile(
    r"(?:请问)?(?:物业费|停车费|水费|电费|费用|账单)?(?:可以|能|能不能|可不可以|支持|是否支持)(?:用)?"
    r"(?:微信|支付宝|银行卡|信用卡|刷卡|转账|现金|扫码|网上|线上)"
    r"(?:支付|付款|缴费|交费|缴纳|付|交|缴)?(?:物业费|停车费|水费|电费|费用)?(?:吗|嗎|么|麼|嘛|不)?[？?。]?")
_RATING_CONTEXT = re.compile(r"回访|评价|打分|评分|满意度|^[👍⭐🌟👎]+$")


@dataclass(frozen=True)
class Verdict:
    """A rule's reading: the label it asserts and the least confidence it deserves."""

    intent: str
    floor: float
    reason: str


def _triggered(text: str, pattern: re.Pattern[str]) -> bool:
    for match in pattern.finditer(text):
        key = next((match.start(name) for name in ("k", "k2", "k3", "k4", "k5")
                    if name in pattern.groupindex and match.group(name) is not None), match.start())
        windows = {text[max(0, start - 8):start] for start in (match.start(), key)}
        after = text[match.end():match.end() + 6]
        if any(_NOT_NOW_BEFORE.search(window) for window in windows) or _NOT_NOW_AFTER.search(after):
            continue
        return True
    return False


def emergency_reason(text: str) -> str | None:
    """The trigger that makes ``text`` an emergency, or None."""
    resolved = _RESOLVED.search(text)
    if (resolved is not None and not _STILL.search(text, resolved.end())) or _HYPOTHETICAL.search(text):
        return None
    smoking = _CIGARETTES.search(text) is not None and _BURNING_SMOKE.search(text) is None
    for pattern in _EMERGENCY_TRIGGERS:
        if smoking and pattern is _SMOKE_TRIGGER:
            continue
        if _triggered(text, pattern):
            return pattern.pattern[:24]
    return None


def verdicts(text: str) -> list[Verdict]:
    """Every rule that fires on the normalised ``text``, safety first."""
    found: list[Verdict] = []
    reason = emergency_reason(text)
    if reason is not None:
        found.append(Verdict("emergency", 0.9, reason))
    if _HUMAN.search(text):
        found.append(Verdict("human", 0.8, "asks for a human"))
    compact = re.sub(r"\s", "", text)
    if _CANCEL.search(text) and not _CANCEL_NEGATED.search(text) and not _CANCEL_QUESTION.search(text):
        found.append(Verdict("cancel", 0.0, "cancel words"))  # a hint: the classifier decides
    if _PROGRESS.search(text) and not _NOT_OUR_PROGRESS.search(text):
        found.append(Verdict("ticket_status", 0.0, "asks about progress"))  # a hint: the classifier decides
    if _PAYMENT_QUESTION.fullmatch(compact):
        found.append(Verdict("fee_query", 0.85, "asks how to pay"))
    if _SCORE_ONLY.match(compact) or _RATING_CONTEXT.search(text):
        found.append(Verdict("rating", 0.85 if _SCORE_ONLY.match(compact) else 0.0, "a bare verdict"))
    return found
