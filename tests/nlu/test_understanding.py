"""The interface the dialogue relies on: Understanding, bare answers, yes/no, script of replies."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import datetime

import pytest

import bot.nlu
from bot.nlu import CONFIDENCE_THRESHOLD, NaiveTimeError, Understanding, parse_yes_no, understand
from bot.script import to_traditional

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")


class TestUnderstanding:
    def test_full_message(self) -> None:
        understanding = understand("3栋2单元501卫生间马桶堵了，明天下午3点在家，电话138 1234 5678", NOW)
        assert understanding.intent == "repair"
        assert understanding.slots == {
            "room": "3-2-501", "category": "管道堵塞", "time": "2026-11-23T15:00", "phone": "13812345678",
        }
        assert not understanding.traditional

    def test_traditional_is_reported_and_text_is_simplified(self) -> None:
        understanding = understand("廚房水龍頭壞了，麻煩明天過來", NOW)
        assert understanding.traditional
        assert understanding.text == "厨房水龙头坏了,麻烦明天过来"

    def test_frozen(self) -> None:
        understanding = understand("你好", NOW)
        with pytest.raises(dataclasses.FrozenInstanceError):
            understanding.intent = "other"  # type: ignore[misc]

    def test_confident_follows_the_threshold(self) -> None:
        sure = Understanding("greeting", CONFIDENCE_THRESHOLD, {}, (("greeting", CONFIDENCE_THRESHOLD), ("other", 0.1)),
                             False, "你好")
        unsure = dataclasses.replace(sure, confidence=CONFIDENCE_THRESHOLD - 0.01)
        assert sure.confident and not unsure.confident

    def test_only_stated_slots(self) -> None:
        assert understand("讲个笑话听听", NOW).slots == {}

    def test_time_is_dropped_where_it_means_nothing(self) -> None:
        assert "time" not in understand("明天天气怎么样", NOW).slots

    def test_naive_now_is_refused(self) -> None:
        with pytest.raises(NaiveTimeError):
            understand("你好", datetime(2026, 11, 22, 10, 0))

    def test_unknown_expected_slot_is_refused(self) -> None:
        with pytest.raises(ValueError, match="unknown slot"):
            understand("501", NOW, expecting="colour")

    def test_import_does_not_pull_the_service_stack(self) -> None:
        code = "import sys, bot.nlu; print(sorted({m.split('.')[0] for m in sys.modules} & {'aiohttp', 'sqlalchemy'}))"
        result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True)
        assert result.stdout.strip() == "[]"
        assert bot.nlu.understand is understand


class TestBareAnswers:
    @pytest.mark.parametrize(
        ("text", "expecting", "slot"),
        [
            ("501", "room", "501"),
            ("3栋2单元501", "room", "3-2-501"),
            ("明天下午", "time", "2026-11-23T14:00"),
            ("下午", "time", "2026-11-22T14:00"),
            ("3点", "time", "2026-11-22T15:00"),
            ("138 0013 8000", "phone", "13800138000"),
            ("幺三八零零一三八零零零", "phone", "13800138000"),
            ("粤b 12345", "plate", "粤B12345"),
            ("r20261120003", "ticket", "R20261120003"),
            ("漏水", "category", "渗漏水"),
            ("5分", "score", "5"),
            ("4", "score", "4"),
            ("一般吧", "score", "3"),
        ],
    )
    def test_bare_answer_fills_the_expected_slot(self, text: str, expecting: str, slot: str) -> None:
        assert understand(text, NOW, expecting=expecting).slots[expecting] == slot

    def test_a_bare_score_is_a_rating(self) -> None:
        understanding = understand("4", NOW, expecting="score")
        assert understanding.intent == "rating"
        assert understanding.confident

    def test_without_context_a_bare_number_fills_nothing(self) -> None:
        assert understand("501", NOW).slots == {}
        assert understand("4", NOW).slots.get("score") is None

    def test_cancel_still_wins_while_a_slot_is_awaited(self) -> None:
        understanding = understand("算了不修了", NOW, expecting="time")
        assert understanding.intent == "cancel"
        assert "time" not in understanding.slots

    def test_an_emergency_still_wins_while_a_slot_is_awaited(self) -> None:
        assert understand("电梯困人了 快来", NOW, expecting="room").intent == "emergency"


class TestYesNo:
    @pytest.mark.parametrize(
        "text", ["好的", "确认", "是的", "对", "可以", "嗯", "嗯嗯", "好", "OK", "没问题", "好的，谢谢", "係", "對的"]
    )
    def test_yes(self, text: str) -> None:
        assert parse_yes_no(text) is True

    @pytest.mark.parametrize("text", ["不", "不用", "不对", "算了", "否", "不用了，谢谢", "不是", "不要", "取消"])
    def test_no(self, text: str) -> None:
        assert parse_yes_no(text) is False

    @pytest.mark.parametrize("text", ["明天下午", "不错", "好像漏水了", "对面楼着火了", "", "你好"])
    def test_neither(self, text: str) -> None:
        assert parse_yes_no(text) is None


def test_replies_go_back_in_traditional() -> None:
    assert to_traditional("您的报修已经登记，师傅明天上午上门") == "您的報修已經登記，師傅明天上午上門"


def test_jieba_loads_under_warnings_as_errors() -> None:
    code = "from bot.nlu.tokenize import tokens; print(tokens('要开放行条'))"
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True)
    assert "放行条" in result.stdout
    assert result.stderr == ""


def test_same_answers_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = ["你好", "电梯困人了", "3栋2单元501马桶堵了", "明天下午三点朋友来 车牌粤B·12345", "不用修了",
             "非常满意"] * 20
    expected = [understand(text, NOW) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(lambda text: understand(text, NOW), texts)) == expected
