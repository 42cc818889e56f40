"""The gate's check, ``POST /api/passes/verify``: windows, use counts, refusals with reasons, bad input."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.keys import CLOCK, SESSIONS, SETTINGS
from models import GatePass, Home
from tests.support.chat import Chat
from tests.support.estate import seed_estate

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
TOKEN = "flow-admin"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TUESDAY = datetime(2026, 11, 24, tzinfo=TZ)


@pytest.fixture
async def gate(make_settings, start_service) -> Chat:  # type: ignore[no-untyped-def]
    clock = FrozenClock(MONDAY_10)
    service = await start_service(make_settings(WUYEBOT_ADMIN_TOKEN=TOKEN), clock=clock, run_sender=False)
    async with service.app[SESSIONS].begin() as session:
        people = await seed_estate(session)
    assert service.app[CLOCK] is clock and service.app[SETTINGS].admin_token == TOKEN
    return Chat(service=service, clock=clock, people=people)


async def issue(gate: Chat, code: str = "246810", **fields: Any) -> GatePass:
    """A visitor pass for 3-2-501, Tuesday 14:00-18:00, single use, unless told otherwise."""
    async with gate.sessions.begin() as session:
        home = await session.scalar(select(Home).where(Home.room_key == "3-2-501"))
        assert home is not None
        values: dict[str, Any] = {
            "kind": "visitor", "code": code, "number": f"V20261123{code[-3:]}", "home_id": home.id,
            "openid": "owner-zhang", "visitor_name": "朋友", "plate": "粤A12345", "people": 2,
            "valid_from": TUESDAY.replace(hour=14), "valid_until": TUESDAY.replace(hour=18), "max_uses": 1,
            "uses": 0, "status": "active", "created_at": MONDAY_10, **fields}
        gate_pass = GatePass(**values)
        session.add(gate_pass)
    return gate_pass


async def check(gate: Chat, body: Any, *, headers: dict[str, str] | None = None, raw: bytes | None = None,
                status: int = 200) -> dict[str, Any]:
    url = gate.service.url + "/api/passes/verify"
    kwargs: dict[str, Any] = {"data": raw} if raw is not None else {"json": body}
    async with gate.service.http.post(url, headers=AUTH if headers is None else headers, **kwargs) as response:
        assert response.status == status, await response.text()
        return await response.json()


async def test_valid_inside_the_window_and_used_once(gate: Chat) -> None:
    await issue(gate)
    gate.clock.set(TUESDAY.replace(hour=15))
    answer = await check(gate, {"code": "246810"})
    assert (answer["valid"], answer["reason"]) == (True, "有效")
    shown = answer["pass"]
    assert {key: shown[key] for key in ("kind", "number", "room", "plate", "people", "uses", "max_uses", "status")} == {
        "kind": "visitor", "number": "V20261123810", "room": "3-2-501", "plate": "粤A12345", "people": 2,
        "uses": 1, "max_uses": 1, "status": "used"}
    assert shown["valid_from"] == "2026-11-24T14:00:00+08:00" and shown["valid_until"] == "2026-11-24T18:00:00+08:00"
    assert "openid" not in shown and "code" not in shown  # the gate gets no owner data

    again = await check(gate, {"code": "246810"})
    assert (again["valid"], again["reason"]) == (False, "已使用")


@pytest.mark.parametrize(("moment", "reason"), [
    (TUESDAY.replace(hour=13, minute=59), "未到有效时间"),
    (TUESDAY.replace(hour=18, minute=1), "已过期"),
    (MONDAY_10, "未到有效时间"),
])
async def test_refused_outside_the_window_without_using_it(gate: Chat, moment: datetime, reason: str) -> None:
    await issue(gate)
    gate.clock.set(moment)
    answer = await check(gate, {"code": "246810"})
    assert (answer["valid"], answer["reason"], answer["pass"]["uses"]) == (False, reason, 0)


@pytest.mark.parametrize(("status", "reason"), [
    ("cancelled", "已取消"), ("pending_owner", "待业主确认"), ("rejected", "业主未同意"), ("used", "已使用"),
])
async def test_refused_by_status(gate: Chat, status: str, reason: str) -> None:
    await issue(gate, status=status)
    gate.clock.set(TUESDAY.replace(hour=15))
    answer = await check(gate, {"code": "246810"})
    assert (answer["valid"], answer["reason"]) == (False, reason)


async def test_a_pass_for_several_entries_counts_them(gate: Chat) -> None:
    await issue(gate, max_uses=2)
    gate.clock.set(TUESDAY.replace(hour=15))
    assert (await check(gate, {"code": "246810"}))["pass"]["status"] == "active"
    assert (await check(gate, {"code": " 246 810 "}))["valid"]  # spaces as typed on a keypad
    assert (await check(gate, {"code": "246810"}))["reason"] == "已使用"


async def test_unknown_code(gate: Chat) -> None:
    assert await check(gate, {"code": "000000"}) == {"valid": False, "reason": "无此通行码", "pass": None}


async def test_an_integer_code_keeps_its_leading_zeros(gate: Chat) -> None:
    await issue(gate, code="012345")
    gate.clock.set(TUESDAY.replace(hour=15))
    assert (await check(gate, {"code": 12345}))["valid"]


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"{}", b'{"code": ""}', b'{"code": null}',
                                 b'{"code": ["1"]}', b'{"code": true}', b'{"code": "' + b"1" * 40 + b'"}'])
async def test_bad_bodies_are_400(gate: Chat, raw: bytes) -> None:
    answer = await check(gate, None, raw=raw, status=400)
    assert "error" in answer


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
async def test_401_without_the_token(gate: Chat, headers: dict[str, str]) -> None:
    await issue(gate)
    gate.clock.set(TUESDAY.replace(hour=15))
    await check(gate, {"code": "246810"}, headers=headers, status=401)
    assert (await check(gate, {"code": "246810"}))["valid"]  # the refused calls used nothing up


async def test_a_pass_registered_in_the_chat_opens_the_gate_once(gate: Chat) -> None:
    await gate.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = gate.person("owner-zhang")
    await zhang.says("明天下午有朋友来，帮我登记访客")
    reply = await zhang.says("确认")
    code = re.search(r"通行码：(\d{6})", reply)
    assert code is not None
    gate.clock.set(TUESDAY.replace(hour=16))
    answer = await check(gate, {"code": code.group(1)})
    assert answer["valid"] and answer["pass"]["number"] == "V20261123001"
    gate.clock.travel(timedelta(minutes=5))
    assert (await check(gate, {"code": code.group(1)}))["reason"] == "已使用"


async def test_a_release_permit_check_is_recorded_on_its_ticket(gate: Chat) -> None:
    await gate.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = gate.person("owner-zhang")
    await zhang.says("明天要搬冰箱出去，开个放行条")
    reply = await zhang.says("确认")
    code = re.search(r"放行码：(\d{6})", reply)
    assert code is not None
    gate.clock.set(TUESDAY.replace(hour=9))
    answer = await check(gate, {"code": code.group(1)})
    assert answer["valid"] and answer["pass"]["kind"] == "release" and answer["pass"]["items"] == "冰箱"
    async with gate.sessions() as session:
        ticket = await gate.services.desk.load(session, answer["pass"]["number"])
    assert ticket is not None and any(event.by == "gate" and "门岗核验" in event.note for event in ticket.events)
