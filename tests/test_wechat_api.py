"""The async WeChat API client against the local fake (real HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.storage.db import create_engine, session_factory
from bot.wechat_api import WeChatAPI, WeChatError
from models import AccessToken
from models.migrate import upgrade_async


@pytest.fixture
async def parts(make_settings, fake_wechat):  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    settings = make_settings(WECHAT_TOKEN="t", WECHAT_APPID=fake.appid, WECHAT_SECRET=fake.secret, WECHAT_API_BASE=base)
    await upgrade_async(settings.database_url)
    engine = create_engine(settings.database_url)
    clock = FrozenClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    async with aiohttp.ClientSession() as http:
        sessions = session_factory(engine)
        yield fake, settings, sessions, clock, lambda: WeChatAPI(http, settings.wechat, sessions, clock, timeout=2)
    await engine.dispose()


async def test_token_is_fetched_once_and_cached(parts) -> None:  # type: ignore[no-untyped-def]
    fake, _settings, sessions, _clock, make_api = parts
    api = make_api()
    await api.send_text("o1", "您好")
    await api.send_text("o1", "再见")
    assert len(fake.calls_to("token")) == 1
    assert [body["text"]["content"] for body in fake.sent()] == ["您好", "再见"]
    async with sessions() as session:
        stored = await session.scalar(select(AccessToken))
    assert stored.token == fake.current_token


async def test_a_second_process_reuses_the_stored_token(parts) -> None:  # type: ignore[no-untyped-def]
    fake, *_rest, make_api = parts
    await make_api().send_text("o1", "一")
    await make_api().send_text("o1", "二")  # a fresh client, as in another process
    assert len(fake.calls_to("token")) == 1


async def test_40001_refreshes_once_and_retries(parts) -> None:  # type: ignore[no-untyped-def]
    fake, *_rest, make_api = parts
    api = make_api()
    await api.send_text("o1", "一")
    fake.invalidate_token()
    await api.send_text("o1", "二")
    assert len(fake.calls_to("token")) == 2
    assert [body["text"]["content"] for body in fake.sent()] == ["一", "二"]


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
async def test_token_errors_retry_only_once(parts, errcode) -> None:  # type: ignore[no-untyped-def]
    fake, *_rest, make_api = parts
    fake.fail_next("message/custom/send", errcode)
    fake.fail_next("message/custom/send", errcode)
    with pytest.raises(WeChatError) as caught:
        await make_api().send_text("o1", "一")
    assert caught.value.errcode == errcode
    assert len(fake.calls_to("message/custom/send")) == 2


async def test_expired_token_is_refreshed_by_time(parts) -> None:  # type: ignore[no-untyped-def]
    fake, _settings, _sessions, clock, make_api = parts
    api = make_api()
    await api.send_text("o1", "一")
    clock.travel(timedelta(hours=2))
    await api.send_text("o1", "二")
    assert len(fake.calls_to("token")) == 2


async def test_other_errors_are_raised_with_their_code(parts) -> None:  # type: ignore[no-untyped-def]
    fake, *_rest, make_api = parts
    fake.fail_next("message/custom/send", 45015)
    with pytest.raises(WeChatError) as caught:
        await make_api().send_text("o1", "一")
    assert caught.value.errcode == 45015


async def test_http_errors_and_unreachable_api(parts, make_settings) -> None:  # type: ignore[no-untyped-def]
    fake, _settings, sessions, clock, make_api = parts
    fake.fail_next("message/custom/send", http_status=502)
    with pytest.raises(WeChatError) as caught:
        await make_api().send_text("o1", "一")
    assert caught.value.http_status == 502
    dead = make_settings(WECHAT_TOKEN="t", WECHAT_APPID="wx", WECHAT_SECRET="s", WECHAT_API_BASE="http://127.0.0.1:9/")
    async with aiohttp.ClientSession() as http:
        with pytest.raises(WeChatError, match="unreachable"):
            await WeChatAPI(http, dead.wechat, sessions, clock, timeout=1).send_text("o1", "x")


async def test_template_message(parts) -> None:  # type: ignore[no-untyped-def]
    fake, *_rest, make_api = parts
    await make_api().send_template("o1", "TPL1", {"first": "工单已完成"}, url="https://example.invalid/t")
    body = fake.sent("message/template/send")[0]
    assert body == {"touser": "o1", "template_id": "TPL1", "data": {"first": {"value": "工单已完成"}},
                    "url": "https://example.invalid/t"}


async def test_two_processes_on_postgres_fetch_one_token(postgres_url, fake_wechat, make_settings) -> None:  # type: ignore[no-untyped-def]
    """Each fetch makes WeChat forget the previous token (the fake is strict about it), so two
    senders that refreshed independently would knock each other's token out."""
    import asyncio

    fake, base = fake_wechat
    settings = make_settings(WUYEBOT_DATABASE_URL=postgres_url, WECHAT_TOKEN="t", WECHAT_APPID=fake.appid,
                             WECHAT_SECRET=fake.secret, WECHAT_API_BASE=base)
    await upgrade_async(postgres_url)
    engines = [create_engine(postgres_url), create_engine(postgres_url)]
    clock = FrozenClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    async with aiohttp.ClientSession() as http:
        apis = [WeChatAPI(http, settings.wechat, session_factory(engine), clock, timeout=5) for engine in engines]
        await asyncio.gather(*(api.send_text("o1", f"{n}-{i}") for n, api in enumerate(apis) for i in range(10)))
    for engine in engines:
        await engine.dispose()
    assert len(fake.calls_to("token")) == 1
    assert len(fake.sent()) == 20
    assert len(fake.calls_to("message/custom/send")) == 20  # no call was refused with 40001 and retried
