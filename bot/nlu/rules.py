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

from bot.nlu.patterns import LATIN_WORD, Bilingual

# Each pattern marks its deciding word as group ``k`` (or k2, k3 …): negation is looked for right
# before it (没有困人, 没有闻到煤气味) as well as before the whole match. Gaps are lazy, so the
# first deciding word after the subject is the one judged.
_SMOKE = r"(?<![抽吸香油食])烟(?![味头花酒草民台囱瘾盒蒂])"
# Someone smoking (电梯里经常有人抽烟, 烟味) is a complaint: with these words only smoke that is
# clearly burning (冒烟, 浓烟, 黑烟) counts.
_CIGARETTES = re.compile(r"抽烟|吸烟|烟头|香烟|烟蒂|二手烟|烟民|抽完|吸完|在抽|烟瘾|烟灰")
_BURNING_SMOKE = re.compile(r"冒.{0,3}烟|浓烟|黑烟|烟雾弥漫|滚滚|着火|起火|火苗|明火")
# Smoke with an everyday source (a barbecue, incense, a chimney, cooking) is a nuisance, not a fire,
# unless flames or a fire are named as well.
_HARMLESS_SMOKE = re.compile(r"烧烤|烤肉|烤串|烤鸭|撸串|烧香|上香|烧纸|拜神|香火|烟囱|油烟|炒菜|做饭|熏腊|熏肉|"
                             r"蚊香|艾灸|火锅")
_REAL_FIRE = re.compile(r"着火|起火|失火|火灾|火苗|明火|烧起来|火光|火势")
# A bare 人 is a person, but not in 人行闸机, 人脸识别, 人工, 行人道.
PERSON = (  # words for a person, in rules here and in the category of an emergency
r"(?:人(?![行脸工道])|老人|老人家|小孩|孩子|小朋友|宝宝|婴儿|工人|伯伯|阿姨|婆婆|爷爷|奶奶|老太太|老伯|业主|住户|路人"
           r"|我妈|我爸|我儿子|我女儿|儿子|女儿|老公|老婆|一家[三四五]口|阿伯|阿婆|阿公|阿嬷|阿爷|阿嫲|大爷|大妈|大叔|老头|老太|小伙子|细路|孕妇|保洁|保安|邻居|快递员|外卖员)")
