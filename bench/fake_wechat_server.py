"""The fake WeChat API of the tests as a process of its own, for benchmarks: python bench/fake_wechat_server.py PORT."""

from __future__ import annotations

import sys
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.wechat_api import FakeWeChatAPI


class _Counter(list):  # type: ignore[type-arg]
    """Counts calls without keeping them (a benchmark sends many)."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def append(self, _call: object) -> None:
        self.total += 1

    def __len__(self) -> int:
        return self.total


if __name__ == "__main__":
    fake = FakeWeChatAPI()
    app = fake.app()

    async def count(_request: web.Request) -> web.Response:
        return web.json_response({"calls": len(fake.calls)})

    app.router.add_get("/calls", count)
    fake.calls = _Counter()  # type: ignore[assignment]
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
