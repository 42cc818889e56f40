"""Two real `wuyebot serve` processes on one PostgreSQL database, behind a reverse proxy, beside a fake WeChat API.

What production looks like for a property group (docs/performance.md: "several processes on
PostgreSQL"): nginx in front of two instances, one database, one official account. Here:

- ``python -m bot serve`` twice (not in sandbox: WECHAT_APPID/SECRET/AES_KEY set, safe mode), each on a
  free port, with ``WECHAT_API_BASE`` pointing at :class:`tests.fakes.wechat_api.FakeWeChatAPI`
  (one fake, mounted at ``/a/cgi-bin/`` for instance A and ``/b/cgi-bin/`` for instance B, so that
  every call says which instance made it);
- a tiny aiohttp reverse proxy in front of both, forwarding ``/wechat`` round robin, or to the
  instance a request names (``X-To-Instance: a|b``), with WeChat's 5 s patience;
- the fake and the proxy run on an event loop of their own in a background thread, so one cluster
  can serve every test of a module (each test runs on its own loop).

Messages are built as WeChat builds them (tests/support/wechat.py's XML, signed, AES-encrypted in
safe mode) and kept as bytes, so that a retry is the very same request, as WeChat's is.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import aiohttp
import yaml
from aiohttp import web
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import WeChatCrypto

from bot.gateway.signature import sign
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.support.databases import postgres_admin_url

REPO = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Shanghai")
TOKEN = "cluster-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ADMIN_TOKEN = "cluster-admin-token"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
INSTANCE_HEADER = "X-To-Instance"
WECHAT_PATIENCE = 5.0  # WeChat waits this long for an answer, then retries
START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0

T = TypeVar("T")
_msg_ids = itertools.count(int(time.time()) * 1000 + 7_000_000_000_000)


def next_msg_id() -> int:
    return next(_msg_ids)


def text_xml(openid: str, text: str, *, msg_id: int | None = None) -> str:
    """An owner's text message as WeChat posts it (the shape of tests/support/wechat.py's ``message_xml``)."""
    return (f"<xml><ToUserName><![CDATA[gh_test_account]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{next_msg_id() if msg_id is None else msg_id}</MsgId></xml>")


async def connect(url: str) -> Any:
    """An asyncpg connection (the tests read and write the database directly to seed and to check)."""
    import asyncpg  # type: ignore[import-untyped]

    return await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a loop of its own, in a thread -------------------------------------------------------------------


class BackgroundLoop:
    """An event loop in a daemon thread: the fake WeChat API and the proxy live here for a module."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="cluster-loop", daemon=True)
        self._thread.start()

    def run(self, coroutine: Awaitable[T], timeout: float = 120.0) -> T:
        future = asyncio.run_coroutine_threadsafe(_as_coroutine(coroutine), self.loop)
        return future.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self.loop.close()


async def _as_coroutine(awaitable: Awaitable[T]) -> T:
    return await awaitable


# --- the fake WeChat API, one per cluster, seen through two prefixes ---------------------------------------


@dataclass
class FakeWeChat:
    """The fake WeChat API and which instance made each call (``via``: (instance, path) in order)."""

    api: FakeWeChatAPI = field(default_factory=FakeWeChatAPI)
    via: list[tuple[str, str]] = field(default_factory=list)
    runner: web.AppRunner | None = None
    port: int = 0

    def base(self, instance: str) -> str:
        return f"http://127.0.0.1:{self.port}/{instance}/cgi-bin/"

    async def start(self) -> None:
        @web.middleware
        async def who(request: web.Request, handler: Any) -> web.StreamResponse:
            instance, _, rest = request.path.lstrip("/").partition("/")
            self.via.append((instance, rest.removeprefix("cgi-bin/")))
            return await handler(request)

        root = web.Application(middlewares=[who])
        root.add_subapp("/a", self.api.app())
        root.add_subapp("/b", self.api.app())
        self.runner = web.AppRunner(root, access_log=None)
        await self.runner.setup()
        self.port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    # what reached WeChat ------------------------------------------------------------------------------
    def token_fetches(self) -> int:
        return len(self.api.calls_to("token"))

    def texts(self) -> list[tuple[str, str]]:
        """(recipient, text) of every customer-service text WeChat accepted, in order."""
        return [(body.get("touser", ""), body.get("text", {}).get("content", ""))
                for body in self.api.sent("message/custom/send") if body.get("msgtype") == "text"]

    def texts_to(self, openid: str) -> list[str]:
        return [text for recipient, text in self.texts() if recipient == openid]

    def sends_by(self, instance: str) -> int:
        return sum(1 for who, path in self.via if who == instance and path.startswith("message/"))


