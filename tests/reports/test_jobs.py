"""The scheduler's weekly and monthly summaries to supervisors, through the outbox."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from sqlalchemy import select

from bot.keys import JOBS, SESSIONS
from bot.outbox.queue import TEMPLATE, TEMPLATE_FIELD_LIMIT
from handlers.jobs.reports import monthly_summary, weekly_summary
from handlers.reports import compute, parse_period
from models import JobRun, OutboxMessage
from tests.reports.conftest import NOW, SUMMARY_TEMPLATE, TZ, at

WEEKLY = "投诉周报 2026-W44 新增4\n已结2 未结3 超时2\n重大1 重要1 一般1（未结）"
# computed at Nov 1 9:00: C2 was closed on Nov 2 (so 3 of 6 complaints closed), S3 still inside its 3 days
MONTHLY = "服务月报 2026-10 收缴57%\n按时50% 满意66% 回访87%\n报修5 投诉7 结案50% 建议答复50% 欠费3户"


async def summaries(service, prefix: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    async with service.app[SESSIONS]() as session:
        return list(await session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "summary", OutboxMessage.idempotency_key.like(f"{prefix}:%"))
            .order_by(OutboxMessage.recipient)))


async def test_monday_and_the_first_push_the_figures_to_supervisors(october) -> None:  # type: ignore[no-untyped-def]
    service = october.service
    for prefix, text in (("weekly:2026-W44", WEEKLY), ("monthly:2026-10", MONTHLY)):
        pushes = await summaries(service, prefix)
        assert [p.recipient for p in pushes] == ["staff-chen", "staff-zhao"]  # the estate manager and the supervisor
        # the admin hears the company; the supervisor the estate they serve, named (the config has two estates)
        expected = {"staff-chen": text,
                    "staff-zhao": text.replace("投诉周报", "阳光花园周报", 1).replace("服务月报", "阳光花园月报", 1)}
        for push in pushes:
            # staff outside WeChat's 48-hour window get the template: its fields are the first two lines, uncut
            assert push.channel == TEMPLATE and push.payload["template_id"] == SUMMARY_TEMPLATE
            assert push.payload["text"] == expected[push.recipient]
            first, second = expected[push.recipient].splitlines()[:2]
            assert (push.payload["data"]["first"], push.payload["data"]["keyword1"]) == (first, second)
    async with service.app[SESSIONS]() as session:
        runs = dict((await session.execute(select(JobRun.name, JobRun.result)
                                           .where(JobRun.name.in_(("weekly_report", "monthly_report"))))).all())
    assert runs["monthly_report"].startswith("服务月报 2026-10 收缴57% / 按时50%")
    assert runs["monthly_report"].endswith("→ 2 pushes")


async def test_each_summary_goes_once(october) -> None:  # type: ignore[no-untyped-def]
    service = october.service
    await service.app[JOBS].run_due(at(11, 2, 9, 30))
    await service.app[JOBS].run_due(NOW)
    for prefix in ("weekly:2026-W44", "monthly:2026-10", "weekly:2026-W43"):  # W43's ran on Monday Oct 26
        assert len(await summaries(service, prefix)) == 2, prefix
    async with service.app[SESSIONS]() as session:
        fires = list(await session.scalars(select(JobRun.fire_time).where(JobRun.name == "weekly_report")
                                           .order_by(JobRun.fire_time)))
    assert fires == [at(10, 26, 9), at(11, 2, 9)]


async def test_template_fields_stay_within_twenty_characters(october) -> None:  # type: ignore[no-untyped-def]
    async with october.service.app[SESSIONS]() as session:
        weekly = await compute(session, parse_period("2026-W44", NOW, TZ), NOW, october.service.settings)
        monthly = await compute(session, parse_period("2026-10", NOW, TZ), NOW, october.service.settings)
    busy_week = dataclasses.replace(weekly, totals=dataclasses.replace(weekly.totals, new=999, closed=999, open=999,
                                                                       overdue=999))
    best = Decimal("1.0000")
    perfect_month = dataclasses.replace(
        monthly, fees=dataclasses.replace(monthly.fees, totals=dataclasses.replace(monthly.fees.totals, rate=best)),
        repairs=dataclasses.replace(monthly.repairs,
                                    totals=dataclasses.replace(monthly.repairs.totals, on_time_rate=best)),
        satisfaction=dataclasses.replace(monthly.satisfaction, rate=best),
        return_visits=dataclasses.replace(monthly.return_visits, rate=best))
    for text in (weekly_summary(busy_week), monthly_summary(perfect_month)):
        assert all(len(line) <= TEMPLATE_FIELD_LIMIT for line in text.splitlines()[:2]), text
    assert monthly_summary(perfect_month).splitlines()[1] == "按时100% 满意100% 回访100%"
    nothing = dataclasses.replace(monthly, satisfaction=dataclasses.replace(monthly.satisfaction, rate=None))
    assert "满意— " in monthly_summary(nothing)
