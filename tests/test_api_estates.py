"""The admin API with two estates: each ticket's estate, the estate filter, stats per estate, and
staff refused on the tickets of an estate they do not serve (the real app, the bearer token)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reports.conftest import (
    ADMIN_TOKEN,
    LANTING,
    Estate,
    add_lanting,
    at,
    open_ticket,
    report_settings_from,
    start_estate,
)

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
async def estates(make_settings, start_service) -> Estate:  # type: ignore[no-untyped-def]
    """阳光花园 with one repair (D1, at 3-2-501) and 兰亭苑 with its own 3-2-501, L1, L2 and LC1."""
    service = await start_estate(start_service, report_settings_from(make_settings))
    estate = Estate(service, service.clock)
    await open_ticket(estate, "D1", at(10, 9, 9), kind="repair", category="水电", home_id=estate.people["home"].id,
                      openid="owner-zhang")
    return await add_lanting(estate)


async def get(where: Estate, path: str, **params: str) -> tuple[int, Any]:
    service = where.service
    async with service.http.get(service.url + path, params=params, headers=AUTH) as response:
        return response.status, await response.json()


async def act(where: Estate, name: str, **body: str) -> tuple[int, Any]:
    service = where.service
    async with service.http.post(f"{service.url}/api/tickets/{where.numbers[name]}/actions", json=body,
                                 headers=AUTH) as response:
        return response.status, await response.json()


def numbers(estate: Estate, body: Any) -> set[str]:
    named = {number: name for name, number in estate.numbers.items()}
    return {named[ticket["number"]] for ticket in body["tickets"]}


async def test_every_ticket_carries_its_estate_and_the_list_filters_by_it(estates) -> None:  # type: ignore[no-untyped-def]
    status, body = await get(estates, "/api/tickets")
    assert status == 200 and numbers(estates, body) == {"D1", "L1", "L2", "LC1"}
    assert {ticket["number"]: ticket["estate"] for ticket in body["tickets"]} == {
        estates.numbers["D1"]: "default", estates.numbers["L1"]: LANTING, estates.numbers["L2"]: LANTING,
        estates.numbers["LC1"]: LANTING}
    status, body = await get(estates, "/api/tickets", estate=LANTING)
    assert status == 200 and numbers(estates, body) == {"L1", "L2", "LC1"}
    status, body = await get(estates, "/api/tickets", estate=LANTING, kind="complaint")
    assert numbers(estates, body) == {"LC1"}
    status, one = await get(estates, f"/api/tickets/{estates.numbers['L1']}")
    assert status == 200 and one["estate"] == LANTING and one["room"] == "3-2-501"


async def test_a_room_in_two_estates(estates) -> None:  # type: ignore[no-untyped-def]
    _status, body = await get(estates, "/api/tickets", room="3-2-501")
    assert numbers(estates, body) == {"D1", "L1", "L2", "LC1"}  # both estates' 3-2-501
    _status, body = await get(estates, "/api/tickets", room="3-2-501", estate="default")
    assert numbers(estates, body) == {"D1"}


async def test_an_unknown_estate_is_400_with_the_reason(estates) -> None:  # type: ignore[no-untyped-def]
    for path, params in [("/api/tickets", {}), ("/api/stats", {"period": "2026-10"})]:
        status, body = await get(estates, path, estate="nowhere", **params)
        assert status == 400 and "unknown estate 'nowhere'" in body["error"], path


async def test_stats_per_estate_and_for_the_company(estates) -> None:  # type: ignore[no-untyped-def]
    status, lanting = await get(estates, "/api/stats", period="2026-10", estate=LANTING)
    assert status == 200 and lanting["estate"] == LANTING and lanting["estate_name"] == "兰亭苑"
    assert "estates" not in lanting
    assert (lanting["repairs"]["totals"]["new"], lanting["complaints"]["new"]) == (2, 1)
    assert lanting["fees"]["totals"] == {"item": None, "billed": "450.00", "paid": "300.00", "unpaid": "150.00",
                                         "rate": "0.6667"}
    _status, company = await get(estates, "/api/stats", period="2026-10")
    assert company["estate"] is None and company["repairs"]["totals"]["new"] == 3
    each = {report["estate"]: report for report in company["estates"]}
    assert each[LANTING] == lanting
    assert each["default"]["repairs"]["totals"]["new"] == 1 and each["default"]["fees"]["totals"]["billed"] == "0.00"
    _status, weekly = await get(estates, "/api/stats", period="2026-W43", estate=LANTING)
    assert weekly["report"] == "weekly" and weekly["totals"]["new"] == 1
    assert [c["estate"] for c in weekly["open_complaints"]] == [LANTING]


async def test_staff_of_another_estate_are_refused_and_nothing_is_written(estates) -> None:  # type: ignore[no-untyped-def]
    _status, before = await get(estates, f"/api/tickets/{estates.numbers['L2']}")
    for action in ("accept", "assign"):
        status, body = await act(estates, "L2", action=action, staff="王师傅")
        assert status == 403 and "王师傅" in body["error"] and "兰亭苑" in body["error"], action
    status, body = await act(estates, "D1", action="accept", staff="13900000009")  # 孙师傅 by phone
    assert status == 403 and "孙师傅" in body["error"] and "阳光花园" in body["error"]
    _status, after = await get(estates, f"/api/tickets/{estates.numbers['L2']}")
    assert after == before  # same status, assignee and events
    status, body = await act(estates, "L2", action="assign", staff="孙师傅")
    assert status == 200 and body["assignee"] == "孙师傅" and body["events"][-1]["action"] == "assign"
    status, body = await act(estates, "L2", action="accept", staff="孙师傅")
    assert status == 200 and body["status"] == "accepted"
    status, body = await act(estates, "D1", action="accept", staff="王师傅")  # his own estate's ticket
    assert status == 200 and body["status"] == "accepted"
    status, body = await act(estates, "L2", action="start", staff="陈经理")  # an admin serves every estate
    assert status == 200 and body["status"] == "in_progress"
