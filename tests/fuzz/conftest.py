"""What every fuzz test needs: hypothesis run against a live server, bounded requests, and the database's
fingerprint, to say that a refused request stored nothing.

How hypothesis meets the async fixtures. ``start_service`` gives a real aiohttp server on pytest-asyncio's
event loop, made once per test function (starting one per example would cost seconds each). ``@given``
cannot decorate an ``async def`` test with async fixtures, so each test body calls :func:`fuzz`: it runs
an ordinary, synchronous ``@given`` property in a worker thread (``asyncio.to_thread``), while the
test's loop stays free to serve. The property sends each example to the server with
``asyncio.run_coroutine_threadsafe(..., loop)`` and waits at most :data:`REQUEST_SECONDS` plus a margin.
So hypothesis works as usual: it generates, finds a failure, shrinks it, and reports the smallest input.
Runs are reproducible (``derandomize=True``, no example database written to disk).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.keys import INBOX, SESSIONS
from models import Base

T = TypeVar("T")

REQUEST_SECONDS = 10.0  # a request unanswered by then counts as hung
SLACK_SECONDS = 5.0  # the thread's own wait beyond that, for the event loop's scheduling

# Tables the service writes on its own, whatever the request (none here: the sender and the scheduler are
# off in every fuzz world, and quick replies' records are flushed before each fingerprint).
VOLATILE: frozenset[str] = frozenset()


class Hung(AssertionError):
    """A request took longer than REQUEST_SECONDS."""


def fuzz_settings(examples: int) -> Any:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=False,
                    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink))


async def fuzz(strategy: st.SearchStrategy[T], prop: Callable[[T], Coroutine[Any, Any, None]], *,
               examples: int) -> None:
    """Check the async property ``prop`` on ``examples`` values of ``strategy``, on this event loop.

    ``prop`` runs on the test's loop (where the server is); hypothesis runs in a thread and waits.
    A failing example is shrunk, and re-raised here with hypothesis's report.
    """
    loop = asyncio.get_running_loop()

    @fuzz_settings(examples)
    @given(strategy)
    def check(value: T) -> None:
        future = asyncio.run_coroutine_threadsafe(prop(value), loop)
        try:
            future.result(timeout=REQUEST_SECONDS * 2 + SLACK_SECONDS)
        except TimeoutError:
            future.cancel()
            raise Hung(f"the property did not finish within {REQUEST_SECONDS * 2 + SLACK_SECONDS:g} s") from None

    await asyncio.to_thread(check)


async def bounded(awaitable: Awaitable[T], what: str = "the request") -> T:
    """``awaitable`` within REQUEST_SECONDS, else a failure naming it: a hung request is a defect."""
    try:
        return await asyncio.wait_for(awaitable, REQUEST_SECONDS)
    except TimeoutError:
        raise Hung(f"{what} was not answered within {REQUEST_SECONDS:g} s") from None


@dataclass
class Answer:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


async def send(http: aiohttp.ClientSession, method: str, url: Any, **kwargs: Any) -> Answer:
    """One request, bounded in time, redirects shown, not followed."""
    kwargs.setdefault("allow_redirects", False)

    async def go() -> Answer:
        async with http.request(method, url, **kwargs) as response:
            return Answer(response.status, await response.read(), dict(response.headers))

    return await bounded(go(), f"{method} {str(url)[:120]}")


async def raw_request(url: str, request: bytes) -> Answer:
    """Bytes straight onto a socket (for what aiohttp's client will not send: raw bytes in a query...)."""
    host, port = url.removeprefix("http://").split(":")

    async def go() -> Answer:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            writer.write(request)
            await writer.drain()
            answer = await reader.read()
        finally:
            writer.close()
            await writer.wait_closed()
        head, _, body = answer.partition(b"\r\n\r\n")
        if not head:
            return Answer(0, b"")
        return Answer(int(head.split(b" ", 2)[1]), body)

    return await bounded(go(), "a raw request")


async def settle(app: Any) -> None:
    """Let the messages being handled finish and write the quick replies' records now."""
    if INBOX in app:
        await bounded(app[INBOX].settled(), "the inbox settling")
        await bounded(app[INBOX].flush(), "the quick replies' records")


async def fingerprint(app: Any) -> dict[str, tuple[int, str]]:
    """Every table of the models' metadata: its row count and a hash of its rows (so updates show too)."""
    fingerprints: dict[str, tuple[int, str]] = {}
    async with app[SESSIONS]() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in VOLATILE:
                continue
            rows = (await session.execute(select(table))).all()
            digest = hashlib.sha256(repr(sorted(repr(tuple(row)) for row in rows)).encode()).hexdigest()
            fingerprints[table.name] = (len(rows), digest[:16])
    return fingerprints


def changed(before: Mapping[str, tuple[int, str]], after: Mapping[str, tuple[int, str]]) -> dict[str, str]:
    return {name: f"{before.get(name)} -> {after.get(name)}" for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)}


