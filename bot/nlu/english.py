"""English times and addresses rewritten into the Chinese forms the slot extractors read.

Owners of some estates write English, or English mixed with Chinese ("kitchen sink 堵了, can someone
come tomorrow 3pm? Block 3 Unit 2 Room 501"). The intent model and the rules read English words
as they are; only the phrases the slot extractors parse are rewritten, so that one time parser and
one room parser serve both languages:

- days: tomorrow → 明天, the day after tomorrow → 后天, tonight / this evening → 今晚, next Monday →
  下周一, this Friday → 这周五, Saturday → 周六, this weekend → 这周末, end of the month → 月底,
  Dec 28 / 28th December → 12月28号, the 20th → 20号; habits (every night, on weekends) → 每天晚上, 每个周末;
- clock times: 3pm → 下午3点, 10:30 am → 上午10点30分, noon → 中午12点, at 4 / after 7 → 4点 / 7点以后;
- periods: morning → 上午, afternoon → 下午, evening / night → 晚上 (not in "good morning");
- in 2 hours → 2小时后, in three days → 3天后;
- addresses: Building/Block/Tower/Bldg 3 → 3栋 (a letter: B座), Unit 2 (before a room) → 2单元,
  Room/Flat/Apt/Rm 501 → 501室, "apt 501 bldg 3" reordered to 3栋501室, 12th floor → 12楼.

Plain words stay English. A text without two Latin letters in a row is returned untouched, so
Chinese messages pay one regex search.
"""

from __future__ import annotations

import re

_LATIN_WORD = re.compile(r"[A-Za-z]{2}")

_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                 "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "half an": "半",
                 "a couple of": "2", "an": "1", "a": "1"}
_WEEKDAY_NAMES = {"mon": "一", "monday": "一", "tue": "二", "tues": "二", "tuesday": "二", "wed": "三",
                  "wednesday": "三", "thu": "四", "thur": "四", "thurs": "四", "thursday": "四", "fri": "五",
                  "friday": "五", "sat": "六", "saturday": "六", "sun": "日", "sunday": "日"}