# --- the reverse proxy ---------------------------------------------------------------------------------


class Proxy:
    """nginx in front of the instances: round robin over /wechat, or the instance a request names."""

    def __init__(self, upstreams: dict[str, str]) -> None:
        self.upstreams = upstreams  # name → http://127.0.0.1:port
        self.order = itertools.cycle(sorted(upstreams))
        self.routed: list[str] = []  # the instance each request went to
        self.runner: web.AppRunner | None = None
        self.http: aiohttp.ClientSession | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application(client_max_size=1 << 20)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WECHAT_PATIENCE),
                                          auto_decompress=False)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        self.port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.close()
        if self.runner is not None:
            await self.runner.cleanup()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self.http is not None
        name = request.headers.get(INSTANCE_HEADER) or next(self.order)
        self.routed.append(name)
        body = await request.read()
        headers = {key: value for key, value in request.headers.items()
                   if key.lower() not in ("host", "content-length", INSTANCE_HEADER.lower(), "transfer-encoding")}
        headers["X-Forwarded-For"] = request.remote or "127.0.0.1"
        try:
            async with self.http.request(request.method, self.upstreams[name] + request.rel_url.path_qs,
                                         data=body, headers=headers, allow_redirects=False) as answer:
                payload = await answer.read()
                kept = {key: value for key, value in answer.headers.items()
                        if key.lower() in ("content-type", "location", "set-cookie")}
                return web.Response(status=answer.status, body=payload, headers=kept)
        except TimeoutError:
            return web.Response(status=504, text="upstream timed out")
        except aiohttp.ClientError:
            return web.Response(status=502, text="upstream unreachable")


# --- one `wuyebot serve` ---------------------------------------------------------------------------------


