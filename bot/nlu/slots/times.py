"""Times: relative Chinese expressions resolved against the message time, in that time's zone.

Our own small parser rather than a library: JioNLP's ``parse_time`` is the only one known to read
these forms but is a very large dependency (and raises on 明早, returns spans wrong); dateparser
reads almost none of them. The rules, docs/nlu.md's defaults plus the decisions it leaves open:

- a day alone → ``YYYY-MM-DD``; a period with no hour → 上午/早上 09:00, 中午 12:00, 下午 14:00,
  傍晚 18:00, 晚上 19:00 (凌晨/半夜 give no default: the date alone);
- 周六 / 这周六 → the Saturday of this week counted from Monday; a bare 周六 already past this
  week means next week's, a bare 周六 said on a Saturday means today (an owner booking a week
  ahead says 下周六); 这周六 is always this week's; 下周三 → Wednesday of next week;
- 明早 / 今早 → 09:00 unless an hour is given; 今晚 / 明晚 → 19:00 unless an hour is given;
- a clock hour without 上午/下午: 1-6 点 is the afternoon (nobody books 3 a.m.); 7-11 点 is the
  morning, unless it is for today and that morning hour has passed while the evening one has not
  (9点 said at 14:00 means 21:00); 12 点 is noon;
- a span (下午两点到四点, 9点到11点之间) → its start; X点以后 → X点;
- M月D号 → the nearest such date (1月3号 said on 28 December is next year); D号 alone → the nearest
  such day of this, the previous or the next month;
- 下个月/下月 3号 → that day of the next month (上个月, 这个月/本月 likewise);
- a period or a weekday that is habitual (每天晚上, 每周六, 天天半夜) or a weekday range (周一到周五)
  is not a time; a clock reading in a clause that states a habit (成日周末 一早8点就开始钻) is not one
  either, nor one that bounds a standing rule with no day (建议晚上10点后路灯别全关);
- a clock reading that tells the time now (现在都3点半了, 已经5点了) is not the appointment;
- a period alone (晚上太暗) is not a time unless someone comes or is there then (他下午来搬,
  晚上在家 → today at the period's default), or the dialogue asked for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
             "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_PERIOD_HOURS = {"凌晨": None, "早上": 9, "早晨": 9, "清晨": 9, "上午": 9, "中午": 12, "正午": 12,
                 "下午": 14, "午后": 14, "傍晚": 18, "黄昏": 18, "晚上": 19, "晚": 19, "夜里": 19,
                 "夜间": 19, "半夜": None, "深夜": None, "早": 9}
_EVENING = {"下午", "午后", "傍晚", "黄昏", "晚上", "晚", "夜里", "夜间", "深夜"}
# Fixed-date holidays and a short table of lunar ones (the service needs only the next few years).
_HOLIDAYS = {"元旦": (1, 1), "劳动节": (5, 1), "五一": (5, 1), "国庆": (10, 1), "国庆节": (10, 1),
             "圣诞": (12, 25), "圣诞节": (12, 25), "平安夜": (12, 24)}
# Festivals of the lunar calendar (month, day), and 清明, a solar term: dated by lunar-python.
_LUNAR = {"除夕": None, "春节": (1, 1), "元宵": (1, 15), "端午": (5, 5), "中秋": (8, 15)}
_SOLAR_TERMS = {"清明": "清明"}

_HABIT = r"(?<!每)(?<!天天)(?<!每个)(?<!经常)(?<!总是)"
_WD = r"([一二三四五六日天七1-7])(?!\s?号?风球)"  # 三号风球 is a typhoon signal, not a Wednesday
_DAY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ymd", re.compile(r"(20\d\d)\s?年\s?(\d{1,2})\s?月\s?(\d{1,2})\s?[日号]?")),
    ("iso", re.compile(r"(?<!\d)(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    ("md", re.compile(r"(?<![\d.])(\d{1,2})\s?月\s?(\d{1,2})\s?[日号]"
                      r"(?!楼|院|门|线|房|室|车位|铺|机|位|床|口|栋|幢|座)")),
    ("md", re.compile(r"(?<![\d.])(\d{1,2})\s?月\s?(\d{1,2})"
                      r"(?=\s?(?:上午|下午|中午|晚上|早上|傍晚|凌晨|\d{1,2}[点时:]))")),
    ("month", re.compile(r"(下下|下|上|这|本)个?月\s?(\d{1,2})\s?[日号]"
                         r"(?!楼|院|门|线|房|室|车位|铺|机|位|床|口|栋|幢|座|单元|\d)")),
    # (报了3日喇, 等了3天: a duration, not the 3rd)
    ("d", re.compile(r"(?<![\d月.\-A-Za-z了过等近第])(\d{1,2})\s?[日号]"
                     r"(?!楼|院|门|线|房|室|车位|铺|机|位|床|口|栋|幢|座|单元|电梯|梯|库|仓|岗|窗|风球|\d|喇|啦|了|都|多|左右|之内|内)")),
    ("monthend", re.compile(_HABIT + r"(下下|下|这|本)?个?月(?:底|末)")),
    ("rel", re.compile(r"大后天|大前天|今天|今日|今儿|今早|今晚|今夜|明天|明日|明儿|明早|明晚|明晨|后天|昨天|昨日|昨晚"
                       r"|昨夜|前天")),
    ("next2", re.compile(r"下下(?:个)?(?:周|星期)" + _WD)),
    ("next", re.compile(r"下(?:个)?(?:周|星期)" + _WD)),
    ("last", re.compile(r"上(?:个)?(?:周|星期)" + _WD)),
    ("this", re.compile(r"(?:这|本|这个)(?:周|星期)" + _WD)),
    ("bare", re.compile(_HABIT + r"(?<![下上这本到至~\-])(?:周|星期)" + _WD
                        + r"(?!\s?[到至~\-]\s?(?:周|星期)?[一二三四五六日天])")),
    ("weekend", re.compile(r"(这|本|这个|下|下个)周末")),
    ("after", re.compile(r"(\d{1,2}|半)\s?个?(天|周|星期|小时|钟头|分钟)\s?(?:以后|之后|后)")),
    ("holiday", re.compile(r"(元旦|劳动节|五一|国庆节?|圣诞节?|平安夜|除夕|春节|元宵|清明|端午|中秋)"
                           r"(?!期间|放假|假期|假|前后)")),
)
_RELATIVE = {"大后天": (3, None), "大前天": (-3, None), "今天": (0, None), "今日": (0, None),
             "今儿": (0, None), "今早": (0, "早上"), "今晚": (0, "晚上"), "今夜": (0, "晚上"),
             "明天": (1, None), "明日": (1, None), "明儿": (1, None), "明早": (1, "早上"),
             "明晚": (1, "晚上"), "明晨": (1, "早上"), "后天": (2, None), "昨天": (-1, None),
             "昨日": (-1, None), "昨晚": (-1, "晚上"), "昨夜": (-1, "晚上"), "前天": (-2, None)}

_PERIOD = re.compile(_HABIT + r"(?<!每天)(?<!每晚)"
                              r"(凌晨|早上|早晨|清晨|上午|中午|正午|下午|午后|傍晚|黄昏|晚上|夜里|夜间|半夜|深夜"
                              r"|晚(?=\s?\d)|早(?=\s?\d))")
_CLOCK = re.compile(
    r"(?<![\d.第:])(\d{1,2})\s?(?:点钟?|时(?!间|候|段))(?:(半)|(\d{1,2})\s?分?|(1刻|一刻)|(3刻|三刻))?"
    r"(?!\s?(?:建议|意见|要求|问题|原因|事|个|多个|度|元|块|米))"
    r"|(?<![\d.:])(\d{1,2}):(\d{2})(?![\d:])"
)


# A clock reading in the same clause as one of these is a habit: 每天晚上10点, 成日(天天)周末 一早8点.
_HABIT_WINDOW = re.compile(r"每天|天天|每晚|每个晚上|每周|每逢|每次|经常|总是|老是|一般|都是|平时|整天|一到"
                           r"|(?<![这本下个])周末")
# Said right after the clock, in the same clause: 早上7点 每个周末都这样.
_HABIT_AFTER = re.compile(r"[^,.!?;。]{0,6}?(?:每天|天天|每晚|每个周末|每周|每逢|每次)")
# Where a clause or a stated day starts, the habit words before it no longer apply.
_CLAUSE_BREAK = re.compile(r"[,.!?;。]|今天|明天|后天|今晚|明晚|明早|这周|下周|[号日](?!常)")
# Said with the clock, these make it the time now: 现在都3点半了, 已经5点了, 这都4点了.
_NOW_BEFORE = re.compile(r"(?:现在|已经|这都|都|眼看|眼下|如今|目前)(?:都|已经|已|快|是|才)?\s?$")
# A clock bounding a standing rule, with no day: 建议晚上10点后路灯别全关, 10点以后不准装修.
_RULE_BEFORE = re.compile(r"建议|规定|应该|最好|希望|禁止|提议|延长|开放到|营业到|开到")
_RULE_AFTER = re.compile(r"(?:钟)?\s?(?:以|之)?[后前]\S{0,10}?"
                         r"(?:别|不要|不能|不准|不许|禁止|不得|应该|最好|要求|统一|一律)")
# A period alone is the appointment when someone comes or is there then: 他下午来搬, 晚上在家.
_COMES_AFTER = re.compile(r"\s?(?:有(?:个|一个|几个|位)?)?(?:朋友|同事|亲戚|客人|家人|我妈|我爸|爸妈|父母|师傅|"
                          r"工人|搬家公司|货车"
                          r"|快递|保洁|阿姨|他们|她们|他|她|我们|我)?\s?(?:再|会|能|才|就|要|可以|大概|应该)?"
                          r"(?:来(?!电|了|过)|过来(?!了)|上门"
                          r"|到(?!处|底|了|现在|今天|目前|这会|晚上|中午|下午|傍晚|半夜)|在家|有人在家|有空|方便"
                          r"|搬(?!了)|送(?!了)|修(?!了|好))")


@dataclass(frozen=True)
class _Found:
    start: int
    day: date | None
    period: str | None = None
    exact: datetime | None = None


# A time turned down before another is offered: 元旦那天上午别来，1月2号下午两点再来.
_REFUSED = re.compile(r"别来|不要来|不用来|不方便|没空|不在家|来不了|不行|不可以")
_CLAUSE_END = re.compile(r"[,.!?;。]")


def extract_time(text: str, now: datetime, *, bare: bool = False) -> str | None:
    """The start time the message states, ``YYYY-MM-DDTHH:MM`` or ``YYYY-MM-DD``; None when none.

    ``bare`` (the dialogue asked for a time) lets a period alone count: 下午 → today 14:00. A time
    the owner turns down is passed over when another follows in a later clause.
    """
    refused = _REFUSED.search(text)
    if refused is not None:
        end = _CLAUSE_END.search(text, refused.end())
        if end is not None:
            offered = _extract_time(text[end.end():], now, bare=bare)
            if offered is not None:
                return offered
    return _extract_time(text, now, bare=bare)


def _extract_time(text: str, now: datetime, *, bare: bool = False) -> str | None:
    local = now  # relative times resolve in the zone the message time carries (the estate's)
    today = local.date()
    found = _first_day(text, local)
    if found is not None and found.exact is not None:
        return found.exact.strftime("%Y-%m-%dT%H:%M")
    clock = _first_clock(text, dated=found is not None)
    period = found.period if found is not None else None
    if clock is not None and clock[3] is not None:
        period = clock[3]  # the period written right before the hour wins
    comes = False
    if period is None:
        period_match = _PERIOD.search(text)
        if period_match is not None:
            period = period_match.group(1)
            comes = _COMES_AFTER.match(text, period_match.end()) is not None
    if found is None and clock is None:
        if (bare or comes) and period is not None and _PERIOD_HOURS.get(period) is not None:
            return datetime.combine(today, time(_PERIOD_HOURS[period] or 0)).strftime("%Y-%m-%dT%H:%M")
        return None
    day = found.day if found is not None and found.day is not None else today
    if clock is None:
        default = _PERIOD_HOURS.get(period) if period is not None else None
        if default is None:
            return day.isoformat()
        return datetime.combine(day, time(default)).strftime("%Y-%m-%dT%H:%M")
    hour, minute = clock[0], clock[1]
    hour, day = _resolve_hour(hour, period, day, today, local, minute)
    return datetime.combine(day, time(hour, minute)).strftime("%Y-%m-%dT%H:%M")


def _resolve_hour(hour: int, period: str | None, day: date, today: date, local: datetime,
                  minute: int) -> tuple[int, date]:
    if hour == 24:
        return 0, day + timedelta(days=1)
    if period in _EVENING:
        if period in ("晚上", "晚", "夜里", "夜间", "深夜") and (hour == 12 or 1 <= hour <= 4):
            return hour % 12, day + timedelta(days=1)  # 晚上12点, 今晚1点: after midnight
        return (hour + 12 if hour < 12 else hour), day
    if period in ("中午", "正午"):
        return (hour + 12 if hour <= 3 else hour), day
    if period in ("凌晨",):
        return (0 if hour == 12 else hour), day
    if period is not None:  # 上午, 早上 …
        return hour, day
    if 1 <= hour <= 6:
        return hour + 12, day
    if 7 <= hour <= 11 and day == today:
        said = local.hour * 60 + local.minute
        if said > hour * 60 + minute and said < (hour + 12) * 60 + minute:
            return hour + 12, day
    return hour, day


def _first_clock(text: str, *, dated: bool = False) -> tuple[int, int, int, str | None] | None:
    """(hour, minute, start, period written right before) of the first clock reading.

    ``dated``: the message names a day, so a clock bounding a rule is still that day's time.
    """
    for match in _CLOCK.finditer(text):
        if match.group(6) is not None:
            hour, minute = int(match.group(6)), int(match.group(7))
        else:
            hour = int(match.group(1))
            if match.group(2):
                minute = 30
            elif match.group(3):
                minute = int(match.group(3))
            elif match.group(4):
                minute = 15
            elif match.group(5):
                minute = 45
            else:
                minute = 0
        if hour > 24 or minute > 59:
            continue
        window = _CLAUSE_BREAK.split(text[max(0, match.start() - 12):match.start()])[-1]
        if _HABIT_WINDOW.search(window) or _HABIT_AFTER.match(text, match.end()):
            continue  # 每天晚上10点以后还在装修: a habit, not an appointment
        if _NOW_BEFORE.search(text[max(0, match.start() - 5):match.start()]):
            continue  # 现在都3点半了: the time now
        if not dated and (_RULE_BEFORE.search(window) or _RULE_AFTER.match(text, match.end())):
            continue  # 建议晚上10点后路灯别全关: a rule, not a time
        before = text[max(0, match.start() - 3):match.start()]
        period = None
        for name in sorted(_PERIOD_HOURS, key=len, reverse=True):
            if before.rstrip().endswith(name) or before.rstrip().endswith(name + "的"):
                period = name
                break
        return hour, minute, match.start(), period
    return None


def _first_day(text: str, local: datetime) -> _Found | None:
    found: list[_Found] = []
    for kind, pattern in _DAY_PATTERNS:
        for match in pattern.finditer(text):
            resolved = _resolve_day(kind, match, local)
            if resolved is not None:
                found.append(resolved)
                break
    if not found:
        return None
    return min(found, key=lambda item: item.start)


def _resolve_day(kind: str, match: re.Match[str], local: datetime) -> _Found | None:
    today = local.date()
    start = match.start()
    monday = today - timedelta(days=today.weekday())
    try:
        if kind in {"ymd", "iso"}:
            return _Found(start, date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
        if kind == "md":
            return _Found(start, _nearest_year(today, int(match.group(1)), int(match.group(2))))
        if kind == "d":
            return _Found(start, _nearest_month(today, int(match.group(1))))
        if kind == "monthend":
            shift = {"下下": 2, "下": 1, "这": 0, "本": 0, None: 0}[match.group(1)]
            year, month = divmod(today.year * 12 + today.month + shift, 12)  # the month after, then a day back
            return _Found(start, date(year, month + 1, 1) - timedelta(days=1))
        if kind == "month":
            shift = {"下下": 2, "下": 1, "上": -1, "这": 0, "本": 0}[match.group(1)]
            year, month = divmod(today.year * 12 + today.month - 1 + shift, 12)
            return _Found(start, date(year, month + 1, int(match.group(2))))
    except ValueError:
        return None
    if kind == "rel":
        offset, period = _RELATIVE[match.group()]
        return _Found(start, today + timedelta(days=offset), period)
    if kind in ("next2", "next", "last", "this"):
        weeks = {"next2": 2, "next": 1, "last": -1, "this": 0}[kind]
        return _Found(start, monday + timedelta(days=7 * weeks + _WEEKDAYS[match.group(1)]))
    if kind == "bare":
        ahead = (_WEEKDAYS[match.group(1)] - today.weekday()) % 7
        return _Found(start, today + timedelta(days=ahead))
    if kind == "weekend":
        weeks = 1 if match.group(1).startswith("下") else 0
        return _Found(start, monday + timedelta(days=7 * weeks + 5))
    if kind == "after":
        amount = 0.5 if match.group(1) == "半" else int(match.group(1))
        unit = match.group(2)
        if unit in ("小时", "钟头", "分钟"):
            delta = timedelta(hours=amount) if unit != "分钟" else timedelta(minutes=amount)
            return _Found(start, None, exact=(local + delta).replace(second=0, microsecond=0))
        days = amount * (7 if unit in ("周", "星期") else 1)
        return _Found(start, today + timedelta(days=int(days)))
    if kind == "holiday":
        name = match.group(1).removesuffix("节") if match.group(1) not in _HOLIDAYS else match.group(1)
        if name in _HOLIDAYS:
            month, day_of_month = _HOLIDAYS[name]
            return _Found(start, _nearest_year(today, month, day_of_month))
        if name not in _LUNAR and name not in _SOLAR_TERMS:
            return None
        candidates = [festival_day(name, year) for year in (today.year - 1, today.year, today.year + 1)]
        return _Found(start, min(candidates, key=lambda day: (abs((day - today).days), day < today)))
    return None


def festival_day(name: str, year: int) -> date:
    """The Gregorian date of a lunar festival (春节 …, 除夕 the day before 春节) or 清明 in ``year``."""
    from lunar_python import Lunar, Solar  # deferred: only messages that name a festival need it

    if name in _SOLAR_TERMS:
        term = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()[_SOLAR_TERMS[name]]
        return date(term.getYear(), term.getMonth(), term.getDay())
    lunar = _LUNAR[name]
    if lunar is None:  # 除夕: the eve of the new year falling in ``year``
        solar = Lunar.fromYmd(year, 1, 1).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay()) - timedelta(days=1)
    solar = Lunar.fromYmd(year, *lunar).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _nearest_year(today: date, month: int, day_of_month: int) -> date:
    candidates = [date(year, month, day_of_month) for year in (today.year - 1, today.year, today.year + 1)]
    return min(candidates, key=lambda day: (abs((day - today).days), day < today))


def _nearest_month(today: date, day_of_month: int) -> date:
    if not 1 <= day_of_month <= 31:
        raise ValueError(day_of_month)
    candidates = []
    for shift in (-1, 0, 1):
        month_index = today.year * 12 + today.month - 1 + shift
        year, month = divmod(month_index, 12)
        try:
            candidates.append(date(year, month + 1, day_of_month))
        except ValueError:
            continue
    if not candidates:
        raise ValueError(day_of_month)
    return min(candidates, key=lambda day: (abs((day - today).days), day < today))
