"""Score extraction for 回访 answers: an explicit number wins over words."""

from __future__ import annotations

import pytest

from bot.nlu.normalize import normalize
from bot.nlu.slots.score import extract_score


def score(text: str, *, bare: bool = False) -> str | None:
    return extract_score(normalize(text).text, bare=bare)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5分", "5"),
        ("打4分 下次早点来", "4"),
        ("给个五分吧", "5"),
        ("给一分 问题根本没解决", "1"),
        ("挺满意的 给个五分", "5"),  # the number wins over 满意 (4)
        ("非常满意", "5"),
        ("满意", "4"),
        ("一般吧", "3"),
        ("还行", "3"),
        ("不满意", "2"),
        ("不太满意", "2"),
        ("师傅态度不好，不满意", "2"),
        ("非常不满意", "1"),
        ("很差 修了两次还在漏 非常不满意", "1"),
        ("非常满意，师傅很专业，走的时候还把垃圾带走了", "5"),
        ("五星好评", "5"),
        ("满分", "5"),
        ("非常滿意，謝謝師傅", "5"),
        ("十分满意", "5"),
        ("三分吧", "3"),
        # a verdict on the scale outranks generic praise or blame said before it
        ("师傅人很好 态度也好 非常满意", "5"),
        ("不错 十分满意", "5"),
        ("修得挺好 就是来晚了 满意吧", "4"),
        ("挺好的 但是不太满意", "2"),
        ("很棒 一般般吧", "3"),
        ("师傅很专业 一般人修不好 非常满意", "5"),  # 一般人 is no verdict
        ("很好", "4"),  # guard: praise alone still scores
        ("不太好", "2"),
    ],
)
def test_score_forms(text: str, expected: str) -> None:
    assert score(text) == expected


@pytest.mark.parametrize("text", ["等了15分钟", "三分之一的钱", "明天下午", "10分", "打个电话"])
def test_no_score(text: str) -> None:
    assert score(text) is None


def test_bare_digit_only_when_asked() -> None:
    assert score("4") is None
    assert score("4", bare=True) == "4"
    assert score("9", bare=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("好满意呀", "5"),  # Cantonese 好 is "very"
        ("好不满意", "1"),
        ("评分：3", "3"),
        ("打分:4", "4"),
        ("好差，等了一整天", "1"),
    ],
)
def test_more_score_forms(text: str, expected: str) -> None:
    assert score(text) == expected
