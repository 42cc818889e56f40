"""``GET /metrics`` (bearer token), request ids in answers and log lines, JSON log lines."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from prometheus_client.parser import text_string_to_metric_families

from bot.clock import FrozenClock
from bot.keys import SESSIONS
from bot.logs import REQUEST_ID, configure_logging
from tests.support.chat import Chat
from tests.support.estate import seed_estate

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TOKEN = "metrics-admin"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


async def test_metrics_count_what_owners_did(make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock(MONDAY_10)
    service = await start_service(make_settings(WUYEBOT_ADMIN_TOKEN=TOKEN), clock=clock, run_sender=False)
    async with service.app[SESSIONS].begin() as session:
        people = await seed_estate(session)
    chat = Chat(service=service, clock=clock, people=people)
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    await zhang.says("卫生间水管接头漏水了")
    await zhang.says("明天下午3点")
    await zhang.says("确认")
    await zhang.says("量子纠缠的猫咪飞船")  # words the NLU cannot place

    for headers in ({}, {"Authorization": "Bearer wrong"}):
        async with service.http.get(f"{service.url}/metrics", headers=headers) as refused:
            assert refused.status == 401
    clock.travel(timedelta(days=3))  # past the repair's deadlines
    async with service.http.get(f"{service.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}) as answer:
        assert answer.status == 200
        assert answer.content_type == "text/plain"
        samples = _samples(await answer.text())

    # The repair's three messages (its answers and 确认 belong to its form), the stray words as other.
    messages = {labels: value for (name, labels), value in samples.items() if name == "wuyebot_messages_total"}
    assert messages == {(("intent", "repair"),): 3, (("intent", "other"),): 1}
    assert samples[("wuyebot_reply_seconds_count", ())] == 4
    # Only words read as a new request count for the NLU: the repair and the stray words, one fallback.
    assert samples[("wuyebot_nlu_understandings_total", ())] == 2
    assert samples[("wuyebot_nlu_fallbacks_total", ())] == 1
    assert samples[("wuyebot_reply_deadline_misses_total", ())] == 0
    assert samples[("wuyebot_outbox_pushes", (("state", "pending"),))] >= 1  # the staff were told of the ticket
    assert samples[("wuyebot_outbox_pushes", (("state", "due"),))] >= 1
    assert samples[("wuyebot_outbox_pushes", (("state", "dead"),))] == 0
    breaches = {dict(labels)["deadline"]: value for (name, labels), value in samples.items()
                if name == "wuyebot_sla_breaches"}
    # The visit booked for Tuesday 15:00 was missed; the repair's resolve deadline is still ahead;
    # every deadline's series is there, at zero, for alerts to watch.
    assert breaches == {"on_site": 1, "resolve": 0, "answer": 0, "acknowledge": 0, "report": 0}


async def test_request_ids_are_echoed_and_logged(make_settings, start_service, caplog) -> None:  # type: ignore[no-untyped-def]
    service = await start_service(make_settings(), run_sender=False)
    async with service.http.get(f"{service.url}/healthz", headers={"X-Request-Id": "nginx-abc123"}) as answer:
        assert answer.headers["X-Request-Id"] == "nginx-abc123"
    for offered in ("", "has spaces", "x" * 200, "<script>"):
        async with service.http.get(f"{service.url}/nowhere", headers={"X-Request-Id": offered}) as answer:
            made = answer.headers["X-Request-Id"]
            assert made != offered and len(made) == 16  # a new one instead of an unsafe one
    with caplog.at_level(logging.WARNING):
        async with service.http.post(f"{service.url}/wechat", data=b"x",
                                     headers={"X-Request-Id": "req-777"}) as refused:
            assert refused.status == 403
    stream = io.StringIO()
    handler = configure_logging(logging.INFO, stream)
    try:
        token = REQUEST_ID.set("req-888")
        logging.getLogger("wuyebot.test").warning("业主 13800000001 的消息")
        REQUEST_ID.reset(token)
    finally:
        logging.getLogger().removeHandler(handler)
    assert "[req-888]" in stream.getvalue() and "13800000001" not in stream.getvalue()


def test_json_lines_carry_the_request_id_and_mask_phones() -> None:
    stream = io.StringIO()
    handler = configure_logging(logging.INFO, stream, json_lines=True)
    try:
        token = REQUEST_ID.set("req-999")
        try:
            raise ValueError("电话 13800000001")
        except ValueError:
            logging.getLogger("wuyebot.test").exception("处理 13800000001 失败")
        REQUEST_ID.reset(token)
        logging.getLogger("wuyebot.test").warning("outside a request")
    finally:
        logging.getLogger().removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (first["level"], first["logger"], first["request_id"]) == ("ERROR", "wuyebot.test", "req-999")
    assert "13800000001" not in first["message"] and "13800000001" not in first["exception"]
    assert "ValueError" in first["exception"]
    assert second["request_id"] == "-" and datetime.fromisoformat(second["time"]).tzinfo is not None
