"""A local fake of the WeChat HTTP API: real HTTP, recorded calls, scripted error codes."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]
    body: dict[str, Any] | None
    raw: str = ""  # the body as sent (menu/create must carry Chinese as UTF-8, not \u escapes)


@dataclass
class FakeWeChatAPI:
    appid: str = "wx-test-app"
    secret: str = "test-secret"
    calls: list[Call] = field(default_factory=list)
    tokens_issued: int = 0
    scripted: deque[tuple[str, int | None, int]] = field(default_factory=deque)  # (path, errcode, http status)
    latency: float = 0.0  # seconds each message send takes, as WeChat's do (tens of milliseconds)
    menu: dict[str, Any] | None = None  # the custom menu last set with menu/create
    down: bool = False  # WeChat unreachable: every call answers 503 from its gateway (the call is recorded)

    @property
    def current_token(self) -> str:
        return f"TOKEN-{self.tokens_issued}"

    def fail_next(self, path: str, errcode: int | None = None, *, http_status: int = 200) -> None:
        """The next call to ``path`` answers ``errcode`` (or only an HTTP error status)."""
        self.scripted.append((path, errcode, http_status))

    def invalidate_token(self) -> None:
        """WeChat forgets the current token, as when another server refreshed it (then 40001)."""
        self.tokens_issued += 1000

    def sent(self, path: str = "message/custom/send") -> list[dict[str, Any]]:
        return [call.body or {} for call in self.calls if call.path == path and not self._failed(call)]

    def calls_to(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.path == path]

    def _failed(self, call: Call) -> bool:
        return bool(call.params.get("_failed"))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/cgi-bin/{path:.*}", self._handle)
        app.router.add_post("/robot/{key}", self._robot)
        return app

    async def _robot(self, request: web.Request) -> web.Response:
        """A WeCom group robot webhook (企业微信群机器人)."""
        self.calls.append(Call("POST", f"robot/{request.match_info['key']}", dict(request.query), await request.json()))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        raw = await request.text() if request.can_read_body else ""
        body = json.loads(raw) if raw else None
        call = Call(request.method, path, dict(request.query), body, raw)
        self.calls.append(call)
        if self.down:
            call.params["_failed"] = "1"
            return web.Response(status=503, text="service unavailable")
        for index, (scripted_path, errcode, status) in enumerate(self.scripted):
            if scripted_path == path:
                del self.scripted[index]
                call.params["_failed"] = "1"
                if status in (301, 302, 307, 308):  # a misconfigured proxy bouncing the call, URL and all
                    raise web.HTTPFound(location=str(request.url))
                if status != 200:
                    return web.Response(status=status, text="upstream error")
                return web.json_response({"errcode": errcode, "errmsg": f"scripted error {errcode}"})
        if path == "token":
            if request.query.get("appid") != self.appid or request.query.get("secret") != self.secret:
                call.params["_failed"] = "1"
                return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
            self.tokens_issued += 1
            return web.json_response({"access_token": self.current_token, "expires_in": 7200})
        if request.query.get("access_token") != self.current_token:
            call.params["_failed"] = "1"
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
        if path in ("message/custom/send", "message/template/send"):
            if self.latency:
                await asyncio.sleep(self.latency)
            return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": len(self.calls)})
        if path == "menu/create":
            errcode = menu_error(body, call.raw)
            if errcode:
                call.params["_failed"] = "1"
                return web.json_response({"errcode": errcode, "errmsg": MENU_ERRMSG[errcode]})
            self.menu = body
            return web.json_response({"errcode": 0, "errmsg": "ok"})
        return web.json_response({"errcode": 40004, "errmsg": f"fake has no {path}"})


MENU_ERRMSG = {
    40016: "invalid button size", 40017: "invalid button type", 40018: "invalid button name size",
    40019: "invalid button key size", 40020: "invalid button url size", 40022: "invalid sub button level",
    40023: "invalid sub button size", 40024: "invalid sub button type", 40025: "invalid sub button name size",
    40026: "invalid sub button key size", 40027: "invalid sub button url size",
}


def menu_error(body: dict[str, Any] | None, raw: str) -> int:
    """What WeChat's menu/create answers for a menu: 0, or the code of the first rule it breaks.

    Names are measured as sent, so a Chinese name sent as \\u escapes is too long, as on WeChat.
    """
    buttons = (body or {}).get("button")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return 40016
    for button in buttons:
        subs = button.get("sub_button")
        if subs is not None:
            if not _fits(button.get("name"), 16, raw):
                return 40018
            if not isinstance(subs, list) or not 1 <= len(subs) <= 5:
                return 40023
            for sub in subs:
                if "sub_button" in sub:
                    return 40022
                errcode = _leaf_error(sub, 60, raw)
                if errcode:
                    return errcode + 7  # the sub-button codes follow the button ones (40017 → 40024)
            continue
        errcode = _leaf_error(button, 16, raw)
        if errcode:
            return errcode
    return 0


def _leaf_error(button: dict[str, Any], name_bytes: int, raw: str) -> int:
    if button.get("type") not in ("click", "view"):
        return 40017
    if not _fits(button.get("name"), name_bytes, raw):
        return 40018
    if button["type"] == "click" and not _fits(button.get("key"), 128, raw):
        return 40019
    if button["type"] == "view" and not _fits(button.get("url"), 1024, raw):
        return 40020
    return 0


def _fits(value: object, limit: int, raw: str) -> bool:
    if not isinstance(value, str) or not value:
        return False
    sent = value if json.dumps(value, ensure_ascii=False) in raw else json.dumps(value)[1:-1]
    return len(sent.encode("utf-8")) <= limit
