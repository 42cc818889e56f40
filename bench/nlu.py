"""NLU figures: ``understand`` throughput after warm-up, ``nlu predict`` start-up, held-out accuracy.

    python bench/nlu.py              # throughput (one process, one core) and start-up time
    python bench/nlu.py --holdout    # also: train on 80% of the corpus, score the other 20%

Targets (issue 4): at least 2,000 messages/s, start-up of a one-line predict under 2 s.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")
# Made-up messages in the shapes owners send (none taken from an evaluation file).
SAMPLES = (
    "你好",
    "屋企跳咗閘 成间屋冇电",
    "嗯 那个 我家厨房的水龙头 一直滴水 关不紧 就是七号楼二单元一零零三",
    "明天下午三点有朋友开车来 车牌苏B·6K7L8 麻烦登记",
    "电梯卡在十楼 里面有人出不来 快来",
    "物业费现在一年多少钱 能开发票吗",
    "R20261118007 处理到哪了",
    "楼上每天半夜还在剁肉 吵得睡不着",
    "非常满意 师傅很专业",
    "取消刚才的报修 不用来了",
    "建议在车库多装几个摄像头",
    "周六搬家 要开放行条 5栋1单元2102 电话139 1234 5678",
)


def throughput(seconds: float = 3.0) -> float:
    from bot.nlu import understand

    for text in SAMPLES * 20:  # warm-up: dictionary, model, regex caches
        understand(text, NOW)
    done = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for text in SAMPLES:
            understand(text, NOW)
        done += len(SAMPLES)
    return done / elapsed


def startup(runs: int = 5) -> float:
    """Median wall time of a fresh process predicting one line (caches warm, as after install)."""
    if (REPO / "bot" / "__main__.py").is_file() and (REPO / "bot" / "cli.py").is_file():
        command = [sys.executable, "-m", "bot", "nlu", "predict"]
    else:
        command = [sys.executable, "-c",
                   "import sys; from bot.nlu.cli import main_predict; sys.exit(main_predict(sys.stdin, sys.stdout))"]
    line = json.dumps({"text": "3栋2单元501厨房水管漏水了", "now": NOW.isoformat()}, ensure_ascii=False) + "\n"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(command, input=line, capture_output=True, text=True, cwd=REPO, env=env, check=True)  # warm caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, input=line, capture_output=True, text=True, cwd=REPO, env=env, check=True)
        times.append(time.perf_counter() - started)
        json.loads(result.stdout)
    print(f"start-up command: {' '.join(command[:3])} …")
    return statistics.median(times)


def holdout(fraction: float = 0.2) -> tuple[float, int]:
    """Accuracy on a stable 20% slice of the corpus, the model trained on the other 80%."""
    from bot.nlu import classifier, understanding
    from bot.nlu.corpus import load_examples

    examples = load_examples()

    def held(text: str) -> bool:
        return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < fraction

    train = [example for example in examples if not held(example.text)]
    test = [example for example in examples if held(example.text)]
    classifier._model = classifier.train_on_corpus(train)  # a bench may swap the model
    right = sum(understanding.understand(example.text, NOW).intent == example.intent for example in test)
    wrong = [(example.intent, understanding.understand(example.text, NOW).intent, example.text)
             for example in test if understanding.understand(example.text, NOW).intent != example.intent]
    for gold, predicted, text in wrong[:25]:
        print(f"  held-out miss: {gold} -> {predicted}: {text}")
    classifier._model = None
    return right / len(test) if test else 0.0, len(test)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", action="store_true", help="also report held-out corpus accuracy")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rate = throughput(args.seconds)
    print(f"understand: {rate:,.0f} messages/s after warm-up (one process, one core; target 2,000)")
    print(f"nlu predict start-up, one line: {startup():.2f} s (target < 2 s)")
    if args.holdout:
        accuracy, size = holdout()
        print(f"held-out corpus accuracy: {accuracy:.3f} on {size} lines (trained on the rest)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
