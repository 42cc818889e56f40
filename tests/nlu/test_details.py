"""Details the flows read beyond intent and slots (bot/nlu/details.py)."""

from __future__ import annotations

from datetime import UTC

import pytest

from bot.nlu.details import details_of


@pytest.mark.parametrize(("text", "visitor"), [
    ("明天上午10点我同事孙浩开车来，车牌粤B45678", "同事孙浩"),
    ("我同学吴迪下午过来", "同学吴迪"),
    ("朋友周末来", "朋友"),
    ("明天有朋友来看我", "朋友"),
])
def test_a_relation_with_a_name_keeps_the_name(text: str, visitor: str) -> None:
    assert details_of(text).visitor == visitor


@pytest.mark.parametrize(("text", "verdict"), [
    ("知道了，确认", True), ("确认开单", True), ("知道了", None), ("收到，取消吧", False), ("确认一下时间", None),
])
def test_verdicts_at_a_card(text: str, verdict: bool | None) -> None:
    assert details_of(text).verdict is verdict


@pytest.mark.parametrize(("text", "names_day"), [
    ("上午10点，车牌粤B8M226", False), ("下午3点", False), ("明天上午", True), ("周六", True), ("9号下午", True),
])
def test_whether_the_words_name_a_day(text: str, names_day: bool) -> None:
    assert details_of(text).names_day is names_day


@pytest.mark.parametrize("text", ["仲係漏緊水喎", "还是在漏水", "还是正在滴水", "没修好"])
def test_still_broken(text: str) -> None:
    from datetime import datetime

    from bot.nlu import understand

    assert understand(text, datetime(2026, 11, 23, 10, 0, tzinfo=UTC)).details.not_fixed