_EMERGENCY_TRIGGERS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        # someone trapped in a lift
        r"(?:电梯|轿厢).{0,20}?(?:里面|里边|里头|入面|内).{0,12}?(?P<k>有人|有个|有我|还有|人在|出不|喊|困(?!扰|难|惑|倦)|关着)",
        rf"(?:电梯|轿厢)[^.!?。]{{0,12}}?(?P<k>{PERSON}|我|他|她|我们)(?:还|一直|都)?在(?:里面|里边|里头|入面)",
        r"(?:电梯|轿厢).{0,20}?(?:里面|里边|里头|入面|内)(?:有|还有|是)?(?P<k>一家|[一二两三四五六七八九十几\d]+(?:个|口)人?|老人|小孩|孩子|婴儿|宝宝|孕妇)",
        r"(?P<k>困梯|困𨋢)",
        r"(?:我|人|孩子|小孩|老人|他|她|我们)(?:被困在|困在|被关在|关在|卡在)(?P<k>.{0,6}?电梯)",
        r"(?:我|人|孩子|小孩|老人|他|她|我们)在.{0,6}?电梯(?:里|内|入面).{0,24}?(?P<k>不动|停了|打不开|出不|卡住|困|没人应|没反应)",
        r"(?:电梯|轿厢).{0,14}?(?P<k>困(?!扰|难|惑|倦)|关人|关了人|关着(?:[一两二三四五几]个|好几个|好多|很多)?人|被关|夹到人|夹住人|出不去|出不来|往下掉|掉下去|掉了一截|下坠|坠落|冲顶|冲到顶|冲上顶|蹲底|蹲到底"
        r"|(?:停|卡)?在.{0,10}?(?:中间|之间|半空))",
        r"(?P<k>困.{0,4}?电梯|电梯困人|困人|被困(?!扰|难|惑)|困住)",
        # gas or fuel
        r"(?:煤气|燃气|天然气|液化气).{0,20}?(?P<k>味|(?<!不)臭|泄漏|泄露|漏气|漏了|在漏|报警(?!器)|警报(?!器)|报警器.{0,6}?(?:响|叫|鸣|滴|闪))|(?P<k2>闻到).{0,8}?(?:煤气|燃气|天然气|液化气)"
        r"|(?P<k3>汽油味|漏油.{0,4}?味)",
        r"(?:煤气|燃气|天然气|液化气)(?:管|喉|软管|阀门|罐|瓶|表).{0,6}?(?P<k>破|穿|断(?!气)|裂|爆|脱|甩|嘶嘶|呲呲|冒气|噴|喷)",
        r"(?P<k>闻着|闻起来|一股|有股|好浓的|好重的|很重的|很浓的).{0,6}?(?:煤气|燃气|天然气|液化气)",
        r"(?:煤气|燃气|天然气|液化气|灶)[^.!?。]{0,14}?(?P<k>气还在(?:出|冒|漏|跑)|一直(?:在)?(?:出|冒|漏)气|(?:阀门|阀|气)关不(?:掉|上|住|了)|关不(?:掉|上|住|了)(?:阀门|阀|总阀|气))",
        # fire and smoke
        r"(?P<k>(?<![不打])着火|起火|失火|火灾|火警(?![铃器])|烧起来|烧着了|(?<![睡])着起来|自燃|扑不灭|灭不了火|火越烧越大|明火|(?<!灶的)(?<!灶)(?<!点火时)(?<!点火的时候)(?<!打火的时候)(?<!开火的时候)火苗(?!发[红黄蓝]|偏|很小|太小|颜色|不稳|忽大忽小|变[小黄红])|冒火星|火星子|冒出火|冒火花|烧(?:胶|塑料|电线|橡胶)的?味|火光|爆炸|大火|火越来越大|火很大|火好大|烧焦|焦糊|焦味|糊味)",
        r"(?:锅|油烟机|烟机|灶|窗帘|沙发|被子|床|电动车|电瓶车|电暖器|取暖器|插头|插座|电线|电器)(?:里|上)?.{0,2}?(?P<k>着了|烧着|烧起来)",
        r"火[^,.!?。]{0,4}?(?P<k>烧到|烧过来|蔓延)|(?P<k2>烧到)(?:了)?(?:我家|门口|楼上|窗|隔壁)",
        r"(?:消防警报|火警铃|火警|烟感|烟雾报警器|报警器).{0,8}?(?:响|叫|鸣).{0,12}?(?P<k>烟|焦|火)",
        rf"(?P<k>(?:全是|都是|好多|好大|很多|很大|满是|一直有|有|大|浓){_SMOKE}|{_SMOKE}.{{0,3}}?(?:很大|好大|越来越大|冒|往上|进来|从)|冒.{{0,3}}?{_SMOKE})",
        r"火花.{0,10}?(?P<k>噼里啪啦|一直|不停|还在|焦|烟)|(?P<k2>噼里啪啦).{0,6}?火花",
        # burst pipe or water / sewage spreading
        r"(?<![排下凝去])(?:水管|管道|管子|总阀|阀门|暖气管|暖气片|水喉|消防管|消防栓|喷淋|进水管|水表|热水器|水箱|储水罐)(?!费).{0,6}?(?P<k>爆|破裂|裂开|喷|崩开|崩了|断了|脱了|甩了|飙)|(?P<k2>爆管|爆水管)|(?:打|弄|钻|砸)(?P<k3>爆|穿|破)了?(?:水管|管道|水喉)",
        # a broken pipe nobody can stop; water pouring in
        r"(?P<k>关不住|止不住|堵不住).{0,16}?(?:水管|管子|管道|水喉)[^,.!?。]{0,2}?(?:破|裂|爆)"
        r"|(?:水管|管子|管道|水喉)[^,.!?。]{0,2}?(?:破|裂|爆).{0,16}?(?P<k2>关不住|止不住|堵不住)",
        r"(?:水|雨)[^,.!?。]{0,10}?(?P<k>往里灌|灌进来|往屋里灌|往家里灌|往下灌|灌下来|像河一样|像瀑布)"
        r"|(?:天花板|天花|吊顶|屋顶|顶上)[^,.!?。]{0,8}?(?P<k2>哗哗|像下雨|好像下雨|往下流水|往下灌)",
        r"(?:阀门|总阀|水阀|闸阀)(?P<k>关不(?:掉|住|上|了))|(?P<k2>一直在喷|在喷水|一直喷水)",
        # water running through a light or a socket
        r"(?:灯|插座|开关|电箱|电表)(?:那里|那边|里|上)?[^,.!?。]{0,3}?(?P<k>流下来|流水|在滴水|渗水|进水了|漏水)",
        r"(?:家|屋|房间|客厅|卧室|地下室|车库|地库|楼道|大堂|电梯井).{0,6}?(?<!快要)(?<!就要)(?<!将要)(?<!就来)(?<!快)(?P<k>淹|水漫|进水了)(?![^,.!?。]{0,4}?(?:就来|就要|快要|将要))|(?<!快要)(?<!就要)(?<!将要)(?<!就来)(?<!快)(?P<k2>淹了|被淹|水淹|水漫)(?![^,.!?。]{0,4}?(?:就来|就要|快要|将要))"
        r"|(?:地下室|车库|地库|楼道|大堂|电梯井|电梯里|整个客厅|整个家|整个房间|整个屋).{0,6}?(?P<k3>全是|都是)(?:污|脏|粪|屎)?水(?![渍印迹珠汽])"
        r"|(?:水|屎|粪).{0,10}?整个(?:厕所|卫生间|厨房|客厅|家|屋|房间|大堂|车库|地下室)(?P<k4>都是|全是)(?![渍印迹珠汽臭的味])",
        r"(?<![龙水])水(?![龙压费表])[^,.!?。]{0,4}?(?P<k>喷得|喷出|像喷泉|飙出|射出|漫过|淹过|齐腰|到膝盖|到小腿)|(?P<k2>没过(?:脚|膝|腰|小腿|轮胎|车)|到脚踝|齐膝)",
        r"(?:灯|插座|开关|电线|电器|电箱|电表)[^,.!?。]{0,10}?水[^,.!?。]{0,8}?(?P<k>滋滋|噼啪|火花|冒烟|冒火)",
        r"(?P<k>还在喷|喷个不停|一直往外喷|不停地?往外喷|往外直喷|喷得到处都是|止不住地?喷)|(?<!快要)(?<!就要)(?<!将要)(?<!就来)(?<!快)(?P<k2>漫到|流到|淹到|浸到|漫进|流进|冲进)(?:了)?(?:卧室|客厅|房间|大堂|楼道|电梯|屋里|家里|楼下|电箱|隔壁|邻居家|走廊|过道)",
        r"(?:车|车子).{0,4}?(?P<k>泡了|被泡|被淹)|(?:化粪池|污水井|粪水|污水|屎水).{0,8}?(?P<k2>冒出|满地|漫|往外冒|倒灌|往外涌|涌出|不停涌|一直涌|溢出来)"
        # backflow that spreads (a sink backing up alone is a blocked drain)
        r"|(?P<k3>倒灌)(?=[^。]{0,12}?(?:整个|满地|漫|涨|都是|全是|进|到处|停不|止不住|越来越|大堂|车库|地库|一楼))"
        r"|(?:暴雨|雨水|大雨|河水|海水)[^,.!?。]{0,4}?(?P<k4>倒灌)",
        # a whole building or more without water or power
        r"(?:整栋|全楼|整幢|整座|成座|全座|整个楼|整个大厦|整个单元|整单元|一栋楼|整个小区|全小区|整个屋苑|全屋苑|好几栋|整层|全栋|这栋楼"
        r"|这个楼|我们楼|我们这栋)"
        r".{0,16}?(?P<k>停水|停电|没水|没电|断电|断水|没有水|没有电|黑了|都停了|全停了|跳闸|水压没了|没有?水压|一滴(?:水)?都)",
        r"(?P<k>大停电|大面积停电|大面积停水)"
        r"|(?:[A-Za-z\d]{1,3}(?:栋|座|幢|号楼))[^,.!?。]{0,2}(?:[A-Za-z\d]{1,3}(?:栋|座|幢|号楼))[^,.!?。]{0,3}?都(?P<k2>没有?电|停电|没有?水|停水)",
        r"(?:单元|楼|栋|幢|小区|几层|屋苑|期).{0,6}?(?:全部|全都|都|全)(?P<k>停水|停电|没水|没电|断电|断水|没有水|没有电|黑了)",
        r"(?:整个|全)?(?:小区|屋苑|[一二三四五六\d]期)(?:里)?(?P<k>停水|停电|没水|没电|断电|断水|没有水|没有电)(?:了|啦|呀|喇)",
        # someone on a machine that needs power
        r"(?P<k>呼吸机|制氧机|氧气机|透析机|吸痰机)[^。]{0,12}?(?:停电|没电|断电)|(?:停电|没电|断电)[^。]{0,12}?(?P<k2>呼吸机|制氧机|氧气机|透析机|吸痰机)",
        # someone hurt or in danger
        r"(?P<k>砸到了?(?:一个|个|了)?(?:老人|小孩|孩子|人)|头破了|头破血流|见血|滑倒|(?:撞|磕|碰|摔)(?:到|破|伤)了?(?:头|脑袋)|意识不清|神志不清|(?:人|小孩|孩子|老人)掉(?:下去|进去|进了|到了?井)|摔倒|跌倒|晕倒|昏倒|昏迷|受伤|流血|流紧血|出血|血止不住|止不住血|血流不止|骨折|羊水破|要生了|快生了|不省人事|救护车|抽搐|没有?呼吸|砸伤|砸到人|触电|溺水|救命|跳楼|要跳下去"
        r"|(?:拿|持|提|举|握|挥|抡|揣)着?(?:一?把)?(?:菜刀|砍刀|水果刀|西瓜刀|刀子|刀|斧头|铁棍|钢管|棍子|木棍|棍棒|棒子|球棒)|晕过去|昏过去|晕厥|休克|抽筋|口吐白沫|(?<![空楼道当])中风|心脏病(?:发|犯)|心梗|喘不上气|喘不过气|呼吸困难|噎住|噎到|发紫|紫了|误喝|误食|割腕|自杀|烫伤|烧伤|被电(?![话视梯脑费])|电麻|(?<!充)电了一下|带电(?![池脑视话梯瓶])|被砸|砸(?:到|中|伤)了?.{0,4}?头|撞人|打伤|要杀|杀人了|砍死|(?:在|正在)撬(?![^,.!?。]{0,4}?车)|撬.{0,6}?门.{0,8}?还在|泼汽油|浇汽油|倒汽油|(?:条|只)蛇(?!皮)|蛇爬|疯狗|(?:腿|头|手|脚|腰|手指|脑袋)(?:被|给).{0,6}?(?:砸|撞|压|夹|割|烫|烧)|打(?:一个|个|那个)(?:女的|男的|小孩|老人|人(?![工行脸道]))|砍人|捅人|打人(?![工家民])|打起来了|斗殴|互殴|砍伤|捅伤|追砍|抢劫|被车撞|快来人啊|快来人呀|来人啊|快来救|撞到人|被电到|电到人|被狗咬|咬伤|跌落|摔下来|跌低)",
        rf"{PERSON}(?:(?!刷|按|卡|闸|屏|键|码|灯|遥控|手机|电话|消息|微信|机).){{0,10}}?(?P<k>动不了|叫不醒|没反应|不动了|一动不动|起不来|动不到|迷迷糊糊)",
        rf"{PERSON}(?!的)[^,.!?。]{{0,4}}?被[^,.!?。]{{0,6}}?(?P<k>撞|砸)|(?P<k2>撞倒|砸倒)了?(?:个|一个)?{PERSON}|把(?:个|一个)?{PERSON}(?P<k3>撞|砸|压)(?:倒|伤|到|住)",
        rf"{PERSON}(?!的).{{0,4}}?(?:挂|吊|悬|站|爬|坐|蹲)(?:在|到|上)了?.{{0,4}}?(?P<k>窗台|阳台外|窗外|窗户外|露台外|防盗网|栏杆外|天台边|楼顶边|外墙)"
        rf"|{PERSON}(?!的).{{0,4}}?(?P<k2>爬出|爬了出|爬到外)(?:去)?(?:露台|阳台|窗|外面)",
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
        r"(?P<k>随时(?:会|要|都会|都要)?(?:掉|砸|塌|倒|飞)(?:下来|下去)?)",
        # water reaching the electrics
        r"(?:水|漏|渗|淹|漫|浸).{0,8}?(?:到|进|入)了?.{0,6}?(?P<k>电表箱|配电箱|电箱|配电柜|配电房|电井|电闸)"
        r"|(?:电表箱|配电箱|电箱|配电柜|配电房|电井)(?:里|里面|内)?.{0,4}?(?P<k2>进水|有水|全是水|都是水|在滴水)",
        r"(?<!\d)(?P<k>110|119|120)(?![\d元块平分米斤号楼室栋])",
        # structural danger, storms
        r"(?:玻璃|窗户|窗|外墙|瓷砖|广告牌|空调外机|外机|招牌|灯箱|花盆|雨棚|防盗网|遮阳棚|石头|水泥块|围挡|太阳能板|铁皮|棚|脚手架|塔吊)"
        r"(?P<k>.{0,10}?(?:掉下来|砸下来|坠落|掉下去|掉到楼下|要掉|快掉|往下掉|塌|吊在半空|悬在半空|挂在半空|悬空|悬着|摇摇欲坠|随时会?掉|晃来晃去|摇摇晃晃|挂在.{0,4}晃|(?:架子|支架).{0,2}?(?:断|塌|掉)"
        r"|马上要倒|快要倒|要倒了|快倒了|被掀|掀起来|掀翻|掀开|吹飞|飞下去|飞下来))"
        r"|(?P<k2>掉下来).{0,6}?(?:玻璃|窗|瓷砖|外墙|石头|水泥块)",
        rf"(?:护栏|栏杆|围栏|防盗网|防护网)[^,.!?。]{{0,4}}?(?P<k>碎了|断了|塌了|倒了|掉了|没了)[^。]{{0,10}}?{PERSON}(?:在|就在)",
        r"(?P<k>坍塌|塌方|塌了|塌下来)|(?:大树|树).{0,4}?(?P<k2>倒了|倒下|压)",
        r"(?:台风|风).{0,8}?(?P<k>吹掉|吹落|吹倒|吹破|吹烂|吹爆|吹甩|刮倒|刮掉|吹得要掉|吹碎|打烂|打破|打爆|掀|吹飞|吹歪|吹斜|吹得.{0,6}?(?:摇摇晃晃|要倒|要掉|快倒|快掉|松动|在晃)|顶不住)"
        r"|(?P<k2>台风).{0,10}?(?:裂|碎|破|掉|倒|晃)",
        # water reaching sockets and switches
        r"(?:插座|开关|电线|电箱|电表|配电箱)[^,.!?。]{0,3}?(?:都|全|也)?(?P<k>湿了|湿透|进水了|泡水|在滴水|在冒水)",
    )
)
_SMOKE_TRIGGER = next(pattern for pattern in _EMERGENCY_TRIGGERS if _SMOKE in pattern.pattern)
# Words before a trigger that make it not happen now: negation, luck, hypothesis, prevention.
_NOT_NOW_BEFORE = re.compile(
    r"(?:没有?|(?<!是)不是|并没|无|未|差点|差一点|差那么一点|险些|幸好没|还好没|幸亏没|别|防止|以防|预防|怕|担心|万一|如果|要是|假如|会不会|可能会|容易|小心|谨防|"
    r"比如|例如|譬如|假设|迟早|早晚|哪天|有一天|总有一天|(?<![不机])会(?=[^,.!?。]{0,2}$)|"
    r"演练|演习|培训|宣传|检查|排查|以前|上次|昨天|昨晚|前天|上个月|上周|上星期|前几天|去年|之前|报的|计划|明天|后天|下周|电视上|视频里|网上|新闻里|要等|等到|难道要|非要|免得|省得|老是|总是|经常|天天|每次|动不动|梦见|梦到|做梦|电视剧|电影|新闻|听说|看到网上)[^,.!?。]{0,5}$"
)
_NOT_NOW_AFTER = re.compile(
    r"^[^,.!?。]{0,4}(?:隐患|风险|演练|演习|的话|检查|检修|器材|通道|进不来|进不去|开不进|过不去|误报|那次|的单子|的事|[那这]?[张个]单|工单)|^了?怎么办"
    r"|^[^,.!?。]{0,2}的?时候|^[^,.!?。]{0,2}会(?!儿|不会)(?=[^,.!?。]{0,4}?(?:砸|伤|死|出事|出人命|掉))|^[^,.!?。]{0,6}(?:怎么算|谁负责|谁来赔|谁赔|能赔|赔偿|保险)"
    r"|^[^,.!?。]{0,3}(?:应该(?:打|怎么|找|按|做)|该怎么|要怎么|打什么|打哪|找谁|怎么跑|怎么逃|往哪跑|往哪逃)|^了?[一两几]次|^过(?![来去了])"
)
# Said to be over: no danger now (摔了一跤 已经没事了, 困的人已经出来了).
_RESOLVED = re.compile(r"(?:测|查|检查|检测)过.{0,6}(?:没漏|没有漏|没问题|正常)|说没(?:有)?漏|已经?没事|没什么事|"
                       r"没大碍|搞错了|弄错了|看错了|闻错了|是误会|误会了|虚惊一场|是误报|"
                       r"是假的|现在好了|来电了|恢复供"
                       r"|已经(?:好了|灭了|修好|处理好|恢复|出来了|救出来|没有了|散了|闻不到了)|(?:现在|已经)?(?:没味了|没有味了|闻不到了)")
