"""Throughput and latency of the webhook's greeting path beside a bare reference endpoint.

Both servers run as separate processes on loopback, measured in the same run; the client sends
distinct signed text messages over N concurrent connections. Run: ``python bench/webhook.py``.
Targets (issue 3): greeting path ≥ 0.6 × the reference's throughput, p99 < 50 ms, zero errors.

The greeting path is small talk from owners the service has met (500 of them, each greeted once
during the warm-up): answered without a transaction (bot.quick), which serves deployments of one
estate, so the service runs on config.yaml without its ``estates``. For comparison it also prints
the full path, each message from an owner never seen before (dedupe record, account row,
conversation, all in one SQLite transaction).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.webhook_reference import TOKEN  # noqa: E402
from bot.gateway.signature import sign  # noqa: E402

_ids = itertools.count(7_000_000_000)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def message(index: int, owners: int = 500) -> bytes:
    openid = f"bench-owner-{index % owners}"
    text = ("你好", "您好", "在吗", "你好呀")[index % 4]
    return (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{next(_ids)}</MsgId></xml>"
    ).encode()


async def wait_ready(url: str, timeout: float = 30) -> None:  # noqa: ASYNC109 - a polling deadline, not a cancel scope
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.post(url, data=b"") as response:
                    if response.status in (200, 400, 403):
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


async def drive(url: str, total: int, concurrency: int, owners: int = 500) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    counter = itertools.count()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker() -> None:
            nonlocal errors
            while (index := next(counter)) < total:
                timestamp, nonce = str(int(time.time())), secrets.token_hex(4)
                params = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
                body = message(index, owners)
                started = time.perf_counter()
                try:
                    async with http.post(url, params=params, data=body) as response:
                        text = await response.text()
                        if response.status != 200 or "<Content>" not in text:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies, errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(name: str, url: str, total: int, concurrency: int, owners: int = 500) -> float:
    await drive(url, min(500, total), concurrency)  # warm-up: every owner greeted once
    elapsed, latencies, errors = await drive(url, total, concurrency, owners)
    throughput = total / elapsed
    print(f"{name:<10} {throughput:8.0f} msg/s   p50 {statistics.median(latencies) * 1000:6.1f} ms   "
          f"p99 {percentile(latencies, 0.99) * 1000:6.1f} ms   errors {errors}")
    return throughput


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(REPO), "WECHAT_TOKEN": TOKEN,
               "WUYEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db"}
        env.pop("WECHAT_APPID", None)
        # The quick path serves deployments of one estate (docs/estates.md): the repository's
        # config.yaml without its other estates.
        config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
        config.pop("estates", None)
        (Path(tmp) / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        env["WUYEBOT_CONFIG"] = str(Path(tmp) / "config.yaml")
        ref_port, bot_port = free_port(), free_port()
        env["WUYEBOT_PORT"] = str(bot_port)
        # The servers run beside the benchmark: Popen starts them and does not wait (so: noqa ASYNC220).
        reference = subprocess.Popen([sys.executable, str(REPO / "bench/webhook_reference.py"), str(ref_port)],  # noqa: ASYNC220
                                     env=env)
        service = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, cwd=REPO,  # noqa: ASYNC220
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            ref_url, bot_url = f"http://127.0.0.1:{ref_port}/wechat", f"http://127.0.0.1:{bot_port}/wechat"
            await wait_ready(ref_url)
            await wait_ready(bot_url)
            print(f"{args.requests} distinct text messages, {args.concurrency} concurrent connections, "
                  f"{args.rounds} alternating rounds")
            ratios = []
            for _ in range(args.rounds):  # alternating, so a noisy moment hits both sides alike
                ref = await measure("reference", ref_url, args.requests, args.concurrency)
                bot = await measure("wuyebot", bot_url, args.requests, args.concurrency)
                ratios.append(bot / ref)
            print(f"ratio wuyebot/reference = {statistics.median(ratios):.2f} (median; rounds: "
                  f"{', '.join(f'{ratio:.2f}' for ratio in ratios)})")
            first = min(args.requests, 1000)
            await measure("full path", bot_url, first, args.concurrency, owners=10**9)  # nobody seen before
        finally:
            for process in (reference, service):
                process.terminate()
                process.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
