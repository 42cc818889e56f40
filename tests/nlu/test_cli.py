"""``nlu predict`` and ``nlu eval`` on small in-memory and temporary files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.nlu.cli import main_eval, main_predict


def predict(*lines: str) -> tuple[int, list[dict[str, object]]]:
    stdout = io.StringIO()
    code = main_predict(io.StringIO("".join(line + "\n" for line in lines)), stdout)
    return code, [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_predictions_one_per_line_in_order() -> None:
    code, out = predict(
        json.dumps({"text": "你好", "now": "2026-11-22T10:00:00+08:00"}),
        json.dumps({"text": "3栋2单元501马桶堵了 明天上午来", "now": "2026-11-22T10:00:00+08:00"}),
        json.dumps({"text": "非常满意", "now": "2026-11-22T10:00:00+08:00"}),
    )
    assert code == 0
    assert [line["intent"] for line in out] == ["greeting", "repair", "rating"]
    assert out[1]["slots"] == {"room": "3-2-501", "time": "2026-11-23T09:00", "category": "管道堵塞"}
    assert out[2]["slots"] == {"score": 5}  # a number, as the labelled files write it
    assert all(set(line) == {"intent", "confidence", "slots"} for line in out)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "not JSON"),
        ('["a list"]', "not a JSON object"),
        ('{"now": "2026-11-22T10:00:00+08:00"}', 'no "text"'),
        ('{"text": "你好", "now": "2026-11-22T10:00:00"}', "no timezone"),
        ('{"text": "你好", "now": "yesterday"}', "not an ISO 8601 time"),
        ("", "not JSON"),
    ],
)
def test_bad_lines_get_an_error_in_their_place(line: str, reason: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = predict(json.dumps({"text": "你好", "now": "2026-11-22T10:00:00+08:00"}), line,
                        json.dumps({"text": "转人工"}))
    assert code == 1
    assert out[0]["intent"] == "greeting"
    assert reason in str(out[1]["error"])
    assert out[2]["intent"] == "human"  # now missing: the current time is used
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("wuyebot nlu predict: line 2:") and "Traceback" not in err[0]


def test_eval_prints_the_report_and_the_final_line(tmp_path: Path) -> None:
    data = tmp_path / "tiny.jsonl"
    rows = [
        {"text": "你好", "now": "2026-11-22T10:00:00+08:00", "intent": "greeting", "slots": {}},
        {"text": "马桶堵了", "now": "2026-11-22T10:00:00+08:00", "intent": "repair", "slots": {"category": "管道堵塞"}},
        {"text": "5分", "now": "2026-11-22T10:00:00+08:00", "intent": "rating", "slots": {"score": 5}},
        {"text": "帮我订张机票", "now": "2026-11-22T10:00:00+08:00", "intent": "faq", "alt_intents": ["other"],
         "slots": {}},
        {"text": "转人工", "now": "2026-11-22T10:00:00+08:00", "intent": "greeting", "slots": {"phone": "13800138000"}},
    ]
    data.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n", encoding="utf-8")
    stdout = io.StringIO()
    assert main_eval(str(data), stdout) == 0
    report = stdout.getvalue().splitlines()
    assert report[-1] == "intent_accuracy=0.800 slot_f1=0.800"
    assert "greeting -> human: 1" in "\n".join(report)
    assert any(line.startswith("repair ") for line in report)
    assert any(line.startswith("category ") for line in report)


def test_eval_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main_eval(str(tmp_path / "nope.jsonl"), io.StringIO()) == 2
    assert "cannot read" in capsys.readouterr().err