# A drill or a test is announced, not happening: 消防演练, 演习的烟.
_DRILL = re.compile(r"演练|演习|消防测试|测试警报")
_NOT_A_DRILL = re.compile(r"不是演练|不是演习|真的着火|真着火了(?!怎么)")
# Emoji that are an alarm on their own (🆘, 🔥🔥, 🚒), in a message that says little else.
_ALARM_EMOJI = re.compile(r"🆘|🚒|🔥")
_FEW_WORDS = re.compile(r"^(?:[\s\W\d]|🆘|🚒|🔥|🚨|😱|😭|快|救命|着火|help|sos"
                        r"|[A-Za-z]?\d{0,3}(?:栋|座|楼|号楼))*$", re.IGNORECASE)
# A question about what would happen (如果电梯停了人被困在里面 多久能来人) is not a danger now.
_HYPOTHETICAL = re.compile(r"^(?:请问|问一下|想问一下?|咨询一下)?[,，\s]*(?:如果|万一|假如|要是|假设|假使)")
_HYPOTHETICAL_EN = re.compile(r"^(?:hi|hello|excuse me|quick question)?\W*(?:what\s+if|if|in\s+case|suppose|"
                              r"supposing)\b",
                              re.IGNORECASE)
_STILL = re.compile(r"但|可是|不过|还有|还在|仍|又")