_MONTH_NAMES = {"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
                "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
                "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12}

_WEEKDAY = r"(mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
# Alone (without next/this/on), only the full names: "sun", "sat", "wed" and "mon" are words too.
_WEEKDAY_FULL = r"(monday|tuesday|tues|wednesday|thursday|thurs|friday|saturday|sunday)"
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_ORDINAL = r"(?:st|nd|rd|th)?"

_I = re.IGNORECASE


def _sub(pattern: str, replacement: object) -> tuple[re.Pattern[str], object]:
    return re.compile(pattern, _I), replacement


def _clock(match: re.Match[str]) -> str:
    hour, minute, half = int(match.group(1)), match.group(2), match.group(3).lower().replace(".", "")
    minutes = f"{int(minute)}分" if minute and int(minute) else ""
    if half == "am":
        return f"凌晨{hour % 12}点{minutes}" if hour == 12 else f"上午{hour}点{minutes}"
    if hour == 12:
        return f"中午12点{minutes}"
    return f"{'晚上' if hour >= 6 else '下午'}{hour}点{minutes}"


def _bare_clock(match: re.Match[str]) -> str:
    word, hour, minute = match.group(1).lower(), int(match.group(2)), match.group(3)
    if hour > 24:
        return match.group(0)
    minutes = f"{int(minute)}分" if minute and int(minute) else ""
    return f"{hour}点{minutes}" + ("以后" if word == "after" else "")


def _in_amount(match: re.Match[str]) -> str:
    amount = _NUMBER_WORDS.get(match.group(1).lower(), match.group(1))
    unit = match.group(2).lower()
    word = ("小时" if unit.startswith(("hour", "hr")) else "分钟" if unit.startswith("min")
            else "天" if unit.startswith("day") else "周")
    return f"{amount}{word}后"


def _month_day(match: re.Match[str]) -> str:
    groups = [group for group in match.groups() if group is not None]
    month = next(_MONTH_NAMES[group.lower()] for group in groups if group.lower() in _MONTH_NAMES)
    day = next(group for group in groups if group.isdigit())
    return f"{month}月{int(day)}号"


def _building(match: re.Match[str]) -> str:
    name = match.group(1).upper()
    return f"{name}座" if name.isalpha() else f"{int(name)}栋"


_RULES: tuple[tuple[re.Pattern[str], object], ...] = (
    # spelled-out amounts before a unit of time
    _sub(r"\bin\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|half an|a couple of|an|a)\s+"
         r"(hours?|hrs?|minutes?|mins?|days?|weeks?)\b", _in_amount),
    # habits: not an appointment
    _sub(r"\b(?:every|each)\s+(?:single\s+)?(?:day|morning)\b", "每天"),
    _sub(r"\b(?:every|each)\s+(?:night|evening)\b|\bnightly\b|\ball night\b", "每天晚上"),
    _sub(r"\b(?:on\s+)?weekends\b|\bevery\s+weekend\b", "每个周末"),
    _sub(rf"\b(?:every|each)\s+{_WEEKDAY}\b|\b(?:on\s+)?{_WEEKDAY_FULL}s\b",
         lambda m: "每周" + _WEEKDAY_NAMES[(m.group(1) or m.group(2)).lower()]),
    # days
    _sub(r"\b(?:the\s+)?day\s+after\s+tomorrow\b", "后天"),
    _sub(r"\b(?:tomorrow|tmrw?|tomorow|tomorro|tmorrow)(?:'s)?\b", "明天"),
    _sub(r"\b(?:tonight|tonite)(?:'s)?\b|\bthis\s+(?:evening|eve)\b|\blater\s+tonight\b", "今晚"),
    _sub(r"\bthis\s+morning\b", "今天上午"),
    _sub(r"\bthis\s+afternoon\b", "今天下午"),
    _sub(r"\btoday(?:'s)?\b", "今天"),
    _sub(r"\blast\s+night\b", "昨晚"),
    _sub(r"\byesterday(?:'s)?\b", "昨天"),
    _sub(rf"\bnext\s+week(?:'s)?\s+{_WEEKDAY}\b|\bnext\s+{_WEEKDAY}\b",
         lambda m: "下周" + _WEEKDAY_NAMES[(m.group(1) or m.group(2)).lower()]),
    _sub(rf"\b(?:this\s+(?:coming\s+)?|coming\s+){_WEEKDAY}\b", lambda m: "这周" + _WEEKDAY_NAMES[m.group(1).lower()]),
    _sub(rf"\bon\s+{_WEEKDAY}\b|\b{_WEEKDAY_FULL}\b",
         lambda m: "周" + _WEEKDAY_NAMES[(m.group(1) or m.group(2)).lower()]),
    _sub(r"\b(?:this|the)\s+(?:coming\s+)?weekend\b", "这周末"),
    _sub(r"\bnext\s+weekend\b", "下周末"),
    _sub(r"\bnext\s+week\b", "下周"),
    _sub(r"\b(?:at\s+)?(?:the\s+)?end\s+of\s+(?:the|this)\s+month\b", "月底"),
    _sub(rf"\b{_MONTH}\.?\s+(\d{{1,2}}){_ORDINAL}\b(?!\s*:)|\b(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}\b",
         _month_day),
    _sub(r"\bon\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b", lambda m: f"{int(m.group(1))}号"),
    # clock times
    _sub(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)(?![a-z])", _clock),
    _sub(r"\bnoon\b|\bmidday\b|\blunch\s*time\b", "中午12点"),
    _sub(r"\b(\d{1,2})(?::(\d{2}))?\s*o'?clock\b", lambda m: f"{int(m.group(1))}点"
         + (f"{int(m.group(2))}分" if m.group(2) and int(m.group(2)) else "")),
    _sub(r"\b(at|around|after|about|by|before|from)\s+(\d{1,2})(?::(\d{2}))?\b"
         r"(?!\s*(?:%|-|/|days?|hours?|hrs?|minutes?|mins?|people|persons?|floors?|stars?|points?|out\b|of\b"
         r"|kg|m\b|sq|yuan|rmb|dollars?|bucks?|cars?|boxes|items?|pieces?|and\s+\d))"
         r"(?!\d)", _bare_clock),
    # periods of the day (a greeting keeps its words)
    _sub(r"(?<!good\s)\b(?:in\s+the\s+)?morning\b", "上午"),
    _sub(r"(?<!good\s)\b(?:in\s+the\s+)?afternoon\b", "下午"),
    _sub(r"(?<!good\s)\b(?:in\s+the\s+)?evening\b", "晚上"),
    _sub(r"(?<=[天周日])\s*(?:at\s+)?night\b", "晚上"),
    # addresses
    _sub(r"\b(\d{1,2})(?:st|nd|rd|th)\s+(?:floor|fl)\b|\b(?:floor|fl)\.?\s+(\d{1,2})\b(?!\s*(?:room|rm|flat|apt|unit))",
         lambda m: f"{m.group(1) or m.group(2)}楼"),
    _sub(r"\b(?:building|bldg|bld|blk|block|tower|twr|tw)\.?\s*(?:no\.?\s*|number\s+|#\s*)?"
         r"((?-i:[A-Z])|\d{1,3})(?![\dA-Za-z\-])", _building),
    _sub(r"\b(\d{1,3})\s*(?:dong|hao\s*lou|zuo)\b", lambda m: f"{int(m.group(1))}栋"),  # typed in pinyin
    _sub(r"\b(?:unit|entrance|ent)\.?\s*(\d{1,2})(?=[\s,]*(?:room|rm|flat|apt|apartment|suite|#|\d{3,4}|unit))",
         lambda m: f"{int(m.group(1))}单元"),
    _sub(r"\b(?:room|rm|flat|apt|apartment|suite|unit)\.?\s*(?:no\.?\s*|number\s+|#\s*)?(\d{3,4}|\d{1,2}[A-Ha-h])"
         r"(?![\dA-Za-z\-])", lambda m: f"{m.group(1).upper()}室"),
    _sub(r"(?<![\dA-Za-z\-])#\s?(\d{3,4})(?![\d\-])", lambda m: f"{m.group(1)}室"),
    # room first, building after (apt 501 bldg 3, room 1203 of block A)
    _sub(r"(\d{3,4}|\d{1,2}(?-i:[A-H]))室[\s,]*(?:(?:in|of|at|,)\s*)?(\d{1,3}栋|[A-Z]座)",
         lambda m: f"{m.group(2)}{m.group(1)}室"),
)


def english_forms(text: str) -> str:
    """``text`` with its English times and addresses in the Chinese forms the extractors read."""
    if _LATIN_WORD.search(text) is None:
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)  # type: ignore[call-overload]
    return text
