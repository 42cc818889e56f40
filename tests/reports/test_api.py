"""GET /api/stats: the report figures as JSON, the same the terminal prints."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.keys import SESSIONS
from handlers.reports import compute, parse_period
from handlers.reports.command import run_report_command
from handlers.reports.wording import percent, yuan
from tests.reports.conftest import ADMIN_TOKEN, NOW, TZ

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
MONEY_KEYS = frozenset({"billed", "paid", "unpaid", "amount"})


async def stats(service, **params: str) -> tuple[int, Any]:  # type: ignore[no-untyped-def]
    async with service.http.get(service.url + "/api/stats", params=params, headers=AUTH) as response:
        return response.status, await response.json()


async def computed(service, label: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS]() as session:
        return (await compute(session, parse_period(label, NOW, TZ), NOW, service.settings)).to_json()


def shown(data: Any, key: str = "") -> list[str]:
    """Every rate and sum of money in the JSON, as the terminal writes it."""
    if isinstance(data, dict):
        return [text for name, value in data.items() for text in shown(value, name)]
    if isinstance(data, list):
        return [text for item in data for text in shown(item, key)]
    if key.endswith("rate") and (data is None or isinstance(data, str)):
        return [percent(None if data is None else Decimal(data))]
    if key in MONEY_KEYS:
        return [yuan(Decimal(data))]
    return []


@pytest.mark.parametrize("label", ["2026-10", "2026-W44"])
async def test_the_json_is_the_reports_own(october, label) -> None:  # type: ignore[no-untyped-def]
    status, body = await stats(october.service, period=label)
    estates = body.pop("estates")
    assert status == 200 and body == await computed(october.service, label)
    assert [estate["estate"] for estate in estates] == ["default", "lanting"]


async def test_the_json_equals_the_terminal_figures(october, capsys) -> None:  # type: ignore[no-untyped-def]
    service = october.service
    _status, body = await stats(service, period="2026-10")
    assert await asyncio.to_thread(run_report_command, "monthly", "2026-10", None, service.settings,
                                   clock=FrozenClock(NOW)) == 0
    printed = capsys.readouterr().out
    figures = shown(body)
    assert len(figures) > 30 and "57.69%" in figures and "¥1,105.50" in figures
    assert [figure for figure in figures if figure not in printed] == []
    printed_words = " ".join(printed.split())
    totals = body["repairs"]["totals"]
    assert (f"合计 {totals['new']} {totals['completed']} {totals['on_time']} 50.00% {totals['open_at_end']}"
            in printed_words)
    visits = body["return_visits"]
    assert f"回访率 87.50% {visits['answered'] + visits['by_phone']} {visits['due']}" in printed_words


async def test_default_is_last_month(october) -> None:  # type: ignore[no-untyped-def]
    status, body = await stats(october.service)
    assert status == 200 and body["report"] == "monthly" and body["period"]["label"] == "2026-10"


@pytest.mark.parametrize(("period", "reason"), [
    ("2026-13", "there is no month 13"), ("2026-W60", "2026 has no ISO week 60"), ("last-month", "is not a week"),
    ("2027-01", "has not begun"),
])
async def test_a_malformed_period_is_400_with_the_reason(service, period, reason) -> None:  # type: ignore[no-untyped-def]
    status, body = await stats(service, period=period)
    assert status == 400 and reason in body["error"]


async def test_an_empty_month_has_null_rates(service) -> None:  # type: ignore[no-untyped-def]
    status, body = await stats(service, period="2026-08")
    assert status == 200 and body["satisfaction"]["rate"] is None and body["fees"]["totals"]["billed"] == "0.00"


async def test_the_bearer_token_is_still_required(service) -> None:  # type: ignore[no-untyped-def]
    async with service.http.get(service.url + "/api/stats", params={"period": "2026-10"}) as response:
        assert response.status == 401