def hypothetical(text: str) -> bool:
    """A question about what would happen (万一电梯停了…, what if the lift stops…): nothing is happening."""
    return _HYPOTHETICAL.search(text) is not None or _HYPOTHETICAL_EN.search(text) is not None

# ---------------------------------------------------------------- English
# The same triggers in English, with English guards: a negation, a hypothesis, a drill or the past
# in the same clause before the trigger (no gas smell, if the lift gets stuck, the fire last week).
_PEOPLE_EN = (r"(?:people|someone|somebody|person|man|woman|lady|guy|boy|girl|kids?|child|children|baby|toddler|"
              r"dad|mum|mom"
              r"|father|mother|grandma|grandpa|granny|grandmother|grandfather|wife|husband|son|daughter|neighbou?r"
              r"|cleaner|guard|worker|resident|he|she|i|we|they)")
_ENGLISH_TRIGGERS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # someone trapped in a lift
        r"\b(?P<k>stuck|trapped|locked)\s+(?:inside\s+|in\s+)(?:the\s+|a\s+|an\s+|our\s+|this\s+)?(?:lift|elevator)",
        r"\b(?:lift|elevator)\b[^.!?]{0,40}?\b(?P<k>stuck|trapped|stopped|broke\s+down|broken\s+down|stalled|dropped|fell)\b"
        r"[^.!?]{0,25}?\b(?:people|someone|somebody|person|kids?|child|children|baby|me|us|inside|in\s+it|in\s+there)\b",
        rf"\b{_PEOPLE_EN}\s+(?:is\s+|are\s+|am\s+|'m\s+|'re\s+|got\s+|get\s+|been\s+|still\s+)*(?P<k>stuck|trapped)\b"
        r"[^.!?]{0,25}?\b(?:lift|elevator)\b",
        # gas
        r"\b(?P<k>gas\s+(?:smell|leak|leaking|is\s+leaking|odou?r)|smell(?:s|ing)?\s+(?:of\s+|like\s+)?gas|leaking\s+gas)\b",
        # fire and smoke
        r"\b(?P<k>fire(?!\s*(?:drills?|alarm\s+tests?|extinguishers?|exits?|doors?|safety|inspections?|hydrants?|escape|hazards?"
        r"|risks?|insurance|certificates?|codes?|regulations?|lanes?|trucks?\s+access|equipment|brigade\s+number))"
        r"|on\s+fire|flames?|caught\s+fire|burning|explo(?:sion|ded)|blaze)\b",
        r"\b(?P<k>smoke)\b(?!\s*(?:detectors?|alarm\s+tests?|free|break))|\b(?P<k2>smoky)\b"
        r"|\b(?P<k3>sparks?\s+(?:flying|everywhere|and\s+smoke))",
        # water
        r"\b(?P<k>(?:pipe|main|hose)s?\s+(?:has\s+|have\s+|just\s+)?burst|burst\s+(?:pipe|main|water)|flood(?:ing|ed|s)?"
        r"|water\s+(?:is\s+)?(?:everywhere|pouring|gushing|spraying|rushing|flowing\s+into|coming\s+in\s+fast)"
        r"|(?:ankle|knee)[\s-]deep|water\s+(?:up\s+)?to\s+(?:my|our|the)\s+(?:ankles?|knees?))\b",
        # a whole building without power or water
        r"\b(?:whole|entire|all\s+of\s+the|the\s+whole)\s+(?:building|block|tower|estate|compound|complex|floor|community)\b"
        r"[^.!?]{0,25}?\b(?P<k>no\s+(?:power|electricity|water)|without\s+(?:power|electricity|water)"
        r"|(?:lost|has\s+no|have\s+no)\s+(?:power|electricity|water)|blackout|power\s+(?:cut|outage|failure)|is\s+dark)",
        r"\b(?P<k>blackout|power\s+(?:cut|outage|failure))\b[^.!?]{0,25}?\b(?:whole|entire|building|block|tower|estate)\b",
        # someone hurt
        rf"\b{_PEOPLE_EN}\b[^.!?]{{0,20}}?\b(?P<k>fell|fallen|collapsed|fainted|passed\s+out|is\s+hurt|got\s+hurt|hit\s+by)\b",
        r"\b(?P<k>unconscious|not\s+breathing|can'?t\s+breathe|bleeding|injured|badly\s+hurt|seriously\s+hurt"
        r"|broke\s+(?:his|her|my|their)\s+(?:arm|leg|hip|neck|back)|heart\s+attack|seizure|ambulance|drowning|electrocuted"
        r"|stabbed|attacked|assaulted|bitten|overdose|suicide|jump(?:ing)?\s+off|with\s+a\s+knife)\b",
        r"\b(?P<k>help\s*!|sos|call\s+(?:120|119|110|an\s+ambulance|the\s+police|the\s+fire))",
        # storms and falling structures
        r"\b(?:typhoon|storm|wind|gale)s?\b[^.!?]{0,30}?\b(?P<k>smashed|broke|broken|blew|blown|shattered|knocked|tore|torn"
        r"|ripped|collapsed|fell|falling|crashed)\b",
        r"\b(?P<k>(?:about|going)\s+to\s+(?:fall|collapse|come\s+down)|collapsed|collapsing|caved\s+in)\b",
    )
)
_NOT_NOW_BEFORE_EN = re.compile(
    r"\b(?:no|not|never|nobody|no\s+one|wasn'?t|weren'?t|didn'?t|don'?t|doesn'?t|isn'?t|aren'?t|if|in\s+case|what\s+if|whenever"
    r"|when\s+there'?s|prevent|avoid|risks?|hazards?|drills?|tests?|yesterday|last\s+(?:week|night|month|time|year)"
    r"|earlier|was|were|would|could|might|should|will|how\s+(?:to|do|can|should)|what\s+to\s+do|what\s+should|almost|nearly"
    r"|afraid|worried|scared|in\s+the\s+past|used\s+to|movie|tv|news|dream|about\s+the|report(?:ed)?\s+(?:a|the))\b[^.!?,;]{0,30}$"
    r"|(?:昨天|昨晚|前天|上周|上个月)[^.!?,;]{0,30}$",
    re.IGNORECASE,
)
_NOT_NOW_AFTER_EN = re.compile(
    r"^\W{0,2}(?:drills?|tests?|alarm\s+tests?|inspections?|checks?|hazards?|risks?|exits?|extinguishers?|safety|insurance"
    r"|last\s+(?:week|night|month)|yesterday|the\s+other\s+day|(?:a|two|three|few)\s+(?:days|weeks|months)\s+ago)\b"
    r"|^\W{0,2}(?:昨天|昨晚|前天|上周|上个月)",
    re.IGNORECASE,
)
_RESOLVED_EN = re.compile(
    r"\b(?:now\s+(?:it'?s|it\s+is|everything'?s|everything\s+is)\s+(?:fine|ok|okay|back|normal)|already\s+(?:fixed|out|off|stopped"
    r"|gone|resolved|over|sorted|rescued)|all\s+good\s+now|(?:everyone|everybody)\s+(?:is\s+|'s\s+)?(?:fine|ok|safe|out)"
    r"|got\s+(?:out|him\s+out|her\s+out|them\s+out)|false\s+alarm|my\s+mistake|never\s*mind)\b",
    re.IGNORECASE,
)
_CLAUSE_EN = re.compile(r"[.!?,;]|\bbut\b|\band\s+now\b", re.IGNORECASE)


