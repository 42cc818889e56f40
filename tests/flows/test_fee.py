"""查询费用 through the webhook: exact figures for a bound home, nothing for anyone else, how to pay."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.nlu import understand
from models import Bill, Home
from tests.support.chat import Chat


@pytest.fixture(autouse=True, scope="module")
def _nlu_loaded() -> None:
    """Load the NLU model before the first message, so its cold start never meets the 4-second reply deadline."""
    understand("你好", datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


async def _bills(chat: Chat, room: str, *rows: tuple[str, str, str, bool], prepaid: str = "0.00",
                 custody: bool = False) -> None:
    async with chat.sessions.begin() as session:
        home = await session.scalar(select(Home).where(Home.room_key == room))
        assert home is not None
        home.prepaid_balance = Decimal(prepaid)
        home.in_custody = custody
        session.add_all(Bill(home_id=home.id, period=period, item=item, amount=Decimal(amount), paid=paid)
                        for period, item, amount, paid in rows)


async def test_the_bill_of_the_bound_home_is_exact(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    await _bills(chat, "3-2-501",
                 ("2026-08", "物业费", "235.50", True),  # paid: not owed
                 ("2026-09", "物业费", "235.50", False),
                 ("2026-09", "停车费", "300.00", False),
                 ("2026-10", "物业费", "235.50", False),
                 ("2026-10", "停车费", "1200.00", False),
                 ("2026-10", "水费", "48.37", False),
                 ("2026-11", "物业费", "235.50", False),
                 prepaid="100.00")
    await _bills(chat, "3-2-502", ("2026-10", "物业费", "999.99", False))  # the neighbour's, never shown
    zhang = chat.person("owner-zhang")

    reply = await zhang.says("我家物业费还欠多少")
    assert "3-2-501 的待缴费用如下" in reply
    assert "2026年8月" not in reply
    assert "2026年9月：物业费 ¥235.50，停车费 ¥300.00\n" in reply
    assert "2026年10月：物业费 ¥235.50，停车费 ¥1,200.00，水费 ¥48.37\n" in reply
    assert "2026年11月：物业费 ¥235.50\n" in reply
    assert "合计：¥2,254.87\n" in reply  # 235.50 × 3 + 300 + 1200 + 48.37
    assert "预存余额：¥100.00，缴费时可抵扣，抵扣后还需缴纳 ¥2,154.87" in reply
    assert "微信公众号“生活缴费”菜单在线缴纳" in reply and "银行转账" in reply
    assert "999.99" not in reply and "托管" not in reply


async def test_a_home_in_custody_is_told_its_fee_ratio(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    await _bills(chat, "3-2-501", ("2026-11", "物业费", "164.85", False), custody=True)
    reply = await chat.person("owner-zhang").says("查一下物业费")
    assert "合计：¥164.85" in reply and "托管房屋，物业费按标准的70%收取" in reply


async def test_nothing_owed_is_said_with_thanks(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    await _bills(chat, "3-2-501", ("2026-11", "物业费", "235.50", True), prepaid="50.00")
    reply = await chat.person("owner-zhang").says("我家物业费还欠多少")
    assert "3-2-501 目前没有欠费，费用已全部缴清" in reply and "预存余额：¥50.00" in reply
    reply = await chat.person("owner-zhang").says("物业费还欠多少，怎么交")  # figures wanted, not only the ways
    assert "没有欠费" in reply


async def test_an_account_learns_nothing_about_a_home_it_is_not_bound_to(chat: Chat) -> None:
    await _bills(chat, "3-2-502", ("2026-10", "物业费", "235.50", False))
    stranger = chat.person("stranger")
    reply = await stranger.says("我家物业费还欠多少")
    assert "先绑定房屋" in reply and "¥" not in reply

    existing = await stranger.says("查一下3栋2单元502的物业费")
    missing = await stranger.says("查一下3栋2单元509的物业费")
    assert "先发送“绑定房屋”" in existing and "¥" not in existing and "李娜" not in existing
    assert existing.replace("3-2-502", "ROOM") == missing.replace("3-2-509", "ROOM")  # not even whether it exists

    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    neighbour = await chat.person("owner-zhang").says("查一下3栋2单元502的物业费")
    assert "只能查询本微信已绑定房屋" in neighbour and "¥" not in neighbour


async def test_how_to_pay_needs_no_binding(chat: Chat) -> None:
    stranger = chat.person("stranger")
    for question in ("怎么交物业费", "可以微信付吗", "物业费在哪里交"):
        reply = await stranger.says(question)
        assert "1. 微信公众号“生活缴费”菜单在线缴纳" in reply, question
        assert "3. 银行转账" in reply and "先绑定" not in reply, question