@dataclass
class Instance:
    name: str
    env: dict[str, str]
    log_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        log = open(self.log_path, "ab")  # noqa: SIM115 - the process writes to it until it ends
        log.write(f"\n===== start {self.starts} of instance {self.name} =====\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], cwd=REPO, env={**self.env, "WUYEBOT_PORT": str(self.port)},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill9(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(STOP_TIMEOUT)

    def stop(self) -> int | None:
        """SIGTERM (aiohttp's graceful exit), SIGKILL after STOP_TIMEOUT; the exit code."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT)
        return process.returncode

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    async def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109 - a polling deadline
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            while time.monotonic() < deadline:
                if not self.running():
                    raise RuntimeError(f"instance {self.name} exited at start:\n{self.log_tail()}")
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with http.get(self.url + "/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.2)
        raise RuntimeError(f"instance {self.name} not healthy within {timeout:.0f} s:\n{self.log_tail()}")


# --- WeChat's side of the webhook ------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: str
    content: str | None  # the passive reply's text (decrypted); None for `success` or an error

    @property
    def is_success(self) -> bool:
        return self.status == 200 and self.body == "success"

    @property
    def text(self) -> str:
        return self.content or ""


@dataclass
class Request:
    """One signed (and encrypted) POST exactly as WeChat sends it; post it again to retry it."""

    openid: str
    text: str
    msg_id: int
    params: dict[str, str]
    data: bytes


class WeChatSide:
    """Builds owners' messages like WeChat's server and posts them to the proxy (or one instance)."""

    def __init__(self, proxy_url: str) -> None:
        self.url = proxy_url + "/wechat"
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, FakeWeChatAPI.appid)

    def request(self, openid: str, text: str, *, msg_id: int | None = None) -> Request:
        msg_id = next_msg_id() if msg_id is None else msg_id
        timestamp, nonce = str(int(time.time())), secrets.token_hex(6)
        params = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
        envelope = self.crypto.encrypt_message(text_xml(openid, text, msg_id=msg_id), nonce, timestamp)
        params |= {"encrypt_type": "aes", "msg_signature": str(fromstring(envelope).findtext("MsgSignature"))}
        return Request(openid, text, msg_id, params, envelope.encode("utf-8"))

    def resigned(self, request: Request) -> Request:
        """The same message (same MsgId) signed anew: a retry with a fresh timestamp and nonce."""
        return self.request(request.openid, request.text, msg_id=request.msg_id)

    async def post(self, http: aiohttp.ClientSession, request: Request, to: str | None = None) -> Reply:
        headers = {INSTANCE_HEADER: to} if to else {}
        async with http.post(self.url, params=request.params, data=request.data, headers=headers) as response:
            body = await response.text()
            status = response.status
        if status != 200 or body == "success":
            return Reply(status, body, None)
        root = fromstring(body)
        plain = self.crypto.decrypt_message(body, root.findtext("MsgSignature"), root.findtext("TimeStamp"),
                                            root.findtext("Nonce"))
        return Reply(status, body, fromstring(plain).findtext("Content"))

    async def say(self, http: aiohttp.ClientSession, openid: str, text: str, to: str | None = None) -> Reply:
        return await self.post(http, self.request(openid, text), to)


# --- the configuration ---------------------------------------------------------------------------------------


def cluster_config(folder: Path, **changes: Any) -> Path:
    """config.yaml as shipped, with a short scheduler tick and sender lease, no quiet hours (the tests
    run at any hour and read pushes as they go out) and ``changes`` (section → values) on top."""
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    config["quiet_hours"] = {"start": "00:00", "end": "00:00"}  # an empty window
    config["schedule"]["tick_seconds"] = 2
    config["notifications"]["outbox"]["lease_seconds"] = 5
    for section, values in changes.items():
        if isinstance(values, dict) and isinstance(config.get(section), dict):
            config[section].update(values)
        else:
            config[section] = values
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (folder / "kb.yaml").write_text((REPO / "kb.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return path


# --- the cluster ------------------------------------------------------------------------------------------


@dataclass
class Cluster:
    folder: Path
    database_url: str
    admin_url: str
    background: BackgroundLoop
    fake: FakeWeChat
    instances: dict[str, Instance]
    proxy: Proxy
    wechat: WeChatSide
    config_path: Path

    @property
    def a(self) -> Instance:
        return self.instances["a"]

    @property
    def b(self) -> Instance:
        return self.instances["b"]

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy.port}"

    def settings_env(self) -> dict[str, str]:
        """The environment of `wuyebot` commands run against this cluster's database (``jobs run-due`` …)."""
        return {**self.a.env, "WECHAT_API_BASE": self.fake.base("a")}

    async def start_instances(self, *names: str) -> None:
        chosen = names or tuple(self.instances)
        for name in chosen:
            self.instances[name].start()
        await asyncio.gather(*(self.instances[name].wait_healthy() for name in chosen))

    def stop_all(self) -> dict[str, int | None]:
        """SIGTERM to every instance (SIGKILL after STOP_TIMEOUT); each one's exit code (0: a clean stop)."""
        return {name: instance.stop() for name, instance in self.instances.items()}

    def assert_clean_stop(self) -> None:
        codes = self.stop_all()
        assert codes == dict.fromkeys(self.instances, 0), f"instances did not stop cleanly: {codes}\n{self.logs()}"

    def logs(self) -> str:
        return "\n".join(f"--- instance {name} ---\n{instance.log_tail()}" for name, instance in self.instances.items())

    # the database, read to check ------------------------------------------------------------------------
    async def fetch(self, query: str, *args: Any) -> list[Any]:
        connection = await connect(self.database_url)
        try:
            return list(await connection.fetch(query, *args))
        finally:
            await connection.close()

    async def execute(self, statement: str, *args: Any) -> None:
        connection = await connect(self.database_url)
        try:
            await connection.execute(statement, *args)
        finally:
            await connection.close()

    async def until(self, probe: Callable[[], Awaitable[bool]], timeout: float = 20.0,  # noqa: ASYNC109
                    what: str = "the condition") -> None:
        """Poll ``probe`` until it holds; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not await probe():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not hold within {timeout:.0f} s")
            await asyncio.sleep(0.25)


async def _create_database(admin_url: str) -> str:
    name = f"wuyebot_cluster_{uuid.uuid4().hex[:12]}"
    admin = await connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def _drop_database(admin_url: str, url: str) -> None:
    admin = await connect(admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await admin.close()


async def prepare_database(url: str, config_path: Path) -> None:
    """``wuyebot db upgrade``, the demo estates (as ``serve --demo`` loads them) and the register of
    the tests' accounts (:mod:`tests.production.people`)."""
    from bot.cli.demo import load_demo_if_empty
    from bot.settings import load_settings
    from models.migrate import upgrade
    from tests.production.people import bind_accounts

    await asyncio.to_thread(upgrade, url)
    settings = load_settings(config_path, {"WUYEBOT_DATABASE_URL": url})
    await load_demo_if_empty(settings)
    await bind_accounts(url)


@contextlib.contextmanager
def running_cluster(folder: Path, *, config: dict[str, Any] | None = None,
                    prepare: Callable[[str], Awaitable[None]] | None = None) -> Iterator[Cluster]:
    """Start the fake WeChat API, a fresh database, two instances and the proxy; always stop them all."""
    admin_url = postgres_admin_url()
    folder.mkdir(parents=True, exist_ok=True)
    background = BackgroundLoop()
    fake = FakeWeChat()
    proxy: Proxy | None = None
    database_url: str | None = None
    instances: dict[str, Instance] = {}
    try:
        background.run(fake.start())
        config_path = cluster_config(folder, **(config or {}))
        database_url = background.run(_create_database(admin_url))
        background.run(prepare_database(database_url, config_path), timeout=180)
        if prepare is not None:
            background.run(prepare(database_url))
        base_env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("WECHAT_", "WUYEBOT_")) or key == "WUYEBOT_CACHE_DIR"}
        for name in ("a", "b"):
            env = {**base_env, "PYTHONPATH": str(REPO), "WUYEBOT_CONFIG": str(config_path),
                   "WUYEBOT_DATABASE_URL": database_url, "WUYEBOT_HOST": "127.0.0.1",
                   "WUYEBOT_ADMIN_TOKEN": ADMIN_TOKEN, "WECHAT_TOKEN": TOKEN, "WECHAT_APPID": fake.api.appid,
                   "WECHAT_SECRET": fake.api.secret, "WECHAT_AES_KEY": AES_KEY,
                   "WECHAT_API_BASE": fake.base(name)}
            instances[name] = Instance(name, env, folder / f"instance-{name}.log", port=free_port())
        proxy = Proxy({name: instance.url for name, instance in instances.items()})
        background.run(proxy.start())
        cluster = Cluster(folder, database_url, admin_url, background, fake, instances, proxy,
                          WeChatSide(f"http://127.0.0.1:{proxy.port}"), config_path)
        background.run(cluster.start_instances(), timeout=START_TIMEOUT + 10)
        yield cluster
    finally:
        for instance in instances.values():
            with contextlib.suppress(Exception):
                instance.stop()
        with contextlib.suppress(Exception):
            if proxy is not None:
                background.run(proxy.stop(), timeout=10)
        with contextlib.suppress(Exception):
            background.run(fake.stop(), timeout=10)
        with contextlib.suppress(Exception):
            if database_url is not None:
                background.run(_drop_database(admin_url, database_url), timeout=30)
        background.close()


def local_now() -> datetime:
    return datetime.now(UTC).astimezone(TZ)