class Snapshots:
    """The database as it stands before each request; ``refused`` asserts a request changed nothing."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.current: dict[str, tuple[int, str]] | None = None

    async def before(self) -> None:
        if self.current is None:
            await settle(self.app)
            self.current = await fingerprint(self.app)

    async def after(self, refused: bool, what: str, may_write: frozenset[str] = frozenset()) -> None:
        """Compare when ``refused`` (but for the tables ``may_write``); an accepted request may write, so the
        next one takes a new fingerprint."""
        if not refused:
            await settle(self.app)
            self.current = None
            return
        assert self.current is not None
        await settle(self.app)
        now = await fingerprint(self.app)
        difference = {name: change for name, change in changed(self.current, now).items() if name not in may_write}
        self.current = now
        assert not difference, f"a refused request changed the database: {difference} ({what})"


class ErrorLog(logging.Handler):
    """ERROR records with a traceback: an exception the service swallowed (a 'busy' reply instead of a 500)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # aiohttp.server logs its own 400s (a request line over 8 KiB ...) with a traceback; a 500 it
        # answers shows in the status anyway
        if record.exc_info and record.name != "aiohttp.server":
            self.records.append(record)

    def take(self) -> list[str]:
        taken = [f"{r.name}: {r.getMessage()} [{r.exc_info[1]!r}]" for r in self.records if r.exc_info]
        self.records.clear()
        return taken


@pytest.fixture
def swallowed() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def short(value: object, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"...({len(text)} chars)"


# ---------------------------------------------------------------------------------------------------
# The world the admin API and the console fuzzers work on
# ---------------------------------------------------------------------------------------------------

ADMIN_TOKEN = "fuzz-admin-token"


@dataclass
class World:
    """The console tests' estate (tests/console/conftest.py): staff with passwords, 张伟 bound, and a
    repair ticket and an open handoff made through the webhook, so the fuzzers have real targets."""

    service: Any
    staff: dict[str, Any]
    ticket_numbers: list[str]
    handoff_ids: list[int]
    staff_ids: list[int]
    outbox_ids: list[int]

    @property
    def app(self) -> Any:
        return self.service.app


@pytest.fixture
async def world(make_settings: Callable[..., Any], start_service: Callable[..., Any]) -> World:
    from bot.clock import FrozenClock
    from models import Handoff, OutboxMessage, Ticket
    from tests.console.conftest import MONDAY_10, ZHANG, _seed
    from tests.support.chat import Chat

    settings = make_settings(WUYEBOT_ADMIN_TOKEN=ADMIN_TOKEN)
    clock = FrozenClock(MONDAY_10)
    service = await start_service(settings, clock=clock, run_sender=False, run_scheduler=False)
    async with service.app[SESSIONS].begin() as session:
        staff = await _seed(session)
    chat = Chat(service=service, clock=clock, people=dict(staff))
    await chat.bind(ZHANG[0], "3-2-501", ZHANG[2])
    zhang = chat.person(ZHANG[0])
    reply = await zhang.says("卫生间水管漏水了")
    for _ in range(4):
        if "工单号" in reply:
            break
        reply = await zhang.says("随时都可以" if "什么时间" in reply else "确认")
    assert "人工" in await zhang.says("转人工")
    async with service.app[SESSIONS]() as session:
        numbers = list((await session.scalars(select(Ticket.number))).all())
        handoffs = list((await session.scalars(select(Handoff.id))).all())
        pushes = list((await session.scalars(select(OutboxMessage.id))).all())
    assert numbers and handoffs, "the world needs a ticket and a handoff"
    return World(service, staff, numbers, handoffs, [member.id for member in staff.values()], pushes)


# Answers by status in a fuzz test, printed after it (``-s``): shows that examples get past the parser.
STATUSES: Counter[int] = Counter()


@pytest.fixture(autouse=True)
def show_statuses() -> Iterator[None]:
    STATUSES.clear()
    yield
    if STATUSES:
        print(f"\nanswers by status: {dict(sorted(STATUSES.items()))}")
