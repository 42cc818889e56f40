"""Throughput of the path real traffic takes: a realistic mix of owners' messages, beside the reference.

    python bench/load.py                                  # SQLite, one instance, 3 rounds
    python bench/load.py --database-url postgresql+asyncpg://… --instances 2
    python bench/load.py --burst-only                     # only the 500 new owners at one moment

What it does, in one run:

1. A fresh database with the demo estate (64 homes); 500 WeChat accounts are bound to its homes
   (about eight per home: families), written directly before the service starts.
2. ``wuyebot serve`` (one or more instances) and the bare reference endpoint
   (``bench/webhook_reference.py``: signature check, wechatpy parse, reply) run as processes.
3. The mix: each owner goes through an 11-message script (你好; a leak in their own home; 物业费还欠
   多少 in the middle of the form; the time; 确认; noise at night; a visitor with a plate; the
   progress of the ticket just filed, by number; 谢谢; a dark stairwell light; 取消). Owners are
   rotated over the connections, one message of an owner at a time (an owner waits for the answer),
   every MsgId distinct. The reference gets the same bodies.
4. Reference and wuyebot alternate for ``--rounds`` rounds; each prints throughput, p50, p99 and
   errors (a status other than 200, or no reply in the body), and the ratio.
5. ``--memory N``: N owners never seen before write once each; the service's RSS is printed
   as they come (every in-memory table of the service is bounded).
6. The burst: ``--burst`` owners never seen before send 家里突然停电了 at the same moment, each on
   its own connection: how many were answered passively (a reply in the HTTP answer), p99, max.

The client is aiohttp in this process; it costs the same on both sides, and both are measured by it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.webhook import free_port, percentile, wait_ready  # noqa: E402
from bench.webhook_reference import TOKEN  # noqa: E402
from bot.gateway.signature import sign  # noqa: E402

OWNERS = 500
_TICKET = re.compile(r"[RC]\d{11}")
_ids = itertools.count(int(time.time()) * 1000)


def room_words(room: str) -> str:
    building, _, rest = room.partition("-")
    if building == "B":
        return f"B座{rest}"
    unit, _, number = rest.partition("-")
    return f"{building}栋{unit}单元{number}"


@dataclass
class Owner:
    openid: str
    room: str
    step: int = 0
    ticket: str | None = None

    def next_text(self) -> str:
        script = (
            "你好",
            f"{room_words(self.room)}卫生间水管漏水了",
            "物业费还欠多少",
            "明天下午3点",
            "确认",
            "晚上楼上一直很吵，十二点了还在装修",
            f"明天有朋友来看我，车牌粤B{abs(hash(self.openid)) % 90000 + 10000}",
            f"{self.ticket or '我的报修'}进度怎么样了",
            "谢谢",
            "3栋楼道灯不亮了，黑漆漆的",
            "取消",
        )
        text = script[self.step % len(script)]
        self.step += 1
        return text


def body(openid: str, text: str) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{next(_ids)}</MsgId></xml>"
    ).encode()


def signed() -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    return {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


@dataclass
class Figures:
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    passive: int = 0

    def line(self, name: str) -> str:
        count = len(self.latencies)
        return (f"{name:<10} {count / self.elapsed:8.0f} msg/s   p50 {statistics.median(self.latencies) * 1000:6.1f} ms"
                f"   p99 {percentile(self.latencies, 0.99) * 1000:6.1f} ms   max {max(self.latencies) * 1000:6.0f} ms"
                f"   errors {self.errors}")


async def drive(urls: list[str], owners: list[Owner], total: int, concurrency: int) -> Figures:
    """``total`` messages over ``concurrency`` connections; each worker owns a slice of the owners."""
    figures = Figures()
    sent = itertools.count()
    connector = aiohttp.TCPConnector(limit=concurrency * 2)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker(index: int) -> None:
            mine = owners[index::concurrency]
            url = urls[index % len(urls)]
            for owner in itertools.cycle(mine):
                if next(sent) >= total:
                    return
                text = owner.next_text()
                started = time.perf_counter()
                try:
                    async with http.post(url, params=signed(), data=body(owner.openid, text)) as response:
                        answer = await response.text()
                        if response.status != 200:
                            figures.errors += 1
                        elif "<Content>" in answer:
                            figures.passive += 1
                            found = _TICKET.search(answer)
                            if found and text == "确认":
                                owner.ticket = found.group(0)
                except aiohttp.ClientError:
                    figures.errors += 1
                figures.latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker(index) for index in range(concurrency)))
        figures.elapsed = time.perf_counter() - started
    return figures


async def burst(url: str, count: int) -> Figures:
    """``count`` owners never seen before, each on a connection of its own, at one moment."""
    figures = Figures()
    connector = aiohttp.TCPConnector(limit=count)
    prefix = secrets.token_hex(3)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as http:
        bodies = [body(f"burst-{prefix}-{index}", "家里突然停电了，怎么回事") for index in range(count)]
        gate = asyncio.Event()

        async def one(data: bytes) -> None:
            await gate.wait()
            started = time.perf_counter()
            try:
                async with http.post(url, params=signed(), data=data) as response:
                    answer = await response.text()
                    if response.status != 200:
                        figures.errors += 1
                    elif "<Content>" in answer:
                        figures.passive += 1
            except aiohttp.ClientError:
                figures.errors += 1
            figures.latencies.append(time.perf_counter() - started)

        tasks = [asyncio.create_task(one(data)) for data in bodies]
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        gate.set()
        await asyncio.gather(*tasks)
        figures.elapsed = time.perf_counter() - started
    return figures


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def memory(url: str, pid: int, owners: int, concurrency: int) -> None:
    """RSS of the service while ``owners`` accounts never seen before write once each (你好, then a repair)."""
    counter = itertools.count()
    marks = {owners * share // 4 for share in range(1, 5)}
    print(f"memory: RSS {rss_mb(pid):.0f} MB before {owners} new owners")
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker() -> None:
            while (index := next(counter)) < owners:
                text = ("你好", "厨房水龙头坏了")[index % 2]
                async with http.post(url, params=signed(), data=body(f"rss-{index}", text)) as response:
                    await response.read()
                if index + 1 in marks:
                    print(f"memory: RSS {rss_mb(pid):.0f} MB after {index + 1} new owners")

        await asyncio.gather(*(worker() for _ in range(concurrency)))


async def prepare(database_url: str) -> list[Owner]:
    """Schema, the demo estate, and OWNERS accounts bound to its homes (families of about eight)."""
    from sqlalchemy import delete, select

    from bot.cli.demo import load_demo_if_empty
    from bot.settings import load_settings
    from bot.storage.db import create_engine, session_factory
    from models import Home, HomeBinding, Resident, WechatAccount
    from models.migrate import upgrade

    await asyncio.to_thread(upgrade, database_url)
    settings = load_settings()
    await load_demo_if_empty(settings)
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    owners: list[Owner] = []
    async with session_factory(engine).begin() as session:
        await session.execute(delete(HomeBinding).where(HomeBinding.openid.like("load-%")))
        homes = (await session.execute(
            select(Home.id, Home.room_key, Resident.id).join(Resident, Resident.home_id == Home.id)
            .where(Resident.role == "owner").order_by(Home.id))).all()
        for index in range(OWNERS):
            home_id, room, resident_id = homes[index % len(homes)]
            openid = f"load-{index}"
            if await session.get(WechatAccount, openid) is None:
                session.add(WechatAccount(openid=openid, subscribed=True, last_inbound_at=now))
                await session.flush()
            session.add(HomeBinding(openid=openid, home_id=home_id, resident_id=resident_id, role="owner",
                                    status="active", is_current=True, created_at=now, decided_at=now))
            owners.append(Owner(openid, room))
    await engine.dispose()
    return owners


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=5000, help="messages per round and side")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--burst", type=int, default=500, help="new owners at one moment (0: none)")
    parser.add_argument("--burst-only", action="store_true")
    parser.add_argument("--memory", type=int, default=0, help="then N new owners, printing the service's RSS")
    parser.add_argument("--instances", type=int, default=1, help="wuyebot serve processes (PostgreSQL for more than 1)")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--no-quick", action="store_true", help="serve with webhook.quick_replies: false")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite+aiosqlite:///{tmp}/load.db"
        os.environ.setdefault("WUYEBOT_CONFIG", str(REPO / "config.yaml"))  # runnable from any folder
        env = {**os.environ, "PYTHONPATH": str(REPO), "WECHAT_TOKEN": TOKEN, "WUYEBOT_DATABASE_URL": database_url}
        env.pop("WECHAT_APPID", None)
        if args.no_quick:  # the same configuration with the quick path off
            config = (REPO / "config.yaml").read_text(encoding="utf-8")
            config = config.replace("quick_replies: true", "quick_replies: false")
            (Path(tmp) / "config.yaml").write_text(config, encoding="utf-8")
            env["WUYEBOT_CONFIG"] = str(Path(tmp) / "config.yaml")
        os.environ.update({"WECHAT_TOKEN": TOKEN, "WUYEBOT_DATABASE_URL": database_url})
        owners = await prepare(database_url)
        ref_port = free_port()
        processes = [subprocess.Popen([sys.executable, str(REPO / "bench/webhook_reference.py"), str(ref_port)],  # noqa: ASYNC220
                                      env=env)]
        bot_urls = []
        for _ in range(args.instances):
            port = free_port()
            profile = ["-m", "cProfile", "-o", os.environ["BENCH_CPROFILE"]] if os.environ.get("BENCH_CPROFILE") else []
            processes.append(subprocess.Popen([sys.executable, *profile, "-m", "bot", "serve"],  # noqa: ASYNC220
                                              env={**env, "WUYEBOT_PORT": str(port)}, cwd=REPO,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            bot_urls.append(f"http://127.0.0.1:{port}/wechat")
        try:
            ref_url = f"http://127.0.0.1:{ref_port}/wechat"
            for url in (ref_url, *bot_urls):
                await wait_ready(url, timeout=60)
            kind = "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"
            print(f"{kind}, {args.instances} instance(s); {OWNERS} owners, {args.concurrency} connections")
            if not args.burst_only:
                await drive(bot_urls, owners, 2 * OWNERS, args.concurrency)  # warm-up: every owner once
                ratios = []
                for _ in range(args.rounds):
                    ref = await drive([ref_url], [Owner(o.openid, o.room, o.step) for o in owners],
                                      args.requests, args.concurrency)
                    bot = await drive(bot_urls, owners, args.requests, args.concurrency)
                    print(ref.line("reference"))
                    print(bot.line("wuyebot"))
                    ratios.append((len(bot.latencies) / bot.elapsed) / (len(ref.latencies) / ref.elapsed))
                print(f"ratio wuyebot/reference = {statistics.median(ratios):.3f} (median; rounds: "
                      f"{', '.join(f'{ratio:.3f}' for ratio in ratios)})")
            if args.memory:
                await memory(bot_urls[0], processes[1].pid, args.memory, args.concurrency)
            if args.burst:
                figures = await burst(bot_urls[0], args.burst)
                print(f"burst: {args.burst} new owners at one moment: answered passively {figures.passive}, "
                      f"p50 {statistics.median(figures.latencies) * 1000:.0f} ms, "
                      f"p99 {percentile(figures.latencies, 0.99) * 1000:.0f} ms, "
                      f"max {max(figures.latencies) * 1000:.0f} ms, errors {figures.errors}")
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=15)


if __name__ == "__main__":
    asyncio.run(main())
