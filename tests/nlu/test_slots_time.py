"""Time extraction against a frozen receiving time (Asia/Shanghai), with the rules of slots/times.py."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlu.normalize import normalize
from bot.nlu.slots.times import extract_time

SUNDAY = datetime.fromisoformat("2026-11-22T10:00:00+08:00")
WEDNESDAY = datetime.fromisoformat("2026-11-25T13:20:00+08:00")
SATURDAY = datetime.fromisoformat("2026-11-28T09:00:00+08:00")


def when(text: str, now: datetime = SUNDAY, *, bare: bool = False) -> str | None:
    return extract_time(normalize(text).text, now, bare=bare)


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("明天下午3点", SUNDAY, "2026-11-23T15:00"),
        ("明天下午三点以后家里有人", SUNDAY, "2026-11-23T15:00"),
        ("后天上午", SUNDAY, "2026-11-24T09:00"),
        ("大后天", SUNDAY, "2026-11-25"),
        ("周六", SUNDAY, "2026-11-28"),
        ("这周六下午", WEDNESDAY, "2026-11-28T14:00"),
        ("下周三", WEDNESDAY, "2026-12-02"),
        ("下周一上午9点", WEDNESDAY, "2026-11-30T09:00"),
        ("今晚8点", SUNDAY, "2026-11-22T20:00"),
        ("今晚", SUNDAY, "2026-11-22T19:00"),
        ("明早", SUNDAY, "2026-11-23T09:00"),
        ("明早7点半", SUNDAY, "2026-11-23T07:30"),
        ("下午3点半我妈过来", SUNDAY, "2026-11-22T15:30"),
        ("3点半左右到", WEDNESDAY, "2026-11-25T15:30"),
        ("9点到", WEDNESDAY, "2026-11-25T21:00"),  # 9 a.m. has passed at 13:20
        ("12月1号", SUNDAY, "2026-12-01"),
        ("十二月一号上午", SUNDAY, "2026-12-01T09:00"),
        ("1月3号下午", datetime.fromisoformat("2026-12-28T10:00:00+08:00"), "2027-01-03T14:00"),
        ("下午两点到四点有同学来", SUNDAY, "2026-11-22T14:00"),
        ("周六下午2点到4点", WEDNESDAY, "2026-11-28T14:00"),
        ("12月15号上午9点到11点之间", SUNDAY, "2026-12-15T09:00"),
        ("后天中午到", SUNDAY, "2026-11-24T12:00"),
        ("明天傍晚", SUNDAY, "2026-11-23T18:00"),
        ("明天晚上", SUNDAY, "2026-11-23T19:00"),
        ("昨晚11点楼上还在砸墙", SUNDAY, "2026-11-21T23:00"),
        ("周日 大概早上8点", WEDNESDAY, "2026-11-29T08:00"),
        ("这周五晚上7点半", WEDNESDAY, "2026-11-27T19:30"),
        ("元旦那天", SUNDAY, "2027-01-01"),
        ("25号", SUNDAY, "2026-11-25"),
        ("15号", SUNDAY, "2026-11-15"),  # the nearest 15th: a week ago, not in three weeks
        ("3天后", SUNDAY, "2026-11-25"),
        ("周六", SATURDAY, "2026-11-28"),  # a bare weekday said on that weekday means today
        ("这周一", WEDNESDAY, "2026-11-23"),  # 这周 is this week, even when past
        ("下午3:30", SUNDAY, "2026-11-22T15:30"),
        ("聽日下晝兩點", SUNDAY, "2026-11-23T14:00"),
        ("晚上12点", SUNDAY, "2026-11-23T00:00"),
        ("昨晚一点楼上还在吵", SUNDAY, "2026-11-22T01:00"),  # after midnight, not 13:00
        ("今晚两点", SUNDAY, "2026-11-23T02:00"),
        ("下个月三号搬家", SUNDAY, "2026-12-03"),
        ("下月15号下午", SUNDAY, "2026-12-15T14:00"),
        ("下个月3号", datetime.fromisoformat("2026-12-20T10:00:00+08:00"), "2027-01-03"),
        ("这个月30号", SUNDAY, "2026-11-30"),
        ("上个月28号交的", SUNDAY, "2026-10-28"),
        ("师傅说今天下午来 现在都三点半了", SUNDAY, "2026-11-22T14:00"),  # the time now, not the visit
        ("明天下午 已经约好了", SUNDAY, "2026-11-23T14:00"),
        ("他下午来搬", SUNDAY, "2026-11-22T14:00"),  # someone comes then: the period's default
        ("晚上在家", SUNDAY, "2026-11-22T19:00"),
        ("上午能上门吗", SUNDAY, "2026-11-22T09:00"),
        ("经常漏水 明天下午3点来修", SUNDAY, "2026-11-23T15:00"),  # the habit is another clause
        ("下午3点以后来", SUNDAY, "2026-11-22T15:00"),
        ("明天晚上10点以后别来了", SUNDAY, "2026-11-23T22:00"),  # a day is named: still that day's time
    ],
)
def test_time_forms(text: str, now: datetime, expected: str) -> None:
    assert when(text, now) == expected


def test_times_resolve_in_the_zone_of_now() -> None:
    """The service passes the estate's local time (its zone is a setting); the NLU hard-codes no zone."""
    utc = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # 01:00 on the 23rd in Shanghai
    assert when("明天", utc) == "2026-11-23"
    assert when("明天", utc.astimezone(ZoneInfo("Asia/Shanghai"))) == "2026-11-24"


