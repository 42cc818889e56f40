"""A console tab with the live inbox open does not hold up the service's stop.

Before, the feed polled on (swallowing its cancellation) for up to its five minutes, and a stop
under systemd took about two minutes with one tab open. Now the application's shutdown ends every
open feed at once.
"""

from __future__ import annotations

import asyncio
import time

from tests.console.conftest import ConsoleWorld
from tests.console.probe_support import Browserless


async def test_stopping_the_service_ends_an_open_live_feed_at_once(console_world: ConsoleWorld) -> None:
    client = Browserless(console_world)
    try:
        status, _body, _headers = await client.sign_in("desk")
        assert status == 303
        async with client.http.get(f"{console_world.url}/console/inbox/events") as feed:
            assert feed.status == 200
            assert b"event: ready" in await asyncio.wait_for(feed.content.readuntil(b"\r\n\r\n"), 10)
            started = time.monotonic()
            await console_world.service.app.shutdown()  # what the runner does first when the service stops
            rest = await asyncio.wait_for(feed.content.read(), 10)  # the feed ends: the body closes
            took = time.monotonic() - started
        assert b"event: line" not in rest
        assert took < 3, f"the feed ran on for {took:.1f} s after the shutdown began"
    finally:
        await client.close()