def english_emergency(text: str) -> str | None:
    """The English trigger that makes ``text`` an emergency, or None."""
    if _RESOLVED_EN.search(text) is not None:
        return None
    for pattern in _ENGLISH_TRIGGERS:
        for match in pattern.finditer(text):
            key = next((match.start(name) for name in ("k", "k2", "k3")
                        if name in pattern.groupindex and match.group(name) is not None), match.start())
            before = _CLAUSE_EN.split(text[max(0, min(match.start(), key) - 40):min(match.start(), key)])[-1]
            if _NOT_NOW_BEFORE_EN.search(before) or _NOT_NOW_AFTER_EN.search(text[match.end():match.end() + 24]):
                continue
            return "en: " + pattern.pattern[:24]
    return None


_CANCEL = Bilingual.compile(
    r"(?i:\bcancel|never\s*mind|no\s+need\s+(?:for\s+\w+\s+)?to\s+come|don'?t\s+(?:need\s+to\s+)?come|do\s+not\s+come"
    r"|call\s+(?:it\s+)?off|withdraw|forget\s+(?:about\s+)?it|not\s+needed\s+any\s*more|no\s+longer\s+need)|"
    r"(?:单|工单|报修|申请|预约|登记)[^,.!?。]{0,6}?(?:关掉|关闭|关了)|"
    r"取消|撤销|撤回|撤掉|撤了|作废|不用(?:来|修|了|登记|办|报|麻烦|派|上门|处理|开|弄|管|搬|换)|不要了|不修|不报了|不报修|不来了|"
    r"不搬了|不需要了|算了|别来了|别修了|别弄了|不弄了|别派|不要派|退掉|不办了|不投了"
)
_CANCEL_NEGATED = Bilingual.compile(r"(?:不要|不用|别|不想|没有|没)\s?(?:取消|撤销|撤回|作废)|"
                                    r"(?i:\bdon'?t\s+cancel|not\s+cancel)")
