"""The rules of notices that need no server: reading a staff member's line, and which owners' words ask
about an outage (and which must never be answered with a notice)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers import build_dispatcher
from handlers.domain.notice_answers import asks_about
from handlers.domain.notice_commands import read
from handlers.domain.notices import NoticeRefused

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY_16 = datetime(2026, 12, 4, 16, 0, tzinfo=TZ)


@pytest.mark.parametrize(("line", "scope", "starts", "ends", "text"), [
    ("3栋 停水 明天9:00-12:00 管道维修", (["3"], []), "12-05 09:00", "12-05 12:00", "管道维修"),
    ("3栋 停水 明天下午2点到5点 检修", (["3"], []), "12-05 14:00", "12-05 17:00", "检修"),
    ("3栋 停水 明天上午9点至中午12点 检修", (["3"], []), "12-05 09:00", "12-05 12:00", "检修"),
    ("3栋 停水 12月15日 上午 9:00-12:00 检修", (["3"], []), "12-15 09:00", "12-15 12:00", "检修"),
    ("3栋 停水 12月15日（周二）9:00-12:00 检修", (["3"], []), "12-15 09:00", "12-15 12:00", "检修"),
    ("3栋、5栋 停电 周六 9:00-12:00 检修", (["3", "5"], []), "12-05 09:00", "12-05 12:00", "检修"),
    ("3栋5栋 停电 下周一 9:00-12:00 检修", (["3", "5"], []), "12-07 09:00", "12-07 12:00", "检修"),
    ("3栋2单元 停电 今天 18点到20点半 线路检修", ([], ["3-2"]), "12-04 18:00", "12-04 20:30", "线路检修"),
    ("3栋 停电 晚上10点到凌晨2点 抢修", (["3"], []), "12-04 22:00", "12-05 02:00", "抢修"),
    ("全小区 消防演练 2026-12-06 15:00-16:00 请配合", ([], []), "12-06 15:00", "12-06 16:00", "请配合"),
])
def test_a_staff_line_is_read_as_meant(line: str, scope: tuple[list[str], list[str]], starts: str, ends: str,
                                       text: str) -> None:
    found = read(line, FRIDAY_16, TZ, {})
    assert (found.buildings, found.units) == scope
    assert found.starts_at is not None and found.ends_at is not None
    assert (f"{found.starts_at:%m-%d %H:%M}", f"{found.ends_at:%m-%d %H:%M}") == (starts, ends)
    assert found.text == text


@pytest.mark.parametrize("line", ["三栋 停电 明天 9:00-12:00 检修", "3栋 停水 明天 检修", "3栋 明天9:00-12:00 检修"])
def test_a_line_that_cannot_be_read_is_refused_never_widened_to_the_whole_estate(line: str) -> None:
    with pytest.raises(NoticeRefused):
        read(line, FRIDAY_16, TZ, {})


@pytest.mark.parametrize(("text", "kind"), [
    ("怎么停水了", "停水"), ("什么时候来水", "停水"), ("點解冇水", "停水"), ("怎麼沒水了", "停水"),
    ("挺水了吗", "停水"),
    ("什么时候来电", "停电"), ("停電了", "停电"), ("电梯怎么停了", "电梯维保"), ("𨋢壞咗", "电梯维保"),
])
def test_owners_asking_about_the_outage_are_recognised(text: str, kind: str) -> None:
    assert asks_about(text, kind)


@pytest.mark.parametrize(("text", "kind"), [
    ("我卡在电梯里了", "电梯维保"), ("电梯门夹到小孩了", "电梯维保"), ("停电了 电梯里有人出不来", "停电"),
    ("来水以后水龙头关不上 家里淹了", "停水"), ("没电了 配电箱在冒火花", "停电"),
    ("供水管破了 水流得到处都是 快来人", "停水"),
    ("水费没有交 怎么交", "停水"), ("来电显示是物业电话吗", "停电"), ("我要投诉电梯维保公司", "电梯维保"),
    ("卫生间水管漏水了", "停水"),
])
def test_emergencies_and_other_requests_are_never_answered_with_a_notice(text: str, kind: str) -> None:
    assert not asks_about(text, kind)


def test_a_notice_question_does_not_keep_a_consent_reply_from_its_route() -> None:
    """“同意 停电期间可以搬” matches both the consent reply and the notice question: consent is tried first, and
    a route that declines hands the message to the next."""
    dispatcher = build_dispatcher(lambda text, now, expecting=None: None)  # type: ignore[arg-type,return-value]
    names = [route.name for route, _match in dispatcher.pattern_routes("同意 停电期间可以搬")]
    assert len(names) >= 2 and names[-1] == "asked_about_notice", names
