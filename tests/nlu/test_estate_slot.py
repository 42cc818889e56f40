"""The ``estate`` slot: names and aliases, traditional script, typos, and ordinary words that are no estate."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.nlu import configure_estates, understand
from bot.nlu.cli import main_predict
from bot.nlu.normalize import normalize
from bot.nlu.slots.estate import Gazetteer, estates_configured, extract_estate
from bot.settings import load_settings

NOW = datetime(2026, 5, 6, 9, 0, tzinfo=timezone(timedelta(hours=8)))
# As config.yaml has them (EstateSettings.names: the name and the aliases, longest first).
ESTATES = {
    "default": ("阳光花园二期", "阳光花园小区", "阳光花园", "阳光"),
    "lanting": ("兰亭苑小区", "兰亭苑", "蘭亭苑", "兰亭"),
}


@pytest.fixture
def estates() -> Iterator[None]:
    with estates_configured(ESTATES):
        yield


def estate(text: str) -> str | None:
    return extract_estate(normalize(text).text)


@pytest.mark.usefixtures("estates")
class TestNamed:
    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("阳光花园停水了吗", "default"),
            ("兰亭苑的物业电话多少", "lanting"),
            ("阳光花园小区的快递柜在哪", "default"),  # an alias
            ("阳光花园二期今天停电", "default"),  # an alias with a number: 二期 is 2期 after normalisation
            ("阳光花园三期的业主", "default"),  # the name, whatever phase follows
            ("兰亭苑小区门口有人乱停车", "lanting"),
            ("我是兰亭的业主", "lanting"),  # a short alias before 的业主
            ("阳光小区的门禁坏了", "default"),  # a short alias before a suffix
            ("兰亭花园", "lanting"),
            ("阳光2期", "default"),
            ("阳光3栋2单元501", "default"),  # a short alias before a building
            ("阳光", "default"),  # the whole message: the answer to 您住哪个小区？
            ("我住兰亭", "lanting"),
            ("阳光花的业主", "default"),  # a prefix of two or more characters, in context
        ],
    )
    def test_names_and_aliases(self, text: str, code: str) -> None:
        assert estate(text) == code

    @pytest.mark.parametrize(("text", "code"), [("蘭亭苑的物業電話", "lanting"), ("陽光花園3棟2單元501", "default"),
                                               ("我係蘭亭嘅業主", "lanting")])
    def test_traditional_script(self, text: str, code: str) -> None:
        assert estate(text) == code

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("兰庭苑5栋1单元302", "lanting"),
            ("兰庭苑停电了", "lanting"),  # the first and last characters kept: found anywhere
            ("阳光花圆3栋2单元501", "default"),
            ("我是阳光花圆的", "default"),
            ("阳光花圆小区", "default"),
        ],
    )
    def test_one_character_typos(self, text: str, code: str) -> None:
        assert estate(text) == code

    def test_the_longest_mention_wins(self) -> None:
        # 阳光花园二期 is one mention, not 阳光 and something else; 花园 after 阳光 is part of the name.
        assert estate("阳光花园二期3栋") == "default"
        assert estate("阳光花园的阳光很好") == "default"


@pytest.mark.usefixtures("estates")
class TestNotAnEstate:
    @pytest.mark.parametrize(
        "text",
        [
            "阳光很好",
            "今天阳光不错",
            "阳台的阳光被挡住了",
            "阳光房漏水了",  # a sunroom
            "十八栋一单元一八零一在露台上加建阳光房",
            "兰亭序",  # the calligraphy
            "我在练兰亭序",
            "兰亭集序写得真好",
            "花园里的灯坏了",
            "小区花园的喷头坏了",
            "阳光花坛里有垃圾",  # a word, not a typo of 阳光花园
            "阳光花开了",
            "阳光花圆停水了",  # an end typo without an estate's context
        ],
    )
    def test_ordinary_words(self, text: str) -> None:
        assert estate(text) is None

    def test_short_answers(self) -> None:
        assert estate("兰亭的") == "lanting"  # 您是哪个小区的？ — 兰亭的
        assert estate("阳光啊") == "default"
        assert estate("阳光真好") is None

    @pytest.mark.parametrize("text", ["阳光花园和兰亭苑哪个物业费贵", "我住阳光花园，我妈住兰亭苑5栋",
                                      "蘭亭苑還是陽光花園"])
    def test_two_estates_named_give_none(self, text: str) -> None:
        assert estate(text) is None

    def test_the_same_estate_twice_is_one(self) -> None:
        assert estate("阳光花园3栋，就是阳光小区那个") == "default"


def test_nothing_configured_gives_no_slot() -> None:
    with estates_configured({}):
        assert estate("阳光花园3栋2单元501") is None
        understanding = understand("兰亭苑5栋1单元302漏水", NOW)
    assert "estate" not in understanding.slots
    assert "estate" not in understanding.entities


def test_configure_estates_replaces_the_table() -> None:
    with estates_configured({}):  # puts back whatever was configured before this test
        configure_estates({"east": ("东湖湾",)})
        assert estate("东湖湾8栋") == "east"
        assert estate("阳光花园") is None
        configure_estates({})
        assert estate("东湖湾8栋") is None


def test_a_prefix_two_estates_share_names_neither() -> None:
    gazetteer = Gazetteer({"a": ("阳光花园",), "b": ("阳光城",)})
    assert gazetteer.estate(normalize("阳光小区").text) is None
    assert gazetteer.estate(normalize("阳光城3栋").text) == "b"
    assert gazetteer.estate(normalize("阳光花3栋").text) == "a"  # 阳光花 is a's alone


def test_a_typo_close_to_two_estates_names_neither() -> None:
    gazetteer = Gazetteer({"a": ("金色苑",), "b": ("金水苑",)})
    assert gazetteer.estate("金光苑3栋") is None
    assert gazetteer.estate("金色苑3栋") == "a"


def test_latin_names_are_whole_words() -> None:
    gazetteer = Gazetteer({"sun": ("Sunshine Garden", "Sunshine")})
    assert gazetteer.estate("sunshine garden 3栋") == "sun"
    assert gazetteer.estate("sunshineapp 打不开") is None


@pytest.mark.usefixtures("estates")
class TestWithTheRestOfTheNlu:
    @pytest.mark.parametrize(
        ("text", "room", "code", "intent"),
        [
            ("阳光花园3栋2单元501", "3-2-501", "default", None),
            ("兰亭苑5栋1单元302漏水", "5-1-302", "lanting", "repair"),
            ("蘭亭苑5棟1單元302漏水", "5-1-302", "lanting", "repair"),
            ("帮我绑定阳光花园3栋2单元501", "3-2-501", "default", "bind_unit"),
            ("阳光花圆9栋2单元1801", "9-2-1801", "default", None),
            ("兰亭12栋1单元1102的马桶堵了", "12-1-1102", "lanting", "repair"),
        ],
    )
    def test_room_and_intent_are_unchanged(self, text: str, room: str, code: str, intent: str | None) -> None:
        with_estate = understand(text, NOW)
        with estates_configured({}):
            without = understand(text, NOW)
        assert with_estate.slots == {**without.slots, "estate": code}
        assert with_estate.slots["room"] == room
        assert with_estate.entities["estate"] == code
        assert (with_estate.intent, with_estate.confidence) == (without.intent, without.confidence)
        if intent is not None:
            assert with_estate.intent == intent

    def test_an_estate_is_kept_whatever_the_intent(self) -> None:
        understanding = understand("你好，我是兰亭苑的", NOW)
        assert understanding.slots["estate"] == "lanting"

    def test_ordinary_words_leave_the_slots_alone(self) -> None:
        assert "estate" not in understand("今天阳光不错，师傅修得很好，给5分", NOW).slots
        assert "estate" not in understand("花园里的灯坏了", NOW).slots


def test_the_repositorys_config_gives_the_table() -> None:
    settings = load_settings(Path(__file__).parents[2] / "config.yaml", environ={})
    with estates_configured({e.code: e.names for e in settings.estate_list}):
        assert estate("兰亭苑5栋1单元302漏水") == "lanting"
        assert estate("阳光花园二期") == "default"
        assert estate("阳光很好") is None


def _predict(text: str, **kwargs: object) -> dict[str, object]:
    stdout = io.StringIO()
    line = json.dumps({"text": text, "now": NOW.isoformat()}, ensure_ascii=False) + "\n"
    assert main_predict(io.StringIO(line), stdout, **kwargs) == 0  # type: ignore[arg-type]
    return json.loads(stdout.getvalue())


def test_predict_reads_the_estates_of_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WUYEBOT_CONFIG", str(Path(__file__).parents[2] / "config.yaml"))
    with estates_configured({}):  # none, whatever a service started earlier in this process configured
        assert _predict("兰亭苑5栋1单元302漏水")["slots"] == {"room": "5-1-302", "category": "渗漏水",
                                                        "estate": "lanting"}
        assert estate("兰亭苑") is None  # predict put back the table it found


def test_predict_without_a_configuration_has_no_estates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WUYEBOT_CONFIG", str(tmp_path / "missing.yaml"))
    assert "estate" not in _predict("兰亭苑5栋1单元302漏水")["slots"]  # type: ignore[operator]
    assert capsys.readouterr().err == ""


def test_predict_takes_a_table() -> None:
    assert _predict("东湖湾8栋1单元101停水了", estates={"east": ("东湖湾",)})["slots"]["estate"] == "east"  # type: ignore[index]