# A question about cancelling, or cancelling something that is not ours (a takeaway, a membership).
_CANCEL_QUESTION = Bilingual.compile(r"(?:怎么|如何|能不能|能否|可以|可不可以|怎样|在哪)\s?(?:取消|撤销|退掉)"
                              r"|自动扣费|自动续费|订阅|外卖|(?<![工])订单|会员|快递|机票|酒店|航班|打车|网约车|淘宝|京东|美团|滴滴"
                              r"|(?i:how\s+(?:do|can|to|should)\s+(?:i\s+|we\s+)?cancel|subscription|membership|takeaway|food\s+order)")

_PROGRESS = Bilingual.compile(
    r"有结果[没吗了]|有进展|有回复[没吗了]|有下文|有消息[没吗了]|处理了没|处理好了[没吗]|处理得怎么样|批下来|批了没|通过了[没吗]|生效了[没吗]"
    r"|到哪了|到哪一步|进度|派单了|派工了|接单了|怎么还没(?:人)?(?:来|到|修|处理|弄)|还没(?:人)?来|什么时候(?:能)?来|跟进"
    r"|(?:登记|办|弄|处理|批|审核)(?:好|成功)了[吗没]|成功了[吗没]|好了没|(?:谈|找|处理|联系|沟通|问|说)了没(?:有)?(?!人)"
    r"|几点(?:能)?来|啥时候(?:能)?来"
    # what the owner reported before: 我报的修, 那个单子, 处理完了吗, 都一个星期了还没修
    r"|我?(?:之前|上次|前几天|前两天|上周|上个月|昨天)?报(?:的|了的|咗)(?:修|那个)|报修(?:的|单)|我(?:提|投诉|反映|报)的(?:那个|事)"
    r"|那个单子|那张单|我的单|(?:处理|修|弄|换)(?:完|好)?了(?:吗|没有?)|什么状态|什么情况了|派给(?:谁|哪个)|(?:还|都)显示"
    r"|已关闭|已完成|待处理|多久才能修好|(?:[一二两三四五六七八九十几\d]+(?:天|周|个?星期|个?礼拜))了?(?:还|都)没|都第.天"
    r"|有没有人管|到底(?:什么时候|有没有|换了没|修了没)"
    r"|(?i:any\s+(?:update|news|progress)|update\s+on|status\s+of|what\s+happened\s+(?:to|with)|what'?s\s+happening\s+with"
    r"|still\s+waiting|(?:nobody|no\s+one|no-one)\s+(?:has\s+)?(?:come|came|shown\s+up|turned\s+up|contacted|replied|called)"
    r"|hasn'?t\s+(?:come|arrived|been\s+fixed)|haven'?t\s+heard|it'?s\s+been\s+\w+\s+(?:hours?|days?|weeks?)"
    r"|when\s+will\s+(?:the\s+|a\s+|my\s+|your\s+)?(?:technician|plumber|electrician|worker|repairman|engineer|someone|somebody"
    r"|you|they|he|she|it)\b[^.!?]{0,20}?(?:come|arrive|be\s+(?:here|fixed|done|repaired))|follow(?:ing)?\s+up)"
)
# A question about a planned outage (明天停水吗, 周日是不是全天停电): the notice, not a fault.
# Asking how to get a card or a permit (办个停车月卡怎么弄): a procedure, even with 多少钱 in it.
_HOW_TO_GET = re.compile(
    r"(?:办|申请|办理|开通|弄)(?:个|一张|张|一个)?(?:停车|车位)?(?:月卡|年卡|季卡|门禁卡|停车卡|车位卡|出入证|装修许可|装修证)"
    r"|(?:月卡|年卡|门禁卡|停车卡|出入证).{0,6}(?:怎么办|怎么弄|怎么申请|在哪办|哪里办|去哪办|要什么)"
)
_PLANNED_OUTAGE = re.compile(
    r"(?:明天|明日|后天|今晚|今天|下周|下个?星期|下个?礼拜|这周|本周|周[一二三四五六日天]|\d+号|几点)[^,.!?。]{0,10}?"
    r"(?:会|要|是不是|是否)?(?:全天|整天)?(?:停水|停电|停气|断水|断电)(?:吗|呀|么|不|没|[?]|的话|是|多久|几点|到几点|要|会|期间)"
    r"|(?:会不会|是不是|是否|要不要|有没有)[^,.!?。]{0,4}(?:停水|停电|停气|断水|断电)|停(?:不|唔)停(?:水|电|气)"
)
_NOT_OUR_PROGRESS = re.compile(r"快递|外卖|包裹|航班|火车|高铁|飞机|物流")
_HUMAN = Bilingual.compile(
    r"转人工|人工客服|人工服务|真人客服|真人回复|(?:转|找|要|接|叫|换|给我|安排|有没有)(?:个|一个)?(?:真人|活人|人工)"
    r"|人工(?!费|成本|智能|草|湖|降雨|呼吸)|转客服|(?:接|转)(?:一下)?(?:前台|客服|管家|值班室)|叫(?:个|一个)?人出来|^人呢[?!.]*$"
    r"|(?i:real\s+person|real\s+human|\bhuman\b(?!\s+resources)|live\s+(?:agent|person|chat)|\bagent\b|customer\s+(?:service|support)"
    r"|\boperator\b|representative|(?:talk|speak|chat)\s+(?:to|with)\s+(?:someone|somebody|a\s+person|a\s+human|staff|the\s+office"
    r"|the\s+management|a\s+manager|your\s+manager|an?\s+(?:agent|staff))|not\s+(?:a|the|this)\s+(?:bot|robot|machine)"
    r"|(?:don'?t|do\s+not)\s+want\s+(?:to\s+talk\s+to\s+)?(?:a|the|this)\s+(?:bot|robot|machine))"
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
_RATING_CONTEXT = Bilingual.compile(r"回访|评价|打分|评分|满意度|^[👍⭐🌟👎]+$"
                             r"|(?i:satisf|\bstars?\b|\brating\b|\brate\b|\breview\b|feedback|\bgive\s+(?:it|you|them)\s+(?:a\s+)?[1-5]\b)")
# A verdict said first, then the reason (很差，来了看一眼就走; r2026… 很差 等了四天): an answer to a return visit.
_VERDICT_FIRST = Bilingual.compile(
    r"^(?:[RCSVPrcsvp]\d{11}\s*)?(?:非常|很|特别|挺|比较|还算|不太|不是很|好|超|太)?(?:满意|不满意|差|一般|还行|还可以|差评|好评|给力)"
    r"(?:的|吧|了|啦)?[\s,.!~]"
    r"|(?i:^(?:(?:very\s+|really\s+|quite\s+|totally\s+|extremely\s+|not\s+(?:very\s+)?|un|dis)?satisfied\b"
    r"|[1-5]\s*stars?\b|[1-5]\s*(?:/|out\s+of)\s*5\b))"
)
_NOT_A_VERDICT = Bilingual.compile(r"投诉|举报|12345|(?i:complain)")


# Small talk: hello, thanks, goodbye, what can you do. A greeting before a request (你好，我家灯不亮了)
# is the request; thanks said last (…保安已经处理好了，谢谢你们) is still thanks.
_SMALL_TALK_WORDS = re.compile(
    r"你们?好|您好|哈喽|哈啰|嗨|早上好|早安|中午好|下午好|晚上好|晚安|在吗|在不在|在么|有人吗|有人在吗|谢谢|多谢|感谢|谢了|辛苦|"
    r"麻烦|不客气|再见|拜拜|好的|好滴|好嘞|收到|知道了|明白|了解|没问题|请问|那个|就是|一下|你们|上次|帮忙|"
    r"能干什么|能做什么|会什么|会干什么|能帮我?(?:做|干|办)?(?:些)?什么|有什么功能|功能|机器人|你是谁|这个|事情|"
    r"[你我他她它啊呀呢吧啦哦噢哈嘛的了和也都很非常太真是在吗么]|"
    r"(?i:\b(?:hello|hiya|hi|hey|thanks?|thank|you|many|so|much|bye|goodbye|see|good|morning|afternoon|evening|night|ok"
    r"|okay|cheers|anyone|there|the|a|is|are|have|has|nice|day|great|perfect|got|it|what|can|do|does|this|bot|help|me|with"
    r"|your|i|am|just|all|for|please|pls)\b)"
)
_CLOSING_THANKS = re.compile(r"(?:谢谢|多谢|感谢|谢了|辛苦了|拜拜|再见)[你您们啦啊了哈呀!.~ ]*$|(?i:\b(?:thanks|"
                             r"thank you|bye)\W*$)")
_CONTENT_CHAR = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+")


def small_talk(text: str) -> bool:
    """Whether ``text`` is only small talk, or ends with thanks: else a greeting is not what it is."""
    if len(_CONTENT_CHAR.findall(text)) < 6 or _CLOSING_THANKS.search(text):
        return True
    return len(_CONTENT_CHAR.findall(_SMALL_TALK_WORDS.sub(" ", text))) < 6


# Tying the account to a home needs its words (绑定, 认证, 租户 …) or a bare answer (a name, a phone,
# a room, 我是5座1201嘅业主): a room named in a complaint or a repair is where, not a binding.
_BIND_WORDS = Bilingual.compile(
    r"绑|认证|验证|核实|关联|添加|加上|加到|加进|加一下|登记|户主|住户|租户|租客|房东|过户|收楼|交房|买了|搬过来|新房|房号|家庭成员|解绑|换绑"
    r"|(?i:\b(?:bind|link|linked|verify|verification|register|registration|owner|tenant|landlord|add\s+my)\b)"
)
_ADDRESS_PARTS = re.compile(r"[\d\s\-#,.!?;:、。~…]|号楼|栋|幢|座|单元|室|房|号|楼|电话|手机|"
                            r"(?<![A-Za-z])[A-Za-z](?![A-Za-z])")
_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]{2,}")


