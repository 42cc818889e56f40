"""What creating a ticket adds to the webhook's answer on SQLite (issue 6: under 10 ms at the median).

Runs `wuyebot serve --demo` in a process of its own and, owner by owner, sends a complete repair
report, then 确认 (which creates the ticket, routes it and queues the staff notification), then a
greeting. Prints the median and p90 latency of the 确认 answers beside the greetings. Run:
``python bench/ticket.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.webhook import free_port, wait_ready  # noqa: E402
from bot.cli.chat import text_message_xml  # noqa: E402
from bot.gateway.signature import sign  # noqa: E402

TOKEN = "bench-token"


async def say(http: aiohttp.ClientSession, url: str, openid: str, text: str, msg_id: int) -> tuple[float, str]:
    timestamp, nonce = str(int(time.time())), f"n{msg_id}"
    params = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    started = time.perf_counter()
    async with http.post(url, params=params,
                         data=text_message_xml(openid, text, msg_id, int(time.time())).encode()) as r:
        body = await r.text()
    return time.perf_counter() - started, body


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owners", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(REPO), "WECHAT_TOKEN": TOKEN, "WUYEBOT_PORT": str(port),
               "WUYEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/ticket.db"}
        env.pop("WECHAT_APPID", None)
        # The service runs beside the benchmark: Popen starts it and does not wait (so: noqa ASYNC220).
        service = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--demo"], env=env, cwd=REPO,  # noqa: ASYNC220
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/wechat"
            await wait_ready(url, timeout=60)
            confirms, greetings, created = [], [], 0
            msg_id = 9_000_000_000
            async with aiohttp.ClientSession() as http:
                for index in range(args.owners):
                    openid = f"bench-ticket-{index}"
                    msg_id += 3
                    await say(http, url, openid, "3栋2单元501卫生间水管接头漏水了，电话13812345678，明天下午3点在家",
                              msg_id)
                    elapsed, body = await say(http, url, openid, "确认", msg_id + 1)
                    created += "工单号" in body
                    confirms.append(elapsed)
                    greetings.append((await say(http, url, openid, "你好", msg_id + 2))[0])
            warm = slice(10, None)  # the first answers pay for warming caches
            c, g = sorted(confirms[warm]), sorted(greetings[warm])
            print(f"{created} tickets created by {args.owners} owners")
            print(f"确认 (creates the ticket): median {statistics.median(c) * 1000:.1f} ms, "
                  f"p90 {c[int(len(c) * 0.9)] * 1000:.1f} ms")
            print(f"你好 (greeting):           median {statistics.median(g) * 1000:.1f} ms, "
                  f"p90 {g[int(len(g) * 0.9)] * 1000:.1f} ms")
            print(f"added by creating a ticket: {(statistics.median(c) - statistics.median(g)) * 1000:.1f} ms "
                  f"at the median")
        finally:
            service.terminate()
            service.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
