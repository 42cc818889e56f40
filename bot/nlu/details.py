"""What a message says beyond its intent and SPEC's slots: cues and details the flows act on.

The flows never read raw text; everything they decide from owners' words is read here, from the
normalised (simplified, Mandarin) text, and reached through ``Understanding.details`` or, for a
text the flow kept (the first message of a form), ``details_of(text)``. Each property is computed
on first use only, so a greeting pays for none of it.

- cues: 催单 (chase), 没修好 (not fixed), 进度 (progress), a bare score, how to pay, goodbye, thanks,
  help, acknowledgement, a correction (不对，是…), home-management words (unbind, switch, list),
  a move (搬家), a car or no car, an hour named, a standing arrangement, anger;
- details: items taken out, the number of visitors and who they are, whom a complaint names, the
  complaint category the words suggest, the emergency kinds, a shared place and its building, a
  name given for binding, whether a complaint or a suggestion has content beyond its preamble.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property

from bot.nlu.slots.ticket import extract_ticket
from bot.script import to_simplified

# ---------------------------------------------------------------- tickets and ratings

# 催单: the owner wants it faster. "还没修好" (still waiting) is a chase, "没修好" (after the work) is not.
_CHASE = re.compile(
    r"催(?!缴|费|款)|还没(?:有)?(?:人)?来|还没(?:有)?(?:修好|处理|派|动静|回复|结果)|怎么还不|怎么还没|快点|快一点|赶紧|赶快|抓紧|"
    r"等了(?:很|好|半)|等半天|多久才|还要等|什么时候(?:能|才)?来"
)
_NOT_FIXED = re.compile(
    r"(?<!还)没(?:有)?(?:修好|弄好|搞好|处理好)|还是(?:会|在|正在)?(?:漏|渗|滴|坏|不行|没好|堵|不亮|不通|老样子|一样|吵)|"
    r"还在(?:漏|渗|滴|坏|堵|响|吵)|又(?:漏|渗|坏|堵|不亮)|问题(?:还在|依旧|依然)|没(?:有)?解决"
)
_PROGRESS = re.compile(r"进度|进展|到哪一步|处理得?怎么样|派单了吗|有结果|有回复|我的工单|查.{0,2}工单")
# Which one of a short list: 第一个, 第2张, 1, 前者 (answering "which ticket?").
_ORDINAL = re.compile(r"^\s*(?:第\s*)?(\d|[一二两三四五])\s*(?:个|张|单|项|条|次)?(?:吧|啊|的|那个|那张)?"
                      r"\s*[.。!！]?\s*$")
_FORMER_LATTER = {"前者": 1, "前一个": 1, "上面那个": 1, "后者": 2, "后一个": 2, "下面那个": 2}
# Calling off what was just reported: a false alarm, help no longer needed.
_CALL_OFF = re.compile(r"不用来了|不用过来|不用派人|不需要了|没事了|人没事|搞错了|弄错了|误报|虚惊|看错了|"
                       r"(?:人|我|他|她|他们)(?:已经)?(?:自己)?出来了|已经(?:关|关掉|处理|解决|修|好)了|"
                       r"取消|撤销|撤回")
_BARE_SCORE = re.compile(r"^\s*([1-5])\s*(?:分|星)?\s*[!.。~！]?\s*$")

# ---------------------------------------------------------------- fees

# A fee question that asks how to pay rather than how much (怎么交物业费, 哪里交, 可以刷卡吗).
_HOW_TO_PAY = re.compile(
    r"(?:怎么|怎样|如何|哪里|哪儿|在哪|去哪)(?:里)?(?:能|可以)?(?:交|缴|付|支付|缴纳|交纳)"
    r"|(?:可以|能|能不能|可不可以|支持|是否支持)(?:用)?(?:微信|支付宝|银行卡|信用卡|刷卡|转账|现金|扫码|网上|线上|手机)"
    r"|(?:缴费|交费|支付|付款|付费)(?:方式|渠道|途径|方法)"
    r"|支付宝|刷卡|转账|扫码|(?:线上|网上|手机上?)(?:交|缴|付|支付)")
_HOW_MUCH = re.compile(r"多少|欠|账单|明细|查|余额|金额|几个月")

# ---------------------------------------------------------------- small talk

_GOODBYE = re.compile(r"再见|拜拜|88|bye|晚安")
_THANKS = re.compile(r"谢谢|多谢|感谢|谢了|辛苦|thank|thx", re.IGNORECASE)
_HELP = re.compile(r"能干|能做|能办|会什么|会干|有什么功能|功能|帮助|菜单|help", re.IGNORECASE)
# A question or a request, as opposed to a remark (今天天气不错, 哈哈): off-topic questions are declined,
# remarks are answered in kind.
_ASKS = re.compile(r"[?？]|吗|呢|么|怎么|如何|能不能|能否|可不可以|可以|帮我|帮忙|请|哪|什么|啥|多少|几|"
                   r"有没有|是不是|要不要|给我|告诉我")
_ACKNOWLEDGED = re.compile(r"^(?:好的?|好滴|好嘞|嗯+|哦+|噢+|ok|收到|知道了|明白了?|了解)[,.!~ 。！]*$", re.IGNORECASE)

# ---------------------------------------------------------------- the dialogue

_LABEL_LEAD = re.compile(r"^\s*(?:你好|您好)?[，,\s]*(?:我要|我想|想|帮我|麻烦)?"
                         r"(?:报修|维修|报个修|投诉|提个?建议|建议)(?:一下)?\s*[：:，,。！!\s]+")
_CORRECTION_LEAD = re.compile(r"^\s*(?:不对|不是|错了|说错了|改一下|修改一下|修改|更正|改成|改为|应该是)"
                              r"(?:[，,：:。\s]*(?:不对|改一下|改成|改为|应该是|是))*[，,：:。\s]*")
_CORRECTION = re.compile(r"^\s*(不对|不是|错了|说错了|改成|改为|应该是|更正)")
# Words that name a day (明天, 周六, 12月9日, 9号, 初三 …): without them, “上午10点” keeps the day said before.
_DAY_WORDS = re.compile(r"[今明后昨]|[周星礼][期拜]?[一二三四五六日天1-7]|周末"
                        r"|[0-9一二三四五六七八九十]+\s*[月号日]|初[一二三四五六七八九十]")
# An answer to "please reply 确认": one or more yes-words (对的，确认 / OK確認 / 得，确认提交), or a no.
_YES_WORD = (r"(?:好的?|好滴|好嘞|好啊|行|可以的?|是的?|系|对的?|对头|没错|冇错|确认(?:无误)?|确定|嗯+|恩+|"
             r"en|ok|okay|yes|yep|y|同意|没有?问题|冇问题|就这样|提交|麻烦了|要的|需要|得|得啦|👌|👍|✅|"
             r"(?:确认|确定)?(?:开单|办理|开吧|提交吧|登记吧))")
_YES = re.compile(rf"^(?:{_YES_WORD}[啊呀吧了的哈啦呢哦噢嘛]*[,，、.。!！~\s]*)+$|^{_YES_WORD}[啊呀吧了的哈啦呢哦噢嘛]*"
                  r"(?:[,，.。!！?？;~ ]|谢谢|麻烦|辛苦)")
_NOTED = re.compile(r"^(?:知道了?|明白了?|了解了?|收到了?|好吧)[,，、.。!！~\s]+")
_NO = re.compile(r"^(?:不用|不要|不对|不是|不行|不可以|不需要|不了|不|算了|否|没有|别|取消|错了|no|n|❌)"
                 r"[啊呀吧了的哈啦呢哦噢嘛]*(?:[,，.。!！?？;~ ]|谢谢|$)")

# ---------------------------------------------------------------- homes

_UNBIND = re.compile(r"解绑|解除.{0,4}绑定|取消.{0,4}绑定|不想绑")
_SWITCH = re.compile(r"切换|换到|换成")
_LIST_HOMES = re.compile(r"哪些|哪几|几套|多套|两套|查看.{0,2}绑定|已绑定的"
                         r"|绑(?:定)?(?:的|了)(?:是)?哪(?:一|1|套|户|间|个)|名下.{0,4}哪")
_PHONE_IN_TEXT = re.compile(r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}")
_NAME_NOISE = re.compile(r"^(?:我叫|我是|本人|业主|租户|姓名|名字|是|叫|[:：,，\s])+"
                         r"|(?:手机号?|电话|号码|[:：,，。.\s])+$")
_NAME = re.compile(r"[\u4e00-\u9fff·A-Za-z ]{2,20}")
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
             "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧")
_PERSON = rf"(?:欧阳|司马|上官|诸葛|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}}"  # a Chinese name: surname first
_NAME_PIECE = re.compile(_PERSON)
_RELATION_AND_NAME = re.compile(
    r"(?:同事|同学|朋友|亲戚|表哥|表姐|表弟|表妹|堂哥|堂姐|老师|师傅)(?!周[末一二三四五六日天]|[一二三四五六七八九十两几]个)"
    + _PERSON + r"(?=开|来|过|要|会|今|明|后|下|上|的|和|带|[，,。.!！\s]|$)")
_NAMED_SELF = re.compile(rf"(?:(?:我叫|我是|本人)(?:租户|租客|业主)?|姓名[是:：]?|名字[是叫:：]?"
                         rf"|(?:业主|租户|租客)(?:名字)?[叫是:：]?)\s*"
                         rf"({_PERSON})"
                         r"(?=$|[，,。.；;！!\s手电的业租])")
_PIECES = re.compile(r"[，,。.；;！!？?\s、:：]+")
_NOT_A_NAME = re.compile(r"[栋楼单元室号房手机电话绑定业主租户物业我你他她的了吗呢啊吧想要是在有]")
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
_ENGLISH_ALONE = re.compile(r"^\s*(?:hello|hi|hey|help|thanks|thx)\W*$", re.IGNORECASE)  # English in one word
_BUILDING = re.compile(r"([0-9]{1,3}|[A-Za-z])\s*(?:栋|號樓|号楼|幢|座|号)")
# A shared place as owners name it: 3栋电梯, 2单元楼道, 地下车库B区, 小区东门, 中心花园.
_PLACE_WORD = (r"(?:电梯厅|电梯|楼道|楼梯间|楼梯|走廊|过道|地下车库|车库|地库|停车场|大堂|单元门|门禁|大门|"
               r"东门|南门|西门|北门|门岗|岗亭|消防栓|消防通道|消防门|绿化带|绿化|中心花园|花园|天台|楼顶|配电房|"
               r"水泵房|会所|道闸|路灯|垃圾房|垃圾站|信报箱|外墙|广场|游泳池|泳池|健身区|儿童乐园|游乐区|公共区域|门口)")
# What is broken at a shared place, kept with it (3栋门口的路灯, 东门道闸).
_FACILITY = (r"(?:路灯|灯|电梯|道闸|门禁|单元门|大门|消防栓|灭火器|垃圾桶|座椅|栏杆|扶手|监控|摄像头|信报箱|快递柜|"
             r"充电桩|水管|下水道|井盖|地砖|台阶|玻璃|窗户|门)")
_PLACE = re.compile(
    r"(?:(?:\d{1,3}|[A-Za-z])\s*(?:号楼|栋|幢|座)\s*(?:\d{1,2}\s*单元)?\s*[的部]?\s*|\d{1,2}\s*单元\s*的?\s*|小区\s*的?\s*)?"
    r"(?:地下|负[一二三]层?|B[1-3]层?|[一二三四五六七八九十\d]{1,2}楼(?=的?(?:楼道|走廊|电梯|过道|大堂)))?\s*的?\s*"
    + _PLACE_WORD + r"(?:[A-Za-z]区|\d{1,3}号|[一二三]层|入口|出口|口)?"
    + r"(?:\s*(?:进来|出去|旁边|附近|那条路|这条路|那边|这边|那里|这里)*\s*的?\s*" + _FACILITY + ")?")
_CLASSIFIER_AFTER_BUILDING = re.compile(r"(?<=[栋座幢楼])部")  # B座部电梯 (Cantonese): B座电梯
# The home's own door, corridor or gate (我家门口, 入户大门) is not a shared place.
_HOME_BEFORE_PLACE = re.compile(r"(?:我家|我们家|家里|屋里|屋企|入户|户门|房间|卧室|客厅|厨房|阳台)\s*的?\s*$")
# Places that belong to everyone: a report about them is a shared-facility one, not a home's.
_WHOLE_BUILDING_WORDS = ("全楼", "整栋", "整幢", "整个楼", "整个单元", "整个小区", "全小区")

# ---------------------------------------------------------------- passes and permits

_NUMERAL = "零一二两三四五六七八九十"
_PEOPLE = re.compile(
    rf"(\d{{1,2}}|[{_NUMERAL}]{{1,3}})"
    + r"\s*(?:个\s*(?:人|朋友|同学|同事|客人|亲戚|访客|工人|师傅|家人)|位|名|口人|人)"
)
_HOUR = re.compile(rf"(\d{{1,2}}|[{_NUMERAL}]{{1,3}})\s*[点點时時]|\d{{1,2}}\s*[:：]\s*\d{{2}}")
_CAR = re.compile(r"开车|驾车|自驾|揸车|开.{0,6}车|车[来過过]|停车|车位|车牌|货车|货拉拉|搬家公司|拉货|面包车")
_NO_CAR = re.compile(r"(?:不|没|没有|冇|唔|无)\s*(?:开|揸|驾)?\s*车")
_RELATIONS = (
    "朋友", "同学", "同事", "亲戚", "家人", "父母", "爸妈", "爸爸", "妈妈", "老人", "岳父", "岳母", "公公", "婆婆",
    "表哥", "表姐", "表弟", "表妹", "堂哥", "堂姐", "哥哥", "姐姐", "弟弟", "妹妹", "舅舅", "舅妈", "姑姑", "阿姨",
    "叔叔", "外婆", "外公", "奶奶", "爷爷", "女儿", "儿子", "保姆", "月嫂", "家政", "钟点工", "家教", "老师",
    "师傅", "工人", "装修", "中介", "快递", "外卖", "客人",
)
_NAMED = re.compile(r"(?:叫|姓名[是为:：]?|名字[是叫:：]?)\s*([\u4e00-\u9fff]{2,3})(?=$|[，,。.；;！!\s的])")
_THAT_HOME = re.compile(r"那(?:一)?套|那间")  # 6栋那套: one of the speaker's homes, not a shared place
_ANY_TIME = re.compile(r"随时|都可以|都行|都ok|都OK|什么时候都|啥时候都|任何时间|全天(?:都)?在|随便|没所谓|无所谓|"
                       r"anytime|any time", re.IGNORECASE)
_LONG_TERM = re.compile(r"长期|每天|天天|每周|每个星期|以后都|经常")
_ITEM = re.compile(
    r"柜|冰箱|沙发|床|桌|椅|电视|洗衣机|空调|钢琴|家具|家私|家电|电器|箱|行李|书|花架|材料|自行车|电动车|单车|电脑|"
    r"茶几|热水器|微波炉|烤箱|盆栽|花盆|设备|样品|衣物|杂物|货")
_LEAD = re.compile(r"^.*?(?:搬|运|拉|带|拿|扔|卖|把|将)(?:出去|走|出)?(?:了|掉)?"
                   r"|^(?:物品|东西|要搬的有|搬的是)\s*[:：]?\s*")
_TAIL = re.compile(r"(?:要|想)?(?:搬|运|拉|带|拿|卖|扔)?(?:出去|出小区|出门|回老家|走|掉)?(?:了|吧|啊)?$")
_CLAUSES = re.compile(r"[，,。；;！!？?\s]+")
# Time words said with the items (两个衣柜和一台冰箱明天): the time is a slot of its own.
_ITEM_TIME = re.compile(r"(?:今天|明天|后天|大后天|这周.|下周.|周[一二三四五六日天]|星期[一二三四五六日天]|"
                        r"礼拜[一二三四五六日天]|早上|上午|中午|下午|傍晚|晚上|\d{1,2}\s*[点:：]\s*\d{0,2}分?|"
                        r"\d{1,2}月\d{1,2}[日号]|\d{1,2}[日号])+")
_MOVE = re.compile(r"搬家|搬屋|退房|退租|清空|整车|一车|搬离|不住了|搬走了")
ITEMS_MAX = 200

# ---------------------------------------------------------------- complaints and suggestions

# A reading of the complaint category from the words, for when the classifier's slot gave none.
_COMPLAINT_CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("高空抛物", ("高空抛物", "抛物", "往下扔", "扔下来", "从楼上扔", "高空坠物")),
    ("服务态度", ("态度", "服务差", "服务太差", "不理人", "爱理不理", "骂人", "不作为")),
    ("空调滴水", ("空调",)),
    ("养犬宠物", ("狗", "犬", "猫", "宠物")),
    ("违章搭建", ("违建", "违章", "搭建", "私搭", "乱搭", "加建", "扩建")),
    ("住改商", ("住改商", "开店", "麻将馆", "棋牌室", "民宿", "办公司", "当仓库", "做生意")),
    ("停车", ("停车", "车位", "乱停", "挡住车", "占道", "挡道")),
    ("噪音", ("吵", "噪音", "噪声", "跳绳", "装修声", "电钻", "广场舞", "音响", "唱歌", "扰民", "响声", "喧哗")),
    ("环境卫生", ("垃圾", "卫生", "脏", "臭", "油烟", "蚊子", "老鼠", "蟑螂", "清洁", "打扫")),
    ("安全秩序", ("陌生人", "小偷", "被偷", "被盗", "推销", "门禁", "打架", "治安")),
)
_TARGET = re.compile(
    r"楼上|楼下|隔壁|对门|对面|邻居|住户|业主|[那这某]户|他家|她家|他们家|车主|装修队|商户|店主|老板|"
    r"(?<![0-9])[0-9]{3,4}(?![0-9年元块点分米])|[0-9A-Z]+(?:栋|号楼|幢|座)|保安|门卫|门岗|保洁|清洁工|客服|前台|管家|经理|主管|师傅|工作人员|"
    r"物业|工程部|管理处|绿化"
)
_OWN_DEADLINE = re.compile(r"(?<!目)前(?![台天面])|为止|之内|以内|截止")
_COMPLAINT_PREAMBLE = re.compile(r"你好|您好|在吗|我|要|想|投诉|一下|一件事|一个|个|事情|事|物业|你们|客服|吧|啊|呢|"
                                 r"[\s,.!?;:~，。！？；：、…]")
_SUGGESTION_PREAMBLE = re.compile(
    r"你好|您好|在吗|可以吗|行吗|好吗|可以|怎么提|在哪|物业|客服|我|想|要|有|个|一个|一些|几个|点|一点|提|给|你们|"
    r"建议|意见|想法|一下|吧|啊|哈|呢|吗|小|"
    r"[\s,.!?;:~，。！？；：、…]"
)
_PUNCTUATION = re.compile(r"[\s,.!?;:~，。！？；：、…]+")
# What the owner wants done, said in the complaint itself: from the marker to the end of its sentence.
_WISH = re.compile(
    r"(?:希望|要求|请求|盼望|麻烦|拜托|请(?=物业|你们|管理处|尽快|马上|赶紧)|"
    r"(?:物业|你们|管理处)(?:能不能|可不可以|能否|赶紧|尽快|马上|快点|必须|应该|要)|"
    r"(?:给个|给我一个?)说法|(?:照价)?赔偿|"
    r"(?:管一管|管管|管一下|处理一下|说一下|提醒一下|沟通一下|劝一劝|劝一下)|"
    r"(?:尽快|赶紧|马上|快点)(?:安排|派|处理|解决|清理|清走|过来|来))"
    r"[^。！!？?；;，,:：]*"
)
_WISH_LEAD = re.compile(r"^(?:麻烦|拜托|请求)")
MIN_WISH_CHARS = 4
MAX_WISH_CHARS = 60
_NOTHING_MORE = frozenset({"没有", "没", "无", "没有了", "没什么", "没啥", "没要求", "没有要求", "没有什么要求",
                           "都行", "都可以"})
_DONT_KNOW = ("不知道", "不清楚", "不确定", "不晓得", "没看到", "没看清", "不认识")
MIN_CONTENT_CHARS = 3

# Very angry (情绪激动): three or more ！/？, the government hotline, or angry or abusive words.
_ANGRY_WORDS = (
    "太过分", "过分了", "气死", "气炸", "忍无可忍", "受够了", "市长热线", "热线投诉", "曝光", "媒体", "电视台",
    "上新闻", "垃圾物业", "垃圾服务", "告你们", "起诉", "找律师", "什么破物业", "破物业", "黑心物业",
    "傻逼", "傻b", "他妈的", "妈的", "尼玛", "混蛋", "王八蛋", "废物", "狗屁", "滚蛋", "滚出", "去死",
)
_SHOUTS = re.compile(r"[!！?？]")
_GOVERNMENT_HOTLINE = re.compile(r"(?<![0-9A-Za-z])12345(?![0-9])")  # not a plate 粤B12345
_ANGRY_MARKS = 3

# ---------------------------------------------------------------- emergencies

# Kinds in order of danger: the advice shown follows this order.
EMERGENCY_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fire", ("火", "烟", "燃烧", "烧起来", "烧着")),
    ("gas", ("燃气", "煤气", "天然气", "液化气", "瓦斯")),
    ("injury", ("受伤", "流血", "出血", "摔倒", "晕倒", "昏倒", "昏迷", "骨折", "伤到", "砸伤", "砸到人", "急救",
                "救护车", "不省人事", "没有呼吸", "没呼吸", "心脏病", "咬伤", "被咬")),
    ("lift", ("电梯", "轿厢", "困人")),
    ("flood", ("爆管", "水管爆", "爆水管", "水管裂", "淹", "水漫", "漫水", "漫出", "进水", "喷水", "冒水", "跑水",
               "发大水", "水浸", "漏水", "渗水", "积水")),
    ("outage", ("停电", "停水", "断电", "断水", "没电", "没有电", "没水", "没有水", "跳闸", "黑了")),
    ("typhoon", ("台风", "暴风", "大风", "狂风", "吹倒", "吹坏", "吹落", "吹掉", "刮倒", "刮坏", "刮掉", "暴雨")),
)


class Details:
    """Cues and details of one text (normalised simplified Mandarin); ``raw`` is what the owner typed."""

    def __init__(self, text: str, raw: str | None = None) -> None:
        self.text = text
        self.raw = text if raw is None else raw

    # tickets and ratings
    @cached_property
    def ticket_number(self) -> str | None:
        """A ticket number written anywhere in the text (r20261120003 → R20261120003)."""
        return extract_ticket(self.text)

    @cached_property
    def chase(self) -> bool:
        return _CHASE.search(self.text) is not None

    @cached_property
    def not_fixed(self) -> bool:
        return _NOT_FIXED.search(self.text) is not None

    @cached_property
    def progress(self) -> bool:
        return _PROGRESS.search(self.text) is not None

    @cached_property
    def about_a_ticket(self) -> bool:
        """Whether a message read as small talk is really about a ticket (a number, 催单, 没修好, 进度)."""
        return bool(self.ticket_number or self.chase or self.not_fixed or self.progress)

    @cached_property
    def call_off(self) -> bool:
        """不用来了 / 搞错了，没事了 / 取消吧: what was just reported is called off."""
        return _CALL_OFF.search(self.text) is not None

    @cached_property
    def ordinal(self) -> int | None:
        """Which item of a list the answer picks (第一个 → 1, 第2张 → 2, 后者 → 2); None when it names none."""
        text = self.text.strip(" ，,。.!！")
        if text in _FORMER_LATTER:
            return _FORMER_LATTER[text]
        match = _ORDINAL.match(text)
        return _numeral(match.group(1)) if match else None

    @cached_property
    def bare_score(self) -> str | None:
        """A lone “4” or “5分”: a rating when one is awaited."""
        match = _BARE_SCORE.match(self.text)
        return match.group(1) if match else None

    # fees
    @cached_property
    def how_to_pay(self) -> bool:
        """怎么交物业费 asks for the ways to pay; 还欠多少，怎么交 wants the figures (which list the ways too)."""
        return _HOW_TO_PAY.search(self.text) is not None and _HOW_MUCH.search(self.text) is None

    # small talk
    @cached_property
    def goodbye(self) -> bool:
        return _GOODBYE.search(self.text) is not None

    @cached_property
    def thanks(self) -> bool:
        return _THANKS.search(self.text) is not None

    @cached_property
    def asks_for_help(self) -> bool:
        return _HELP.search(self.text) is not None

    @cached_property
    def asks_something(self) -> bool:
        """A question or a request (帮我订票, 几点了?), as opposed to a remark (今天天气不错, 哈哈😂)."""
        return _ASKS.search(self.text) is not None

    @cached_property
    def acknowledgement(self) -> bool:
        return _ACKNOWLEDGED.match(self.text.strip()) is not None

    # the dialogue
    @cached_property
    def told(self) -> str:
        """What the owner says happened, as typed, without a leading label (报修：, 我要投诉，)."""
        return _LABEL_LEAD.sub("", self.raw).strip() or self.raw.strip()

    @cached_property
    def amended(self) -> str:
        """The owner's words without a leading 不对/改成 (what they say it should be), as typed."""
        return _CORRECTION_LEAD.sub("", self.raw).strip()

    @cached_property
    def names_day(self) -> bool:
        """The words say which day (明天, 周六, 12月9日): a bare 上午10点 does not."""
        return _DAY_WORDS.search(self.text) is not None

    @cached_property
    def correction(self) -> bool:
        """不对，是502 / 改成后天: the owner corrects something said before."""
        return _CORRECTION.match(self.text) is not None

    @cached_property
    def english(self) -> bool:
        """Written in English (or nearly): most letters are Latin and there are words, not only a plate."""
        latin = len(_LATIN.findall(self.raw))
        cjk = len(_CJK.findall(self.raw))
        words = len(_ENGLISH_WORD.findall(self.raw))
        return latin >= 2 * max(cjk, 1) and (words >= 2 or _ENGLISH_ALONE.match(self.raw) is not None)

    @cached_property
    def names(self) -> list[str]:
        """Chinese personal names the message gives (我是张伟, 业主李娜电话…, a part that is only a name:
        绑定房屋，3栋2单元501，张伟，手机…), in simplified characters: for checking against the register."""
        found = [match.group(1) for match in _NAMED_SELF.finditer(self.text)]
        for raw_piece in _PIECES.split(_PHONE_IN_TEXT.sub("，", self.text)):
            piece = raw_piece.strip()
            if 2 <= len(piece) <= 4 and _NAME_PIECE.fullmatch(piece) and not _NOT_A_NAME.search(piece):
                found.append(piece)
        return list(dict.fromkeys(found))

    @cached_property
    def verdict(self) -> bool | None:
        """The answer at a confirm step: True (对，确认 / OK / 得), False (不用了 / 取消), None when neither."""
        simplified, _traditional = to_simplified(unicodedata.normalize("NFKC", self.raw))
        compact = simplified.strip().lower().lstrip(",.!?~ ")  # the raw words: 嗯 is an answer here
        compact = _NOTED.sub("", compact) or compact  # 知道了，确认: the yes is after the acknowledgement
        if _NO.match(compact):
            return False
        if _YES.match(compact):
            return True
        return None

    # homes
    @cached_property
    def unbind(self) -> bool:
        return _UNBIND.search(self.text) is not None

    @cached_property
    def switch_home(self) -> bool:
        return _SWITCH.search(self.text) is not None

    @cached_property
    def list_homes(self) -> bool:
        return _LIST_HOMES.search(self.text) is not None

    @cached_property
    def name_beside_phone(self) -> str | None:
        """“张伟 13800000001”: the name given together with a phone (for binding)."""
        if not _PHONE_IN_TEXT.search(self.raw):
            return None
        rest = _NAME_NOISE.sub("", _PHONE_IN_TEXT.sub(" ", self.raw).strip()).strip()
        return rest if _NAME.fullmatch(rest) else None

    @cached_property
    def person_name(self) -> str:
        """The name in an answer to "what is your name" (我叫张伟 → 张伟), as written."""
        return _NAME_NOISE.sub("", self.raw.strip())

    @cached_property
    def shared_place(self) -> bool:
        """The words name a place that belongs to everyone (电梯, 楼道, 车库 …), not the home's own door."""
        return self.place is not None or any(word in self.text for word in _WHOLE_BUILDING_WORDS)

    @cached_property
    def place(self) -> str | None:
        """The shared place the words name (3栋电梯, 地下车库B区, 2单元楼道), as written; None for the home's own."""
        for match in _PLACE.finditer(self.text):
            if _HOME_BEFORE_PLACE.search(self.text[max(0, match.start() - 6):match.start()]):
                continue
            return _CLASSIFIER_AFTER_BUILDING.sub("", match.group(0).strip())
        return None

    @cached_property
    def building(self) -> str | None:
        """The building code a place names (3栋电梯 → 3, B座大堂 → B), for merging reports."""
        match = _BUILDING.search(self.text)
        return match.group(1).upper() if match else None

    # passes and permits
    @cached_property
    def hour_named(self) -> bool:
        """An hour was given (三点, 15:30), not only a day or a part of it."""
        return _HOUR.search(self.raw) is not None

    @cached_property
    def car(self) -> bool:
        """A car comes (开车, 车牌, 货拉拉) and nobody said it does not."""
        return _CAR.search(self.raw) is not None and _NO_CAR.search(self.raw) is None

    @cached_property
    def people(self) -> int | None:
        """2个人, 两位, 三个朋友, 七八个人 (→ 8): how many visitors, or None when not said."""
        counts = [_numeral(match.group(1)) for match in _PEOPLE.finditer(self.raw)]
        known = [count for count in counts if count]
        return max(known) if known else None

    @cached_property
    def visitor(self) -> str | None:
        """Who the visitor is: a name given (叫王小明), else the first relation named (朋友, 保姆)."""
        named = _NAMED.search(self.raw)
        if named:
            return named.group(1)
        related = _RELATION_AND_NAME.search(self.text)  # 我同事孙浩开车来 → 同事孙浩
        if related:
            return related.group(0)
        found = [(self.raw.find(word), word) for word in _RELATIONS if word in self.raw]
        return min(found)[1] if found else None

    @cached_property
    def that_home(self) -> bool:
        """The words point at one of the owner's own homes (6栋那套、那间), rather than a shared place."""
        return _THAT_HOME.search(self.raw) is not None

    @cached_property
    def any_time(self) -> bool:
        """随时都可以 / 什么时候都行: the owner leaves the time to us."""
        return _ANY_TIME.search(self.raw) is not None

    @cached_property
    def standing(self) -> bool:
        """A standing arrangement (长期, 每天) rather than one visit."""
        return _LONG_TERM.search(self.raw) is not None

    @cached_property
    def items(self) -> str | None:
        """搬柜子和冰箱 → 柜子和冰箱: the clauses that name things taken out, without the verbs."""
        found: list[str] = []
        for clause in _CLAUSES.split(self.text):  # simplified Mandarin: 梳化 is 沙发
            if not _ITEM.search(clause):
                continue
            core = _LEAD.sub("", clause, count=1)
            if not _ITEM.search(core):
                core = clause
            core = _TAIL.sub("", _ITEM_TIME.sub("", core)).strip().lstrip("了要个")
            if core:
                found.append(core)
        return "，".join(found)[:ITEMS_MAX] if found else None

    @cached_property
    def moving(self) -> bool:
        """A large move (搬家, 退租, 一车)."""
        return _MOVE.search(self.raw) is not None

    # complaints and suggestions
    @cached_property
    def complaint_content(self) -> bool:
        """Whether the words say what happened, once "我要投诉物业" and greetings are set aside."""
        return len(_COMPLAINT_PREAMBLE.sub("", self.text)) >= MIN_CONTENT_CHARS

    @cached_property
    def suggestion_content(self) -> bool:
        """Whether the words hold an idea, once the greeting and "我想提个建议" are set aside."""
        return len(_SUGGESTION_PREAMBLE.sub("", self.text)) >= MIN_CONTENT_CHARS

    @cached_property
    def complaint_category(self) -> str | None:
        """The complaint category the words suggest (for when the classifier's slot gave none)."""
        return next((category for category, words in _COMPLAINT_CATEGORY_WORDS
                     if any(word in self.text for word in words)), None)

    @cached_property
    def targets(self) -> list[str]:
        """Whom the words name (楼上, 保安, 1602 …), in order, at most three."""
        return list(dict.fromkeys(_TARGET.findall(self.text)))[:3]

    @cached_property
    def wish(self) -> str | None:
        """What the owner asks us to do, when the complaint says it (希望物业上门提醒一下他们)."""
        match = _WISH.search(self.text)
        if match is None:
            return None
        wish = match.group().strip(" ，,、")[:MAX_WISH_CHARS]
        return wish if len(_WISH_LEAD.sub("", wish)) >= MIN_WISH_CHARS or "说法" in wish or "赔" in wish else None

    @cached_property
    def own_deadline(self) -> bool:
        """The owner names a date of their own (周五前, 月底之内)."""
        return _OWN_DEADLINE.search(self.text) is not None

    @cached_property
    def nothing_more(self) -> bool:
        """没有 / 都行: an answer that asks for nothing."""
        return _PUNCTUATION.sub("", self.raw) in _NOTHING_MORE | {""}

    @cached_property
    def does_not_know(self) -> bool:
        return any(word in self.raw for word in _DONT_KNOW)

    @cached_property
    def angry(self) -> bool:
        """Very angry: three or more ！/？, the government hotline, or angry or abusive words."""
        for text in (self.raw, self.text):
            if len(_SHOUTS.findall(text)) >= _ANGRY_MARKS or _GOVERNMENT_HOTLINE.search(text):
                return True
            lowered = text.lower()
            if any(word in lowered for word in _ANGRY_WORDS):
                return True
        return False

    # emergencies
    @cached_property
    def emergency_kinds(self) -> list[str]:
        """The kinds of emergency the words describe (fire, gas, injury, lift, flood, outage, typhoon), most
        dangerous first."""
        return [kind for kind, words in EMERGENCY_KIND_WORDS if any(word in self.text for word in words)]


def _numeral(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    digits = {char: index for index, char in enumerate("零一二三四五六七八九")} | {"两": 2}
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    values = [digits[char] for char in text if char in digits]
    return max(values) if values else None  # 七八 → 8: plan for the larger number


def details_of(text: str) -> Details:
    """The cues and details of a text the flow kept (a form's first message, an answer)."""
    from bot.nlu.normalize import normalize  # the same normalisation as ``understand``

    return Details(normalize(text).text, text)