def about_binding(text: str) -> bool:
    """Whether ``text`` may be about binding a home: binding words, or little beyond an address or a name."""
    if _BIND_WORDS.search(text) is not None:
        return True
    words = _WORD.findall(_ADDRESS_PARTS.sub(" ", text))
    return sum(2 if word.isascii() else 1 for word in words) <= 6  # an English word says about two characters' worth


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


def _everyday_smoke(text: str) -> bool:
    """Smoke from someone smoking or from an everyday source, with no fire named."""
    return ((_CIGARETTES.search(text) is not None and _BURNING_SMOKE.search(text) is None)
            or (_HARMLESS_SMOKE.search(text) is not None and _REAL_FIRE.search(text) is None))


def emergency_reason(text: str) -> str | None:
    """The trigger that makes ``text`` an emergency, or None."""
    resolved = _RESOLVED.search(text)
    if (resolved is not None and not _STILL.search(text, resolved.end())) or _HYPOTHETICAL.search(text):
        return None
    if _DRILL.search(text) is not None and _NOT_A_DRILL.search(text) is None:
        return None
    for pattern in _EMERGENCY_TRIGGERS:
        if pattern.search(text) is None:
            continue  # the usual case, and the cheap test
        if pattern is _SMOKE_TRIGGER and _everyday_smoke(text):
            continue
        if _triggered(text, pattern):
            return pattern.pattern[:24]
    if _ALARM_EMOJI.search(text) is not None and _FEW_WORDS.match(text) is not None:
        return "alarm emoji"
    if LATIN_WORD.search(text) is not None:
        return english_emergency(text)
    return None


