"""The outside probe's findings (issue 12), each reproduced as the probe did it.

Every test here failed on the code before the fix it guards; the numbers in the class names are
the issue's items.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.clock import FrozenClock
from bot.gateway.signature import sign
from bot.keys import ENGINE, JOBS, OUTBOX, SENDER, SESSIONS
from bot.logs import configure_logging
from models import OutboxMessage, ProcessedMessage, Staff, Ticket, WechatAccount
from tests.conftest import AES_KEY, REPO
from tests.support.chat import Chat
from tests.support.estate import seed_bills, seed_estate
from tests.support.wechat import WeChatServer, event_xml, text_xml

NOON = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai, a Monday


def override(settings: Any, **sections: dict[str, Any]) -> Any:
    """``settings`` with some keys of some sections changed (``webhook={"compatible_mode": True}``)."""
    return settings.model_copy(update={
        name: getattr(settings, name).model_copy(update=values) for name, values in sections.items()})


@pytest.fixture
async def chat(make_settings, start_service) -> Chat:  # type: ignore[no-untyped-def]
    clock = FrozenClock(NOON)
    service = await start_service(make_settings(), clock=clock, run_sender=False, run_scheduler=False)
    async with service.app[SESSIONS].begin() as session:
        people = await seed_estate(session)
    return Chat(service, clock, people)


async def count(service: Any, model: Any, *conditions: Any) -> int:
    async with service.app[SESSIONS]() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


async def post(wechat: WeChatServer, params: dict[str, str], xml: str) -> tuple[int, str]:
    async with wechat.http.post(wechat.url, params=params, data=xml.encode()) as response:
        return response.status, await response.text()


class TestItem1ReplayedSignatures:
    async def test_the_probes_ancient_signature_forges_nobody(self, chat: Chat) -> None:
        """timestamp=1000000000&nonce=1, signed once, sent as three senders: every one refused."""
        wechat = chat.service.wechat
        params = {"timestamp": "1000000000", "nonce": "1", "signature": sign(wechat.token, "1000000000", "1")}
        for openid, words in (("o-attacker", "3栋电梯困人了快来人"), ("staff-wang", "接单 R20261123001"),
                              ("staff-li", "完工 R20261123001")):
            status, reason = await post(wechat, params, text_xml(openid, words))
            assert status == 403 and "replay window" in reason
        assert await count(chat.service, Ticket) == 0
        assert await count(chat.service, ProcessedMessage) == 0
        async with wechat.http.get(wechat.url, params=params | {"echostr": "x"}) as response:
            assert response.status == 403

    async def test_a_timestamp_from_the_future_is_refused_and_a_fresh_one_accepted(self, chat: Chat) -> None:
        wechat = chat.service.wechat
        future = wechat.signed_params(timestamp=str(int(time.time()) + 3600))
        assert (await post(wechat, future, text_xml("o-1", "你好")))[0] == 403
        recent = wechat.signed_params(timestamp=str(int(time.time()) - 60))
        assert (await post(wechat, recent, text_xml("o-1", "你好")))[0] == 200

    async def test_one_signature_inside_the_window_carries_one_body_only(self, chat: Chat) -> None:
        wechat = chat.service.wechat
        params = wechat.signed_params()
        first = text_xml("o-owner", "你好", msg_id=7001)
        status, body = await post(wechat, params, first)
        assert status == 200
        status, again = await post(wechat, params, first)  # WeChat retrying with the same query: answered
        assert status == 200 and again == body.replace(body[body.find("<CreateTime>"):body.find("</CreateTime>")],
                                                       again[again.find("<CreateTime>"):again.find("</CreateTime>")])
        status, reason = await post(wechat, params, text_xml("staff-wang", "接单 R20261123001", msg_id=7002))
        assert status == 403 and "another message" in reason
        assert await count(chat.service, ProcessedMessage) == 1

    async def test_plaintext_is_refused_in_safe_mode_and_accepted_in_compatible_mode(
            self, make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
        settings = make_settings(WECHAT_TOKEN="tok", WECHAT_APPID="wx-test-app", WECHAT_SECRET="s",
                                 WECHAT_AES_KEY=AES_KEY, WECHAT_API_BASE="http://127.0.0.1:9/cgi-bin/")
        safe = await start_service(settings, run_sender=False, run_scheduler=False)
        refused = await safe.wechat.say("o-1", "你好")
        assert refused.status == 403 and "safe mode" in refused.body
        assert (await safe.wechat.say("o-1", "你好", safe=True)).status == 200
        compatible = await start_service(override(settings, webhook={"compatible_mode": True}),
                                         run_sender=False, run_scheduler=False)
        answer = await compatible.wechat.say("o-2", "你好")
        assert answer.status == 200 and "阳光花园" in (answer.content or "")

    async def test_instances_on_postgresql_share_the_nonces(self, postgres_url, make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
        settings = make_settings(WUYEBOT_DATABASE_URL=postgres_url)
        one = await start_service(settings, run_sender=False, run_scheduler=False)
        two = await start_service(settings, run_sender=False, run_scheduler=False)
        params = one.wechat.signed_params()
        assert (await post(one.wechat, params, text_xml("o-a", "你好", msg_id=9001)))[0] == 200
        status, _reason = await post(two.wechat, params, text_xml("o-b", "你好", msg_id=9002))
        assert status == 403


class TestItem1StaffBindingCodes:
    async def test_a_one_time_code_binds_a_staff_account(self, chat: Chat) -> None:
        from handlers.flows.staff_binding import issue_code

        async with chat.sessions.begin() as session:
            wang = await session.scalar(select(Staff).where(Staff.name == "王师傅"))
            issued = await issue_code(session, wang, chat.now())
        newphone = chat.person("o-wang-new-phone")
        assert "无效" in await newphone.says("员工绑定 00000000")  # a wrong code is counted, nothing bound
        reply = await newphone.says(f"员工绑定 {issued.code}")
        assert "绑定成功" in reply and "王师傅" in reply
        async with chat.sessions() as session:
            assert (await session.scalar(select(Staff.openid).where(Staff.name == "王师傅"))) == "o-wang-new-phone"
        assert "无效" in await chat.person("o-someone-else").says(f"员工绑定 {issued.code}")  # used once only
        assert "您目前没有未完成的工单" in await newphone.says("我的工单")
        # The old account (staff-wang) lost the rights: its command is now an owner's words.
        assert "您目前没有未完成的工单" not in await chat.person("staff-wang").says("我的工单")

    async def test_an_expired_code_and_too_many_wrong_codes(self, chat: Chat) -> None:
        from handlers.flows.staff_binding import issue_code

        async with chat.sessions.begin() as session:
            li = await session.scalar(select(Staff).where(Staff.name == "李师傅"))
            issued = await issue_code(session, li, chat.now(), hours=1)
        chat.clock.travel(timedelta(hours=2))
        guesser = chat.person("o-guesser")
        assert "无效" in await guesser.says(f"员工绑定 {issued.code}")
        for attempt in range(4):
            await guesser.says(f"员工绑定 {10000000 + attempt}")
        assert "次数已用完" in await guesser.says("员工绑定 12345678")

    def test_the_command_line_prints_a_code(self, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
        from bot.cli import main

        env = {"WUYEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'staff.db'}",
               "WUYEBOT_CONFIG": str(REPO / "config.yaml")}
        os.environ.update(env)
        try:
            staff_file = tmp_path / "staff.csv"
            staff_file.write_text("name,phone,openid,role,skills\n王强,13900000003,,staff,水电\n", encoding="utf-8")
            assert main(["import", "staff", str(staff_file), "--estate", "default"]) == 0
            assert main(["staff", "bind-code", "13900000003"]) == 0
            assert "员工绑定 " in capsys.readouterr().out
            assert main(["staff", "bind-code", "13900009999"]) == 1
        finally:
            for name in env:
                del os.environ[name]


class TestItem2BodiesInPieces:
    async def raw_post(self, service: Any, pieces: list[bytes], pause: float, **params: str) -> tuple[int, bytes]:
        """POST /wechat over a plain socket, the body written in ``pieces`` with ``pause`` between."""
        host, port = service.url.removeprefix("http://").split(":")
        query = "&".join(f"{key}={value}" for key, value in service.wechat.signed_params().items())
        body = b"".join(pieces)
        head = (f"POST /wechat?{query} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n"
                f"Content-Type: text/xml\r\nConnection: close\r\n\r\n").encode()
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(head + pieces[0])
        await writer.drain()
        for piece in pieces[1:]:
            await asyncio.sleep(pause)
            writer.write(piece)
            await writer.drain()
        answer = await reader.read()
        writer.close()
        status = int(answer.split(b" ", 2)[1])
        return status, answer.split(b"\r\n\r\n", 1)[1]

    @pytest.mark.parametrize("pause", [0.0, 0.05, 0.2])
    async def test_a_message_in_two_segments_is_read_whole(self, chat: Chat, pause: float) -> None:
        xml = text_xml("o-split", "你好", msg_id=int(pause * 1000) + 1).encode()
        status, body = await self.raw_post(chat.service, [xml[:60], xml[60:]], pause)
        assert status == 200 and "阳光花园".encode() in body

    async def test_a_6_kb_body_split_inside_a_character(self, chat: Chat) -> None:
        xml = text_xml("o-split", "厨房水管漏水了" * 290, msg_id=42).encode()
        assert len(xml) > 6000
        cut = xml.index("漏".encode()) + 1  # inside the three bytes of 漏
        status, _body = await self.raw_post(chat.service, [xml[:cut], xml[cut:]], 0.1)
        assert status == 200

    async def test_a_body_that_never_finishes_is_408(self, make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
        settings = override(make_settings(), webhook={"read_timeout_seconds": 0.5})
        service = await start_service(settings, run_sender=False, run_scheduler=False)
        host, port = service.url.removeprefix("http://").split(":")
        query = "&".join(f"{key}={value}" for key, value in service.wechat.signed_params().items())
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(f"POST /wechat?{query} HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n<xml>".encode())
        await writer.drain()
        answer = await asyncio.wait_for(reader.readline(), timeout=10)
        writer.close()
        await writer.wait_closed()
        assert answer.startswith(b"HTTP/1.1 408")


@pytest.fixture
async def live(make_settings, start_service, fake_wechat):  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    settings = make_settings(WECHAT_TOKEN="t", WECHAT_APPID=fake.appid, WECHAT_SECRET=fake.secret, WECHAT_API_BASE=base,
                             WUYEBOT_ADMIN_TOKEN="admin-secret")
    service = await start_service(settings, clock=FrozenClock(NOON), run_sender=False, run_scheduler=False)
    return fake, service


async def enqueue(service: Any, count_: int, *, recipient: str = "o-1", prefix: str = "alert",
                  kind: str = "staff_alert") -> None:
    async with service.app[SESSIONS].begin() as session:
        for index in range(count_):
            await service.app[OUTBOX].enqueue(session, key=f"{prefix}-{index}", recipient=recipient,
                                              text=f"{prefix} {index}", kind=kind, urgent=True)


class TestItem3PushesOutlivingTheirLease:
    async def test_a_batch_longer_than_its_lease_is_sent_once_by_two_senders(self, live) -> None:  # type: ignore[no-untyped-def]
        """The probe: 8 s per send, 40 alerts, a second sender after the lease: 79 sends. Scaled: the
        lease is 2 s, each send 0.25 s, 4 at a time: the batch takes 2.5 s."""
        from bot.clock import SystemClock
        from bot.outbox.courier import Courier
        from bot.outbox.sender import OutboxSender

        fake, service = live
        fake.latency = 0.25
        await enqueue(service, 40)
        settings = service.settings.notifications.outbox.model_copy(update={"lease_seconds": 2, "concurrency": 4})

        def sender() -> OutboxSender:
            from bot.keys import WECHAT_API

            courier = Courier(service.app[SESSIONS], service.app[WECHAT_API], service.http)
            return OutboxSender(service.app[SESSIONS], SystemClock(), courier, settings, send_timeout_seconds=0.5)

        first = asyncio.create_task(sender().run_once())
        await asyncio.sleep(2.3)  # past the first claim's lease: a second sender tries to take its rows
        second = await sender().run_once()
        await first
        texts = [body["text"]["content"] for body in fake.sent()]
        assert len(texts) == 40 and len(set(texts)) == 40, (len(texts), second)
        assert await count(service, OutboxMessage, OutboxMessage.status == "sent") == 40

    async def test_kill_9_mid_batch_repeats_at_most_the_sends_in_flight(self, live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        fake.latency = 0.3
        await enqueue(service, 40)
        config = (REPO / "config.yaml").read_text(encoding="utf-8").replace("lease_seconds: 60", "lease_seconds: 2")
        (tmp_path / "config.yaml").write_text(config, encoding="utf-8")
        settings = service.settings
        env = {**os.environ, "WUYEBOT_DATABASE_URL": settings.database_url, "WECHAT_TOKEN": "t",
               "WECHAT_APPID": fake.appid, "WECHAT_SECRET": fake.secret, "WECHAT_API_BASE": settings.wechat.api_base,
               "WUYEBOT_CONFIG": str(tmp_path / "config.yaml"), "PYTHONPATH": str(REPO)}
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "jobs", "run-due", env=env,
                                                       stdout=asyncio.subprocess.DEVNULL,
                                                       stderr=asyncio.subprocess.DEVNULL)
        waited = 0.0
        while len(fake.sent()) < 12:
            assert waited < 60 and process.returncode is None, "the sender never got going"
            await asyncio.sleep(0.05)
            waited += 0.05
        process.kill()
        await process.wait()
        sent_before = len(fake.sent())
        await asyncio.sleep(2.5)  # the dead process's lease runs out
        again = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "jobs", "run-due", env=env,
                                                     stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _out, err = await again.communicate()
        assert again.returncode == 0, err.decode()
        texts = [body["text"]["content"] for body in fake.sent()]
        repeated = len(texts) - len(set(texts))
        assert len(set(texts)) == 40
        # What a kill can repeat: the sends in flight (at most ``concurrency``) and the finished ones whose
        # outcome waits behind the one write in progress (at most ``concurrency`` more; _OutcomeWriter writes
        # one batch at a time). A loaded machine reached 5 with concurrency 4.
        concurrency = settings.notifications.outbox.concurrency
        assert repeated <= 2 * concurrency, (repeated, sent_before)


class TestItem4OwnersWhoComeBack:
    async def test_a_message_after_43004_makes_pushes_go_again(self, live) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        await service.wechat.say("o-back", "你好")
        fake.fail_next("message/custom/send", 43004)
        await enqueue(service, 1, recipient="o-back", prefix="first")
        await service.app[SENDER].run_once()
        async with service.app[SESSIONS]() as session:
            assert (await session.get(WechatAccount, "o-back")).subscribed is False  # type: ignore[union-attr]
        await service.wechat.say("o-back", "我回来了，厨房灯坏了")  # within minutes of the last message
        await enqueue(service, 1, recipient="o-back", prefix="second")
        assert (await service.app[SENDER].run_once()).sent == 1

    async def test_a_subscribe_event_after_43004(self, live) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        fake.fail_next("message/custom/send", 43004)
        await enqueue(service, 1, recipient="o-resub", prefix="first")
        await service.app[SENDER].run_once()
        await service.wechat.post(event_xml("o-resub", "subscribe"))
        await enqueue(service, 1, recipient="o-resub", prefix="second")
        assert (await service.app[SENDER].run_once()).sent == 1


class TestItem5DedupeBySender:
    async def test_the_same_msgid_from_another_owner_gets_their_own_answer(self, chat: Chat) -> None:
        await chat.bind("owner-zhang", "3-2-501", "13800000001")
        await seed_bills(chat)
        wechat = chat.service.wechat
        first = await wechat.say("owner-zhang", "我家物业费还欠多少", msg_id=123456)
        assert "合计" in (first.content or "")
        second = await wechat.say("o-stranger", "我家物业费还欠多少", msg_id=123456)
        assert second.content != first.content and "合计" not in (second.content or "")
        assert await count(chat.service, ProcessedMessage) == 2


class TestItem6NoSecretsStored:
    async def test_a_redirecting_api_leaves_no_token_or_secret_in_the_outbox(self, live) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        fake.fail_next("token", http_status=302)
        await enqueue(service, 1, prefix="a")
        await service.app[SENDER].run_once()
        fake.fail_next("message/custom/send", http_status=302)
        async with service.app[SESSIONS].begin() as session:
            await session.execute(text("UPDATE outbox SET due_at = '2000-01-01 00:00:00'"))
        await service.app[SENDER].run_once()
        async with service.app[SESSIONS]() as session:
            errors = list((await session.scalars(select(OutboxMessage.last_error))).all())
        headers = {"Authorization": "Bearer admin-secret"}
        async with service.http.get(service.url + "/api/outbox", headers=headers) as response:
            shown = await response.text()
        assert any("302" in (error or "") for error in errors), errors
        for leaked in (fake.secret, "TOKEN-", "access_token=T", "secret=test"):
            assert all(leaked not in (error or "") for error in errors) and leaked not in shown

    async def test_the_robot_url_is_not_stored_in_the_row(self, live) -> None:  # type: ignore[no-untyped-def]
        from bot.keys import SERVICES

        _fake, service = live
        robots = {"repair": "http://127.0.0.1:9/robot/send?key=ROBOT-SECRET"}
        notifier = service.app[SERVICES].notifier
        notifier._settings = override(service.settings, notifications={"wecom_robots": robots})
        async with service.app[SESSIONS].begin() as session:
            assert await notifier.to_group(session, "repair", "**新工单**", key="g1")
        async with service.app[SESSIONS]() as session:
            row = await session.scalar(select(OutboxMessage))
        assert "ROBOT-SECRET" not in str(row.payload)  # type: ignore[union-attr]


class TestItem7NoServerErrorsForInput:
    async def raw(self, service: Any, request: bytes) -> bytes:
        host, port = service.url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(request)
        await writer.drain()
        answer = await reader.read()
        writer.close()
        return answer

    async def test_a_non_ascii_bearer_token_is_401(self, live) -> None:  # type: ignore[no-untyped-def]
        _fake, service = live
        answer = await self.raw(service, b"GET /api/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xe9\r\n"
                                         b"Connection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 401")

    @pytest.mark.parametrize("path", ["/api/passes/verify", "/api/tickets/R20261123001/actions"])
    async def test_a_5000_digit_integer_is_400(self, live, path: str) -> None:  # type: ignore[no-untyped-def]
        _fake, service = live
        headers = {"Authorization": "Bearer admin-secret", "Content-Type": "application/json"}
        for body in ('{"code": ' + "9" * 5000 + "}", '{"action": "accept", "staff": ' + "9" * 5000 + "}",
                     "[" * 100_000 + "]" * 100_000):
            async with service.http.post(service.url + path, data=body, headers=headers) as response:
                assert response.status in (400, 413), await response.text()
                assert "Error" not in await response.text()

    @pytest.mark.parametrize("body", [b"<xml><MsgType>text", b"<xml></xml>", b"<a/>",
                                      b"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType>"
                                      b"<CreateTime>x</CreateTime></xml>"])
    async def test_400_reasons_are_plain(self, chat: Chat, body: bytes) -> None:
        wechat = chat.service.wechat
        async with wechat.http.post(wechat.url, params=wechat.signed_params(), data=body) as response:
            reason = await response.text()
        assert response.status == 400 and "Error" not in reason and "(" not in reason


class TestItems8And9HealthAndLogs:
    @pytest.mark.sqlite_only("a read-only SQLite connection; PostgreSQL down is tests/faults/test_database_outage.py")
    async def test_a_database_that_refuses_writes_is_unhealthy_and_the_log_stays_short(self, chat: Chat) -> None:
        stream = io.StringIO()
        handler = configure_logging(logging.INFO, stream)
        try:
            async with chat.service.app[ENGINE].connect() as connection:  # the one pooled SQLite connection
                await connection.exec_driver_sql("PRAGMA query_only = 1")
            owner = chat.person("o-readonly")
            for index in range(30):
                assert "稍后" in await owner.says(f"我家厨房水管漏水了，电话13812345678，第{index}次")
            async with chat.service.http.get(chat.service.url + "/healthz") as response:
                assert response.status == 503 and "write" in (await response.json())["reason"]
        finally:
            logging.getLogger().removeHandler(handler)
        log = stream.getvalue()
        assert log.count("Traceback") <= 2, log[:3000]
        assert "13812345678" not in log and "厨房水管" not in log

    async def test_owners_phone_id_and_words_never_reach_the_log(self, chat: Chat) -> None:
        stream = io.StringIO()
        handler = configure_logging(logging.INFO, stream)
        try:
            async with chat.service.app[ENGINE].connect() as connection:
                if connection.dialect.name == "postgresql":  # refused as a constraint is, the row in its DETAIL
                    await connection.exec_driver_sql(
                        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
                        "'disk I/O error' USING DETAIL = 'Failing row contains ' || NEW::text; END $$")
                    await connection.exec_driver_sql(
                        "CREATE TRIGGER refuse BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION refuse()")
                else:
                    await connection.exec_driver_sql("CREATE TRIGGER refuse BEFORE INSERT ON tickets "
                                                     "BEGIN SELECT RAISE(FAIL, 'disk I/O error'); END")
                await connection.commit()
            await chat.bind("owner-zhang", "3-2-501", "13800000001")
            zhang = chat.person("owner-zhang")
            await zhang.says("投诉楼上装修吵，我身份证440301199001011234，电话13912345678，楼上天天砸墙")
            for _ in range(3):
                reply = await zhang.says("确认")
                if "稍后" in reply:
                    break
        finally:
            logging.getLogger().removeHandler(handler)
        log = stream.getvalue()
        assert "Traceback" in log  # the failure was logged …
        for private in ("13912345678", "440301199001011234", "天天砸墙", "13800000001"):
            assert private not in log, private  # … without the owner's phone, ID number or words


class TestItem10OneServerPerRealFile:
    def test_a_symlink_to_the_database_names_the_same_lock(self, tmp_path: Path) -> None:
        from bot.cli.serve import _only_server

        real = tmp_path / "data" / "wuyebot.db"
        real.parent.mkdir()
        real.touch()
        link = tmp_path / "link.db"
        link.symlink_to(real)
        with _only_server(f"sqlite+aiosqlite:///{real}") as first:
            assert first
            with _only_server(f"sqlite+aiosqlite:///{link}") as second:
                assert not second
            with _only_server(f"sqlite+aiosqlite:///{tmp_path}/data/../data/wuyebot.db") as third:
                assert not third


class TestItem11SandboxOutbox:
    async def test_only_this_machine_or_the_admin_token(self, make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
        service = await start_service(make_settings(WUYEBOT_ADMIN_TOKEN="adm"), run_sender=False, run_scheduler=False)
        url, params = service.url + "/sandbox/outbox", {"openid": "o-1"}
        async with service.http.get(url, params=params) as response:
            assert response.status == 200
        forwarded = {"X-Forwarded-For": "203.0.113.9"}
        async with service.http.get(url, params=params, headers=forwarded) as response:
            assert response.status == 403
        async with service.http.get(url, params=params,
                                    headers=forwarded | {"Authorization": "Bearer adm"}) as response:
            assert response.status == 200


class TestItem12Pruning:
    async def test_old_records_go_and_what_matters_stays(self, chat: Chat) -> None:
        await chat.bind("owner-zhang", "3-2-501", "13800000001")
        flood = [f"o-flood-{index}" for index in range(30)]
        for openid in flood:
            await chat.person(openid).says("你好")
        await chat.person("o-recent").says("在吗")
        chat.clock.travel(timedelta(days=200))
        await chat.person("o-recent").says("在吗")
        await chat.service.app[JOBS].run_due(chat.now().replace(hour=19, minute=40))  # 03:40 Shanghai
        service = chat.service
        assert await count(service, ProcessedMessage, ProcessedMessage.openid.in_(flood)) == 0
        assert await count(service, WechatAccount, WechatAccount.openid.in_(flood)) == 0
        assert await count(service, WechatAccount, WechatAccount.openid == "o-recent") == 1
        assert await count(service, WechatAccount, WechatAccount.openid == "owner-zhang") == 1  # bound: kept
        assert await count(service, ProcessedMessage, ProcessedMessage.openid == "o-recent") == 1


class TestBorderlineOutsideTheWindow:
    async def test_with_no_template_a_push_waits_for_the_owner_instead_of_dying(self, live) -> None:  # type: ignore[no-untyped-def]
        fake, service = live
        fake.fail_next("message/custom/send", 45015)
        await enqueue(service, 1, recipient="o-quiet", prefix="accepted", kind="ticket_update")
        await service.app[SENDER].run_once()
        async with service.app[SESSIONS]() as session:
            row = await session.scalar(select(OutboxMessage))
        assert row is not None and row.status == "held"
        await service.wechat.say("o-quiet", "在吗")
        assert (await service.app[SENDER].run_once()).sent == 1
