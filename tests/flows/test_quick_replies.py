"""Small talk answered without a transaction (bot.quick): the full path's answer, one dedupe record
written behind, and never for an owner with something going on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from bot.dialogue.router import Router
from bot.keys import ENGINE, INBOX
from models import ProcessedMessage
from tests.support.chat import Chat
from tests.support.wechat import text_xml

# The quick path serves only the embedded SQLite's one process; on PostgreSQL every message takes
# the full path (tests/production and the suite's PostgreSQL run cover that path).
pytestmark = pytest.mark.sqlite_only("the quick path exists only on the embedded SQLite")


@pytest.fixture
def chat(single_estate_chat: Chat) -> Chat:
    """The quick path serves a deployment of one estate (bot.app): these tests run on one."""
    return single_estate_chat


@contextmanager
def statements(chat: Chat) -> Iterator[list[str]]:
    """The SQL the service runs meanwhile."""
    engine = chat.service.app[ENGINE].sync_engine
    executed: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        executed.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield executed
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def records(chat: Chat, openid: str) -> list[tuple[str, str | None]]:
    await chat.service.app[INBOX].flush()
    async with chat.sessions() as session:
        rows = await session.execute(select(ProcessedMessage.text, ProcessedMessage.reply)
                                     .where(ProcessedMessage.openid == openid).order_by(ProcessedMessage.key))
        return [tuple(row) for row in rows]


async def test_small_talk_gets_the_full_paths_answer_without_touching_the_database(chat: Chat) -> None:
    full = await chat.person("o-first").says("在吗")  # an owner's first message takes the full path
    owner = chat.person("o-quick")
    assert await owner.says("你好")
    with statements(chat) as executed:
        quick = await owner.says("在吗")
        thanks = await owner.says("谢谢")
    assert executed == []
    assert quick == full
    assert thanks and thanks != quick
    written = await records(chat, "o-quick")
    assert [(text, reply) for text, reply in written if text != "你好"] == [("在吗", quick), ("谢谢", thanks)]


async def test_a_retry_of_a_quick_reply_gets_it_again_and_one_record(chat: Chat) -> None:
    wechat = chat.service.wechat
    await wechat.say("o-retry", "你好")
    xml = text_xml("o-retry", "在吗", msg_id=8_300_000_001)
    first = await wechat.post(xml)
    with statements(chat) as executed:
        again = await wechat.post(xml)
    assert again.content == first.content and first.content and executed == []
    await chat.service.app[INBOX].flush()
    retried = await wechat.post(xml)  # after the record is written: still the same answer
    assert retried.content == first.content
    async with chat.sessions() as session:
        stored = (await session.scalars(select(ProcessedMessage.reply)
                                        .where(ProcessedMessage.key == "msg:o-retry:8300000001"))).all()
    assert stored == [first.content]


async def test_an_owner_in_the_middle_of_a_form_takes_the_full_path(chat: Chat) -> None:
    owner = chat.person("o-form")
    await owner.says("你好")
    asked = await owner.says("我家厨房水龙头坏了")
    assert "？" in asked or "?" in asked  # the repair form asks for what is missing
    with statements(chat) as executed:
        reply = await owner.says("你好")
    assert executed  # the conversation was read
    plain = await chat.person("o-plain").says("你好")
    assert reply != plain


async def test_an_owner_handed_to_a_human_gets_no_bot_reply(chat: Chat) -> None:
    owner = chat.person("o-human")
    await owner.says("你好")
    assert await owner.says("转人工")
    reply = await owner.says("你好")  # the human answers; the bot only says so, no greeting of its own
    assert "已转给人工客服" in reply and reply != await chat.person("o-plain").says("你好")


async def test_a_traditional_writer_is_answered_in_traditional_characters(chat: Chat) -> None:
    owner = chat.person("o-trad")
    first = await owner.says("您好，請問在嗎")
    second = await owner.says("謝謝")
    assert "欢迎" not in first and "谢" not in second and second


def test_a_quick_answer_must_be_a_plain_function() -> None:
    router = Router("t")
    with pytest.raises(TypeError, match="plain function"):
        @router.quick("greeting")
        async def not_quick(understanding, settings) -> str:  # type: ignore[no-untyped-def]
            return "您好"


async def hold_the_database(chat: Chat, release: asyncio.Event) -> asyncio.Task[None]:
    """Another transaction of the process (a scheduler job, the sender) holds the one SQLite connection
    until ``release``; returns once it holds it."""
    holding = asyncio.Event()

    async def hold() -> None:
        async with chat.sessions.begin() as session:
            await session.connection()
            holding.set()
            await release.wait()

    task = asyncio.create_task(hold())
    await holding.wait()
    return task


async def test_small_talk_waits_while_an_earlier_message_of_the_owner_is_handled(chat: Chat) -> None:
    owner = chat.person("o-busy")
    await owner.says("你好")
    release = asyncio.Event()
    holder = await hold_the_database(chat, release)
    report = asyncio.create_task(owner.says("我家厨房水龙头坏了"))  # will open the repair form
    await asyncio.sleep(0.3)  # the report reaches the inbox and waits for the database
    hello = asyncio.create_task(owner.says("你好"))
    await asyncio.sleep(0.3)
    assert not hello.done()  # not answered from memory: the report may change everything
    release.set()
    await holder
    await report
    plain = await chat.person("o-plain").says("你好")
    assert await hello != plain


async def test_shutdown_writes_every_quick_reply_even_with_the_database_busy(chat: Chat) -> None:
    owner = chat.person("o-close")
    await owner.says("你好")
    release = asyncio.Event()
    holder = await hold_the_database(chat, release)
    assert await owner.says("在吗") and await owner.says("谢谢")
    await asyncio.sleep(0.4)  # the regular write has taken the batch and waits for the connection
    closing = asyncio.create_task(chat.service.app[INBOX].close())
    await asyncio.sleep(0.05)
    release.set()
    await holder
    await closing
    async with chat.sessions() as session:
        texts = set((await session.scalars(select(ProcessedMessage.text)
                                           .where(ProcessedMessage.openid == "o-close"))).all())
    assert texts == {"你好", "在吗", "谢谢"}


async def test_a_failing_quick_answer_falls_back_to_the_full_path(make_single_estate_settings, start_service) -> None:  # type: ignore[no-untyped-def]
    from bot.nlu import understand
    from handlers import build_dispatcher

    def broken(understanding, settings):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug in a quick answer")

    def dispatcher():  # type: ignore[no-untyped-def]
        built = build_dispatcher(understand)
        built.quick_answers["greeting"] = broken
        return built

    service = await start_service(make_single_estate_settings(), dispatcher_factory=dispatcher, run_sender=False)
    first = await service.wechat.say("o-bug", "你好")
    second = await service.wechat.say("o-bug", "在吗")
    assert second.status == 200 and second.content == first.content  # the full path's greeting


async def test_switched_off_small_talk_takes_the_full_path(make_single_estate_settings, start_service) -> None:  # type: ignore[no-untyped-def]
    """webhook.quick_replies: false (docs/performance.md: it earns nothing on the realistic mix)."""
    from bot.clock import FrozenClock
    from tests.flows.conftest import MONDAY_10

    settings = make_single_estate_settings()
    settings = settings.model_copy(update={"webhook": settings.webhook.model_copy(update={"quick_replies": False})})
    service = await start_service(settings, clock=FrozenClock(MONDAY_10), run_sender=False)
    chat = Chat(service=service, clock=FrozenClock(MONDAY_10), people={})
    owner = chat.person("o-slow")
    assert await owner.says("你好")
    with statements(chat) as executed:
        assert await owner.says("在吗")
    assert any("processed_messages" in statement for statement in executed)
