"""kill -9 of `wuyebot serve` under the load mix of bench/load.py, then a restart and WeChat's retries.

What must hold (issue 15): a reply goes out only after the dedupe record and every effect of the
message are committed, so after the kill

- every message that got a reply is on record, and a retry of it gets the same reply without a
  second run (no second ticket for a 确认);
- every message that got no reply (cut off by the kill) is handled when WeChat retries it;
- no ticket exists twice: each ticket number the owners were told is one ticket, and there are no
  tickets nobody was told about beyond those whose reply the kill cut off.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bench.load import Owner, prepare, signed
from bench.webhook import free_port, wait_ready
from bench.webhook_reference import TOKEN
from bot.storage.db import create_engine, session_factory
from models import ProcessedMessage, Ticket

REPO = Path(__file__).resolve().parents[1]
_TICKET = re.compile(r"R\d{11}")
_ids = itertools.count(9_100_000_000)


@dataclass
class Sent:
    openid: str
    text: str
    msg_id: int
    reply: str | None = None  # None: no answer (the kill cut it off)

    def body(self) -> bytes:
        return (f"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[{self.openid}]]></FromUserName>"
                f"<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[{self.text}]]></Content><MsgId>{self.msg_id}</MsgId></xml>").encode()


async def post(http: aiohttp.ClientSession, url: str, sent: Sent) -> str | None:
    try:
        async with http.post(url, params=signed(), data=sent.body()) as response:
            answer = await response.text()
    except (TimeoutError, aiohttp.ClientError):
        return None
    if response.status != 200:
        return None
    found = re.search(r"<Content><!\[CDATA\[(.*)\]\]></Content>", answer, re.S)
    return found.group(1) if found else ""


async def start(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", env=env, cwd=REPO,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


async def test_kill_9_under_load_loses_no_answered_message_and_duplicates_none(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'kill.db'}"
    monkeypatch.setenv("WUYEBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("WECHAT_TOKEN", TOKEN)
    monkeypatch.delenv("WECHAT_APPID", raising=False)
    owners: list[Owner] = (await prepare(database_url))[:60]
    port = free_port()
    url = f"http://127.0.0.1:{port}/wechat"
    env = {**os.environ, "PYTHONPATH": str(REPO), "WUYEBOT_PORT": str(port)}
    server = await start(env)
    await wait_ready(url, timeout=60)

    sent: list[Sent] = []
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as http:

        enough = asyncio.Event()

        async def owner_talks(owner: Owner) -> None:
            while True:
                message = Sent(owner.openid, owner.next_text(), next(_ids))
                sent.append(message)
                message.reply = await post(http, url, message)
                if message.reply is None:
                    return  # the server is gone: this owner's WeChat will retry
                if sum(1 for message in sent if message.reply is not None) >= 400:
                    enough.set()
                found = _TICKET.search(message.reply)
                if found and message.text == "确认":
                    owner.ticket = found.group(0)

        talking = [asyncio.create_task(owner_talks(owner)) for owner in owners]
        await asyncio.wait_for(enough.wait(), 120)
        server.send_signal(signal.SIGKILL)
        await server.wait()
        await asyncio.gather(*talking)

        answered = [message for message in sent if message.reply is not None]
        cut_off = [message for message in sent if message.reply is None]
        assert len(answered) >= 400 and cut_off

        server = await start(env)
        await wait_ready(url, timeout=60)
        try:
            # WeChat retries what got no answer; we also replay everything that did, which must change nothing.
            for message in cut_off:
                assert await post(http, url, message) is not None, message
            for message in answered:
                assert await post(http, url, message) == message.reply, message
        finally:
            server.terminate()
            await server.wait()

    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            keys = set(await session.scalars(select(ProcessedMessage.key)))
            tickets = list(await session.scalars(select(Ticket.number).where(Ticket.openid.like("load-%"))))
            assert await session.scalar(select(func.count()).select_from(Ticket)) == len(set(tickets))
    finally:
        await engine.dispose()
    for message in sent:
        assert any(key.startswith(f"msg:{message.openid}:{message.msg_id}") for key in keys), message
    told = {_TICKET.search(m.reply).group(0) for m in answered if m.text == "确认" and _TICKET.search(m.reply or "")}
    assert told <= set(tickets)
    # Tickets nobody was told of can only come from a 确认 whose reply the kill cut off (then retried).
    assert len(set(tickets) - told) <= sum(1 for message in cut_off if message.text == "确认")