@pytest.mark.parametrize(
    "text",
    [
        "晚上太暗了",  # a period alone
        "楼上天天半夜跳绳",
        "每天晚上10点以后还在装修",  # a habit
        "每周六都有人跳广场舞",
        "周一到周五几点上班",  # a schedule
        "周末有人吗",
        "物业费交到什么时候了",
        "提两点建议",
        "都两天了还没来",
        "这个月的账单",
        "11月份的账单",
        "3栋2单元501",
        "13812345678",
        "R20261120003",
        "半小时",
        "延长晚一点",  # a bit later, not 1 o'clock
        "师傅能不能晚一点到",
        "现在都三点半了还没人来",  # the time now
        "已经五点了",
        "成日週末開工 一朝早八點就開始鑽",  # a habit: 成日 (天天), bare 周末
        "周末一大早8点就开始电钻",
        "建议晚上十点后路灯别全关",  # a standing rule with no day
        "晚上10点以后不准装修",
        "晚上到处都黑漆漆的",  # a period with no one coming
        "晚上来了一群人在楼下喝酒",
        "下个月",
    ],
)
def test_no_time(text: str) -> None:
    assert when(text) is None


def test_next_month_without_that_day_is_no_time() -> None:
    assert when("下个月31号", datetime.fromisoformat("2026-10-22T10:00:00+08:00")) is None  # no 31 November


def test_a_period_alone_counts_when_asked_for_a_time() -> None:
    assert when("下午", bare=True) == "2026-11-22T14:00"
    assert when("下午") is None


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("月底搬走", SUNDAY, "2026-11-30"),  # the last day of this month
        ("下个月底退租", SUNDAY, "2026-12-31"),
        ("周五别来，周六上午九点再来吧", WEDNESDAY, "2026-11-28T09:00"),  # a time turned down, another offered
        ("今天没空，明天下午2点可以", SUNDAY, "2026-11-23T14:00"),
        ("下午有个朋友来拿东西", SUNDAY, "2026-11-22T14:00"),  # someone comes then, named between
        ("晚上有师傅上门", SUNDAY, "2026-11-22T19:00"),
    ],
)
def test_more_time_forms(text: str, now: datetime, expected: str) -> None:
    assert when(text, now) == expected


@pytest.mark.parametrize(
    "text",
    [
        "报咗五日喇，仲未有人嚟",  # a duration, not the 5th
        "都等了3日了",
        "上个星期八号风球的时候没人巡逻",  # a typhoon signal, not a day
        "早上七点每天都在敲",  # a habit said after the clock
        "每个月底交物业费",  # a habit
        "修完第二天又坏了",  # an ordinal day, not the 2nd
        "希望健身房开放到晚上十点",  # opening hours, not an appointment
    ],
)
def test_no_time_more(text: str) -> None:
    assert when(text) is None
