"""The WeChat webhook through a real aiohttp server, with XML signed and encrypted by wechatpy."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import CLOCK, INBOX, SESSIONS
from bot.dialogue.router import Router
from bot.gateway.signature import sign
from bot.messages import TEXT, Inbound
from models import DeferredMessage, OutboxMessage, ProcessedMessage, WechatAccount
from tests.conftest import AES_KEY
from tests.support.understanding import gateway_dispatcher
from tests.support.wechat import event_xml, message_xml, text_xml

OPENID = "o-owner-1"

# A router the tests add to count how often a handler really ran, and to make slow or long replies.
probe = Router("probe")
runs: list[str] = []


@probe.intent("slow", name="慢")
async def slow_reply(turn) -> str:  # type: ignore[no-untyped-def]
    runs.append(turn.text)
    await asyncio.sleep(float(turn.text.removeprefix("慢")))
    return "处理完了：" + turn.text


LONG_TEXT = "\n".join(f"第{i}条：物业服务中心提醒您注意用电安全，出门记得关闭燃气阀门。" for i in range(60))


@probe.intent("long", name="长")
async def long_reply(turn) -> str:  # type: ignore[no-untyped-def]
    runs.append(turn.text)
    return LONG_TEXT


failures = {"left": 0}


@probe.intent("flaky", name="闪")
async def flaky_reply(turn) -> str:  # type: ignore[no-untyped-def]
    runs.append(turn.text)
    if failures["left"]:
        failures["left"] -= 1
        raise RuntimeError("a bug for one run")
    return "这次好了"


@probe.intent("late_flaky", name="迟")
async def late_flaky_reply(turn) -> str:  # type: ignore[no-untyped-def]
    runs.append(turn.text)
    await asyncio.sleep(0.5)
    if failures["left"]:
        failures["left"] -= 1
        raise RuntimeError("a bug for one run, after the deadline")
    return "迟到了，也办好了"


@pytest.fixture(autouse=True)
def clear_runs() -> None:
    runs.clear()


@pytest.fixture
async def service(make_settings, start_service):  # type: ignore[no-untyped-def]
    settings = make_settings()
    return await start_service(settings, dispatcher_factory=lambda: gateway_dispatcher(probe), run_sender=False)


@pytest.fixture
async def safe_service(make_settings, start_service):  # type: ignore[no-untyped-def]
    settings = make_settings(WECHAT_TOKEN="tok", WECHAT_APPID="wx-test-app", WECHAT_SECRET="s", WECHAT_AES_KEY=AES_KEY,
                             WECHAT_API_BASE="http://127.0.0.1:9/cgi-bin/")
    return await start_service(settings, dispatcher_factory=lambda: gateway_dispatcher(probe), run_sender=False)


async def count(service, model) -> int:  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS]() as session:
        return await session.scalar(select(func.count()).select_from(model))


class TestVerification:
    async def test_echoes_echostr_when_signed(self, service) -> None:  # type: ignore[no-untyped-def]
        params = service.wechat.signed_params() | {"echostr": "hello-echo"}
        async with service.http.get(service.wechat.url, params=params) as response:
            assert response.status == 200
            assert await response.text() == "hello-echo"

    async def test_refuses_a_wrong_signature(self, service) -> None:  # type: ignore[no-untyped-def]
        params = service.wechat.signed_params() | {"echostr": "x", "signature": "0" * 40}
        async with service.http.get(service.wechat.url, params=params) as response:
            assert response.status == 403


class TestPlaintext:
    async def test_greeting_round_trip(self, service) -> None:  # type: ignore[no-untyped-def]
        answer = await service.wechat.say(OPENID, "你好")
        assert answer.status == 200
        assert "阳光花园" in answer.content and "报修" in answer.content

    async def test_fallback_explains_what_the_bot_does(self, service) -> None:  # type: ignore[no-untyped-def]
        answer = await service.wechat.say(OPENID, "今天股票涨了吗")
        assert "物业客服" in answer.content

    async def test_records_the_account_and_the_message(self, service) -> None:  # type: ignore[no-untyped-def]
        await service.wechat.say(OPENID, "你好")
        assert await count(service, ProcessedMessage) == 1
        async with service.app[SESSIONS]() as session:
            account = await session.get(WechatAccount, OPENID)
        assert account is not None and account.subscribed and account.last_inbound_at is not None


class TestSafeMode:
    async def test_encrypted_round_trip(self, safe_service) -> None:  # type: ignore[no-untyped-def]
        answer = await safe_service.wechat.say(OPENID, "你好", safe=True)
        assert answer.status == 200 and "<Encrypt>" in answer.body
        assert "阳光花园" in answer.content  # decrypted with the same nonce and timestamp (checked in post)

    async def test_plaintext_is_refused_outside_compatible_mode(self, safe_service) -> None:  # type: ignore[no-untyped-def]
        answer = await safe_service.wechat.say(OPENID, "你好")
        assert answer.status == 403  # accepted in compatible mode: tests/test_hardening.py

    async def test_wrong_msg_signature_is_403(self, safe_service) -> None:  # type: ignore[no-untyped-def]
        wechat = safe_service.wechat
        query = wechat.signed_params()
        envelope = wechat.crypto.encrypt_message(text_xml(OPENID, "你好"), query["nonce"], query["timestamp"])
        query |= {"encrypt_type": "aes", "msg_signature": "f" * 40}
        async with wechat.http.post(wechat.url, params=query, data=envelope.encode()) as response:
            assert response.status == 403
        assert await count(safe_service, ProcessedMessage) == 0

    async def test_garbage_ciphertext_is_400(self, safe_service) -> None:  # type: ignore[no-untyped-def]
        wechat = safe_service.wechat
        query = wechat.signed_params()
        encrypted = "bm90IGEgcmVhbCBjaXBoZXJ0ZXh0"
        query |= {"encrypt_type": "aes",
                  "msg_signature": sign(wechat.token, query["timestamp"], query["nonce"], encrypted)}
        body = f"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        async with wechat.http.post(wechat.url, params=query, data=body.encode()) as response:
            assert response.status == 400

    @pytest.mark.parametrize("body", ["<xml><Encrypt>abc", "not xml", "<xml></xml>", "<xml><Encrypt></Encrypt></xml>"])
    async def test_malformed_envelope_is_400(self, safe_service, body) -> None:  # type: ignore[no-untyped-def]
        wechat = safe_service.wechat
        query = wechat.signed_params() | {"encrypt_type": "aes", "msg_signature": "0" * 40}
        async with wechat.http.post(wechat.url, params=query, data=body.encode()) as response:
            assert response.status == 400


class TestMessageTypes:
    @pytest.mark.parametrize(
        ("msg_type", "fields", "expected"),
        [
            ("voice", {"MediaId": "m1", "Format": "amr", "Recognition": "你好"}, "阳光花园"),
            ("voice", {"MediaId": "m1", "Format": "amr", "Recognition": ""}, "没有听清"),
            ("image", {"PicUrl": "http://example.invalid/p.jpg", "MediaId": "m2"}, "收到您的图片"),
            ("location", {"Location_X": "22.54", "Location_Y": "114.05", "Scale": "15", "Label": "东门岗亭"},
             "东门岗亭"),
            ("link", {"Title": "小区通知", "Description": "d", "Url": "http://example.invalid/"}, "链接"),
            ("video", {"MediaId": "m3", "ThumbMediaId": "t"}, "暂时看不懂"),
            ("shortvideo", {"MediaId": "m3", "ThumbMediaId": "t"}, "暂时看不懂"),
            ("file", {"Title": "a.pdf"}, "暂时看不懂"),
        ],
    )
    async def test_each_type_gets_a_polite_answer(self, service, msg_type, fields, expected) -> None:  # type: ignore[no-untyped-def]
        answer = await service.wechat.post(message_xml(OPENID, msg_type, fields))
        assert answer.status == 200
        assert expected in answer.content

    async def test_subscribe_welcomes_with_a_menu(self, service) -> None:  # type: ignore[no-untyped-def]
        answer = await service.wechat.post(event_xml(OPENID, "subscribe"))
        # the repository's config has two estates: a newcomer is welcomed by the company (docs/estates.md)
        assert "欢迎关注阳光物业" in answer.content and "报修" in answer.content and "绑定房屋" in answer.content

    async def test_subscribe_by_scanning_a_code(self, service) -> None:  # type: ignore[no-untyped-def]
        answer = await service.wechat.post(event_xml(OPENID, "subscribe", "qrscene_gate1"))
        assert "欢迎关注" in answer.content

    async def test_unsubscribe_is_recorded_and_silent(self, service) -> None:  # type: ignore[no-untyped-def]
        await service.wechat.post(event_xml(OPENID, "subscribe", created=1_700_000_000))
        answer = await service.wechat.post(event_xml(OPENID, "unsubscribe", created=1_700_000_100))
        assert answer.is_success
        async with service.app[SESSIONS]() as session:
            account = await session.get(WechatAccount, OPENID)
        assert account.subscribed is False and account.unsubscribed_at is not None

    async def test_menu_click(self, service) -> None:  # type: ignore[no-untyped-def]
        answer = await service.wechat.post(event_xml(OPENID, "CLICK", "MENU_REPAIR"))
        assert "维修" in answer.content
        answer = await service.wechat.post(event_xml(OPENID, "CLICK", "NO_SUCH_KEY"))
        assert "请问需要办理什么业务" in answer.content

    async def test_scan(self, service) -> None:  # type: ignore[no-untyped-def]
        answer = await service.wechat.post(event_xml(OPENID, "SCAN", "gate1"))
        assert "欢迎回来" in answer.content

    @pytest.mark.parametrize(
        "event", ["VIEW", "TEMPLATESENDJOBFINISH", "weapp_audit_success", "subscribe_msg_popup_event"]
    )
    async def test_other_and_unknown_events_answer_success(self, service, event) -> None:  # type: ignore[no-untyped-def]
        answer = await service.wechat.post(event_xml(OPENID, event, "k"))
        assert answer.is_success


class TestDedupe:
    async def test_a_retried_msgid_runs_the_handler_once(self, service) -> None:  # type: ignore[no-untyped-def]
        first = await service.wechat.say(OPENID, "慢0", msg_id=42)
        again = await service.wechat.say(OPENID, "慢0", msg_id=42)
        assert runs == ["慢0"]
        assert again.content == first.content == "处理完了：慢0"
        assert await count(service, ProcessedMessage) == 1

    async def test_a_retry_of_a_message_whose_handling_failed_runs_it_again(self, service) -> None:  # type: ignore[no-untyped-def]
        failures["left"] = 1
        first = await service.wechat.say(OPENID, "闪", msg_id=45)
        assert "稍后" in first.content  # sorry; nothing was committed
        retry = await service.wechat.say(OPENID, "闪", msg_id=45)
        assert retry.content == "这次好了" and runs == ["闪", "闪"]
        assert await count(service, ProcessedMessage) == 1

    async def test_a_retry_while_the_first_is_running(self, service) -> None:  # type: ignore[no-untyped-def]
        first, retry = await asyncio.gather(
            service.wechat.say(OPENID, "慢0.5", msg_id=43),
            asyncio.sleep(0.1, result=None),
        )
        retry = await service.wechat.say(OPENID, "慢0.5", msg_id=43)
        assert runs == ["慢0.5"]
        assert first.content == retry.content == "处理完了：慢0.5"

    async def test_concurrent_duplicates_run_once(self, service) -> None:  # type: ignore[no-untyped-def]
        answers = await asyncio.gather(*(service.wechat.say(OPENID, "慢0.3", msg_id=44) for _ in range(4)))
        assert runs == ["慢0.3"]
        assert {answer.content for answer in answers} == {"处理完了：慢0.3"}

    async def test_a_retried_event_is_handled_once(self, service) -> None:  # type: ignore[no-untyped-def]
        created = int(time.time())
        await service.wechat.post(event_xml(OPENID, "subscribe", created=created))
        await service.wechat.post(event_xml(OPENID, "subscribe", created=created))
        assert await count(service, ProcessedMessage) == 1


class TestDeadline:
    async def test_a_slow_handler_answers_success_then_pushes(self, make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
        settings = make_settings()
        settings = settings.model_copy(
            update={"webhook": settings.webhook.model_copy(update={"reply_deadline_seconds": 0.3})})
        service = await start_service(settings, dispatcher_factory=lambda: gateway_dispatcher(probe), run_sender=False)
        started = time.monotonic()
        answer = await service.wechat.say(OPENID, "慢1", msg_id=50)
        assert answer.is_success and time.monotonic() - started < 0.9
        retry = await service.wechat.say(OPENID, "慢1", msg_id=50)  # WeChat retries: still no second run
        assert retry.is_success
        for _ in range(50):
            if await count(service, OutboxMessage):
                break
            await asyncio.sleep(0.05)
        async with service.app[SESSIONS]() as session:
            push = (await session.scalars(select(OutboxMessage))).one()
            stored = await session.get(ProcessedMessage, f"msg:{OPENID}:50")
        assert push.recipient == OPENID and push.payload["text"] == "处理完了：慢1"
        assert stored.reply is None  # delivered by push, so a later retry answers success
        assert runs == ["慢1"]
        third = await service.wechat.say(OPENID, "慢1", msg_id=50)
        assert third.is_success and runs == ["慢1"]


class TestAcknowledgedAtTheDeadline:
    """WeChat sends no retry after ``success``: a message acknowledged before its handler committed is
    written down, and handled again by any instance when the one that answered died."""

    @pytest.fixture
    async def slow_service(self, make_settings, start_service):  # type: ignore[no-untyped-def]
        settings = make_settings()
        settings = settings.model_copy(
            update={"webhook": settings.webhook.model_copy(update={"reply_deadline_seconds": 0.3})})
        return await start_service(settings, dispatcher_factory=lambda: gateway_dispatcher(probe), run_sender=False)

    @staticmethod
    async def write_down(service, text: str, msg_id: int, *, attempts: int = 0) -> str:  # type: ignore[no-untyped-def]
        """The row another instance wrote before it answered ``success`` and died."""
        now = service.app[CLOCK].now()
        inbound = Inbound(openid=OPENID, account="gh_test", kind=TEXT, created_at=now, msg_id=str(msg_id), text=text)
        async with service.app[SESSIONS].begin() as session:
            session.add(DeferredMessage(key=inbound.dedupe_key, openid=OPENID, inbound=inbound.to_record(),
                                        deferred_at=now - timedelta(seconds=30), attempts=attempts))
        return inbound.dedupe_key

    @staticmethod
    async def pushes(service) -> list[str]:  # type: ignore[no-untyped-def]
        async with service.app[SESSIONS]() as session:
            return [push.payload["text"] for push in (await session.scalars(
                select(OutboxMessage).order_by(OutboxMessage.id))).all()]

    async def test_written_down_until_its_run_commits(self, slow_service, database_kind) -> None:  # type: ignore[no-untyped-def]
        answer = await slow_service.wechat.say(OPENID, "慢1", msg_id=60)
        assert answer.is_success
        # On PostgreSQL before WeChat had its answer; the embedded SQLite's one connection is the
        # handler's until it commits, and then there is nothing left to write down.
        assert await count(slow_service, DeferredMessage) == (1 if database_kind == "postgresql" else 0)
        await slow_service.app[INBOX].settled()
        assert await count(slow_service, DeferredMessage) == 0
        assert await self.pushes(slow_service) == ["处理完了：慢1"]

    async def test_a_run_failing_after_the_deadline_is_handled_again(self, slow_service) -> None:  # type: ignore[no-untyped-def]
        failures["left"] = 1
        assert (await slow_service.wechat.say(OPENID, "迟", msg_id=64)).is_success
        inbox = slow_service.app[INBOX]
        await inbox.settled()
        assert runs == ["迟"] and await self.pushes(slow_service) == []
        assert await count(slow_service, DeferredMessage) == 1  # WeChat sends no retry: the row is all there is
        assert await inbox.recover() == 0  # not yet: its own instance may still be at it
        assert await inbox.recover(now=slow_service.app[CLOCK].now() + timedelta(seconds=10)) == 1
        assert runs == ["迟", "迟"]
        assert await self.pushes(slow_service) == ["迟到了，也办好了"]
        assert await count(slow_service, DeferredMessage) == 0

    async def test_a_message_whose_run_never_committed_is_handled_again_once(self, service) -> None:  # type: ignore[no-untyped-def]
        key = await self.write_down(service, "慢0", 61)
        inbox = service.app[INBOX]
        assert await inbox.recover() == 1
        assert runs == ["慢0"]
        assert await self.pushes(service) == ["处理完了：慢0"]  # the answer WeChat never had goes as a push
        async with service.app[SESSIONS]() as session:
            assert (await session.get(ProcessedMessage, key)).reply is None
        assert await count(service, DeferredMessage) == 0
        assert await inbox.recover() == 0
        retry = await service.wechat.say(OPENID, "慢0", msg_id=61)
        assert retry.is_success and runs == ["慢0"]

    async def test_a_row_left_for_a_message_already_handled_runs_nothing(self, service) -> None:  # type: ignore[no-untyped-def]
        assert (await service.wechat.say(OPENID, "慢0", msg_id=62)).content == "处理完了：慢0"
        await self.write_down(service, "慢0", 62)
        assert await service.app[INBOX].recover() == 1
        assert runs == ["慢0"] and await self.pushes(service) == []
        assert await count(service, DeferredMessage) == 0

    async def test_a_message_failing_every_time_ends_with_the_owner_asked_to_resend(self, service) -> None:  # type: ignore[no-untyped-def]
        failures["left"] = 5
        await self.write_down(service, "闪", 63)
        inbox = service.app[INBOX]
        assert await inbox.recover() == 0 and await inbox.recover() == 0
        assert await self.pushes(service) == []
        assert await inbox.recover() == 1
        assert runs == ["闪", "闪", "闪"]
        [push] = await self.pushes(service)
        assert push.startswith("关于您发的“闪”：抱歉，系统繁忙") and "物业电话" in push
        assert await count(service, DeferredMessage) == 0


class TestLongReplies:
    async def test_over_2048_bytes_is_split_first_part_now(self, service) -> None:  # type: ignore[no-untyped-def]
        answer = await service.wechat.say(OPENID, "长")
        assert len(answer.content.encode("utf-8")) <= 2048
        assert answer.content.startswith("第0条")
        async with service.app[SESSIONS]() as session:
            pushes = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        assert pushes and all(len(p.payload["text"].encode()) <= 2048 for p in pushes)
        whole = "\n".join([answer.content] + [p.payload["text"] for p in pushes])
        assert len(LONG_TEXT.encode()) > 2048
        assert whole == LONG_TEXT


class TestBadInput:
    async def post_raw(self, service, data: bytes, **headers: str):  # type: ignore[no-untyped-def]
        async with service.http.post(service.wechat.url, params=service.wechat.signed_params(), data=data,
                                     headers=headers) as response:
            return response.status, await response.text()

    async def test_bad_signature_is_403(self, service) -> None:  # type: ignore[no-untyped-def]
        params = service.wechat.signed_params() | {"signature": "1" * 40}
        async with service.http.post(service.wechat.url, params=params, data=text_xml(OPENID, "你好").encode()) as r:
            assert r.status == 403

    async def test_missing_signature_is_403(self, service) -> None:  # type: ignore[no-untyped-def]
        async with service.http.post(service.wechat.url, data=text_xml(OPENID, "你好").encode()) as r:
            assert r.status == 403

    @pytest.mark.parametrize("body", [b"<xml><MsgType>text", b"not xml at all", b"", b"<xml></xml>",
                                      b"<xml><MsgType>text</MsgType></xml>", b"<xml>just text</xml>",
                                      b"<a/>", b"<xml><MsgType>text</MsgType></xml><xml/>",
                                      b"<xml><Content>&undefined;</Content></xml>", b"<![CDATA[x]]>",
                                      b"<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a</xml>",
                                      b'<?xml version="1.0" encoding="UTF-16"?><xml/>'])
    async def test_malformed_is_400(self, service, body) -> None:  # type: ignore[no-untyped-def]
        status, _ = await self.post_raw(service, body)
        assert status == 400

    async def test_doctype_and_entity_bomb_are_400(self, service) -> None:  # type: ignore[no-untyped-def]
        bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                f'<xml><FromUserName>{OPENID}</FromUserName><MsgType>text</MsgType><Content>&lol2;</Content></xml>')
        status, _ = await self.post_raw(service, bomb.encode())
        assert status == 400
        external = '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>'
        status, _ = await self.post_raw(service, external.encode())
        assert status == 400

    async def test_a_doctype_hidden_after_cdata_is_400(self, service) -> None:  # type: ignore[no-untyped-def]
        sneaky = '<xml><Content><![CDATA[x]]></Content></xml><!DOCTYPE x [<!ENTITY y "z">]>'
        status, _ = await self.post_raw(service, sneaky.encode())
        assert status == 400

    async def test_an_element_where_text_belongs_is_400(self, service) -> None:  # type: ignore[no-untyped-def]
        await service.wechat.say(OPENID, "你好")
        for field in ("Content", "FromUserName", "MsgType", "CreateTime"):
            xml = text_xml(OPENID, "你好").replace(f"<{field}>", f"<{field}><b>x</b>", 1)
            status, _ = await self.post_raw(service, xml.encode())
            assert status == 400, field

    async def test_owner_text_that_looks_like_markup_is_answered(self, service) -> None:  # type: ignore[no-untyped-def]
        answer = await service.wechat.say(OPENID, "<!DOCTYPE> 是什么 <!-- 你好 -->")
        assert answer.status == 200

    async def test_non_utf8_is_400(self, service) -> None:  # type: ignore[no-untyped-def]
        status, reason = await self.post_raw(service, text_xml(OPENID, "你好").encode("gbk"))
        assert status == 400 and "UTF-8" in reason

    async def test_over_64_kib_is_413(self, service) -> None:  # type: ignore[no-untyped-def]
        status, _ = await self.post_raw(service, text_xml(OPENID, "水" * 30_000).encode())
        assert status == 413

    async def test_nothing_is_recorded_for_refused_input(self, service) -> None:  # type: ignore[no-untyped-def]
        await self.post_raw(service, b"<xml>")
        assert await count(service, ProcessedMessage) == 0


class TestHealth:
    async def test_healthz(self, service) -> None:  # type: ignore[no-untyped-def]
        async with service.http.get(service.url + "/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok"}


class TestStartingUp:
    async def test_an_nlu_that_cannot_load_makes_the_service_unhealthy(self, make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
        from handlers import build_dispatcher

        def broken(text, now, expecting=None):  # type: ignore[no-untyped-def]
            raise RuntimeError("no corpus")

        service = await start_service(make_settings(), dispatcher_factory=lambda: build_dispatcher(broken),
                                      run_sender=False)
        await asyncio.sleep(0.1)
        async with service.http.get(service.url + "/healthz") as response:
            assert response.status == 503 and "NLU" in (await response.json())["reason"]
        answer = await service.wechat.say(OPENID, "你好")
        assert answer.status == 200 and "稍后" in answer.content  # sorry, not a 500

    async def test_healthy_while_the_nlu_loads_and_messages_wait_for_it(self, make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
        import threading

        from handlers import build_dispatcher
        from tests.support.understanding import keyword_understander

        loaded = threading.Event()

        def slow_first_load(text, now, expecting=None):  # type: ignore[no-untyped-def]
            loaded.wait(5)  # the model trains on a machine's very first start
            return keyword_understander(text, now, expecting)

        service = await start_service(make_settings(), dispatcher_factory=lambda: build_dispatcher(slow_first_load),
                                      run_sender=False)
        async with service.http.get(service.url + "/healthz") as response:
            assert response.status == 200  # not held up by the NLU
        pending = asyncio.ensure_future(service.wechat.say(OPENID, "你好"))
        await asyncio.sleep(0.2)
        assert not pending.done() and await count(service, ProcessedMessage) == 0
        loaded.set()
        answer = await pending
        assert "阳光花园" in answer.content
