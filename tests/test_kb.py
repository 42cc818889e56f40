"""The FAQ knowledge base (kb.yaml): its shape, its placeholders, matching, and a broken file."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from bot.settings import load_settings
from handlers.domain import kb as faq
from handlers.domain.kb import KnowledgeBaseError, kb_path, load_kb, parse_kb, placeholder_values, render
from handlers.flows import faq as faq_flow

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "kb.yaml"
REQUIRED_TOPICS = {
    "decoration_permit", "access_card", "parking_card", "lock_change", "office_hours", "phones",
    "paid_services", "fee_standard", "express", "pet", "garbage",
}


@pytest.fixture
def settings():  # type: ignore[no-untyped-def]
    return load_settings(REPO / "config.yaml", {"WUYEBOT_DATABASE_URL": "sqlite+aiosqlite:///:memory:"})


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    faq._load_once.cache_clear()


class TestShippedFile:
    def test_shape(self) -> None:
        kb = load_kb(SHIPPED)
        assert 15 <= len(kb.entries) <= 25
        assert {entry.id for entry in kb.entries} >= REQUIRED_TOPICS
        for entry in kb.entries:
            assert entry.question.endswith("？"), entry.id
            assert all(len(keyword) >= 2 for keyword in entry.keywords)

    def test_every_answer_renders_with_the_settings(self, settings) -> None:  # type: ignore[no-untyped-def]
        for entry in load_kb(SHIPPED).entries:
            text = render(entry, settings)
            assert "{" not in text and "}" not in text, entry.id
            assert text.endswith("还有什么可以帮您？")

    def test_numbers_come_from_the_settings(self, settings) -> None:  # type: ignore[no-untyped-def]
        entries = {entry.id: entry for entry in load_kb(SHIPPED).entries}
        assert settings.estate.hotline in render(entries["phones"], settings)
        assert settings.estate.emergency_phone in render(entries["phones"], settings)
        assert "70%" in render(entries["fee_standard"], settings)
        assert "管道疏通 50元/次起" in render(entries["paid_services"], settings)
        assert "更换锁芯 80元起" in render(entries["lock_change"], settings)

    @pytest.mark.parametrize(("question", "expected"), [
        ("房子准备装修了 要去物业办啥手续", "decoration_permit"),
        ("装修的话 几点到几点可以施工啊 周末能不能干", "decoration_hours"),
        ("装修垃圾要扔到哪里 有指定地点吗", "decoration_waste"),
        ("门禁卡丢了怎么补办?要多少钱?", "access_card"),
        ("家里门禁卡想多办一张 给保姆用 怎么弄", "access_card"),
        ("办理停车月卡需要带什么证件?", "parking_card"),
        ("想换个锁芯,要什么手续?需要业主本人来吗?", "lock_change"),
        ("物业办公室几点上班?周末有人吗?", "office_hours"),
        ("节假日物业办公室放假吗?有人值班吗?", "office_hours"),
        ("请问物业客服电话是多少?", "phones"),
        ("你们有偿服务都有哪些 疏通下水道怎么收费", "paid_services"),
        ("物业有没有上门清洗空调的服务?", "paid_services"),
        ("快递能不能放物业前台代收?", "express"),
        ("托管的房子物业费怎么收", "fee_standard"),
        ("养狗要登记吗", "pet"),
        ("垃圾几点扔", "garbage"),
    ])
    def test_best_match(self, question: str, expected: str) -> None:
        match = load_kb(SHIPPED).best(question)
        assert match is not None and match.entry.id == expected

    @pytest.mark.parametrize("question", ["小区里可以放风筝吗", "今天天气怎么样", "你好", "讲个笑话"])
    def test_no_match_below_the_threshold(self, question: str) -> None:
        assert load_kb(SHIPPED).best(question) is None


def _entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {"id": "a", "question": "问？", "keywords": ["门禁卡"], "answer": "请拨打 {hotline}"}
    entry.update(changes)
    return entry


class TestMalformed:
    @pytest.mark.parametrize(("data", "message"), [
        (None, "non-empty list under 'entries'"),
        ({"entries": []}, "non-empty list under 'entries'"),
        ({"entries": ["text"]}, "entry 1: must be a mapping"),
        ({"entries": [{"id": "a", "question": "问？", "answer": "答"}]}, "missing keywords"),
        ({"entries": [_entry(extra=1)]}, "unknown key extra"),
        ({"entries": [_entry(id="A b")]}, "id must be"),
        ({"entries": [_entry(), _entry()]}, "used twice"),
        ({"entries": [_entry(question="")]}, "question must be"),
        ({"entries": [_entry(answer=" ")]}, "answer must be"),
        ({"entries": [_entry(keywords=[])]}, "keywords must be a non-empty list"),
        ({"entries": [_entry(keywords=["卡"])]}, "at least 2 characters"),
        ({"entries": [_entry(keywords=["门禁", "门禁"])]}, "listed twice"),
        ({"entries": [_entry(answer="拨打 {phone}")]}, "unknown placeholder {phone}"),
        ({"entries": [_entry(answer="拨打 {hotline:>20}")]}, "takes no format"),
        ({"entries": [_entry(answer="拨打 {hotline")]}, "stray brace"),
    ])
    def test_shape_errors_name_the_fault(self, data: object, message: str) -> None:
        with pytest.raises(KnowledgeBaseError, match=message):
            parse_kb(data, "kb.yaml")

    def test_price_placeholders_and_escaped_braces(self, settings) -> None:  # type: ignore[no-untyped-def]
        kb = parse_kb({"entries": [_entry(answer="锁：{price_门窗门锁}；车：{price_停车}；{{原样}}")]})
        assert render(kb.entries[0], settings) == (
            "【问？】\n锁：门锁维修 30元/次起，更换锁芯 80元起；车：以服务中心公示为准；{原样}\n还有什么可以帮您？")

    def test_invalid_yaml_and_missing_file(self, tmp_path: Path) -> None:
        broken = tmp_path / "kb.yaml"
        broken.write_text("entries:\n  - id: a\n    question: [unclosed\n", encoding="utf-8")
        with pytest.raises(KnowledgeBaseError, match=r"line .* is not valid YAML"):
            load_kb(broken)
        with pytest.raises(KnowledgeBaseError, match="file not found"):
            load_kb(tmp_path / "nothing.yaml")

    async def test_a_broken_file_is_logged_and_answered_politely(  # type: ignore[no-untyped-def]
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, settings,
    ) -> None:
        (tmp_path / "config.yaml").write_text("", encoding="utf-8")
        (tmp_path / "kb.yaml").write_text(yaml.safe_dump({"entries": [_entry(answer="{nope}")]}), encoding="utf-8")
        monkeypatch.setenv("WUYEBOT_CONFIG", str(tmp_path / "config.yaml"))
        with caplog.at_level(logging.ERROR, logger="handlers.domain.kb"):
            assert faq.knowledge_base() is None
        assert "unknown placeholder {nope}" in caplog.text
        turn = SimpleNamespace(understanding=SimpleNamespace(text="门禁卡丢了怎么补办"))
        reply = await faq_flow.faq(turn, settings)  # type: ignore[arg-type]
        assert "暂时无法查询" in reply and settings.estate.hotline in reply


class TestPath:
    def test_beside_the_config_file_else_the_repository(self, tmp_path: Path) -> None:
        config = tmp_path / "config.yaml"
        assert kb_path({"WUYEBOT_CONFIG": str(config)}) == REPO / "kb.yaml"
        (tmp_path / "kb.yaml").write_text("entries: []", encoding="utf-8")
        assert kb_path({"WUYEBOT_CONFIG": str(config)}) == tmp_path / "kb.yaml"


def test_placeholders_offered_are_all_filled(settings) -> None:  # type: ignore[no-untyped-def]
    values = placeholder_values(settings)
    assert values.keys() >= faq.PLACEHOLDERS
    assert values["custody_ratio"] == "70%" and values["office_hours"] == "08:00-20:00"
