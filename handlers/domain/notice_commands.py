"""Reading a notice from a staff member's chat line: ``通知 3栋 停水 明天9:00-12:00 管道维修``.

The words may come in any order: an estate's name or alias (needed only by someone serving
several), buildings (``3栋``, ``3号楼``, ``3栋2单元``, ``全小区``), a kind (``停水``; ``电梯``, ``演练``,
``台风`` are short for theirs), a day (``今天``, ``明天``, ``后天``, ``12月5日``, ``12-5``) with a time range
(``9:00-12:00``, ``9点到12点半``), and the rest is the notice's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.domain.notices import KINDS, NoticeRefused
from handlers.replies import notices as replies

KIND_WORDS = {**{kind: kind for kind in KINDS}, "电梯": "电梯维保", "电梯检修": "电梯维保", "演练": "消防演练",
              "消防": "消防演练", "台风": "台风预警", "停气": "其他"}
BUILDING_PART = r"([0-9A-Za-z]{1,4})(?:栋|幢|号楼|座)(?:(\d{1,2})单元)?"
BUILDINGS = re.compile(rf"^(?:{BUILDING_PART})+$")
SCOPE_LIKE = re.compile(r"栋|幢|号楼|单元|座")
WHOLE = frozenset({"全小区", "全部", "所有楼栋", "整个小区"})
WEEKDAYS = "一二三四五六日天"
DAY = re.compile(r"(今天|明天|后天|(?P<year>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})"
                 r"|(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号]?|(?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})"
                 rf"|(?P<next>下)?(?:周|星期|礼拜)(?P<weekday>[{WEEKDAYS}])|(?P<dom>\d{{1,2}})[号日])")
PART_OF_DAY = r"(上午|下午|中午|晚上|早上|傍晚|凌晨)?"
CLOCK = r"(\d{1,2})(?:[:：](\d{2})|点(半|\d{1,2}分?)?)"
RANGE = re.compile(PART_OF_DAY + r"\s*" + CLOCK + r"\s*(?:-|~|～|—|至|到)\s*" + PART_OF_DAY + r"\s*" + CLOCK)
AFTERNOON = frozenset({"下午", "晚上", "傍晚"})
LEFTOVER_TIME_WORDS = re.compile(r"[（(](?:周|星期|礼拜)[一二三四五六日天][)）]|上午|下午|中午|晚上|早上|傍晚|凌晨")


@dataclass
class ChatNotice:
    estate_words: str | None = None
    buildings: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    kind: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    text: str = ""


def read(line: str, now: datetime, tz: ZoneInfo, estate_names: dict[str, str]) -> ChatNotice:
    """The parts of ``line`` (without the command word); raises NoticeRefused for a missing kind or time,
    or words that look like buildings but cannot be read (never the whole estate by mistake)."""
    found = ChatNotice()
    rest: list[str] = []
    body = re.sub(r"[、，,；;]", " ", line.strip())
    times = _times(body, now, tz)
    if times is None:
        raise NoticeRefused(replies.NO_TIME)
    found.starts_at, found.ends_at, spans = times
    for begin, end in sorted(spans, reverse=True):
        body = body[:begin] + " " + body[end:]
    body = re.sub(r"[（(]\s*[)）]", " ", LEFTOVER_TIME_WORDS.sub(" ", body))
    for word in body.split():
        if found.estate_words is None and word in estate_names:
            found.estate_words = estate_names[word]
        elif word in WHOLE:
            continue
        elif BUILDINGS.match(word) is not None:
            for building, unit in re.findall(BUILDING_PART, word):
                if unit:
                    found.units.append(f"{building.upper()}-{unit}")
                else:
                    found.buildings.append(building.upper())
        elif found.kind is None and word in KIND_WORDS:
            found.kind = KIND_WORDS[word]
        elif not rest and SCOPE_LIKE.search(word) and len(word) <= 8:
            raise NoticeRefused(replies.BAD_SCOPE.format(words=word))
        else:
            rest.append(word)
    if found.kind is None:
        raise NoticeRefused(replies.USAGE)
    found.text = " ".join(rest)
    return found


def _times(text: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime, list[tuple[int, int]]] | None:
    """The start and end the line names, and where they were written (to take them out of the text)."""
    clock = RANGE.search(text)
    if clock is None:
        return None
    days = list(DAY.finditer(text[:clock.start()]))
    dates = [match for match in days if not match.group("weekday")]  # 12月15日（周二）: the date decides
    day_match = (dates or days)[-1] if days else None
    local_now = now.astimezone(tz)
    day = _day(day_match, local_now.date()) if day_match else local_now.date()
    start_at = _clock(clock.group(2), clock.group(3), clock.group(4), clock.group(1))
    end_part = clock.group(5) or (clock.group(1) if clock.group(1) in AFTERNOON else None)
    end_at = _clock(clock.group(6), clock.group(7), clock.group(8), end_part)
    if start_at is None or end_at is None:
        return None
    if end_at < start_at and clock.group(5) is None and clock.group(1) in AFTERNOON:
        end_at = _clock(clock.group(6), clock.group(7), clock.group(8), None) or end_at  # 晚上10点到2点: overnight
    starts = datetime.combine(day, start_at, tzinfo=tz)
    ends = datetime.combine(day, end_at, tzinfo=tz)
    if ends <= starts:  # 22:00-06:00: through the night
        ends += timedelta(days=1)
    spans = [(clock.start(), clock.end()), *((match.start(), match.end()) for match in days)]
    return starts, ends, spans


def _day(match: re.Match[str], today: date) -> date:
    word = match.group(0)
    if word in ("今天", "明天", "后天"):
        return today + timedelta(days=("今天", "明天", "后天").index(word))
    if match.group("weekday"):
        wanted = min(WEEKDAYS.index(match.group("weekday")), 6)  # 日 and 天: Sunday
        if match.group("next"):  # 下周一: the Monday of next week
            return today - timedelta(days=today.weekday()) + timedelta(days=7 + wanted)
        return today + timedelta(days=(wanted - today.weekday()) % 7)
    try:
        if match.group("year"):
            return date(int(match.group("year")), int(match.group("m3")), int(match.group("d3")))
        if match.group("dom"):
            found = date(today.year, today.month, int(match.group("dom")))
            if found < today:
                found = date(today.year + today.month // 12, today.month % 12 + 1, found.day)
            return found
        month = int(match.group("month") or match.group("m2"))
        day = int(match.group("day") or match.group("d2"))
        found = date(today.year, month, day)
    except ValueError:
        raise NoticeRefused(replies.NO_TIME) from None
    return found if found >= today - timedelta(days=1) else date(today.year + 1, month, day)


def _clock(hour: str, minute: str | None, spoken: str | None, part_of_day: str | None = None) -> time | None:
    value = int(hour)
    minutes = int(minute) if minute else 0
    if spoken:
        minutes = 30 if spoken == "半" else int(spoken.rstrip("分"))
    if (part_of_day in AFTERNOON and value < 12) or (part_of_day == "中午" and value < 6):
        value += 12
    if value == 24 and minutes == 0:
        return time(23, 59)
    if not (0 <= value <= 23 and 0 <= minutes <= 59):
        return None
    return time(value, minutes)


def end_named(text: str, current_end: datetime, now: datetime, tz: ZoneInfo) -> datetime | None:
    """``14:00`` or ``明天14:00`` (延长通知): the new end, on the current end's day unless another is named."""
    match = re.search(PART_OF_DAY + r"\s*" + CLOCK, text)
    if match is None:
        return None
    at = _clock(match.group(2), match.group(3), match.group(4), match.group(1))
    if at is None:
        return None
    named_day = DAY.search(text[:match.start()])
    day = _day(named_day, now.astimezone(tz).date()) if named_day else current_end.astimezone(tz).date()
    return datetime.combine(day, at, tzinfo=tz)


def restore_named(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """``预计16:00恢复`` (转通知): the next such moment from now."""
    match = re.search(PART_OF_DAY + r"\s*" + CLOCK, text)
    at = _clock(match.group(2), match.group(3), match.group(4), match.group(1)) if match is not None else None
    if at is None:
        return None
    moment = datetime.combine(now.astimezone(tz).date(), at, tzinfo=tz)
    return moment if moment > now else moment + timedelta(days=1)