def verdicts(text: str) -> list[Verdict]:
    """Every rule that fires on the normalised ``text``, safety first."""
    found: list[Verdict] = []
    latin = LATIN_WORD.search(text) is not None
    reason = emergency_reason(text)
    if reason is not None:
        found.append(Verdict("emergency", 0.9, reason))
    if _HUMAN.search(text, latin):
        found.append(Verdict("human", 0.8, "asks for a human"))
    compact = re.sub(r"\s", "", text)
    if (_CANCEL.search(text, latin) and not _CANCEL_NEGATED.search(text, latin)
            and not _CANCEL_QUESTION.search(text, latin)):
        found.append(Verdict("cancel", 0.0, "cancel words"))  # a hint: the classifier decides
    if _PROGRESS.search(text, latin) and not _NOT_OUR_PROGRESS.search(text):
        found.append(Verdict("ticket_status", 0.0, "asks about progress"))  # a hint: the classifier decides
    if _PLANNED_OUTAGE.search(text) and reason is None:
        found.append(Verdict("faq", 0.6, "asks about a planned outage"))
    if _HOW_TO_GET.search(compact) and reason is None:
        found.append(Verdict("faq", 0.6, "asks how to get a card or a permit"))
    if _PAYMENT_QUESTION.fullmatch(compact):
        found.append(Verdict("fee_query", 0.85, "asks how to pay"))
    if _SCORE_ONLY.match(compact):
        found.append(Verdict("rating", 0.85, "a bare verdict"))
    elif _VERDICT_FIRST.match(text, latin) and not _NOT_A_VERDICT.search(text, latin):
        found.append(Verdict("rating", 0.7, "a verdict first"))
    elif _RATING_CONTEXT.search(text, latin):
        found.append(Verdict("rating", 0.0, "a return visit"))  # a hint: the classifier decides
    return found
