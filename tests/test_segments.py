"""Cutting one message into the requests it holds (bot/nlu/segments.py), with the real NLU."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.nlu import understand
from bot.nlu.segments import split_requests

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def requests(text: str) -> list[str]:
    return split_requests(text, NOW, understand)


def test_two_requests_joined_by_another_are_cut() -> None:
    assert requests("水管漏了，另外停车费多少钱") == ["水管漏了", "停车费多少钱"]


def test_one_request_with_its_details_stays_whole() -> None:
    text = "厨房水管漏水了，明天下午在家，电话13800000001"
    assert requests(text) == [text]


def test_a_message_opening_with_a_joiner_is_read_without_it() -> None:
    assert requests("还有次卧墙上有条裂缝，也是今天下午2点") == ["次卧墙上有条裂缝，也是今天下午2点"]


def test_a_long_account_is_not_shredded_into_requests_never_made() -> None:
    story = "我要投诉小区里养狗不文明的问题，希望物业出面严格管理。" + "".join(
        f"第{n}回，{place}的狗{what}。" for n, (place, what) in enumerate([
            ("3栋门口", "随地大小便没人清理"), ("东门那条路上", "追着电动车跑"), ("儿童滑梯旁边", "叫个不停"),
            ("快递柜前面", "扑到老人身上"), ("单元门台阶上", "冲着小孩狂叫"), ("草坪上", "把垃圾袋扯得到处都是")], 1))
    assert requests(story) == [story.rstrip("。")]
