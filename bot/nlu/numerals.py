"""Chinese numerals to arabic digits, only where they are rooms, phones, dates, times or scores.

Voice transcriptions spell numbers out (三号楼二单元五零一, 幺三八…, 下午两点, 给个五分), and the
slot extractors read digits. A blanket conversion would wreck ordinary words (一般, 一直, 十分满意,
唯一一个, 好一点), so a run of numerals is converted only when what follows (or precedes) marks it
as a quantity the extractors care about, or when it is three or more digits read one by one.
"""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}

_RUN = re.compile(r"[零〇一幺二两三四五六七八九十百千]+")

# What may follow a number for it to be one we read: buildings, units, rooms, floors, dates,
# clock times, money and measures (so the room extractor can see "500元" is a price), scores.
_AFTER = re.compile(
    r"(?:多|来|余)?(?:号楼|号院|号|栋|幢|座|单元|室|楼|层|户|点|时|分|月|日|年|岁|块|元|毛|角|平|米|吨|度|星|期|刻"
    r"|个小时|小时|天[后以之]|周[后以之]|个?星期[后以之]|个?礼拜[后以之]|位)"
)
# A number after these is a weekday or an ordinal: 周三, 星期五, 礼拜一, 初一 stay as written.
_WEEKDAY_BEFORE = ("周", "期", "拜", "初")
_TIME_WORDS_BEFORE = ("上午", "下午", "中午", "晚上", "早上", "凌晨", "傍晚", "今晚", "明晚", "明早", "晚", "早",
                      "到", "至")
# 一点 is "a little" unless a clock reading is clear from its neighbours.
# After a comparative or a verb of degree (晚一点, 快一点, 便宜一点, 延长晚一点) it is "a bit" even
# though 晚/早 also stand for evening and morning; 今晚一点 / 明早一点 keep the day, so the clock.
_A_BIT_AFTER = re.compile(r"(?:(?<![今明昨每当])[晚早]|[快慢多少大小宜贵高低长短远近轻重好松紧清楚稍再])$")
_ONE_OCLOCK_SURE = re.compile(r"点(?:半|钟|整|[0-9零二三四五六七八九十]|一刻|到[0-9一二三四五六七八九十两])")
_ONE_OCLOCK_AFTER = re.compile(r"点(?:半|钟|左右|前|后|以后|之前|之后|到|至|整|[0-9零一二三四五六七八九十])")


def to_int(run: str) -> int | None:
    """The value of one numeral run: positional (二十一, 一百零二, 一千二) or digit by digit (五零一)."""
    if not any(ch in _UNITS for ch in run):
        value = 0
        for ch in run:
            value = value * 10 + _DIGITS[ch]
        return value
    total, current, last_unit = 0, None, 1
    for ch in run:
        if ch in _DIGITS:
            if current is not None and current != 0:
                return None  # two digits in a row inside a positional number: not a number
            current = _DIGITS[ch]
        else:
            unit = _UNITS[ch]
            if unit >= last_unit and total:
                return None  # 十百 and similar nonsense
            total += (1 if current is None else current) * unit
            current, last_unit = None, unit
    if current:
        # 一千二 is 1200, 三百五 is 350: a trailing digit counts in the next smaller unit.
        total += current * (last_unit // 10 if last_unit >= 100 and run[-2] in _UNITS else 1)
    return total


def _spell(run: str) -> str | None:
    if any(ch in _UNITS for ch in run):
        value = to_int(run)
        return None if value is None else str(value)
    return "".join(str(_DIGITS[ch]) for ch in run)


def convert_numerals(text: str) -> str:
    """Replace the numeral runs that are quantities with digits; leave words alone."""
    if not _RUN.search(text):
        return text
    out: list[str] = []
    last = 0
    for match in _RUN.finditer(text):
        run, start, end = match.group(), match.start(), match.end()
        replacement = _replacement(text, run, start, end)
        if replacement is not None:
            out.append(text[last:start])
            out.append(replacement)
            last = end
    out.append(text[last:])
    return "".join(out)


def _replacement(text: str, run: str, start: int, end: int) -> str | None:
    before = text[max(0, start - 2):start]
    after = text[end:end + 6]
    if before.endswith(_WEEKDAY_BEFORE):
        return None
    positional = any(ch in _UNITS for ch in run)
    if run[0] in "百千" or ("两" in run and len(run) > 1 and not positional):
        return None  # 百度, 千万, 三三两两: words, not numbers
    if not positional and len(run) >= 3:
        return _spell(run)  # 五零一, 一一零二, 幺三八零零一三八零零零: digits read one by one
    if run == "十" and after.startswith("分") and not after.startswith("分钟"):
        return None  # 十分满意: "very", not ten points
    if before.endswith("点"):
        return _spell(run)  # minutes: 三点四十, 三点零五
    if before.endswith(("单元", "栋", "幢", "座", "号楼", "室")):
        return _spell(run)  # the room after a building or unit: 三单元一千零二
    if after.startswith("点"):
        if run == "一":
            if _A_BIT_AFTER.search(text[max(0, start - 2):start]):
                if not _ONE_OCLOCK_SURE.match(after):
                    return None  # 晚一点到, 快一点: a bit
            elif not (text[:start].endswith(_TIME_WORDS_BEFORE) or _ONE_OCLOCK_AFTER.match(after)):
                return None
        return _spell(run)
    if after.startswith("分之") or (run == "一" and after.startswith("时")):
        return None  # 三分之一, 一时半会
    marker = _AFTER.match(after)
    if marker is None:
        return None
    if run in ("一", "两") and after.startswith(("楼道", "楼梯", "座山", "期间", "号人", "下")):
        return None
    return _spell(run)
